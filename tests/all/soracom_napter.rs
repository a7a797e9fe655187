//! Soracom Napter through the CLI: the mapping noun (by SIM id and by IMSI), the six catalogue
//! operations, validation before anything is sent, paging with `--all`, and entries expiring
//! on the emulator clock.

use crate::support::Env;
use serde_json::{Value, json};
use std::time::Duration;

const SIM: &str = "8942310022000012345";
const OTHER_SIM: &str = "8942310022000067890";
const IMSI: &str = "440101234567890";

/// A home with the Napter adapter, a credential holding the emulator's auth key pair and a
/// profile `t` pointing at the emulator.
fn napter() -> Env {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("soracom-test", &["auth-key-id", "auth-key"], &[&id, &key]);
    env.install_with_profile(
        portico_test_artifacts::SORACOM_NAPTER,
        "soracom-napter",
        Some("soracom-test"),
        &[],
    );
    env
}

fn create(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["mapping", "create"];
    all.extend(args);
    env.json(&all)
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(id).collect()
}

/// The Napter requests the emulator saw, as `METHOD path[?query]` (the token exchange left out).
fn napter_requests(env: &Env) -> Vec<String> {
    env.emu()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v1/port_mappings"))
        .map(|r| match &r.query {
            Some(q) => format!("{} {}?{q}", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect()
}

#[test]
fn mapping_noun_by_sim_and_by_imsi() {
    let env = napter();
    let by_sim = create(
        &env,
        &[
            "--destination",
            &format!("sim:{SIM}:22"),
            "--allowed-network",
            "198.51.100.0/24",
            "--properties",
            r#"{"service": "air", "duration": 1800, "tlsRequired": false}"#,
        ],
    );
    assert_eq!(by_sim["state"], "available", "{by_sim}");
    assert_eq!(by_sim["provider_state"], "active");
    assert_eq!(by_sim["kind"], "port-mapping");
    assert_eq!(by_sim["destination"], format!("sim:{SIM}:22"));
    assert_eq!(by_sim["parent_id"], SIM);
    assert_eq!(by_sim["allowed_networks"], json!(["198.51.100.0/24"]));
    let provider = &by_sim["provider"];
    assert_eq!(
        id(&by_sim),
        format!(
            "{}:{}",
            provider["ipAddress"].as_str().unwrap(),
            provider["port"]
        )
    );
    assert_eq!(
        provider["destination"]["destinationChoosingStrategy"],
        "AIR_PRIORITIZED"
    );
    assert_eq!(provider["duration"], 1800);
    assert!(by_sim["expires_at"].as_str().unwrap().ends_with('Z'));
    let sim_id = id(&by_sim);

    let by_imsi = create(
        &env,
        &[
            "--destination",
            &format!("imsi:{IMSI}"),
            "--properties",
            r#"{"port": 80, "tlsRequired": true}"#,
        ],
    );
    assert_eq!(by_imsi["destination"], format!("imsi:{IMSI}:80"));
    assert_eq!(by_imsi["parent_id"], Value::Null);
    assert_eq!(
        by_imsi["provider"]["destination"]["destinationChoosingStrategy"],
        "IMSI_PRIORITIZED"
    );
    assert_eq!(by_imsi["provider"]["tlsRequired"], true);
    let imsi_id = id(&by_imsi);

    let by_parent = create(
        &env,
        &[
            "--parent",
            SIM,
            "--properties",
            r#"{"port": "8080", "service": "arc"}"#,
        ],
    );
    assert_eq!(
        by_parent["provider"]["destination"]["destinationChoosingStrategy"],
        "ARC_PRIORITIZED"
    );
    let parent_id = id(&by_parent);

    // The request bodies the adapter built.
    let posts: Vec<Value> = env
        .emu()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/port_mappings")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(
        posts,
        [
            json!({"destination": {"simId": SIM, "service": "air", "port": 22}, "duration": 1800,
                   "source": {"ipRanges": ["198.51.100.0/24"]}, "tlsRequired": false}),
            json!({"destination": {"imsi": IMSI, "port": 80}, "tlsRequired": true}),
            json!({"destination": {"simId": SIM, "service": "arc", "port": 8080}}),
        ]
    );

    let mut all = ids(&env.json(&["mapping", "list"]));
    all.sort();
    let mut expected = vec![sim_id.clone(), imsi_id.clone(), parent_id.clone()];
    expected.sort();
    assert_eq!(all, expected);
    let for_sim = ids(&env.json(&["mapping", "list", "--filter", &format!("sim-id={SIM}")]));
    assert_eq!(for_sim.len(), 2, "{for_sim:?}");
    assert!(for_sim.contains(&sim_id) && for_sim.contains(&parent_id));
    assert_eq!(
        ids(&env.json(&["mapping", "list", "--parent", SIM])).len(),
        2
    );
    assert_eq!(
        ids(&env.json(&["mapping", "list", "--filter", &format!("imsi={IMSI}")])),
        [imsi_id.as_str()]
    );
    // The per-SIM and per-IMSI endpoints answer 404 when there is nothing: an empty list.
    assert_eq!(
        env.json(&[
            "mapping",
            "list",
            "--filter",
            &format!("sim-id={OTHER_SIM}")
        ]),
        json!([])
    );
    assert_eq!(
        env.json(&["mapping", "list", "--filter", "imsi=440109999999999"]),
        json!([])
    );
    let table = env.run(&["mapping", "list"]).expect_code(0);
    assert!(
        table.stdout.contains(&imsi_id) && table.stdout.contains("DESTINATION"),
        "{}",
        table.stdout
    );

    let got = env.json(&["mapping", "get", &sim_id]);
    assert_eq!(got["destination"], format!("sim:{SIM}:22"));
    assert_eq!(got["allowed_networks"], json!(["198.51.100.0/24"]));
    let got = env.json(&["mapping", "get", &parent_id, "--parent", SIM]);
    assert_eq!(got["destination"], format!("sim:{SIM}:8080"));

    let update = env
        .run(&[
            "mapping",
            "update",
            &sim_id,
            "--properties",
            r#"{"duration": 60}"#,
        ])
        .expect_code(1);
    assert!(
        update
            .stderr
            .contains("mapping update is not supported by adapter soracom-napter"),
        "{}",
        update.stderr
    );

    env.run(&["mapping", "delete", &sim_id]).expect_code(0);
    let gone = env.run(&["mapping", "get", &sim_id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    let again = env.run(&["mapping", "delete", &sim_id]).expect_code(1);
    assert!(
        again.stderr.contains("not found (HTTP 404, code "),
        "{}",
        again.stderr
    );
    let (ip, port) = sim_id.rsplit_once(':').unwrap();
    assert!(
        napter_requests(&env).contains(&format!("DELETE /v1/port_mappings/{ip}/{port}")),
        "{:?}",
        napter_requests(&env)
    );
    assert_eq!(ids(&env.json(&["mapping", "list"])).len(), 2);
}

#[test]
fn invalid_specs_are_refused_before_anything_is_sent() {
    let env = napter();
    let sim22 = format!("sim:{SIM}:22");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--destination",
                &sim22,
                "--properties",
                r#"{"duration": 28801}"#,
            ],
            "`duration`",
        ),
        (
            vec![
                "--destination",
                &sim22,
                "--properties",
                r#"{"duration": 0}"#,
            ],
            "`duration`",
        ),
        (
            vec!["--destination", &sim22, "--allowed-network", "10.0.0.0/33"],
            "`allowed-networks`",
        ),
        (
            vec!["--destination", &sim22, "--allowed-network", "198.51.100.7"],
            "`allowed-networks`",
        ),
        (
            vec![
                "--destination",
                &sim22,
                "--allowed-network",
                "2001:db8::/129",
            ],
            "`allowed-networks`",
        ),
        (vec!["--destination", "sim:1:65536"], "`port`"),
        (vec!["--destination", "sim:1:0"], "`port`"),
        (vec!["--properties", r#"{"port": 22}"#], "`destination`"),
        (
            vec![
                "--destination",
                &sim22,
                "--properties",
                r#"{"service": "beam"}"#,
            ],
            "`service`",
        ),
    ];
    for (args, field) in cases {
        let mut all = vec!["mapping", "create"];
        all.extend(&args);
        let run = env.run(&all).expect_code(1);
        assert!(
            run.stderr
                .contains("soracom-napter mapping.create: invalid input"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(field), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    assert!(
        env.emu().requests().is_empty(),
        "nothing may reach the emulator, not even the token exchange: {:?}",
        env.emu().requests()
    );
}

#[test]
fn every_operation_through_op_call() {
    let env = napter();
    let catalog = env.json(&["op", "list"]);
    let mut names: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "createPortMapping",
            "createPortMappingForSim",
            "deletePortMapping",
            "listPortMappings",
            "listPortMappingsForSim",
            "listPortMappingsForSubscriber"
        ]
    );

    let by_imsi = env.json(&[
        "op",
        "call",
        "createPortMapping",
        "--body",
        &json!({"destination": {"imsi": IMSI, "port": 22}, "duration": 600}).to_string(),
    ]);
    assert_eq!(by_imsi["destination"]["imsi"], IMSI);
    let for_sim = env.json(&[
        "op",
        "call",
        "createPortMappingForSim",
        "--param",
        &format!("sim_id={SIM}"),
        "--body",
        r#"{"destination": {"port": 443, "service": "arc"}, "source": {"ipRanges": ["192.0.2.0/24"]}}"#,
    ]);
    assert_eq!(for_sim["simId"], SIM);
    assert_eq!(
        for_sim["destination"]["destinationChoosingStrategy"],
        "ARC_PRIORITIZED"
    );

    let first = env
        .run(&[
            "op",
            "call",
            "listPortMappings",
            "--param",
            "limit=1",
            "-o",
            "json",
        ])
        .expect_code(0);
    assert_eq!(first.json().as_array().unwrap().len(), 1);
    assert!(first.stderr.contains("--cursor"), "{}", first.stderr);
    let pages = env.json(&[
        "op",
        "call",
        "listPortMappings",
        "--param",
        "limit=1",
        "--all",
    ]);
    assert_eq!(pages.as_array().unwrap().len(), 2, "{pages}");

    let listed = env.json(&[
        "op",
        "call",
        "listPortMappingsForSim",
        "--param",
        &format!("sim_id={SIM}"),
    ]);
    assert_eq!(listed[0]["endpoint"], for_sim["endpoint"]);
    let listed = env.json(&[
        "op",
        "call",
        "listPortMappingsForSubscriber",
        "--param",
        &format!("imsi={IMSI}"),
    ]);
    assert_eq!(listed[0]["endpoint"], by_imsi["endpoint"]);

    let deleted = env
        .run(&[
            "op",
            "call",
            "deletePortMapping",
            "--param",
            &format!("ip_address={}", for_sim["ipAddress"].as_str().unwrap()),
            "--param",
            &format!("port={}", for_sim["port"]),
        ])
        .expect_code(0);
    assert!(deleted.stderr.contains("done"), "{}", deleted.stderr);
    // The raw operation keeps the API's 404 for a SIM without entries.
    let none = env
        .run(&[
            "op",
            "call",
            "listPortMappingsForSim",
            "--param",
            &format!("sim_id={SIM}"),
        ])
        .expect_code(1);
    assert!(
        none.stderr.contains("not found (HTTP 404, code "),
        "{}",
        none.stderr
    );
    // A provider refusal keeps Soracom's code.
    let refused = env
        .run(&[
            "op",
            "call",
            "createPortMapping",
            "--body",
            r#"{"destination": {"imsi": "1", "port": 22}, "duration": 99999}"#,
        ])
        .expect_code(1);
    assert!(
        refused.stderr.contains("invalid input (HTTP 400, code "),
        "{}",
        refused.stderr
    );

    let seen = napter_requests(&env);
    for expected in [
        "POST /v1/port_mappings".to_string(),
        format!("POST /v1/port_mappings/sims/{SIM}"),
        "GET /v1/port_mappings?limit=1".to_string(),
        format!("GET /v1/port_mappings/sims/{SIM}"),
        format!("GET /v1/port_mappings/subscribers/{IMSI}"),
        format!(
            "DELETE /v1/port_mappings/{}/{}",
            for_sim["ipAddress"].as_str().unwrap(),
            for_sim["port"]
        ),
    ] {
        assert!(seen.contains(&expected), "{expected} not in {seen:?}");
    }
    assert!(
        seen.iter()
            .any(|r| r.starts_with("GET /v1/port_mappings?limit=1&last_evaluated_key=")),
        "{seen:?}"
    );
    // Every Napter request carried the exchanged key and token, put there by the host.
    for request in env.emu().requests() {
        if request.path.starts_with("/v1/port_mappings") {
            assert!(request.header("x-soracom-api-key").is_some(), "{request:?}");
            assert!(request.header("x-soracom-token").is_some(), "{request:?}");
        }
    }
}

#[test]
fn list_all_follows_every_page() {
    let env = napter();
    for port in 1..=5 {
        create(
            &env,
            &["--destination", &format!("sim:{SIM}:{}", 8000 + port)],
        );
    }
    env.emu().clear_requests();
    let all = env.json(&["mapping", "list", "--limit", "2", "--all"]);
    let got = ids(&all);
    assert_eq!(got.len(), 5, "{all}");
    let distinct: std::collections::BTreeSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), 5, "no entry twice: {all}");
    let gets: Vec<String> = napter_requests(&env)
        .into_iter()
        .filter(|r| r.starts_with("GET /v1/port_mappings?"))
        .collect();
    assert_eq!(gets.len(), 3, "{gets:?}");
    assert_eq!(gets[0], "GET /v1/port_mappings?limit=2");
    assert!(
        gets[1..]
            .iter()
            .all(|r| r.contains("limit=2") && r.contains("last_evaluated_key=")),
        "{gets:?}"
    );

    // Without --all: one page and a cursor to continue from.
    let first = env
        .run(&["mapping", "list", "--limit", "2", "-o", "json"])
        .expect_code(0);
    let first_ids = ids(&first.json());
    assert_eq!(first_ids, got[..2]);
    let cursor = first
        .stderr
        .split("--cursor ")
        .nth(1)
        .expect("a cursor on stderr")
        .trim();
    let second = ids(&env.json(&["mapping", "list", "--limit", "2", "--cursor", cursor]));
    assert_eq!(second, got[2..4]);
}

#[test]
fn entries_expire_on_the_emulator_clock() {
    let env = napter();
    let short = create(
        &env,
        &[
            "--destination",
            &format!("sim:{SIM}:22"),
            "--properties",
            r#"{"duration": 60}"#,
        ],
    );
    let long = create(
        &env,
        &[
            "--destination",
            &format!("sim:{OTHER_SIM}:22"),
            "--properties",
            r#"{"duration": 28800}"#,
        ],
    );
    let (short_id, long_id) = (id(&short), id(&long));
    assert_eq!(
        env.json(&["mapping", "get", &short_id])["state"],
        "available"
    );

    env.emu().advance_clock(Duration::from_secs(61));
    let gone = env.run(&["mapping", "get", &short_id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    assert_eq!(ids(&env.json(&["mapping", "list"])), [long_id.as_str()]);
    assert_eq!(
        env.json(&["mapping", "list", "--filter", &format!("sim-id={SIM}")]),
        json!([])
    );
    assert_eq!(
        env.json(&["mapping", "get", &long_id])["state"],
        "available"
    );

    env.emu().advance_clock(Duration::from_secs(8 * 3600));
    assert_eq!(env.json(&["mapping", "list"]), json!([]));
}
