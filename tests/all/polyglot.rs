//! The Soracom Napter adapter in Python (`adapters/soracom-napter-py`, componentize-py) and in
//! JavaScript (`adapters/soracom-napter-js`, componentize-js): each installs as a 0.2.0
//! component beside the Rust one, runs a mapping lifecycle and a paged catalogue operation
//! against the emulator with one token exchange for the whole session, and keeps the AuthKey,
//! the API key and the token out of its linear memory (the `memory-dump` scan, as
//! `sessions::auth_key_api_key_and_token_appear_nowhere_after_a_session` does for Rust).
//!
//! Each test compiles a 17 to 19 MB component, so there are two per language.

use crate::support::{Env, Run, assert_no_secrets, outputs};
use portico_emulator::RecordedRequest;
use serde_json::{Value, json};

const SIM: &str = "8942310022000012345";
const IMSI: &str = "440101234567890";

/// One of the two adapters.
struct Lang {
    component: &'static str,
    adapter: &'static str,
}

const PYTHON: Lang = Lang {
    component: portico_test_artifacts::SORACOM_NAPTER_PY,
    adapter: "soracom-napter-py",
};

const JAVASCRIPT: Lang = Lang {
    component: portico_test_artifacts::SORACOM_NAPTER_JS,
    adapter: "soracom-napter-js",
};

/// A home with the adapter, a credential holding the emulator's auth key pair and a profile
/// `t` pointing at the emulator.
fn napter(lang: &Lang) -> Env {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("soracom-test", &["auth-key-id", "auth-key"], &[&id, &key]);
    env.install_with_profile(lang.component, lang.adapter, Some("soracom-test"), &[]);
    env
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(id).collect()
}

fn auth_calls(env: &Env) -> usize {
    env.emu()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/auth")
        .count()
}

/// The API keys and tokens the emulator saw on authenticated requests.
fn issued_tokens(requests: &[RecordedRequest]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in requests {
        if let (Some(key), Some(token)) =
            (r.header("x-soracom-api-key"), r.header("x-soracom-token"))
            && !out.iter().any(|(k, _)| k == key)
        {
            out.push((key.to_string(), token.to_string()));
        }
    }
    out
}

fn describes_itself_as_a_0_2_0_mapping_adapter(env: &Env, lang: &Lang) {
    let inspect = env.json(&["adapter", "inspect", lang.adapter]);
    assert_eq!(inspect["wit"], "0.2.0", "{inspect}");
    assert_eq!(inspect["name"], lang.adapter);
    assert_eq!(inspect["operations"], 6);
    assert_eq!(
        inspect["capabilities"],
        json!([{"noun": "mapping", "actions": ["list", "get", "create", "delete"],
                "parent": "optional", "filters": ["sim-id", "imsi"], "labels": false,
                "ownership": "none (never pruned)", "descriptions": [], "unique_names": false}])
    );
    assert_eq!(inspect["kinds"], json!(["mapping/port-mapping"]));
}

fn lifecycle_paging_and_one_exchange(lang: &Lang) {
    let env = napter(lang);
    describes_itself_as_a_0_2_0_mapping_adapter(&env, lang);
    assert_eq!(
        auth_calls(&env),
        0,
        "install and profile add must not authenticate"
    );

    let by_sim = env.json(&[
        "mapping",
        "create",
        "--destination",
        &format!("sim:{SIM}:22"),
        "--allowed-network",
        "198.51.100.0/24",
        "--properties",
        r#"{"service": "air", "duration": 1800}"#,
    ]);
    assert_eq!(by_sim["state"], "available", "{by_sim}");
    assert_eq!(by_sim["kind"], "port-mapping");
    assert_eq!(by_sim["destination"], format!("sim:{SIM}:22"));
    assert_eq!(by_sim["parent_id"], SIM, "the SIM is the parent");
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
    let by_imsi = env.json(&[
        "mapping",
        "create",
        "--destination",
        &format!("imsi:{IMSI}"),
        "--properties",
        r#"{"port": 80, "tlsRequired": true}"#,
    ]);
    assert_eq!(by_imsi["destination"], format!("imsi:{IMSI}:80"));
    // The bodies are the Rust adapter's, key for key.
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
                   "source": {"ipRanges": ["198.51.100.0/24"]}}),
            json!({"destination": {"imsi": IMSI, "port": 80}, "tlsRequired": true}),
        ]
    );

    let mut all = ids(&env.json(&["mapping", "list"]));
    all.sort();
    let mut expected = vec![id(&by_sim), id(&by_imsi)];
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(
        ids(&env.json(&["mapping", "list", "--filter", &format!("sim-id={SIM}")])),
        [id(&by_sim)]
    );
    assert_eq!(
        env.json(&["mapping", "list", "--filter", "sim-id=8942310022000099999"]),
        json!([])
    );
    let got = env.json(&["mapping", "get", &id(&by_sim)]);
    assert_eq!(got["destination"], format!("sim:{SIM}:22"));

    // Refused before anything is sent: by the host (undeclared update) and by the adapter.
    let update = env
        .run(&["mapping", "update", &id(&by_sim), "--properties", "{}"])
        .expect_code(1);
    assert!(update.stderr.contains("not supported"), "{}", update.stderr);
    let before = env.emu().requests().len();
    let refused = env
        .run(&[
            "mapping",
            "create",
            "--destination",
            "sim:1:22",
            "--properties",
            r#"{"duration": 28801}"#,
        ])
        .expect_code(1);
    assert!(
        refused
            .stderr
            .contains(&format!("{} mapping.create: invalid input", lang.adapter))
            && refused.stderr.contains("properties/duration"),
        "{}",
        refused.stderr
    );
    assert_eq!(env.emu().requests().len(), before);

    // A paged catalogue operation: one page and a cursor, then every page.
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
    assert!(
        env.emu()
            .requests()
            .iter()
            .any(|r| r.path == "/v1/port_mappings"
                && r.query
                    .as_deref()
                    .is_some_and(|q| q.contains("last_evaluated_key="))),
        "the second page continues after the first"
    );
    // The adapter answers `unsupported`, which the CLI turns into a hint from the catalogue.
    let unknown = env.run(&["op", "call", "nope"]).expect_code(1);
    assert!(
        unknown.stderr.contains("has no operation \"nope\""),
        "{}",
        unknown.stderr
    );

    env.run(&["mapping", "delete", &id(&by_sim)]).expect_code(0);
    let gone = env.run(&["mapping", "get", &id(&by_sim)]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    let again = env.run(&["mapping", "delete", &id(&by_sim)]).expect_code(1);
    assert!(
        again.stderr.contains("not found (HTTP 404, code "),
        "{}",
        again.stderr
    );

    // A dozen commands, one token exchange; every request carried what it gave.
    assert_eq!(auth_calls(&env), 1);
    assert_eq!(issued_tokens(&env.emu().requests()).len(), 1);
    for request in env.emu().requests() {
        if request.path.starts_with("/v1/port_mappings") {
            assert!(request.header("x-soracom-token").is_some(), "{request:?}");
        }
    }
}

fn secrets_stay_out_of_adapter_memory(lang: &Lang) {
    let env = napter(lang);
    let key = env.emu().config().soracom_auth_key.clone();
    let mut runs: Vec<Run> = Vec::new();
    let mut run = |args: &[&str]| {
        let r = env.run_dumping(args, &[]).expect_code(0);
        runs.push(r);
        runs.last().unwrap().stdout.clone()
    };
    let created: Value = serde_json::from_str(&run(&[
        "mapping",
        "create",
        "--destination",
        &format!("sim:{SIM}:22"),
        "-o",
        "json",
    ]))
    .unwrap();
    let mapping = id(&created);
    run(&["mapping", "list", "-o", "json"]);
    run(&["op", "call", "listPortMappings", "--param", "limit=1"]);
    // A renewal inside the scanned session as well.
    env.emu().expire_soracom_tokens();
    run(&["mapping", "get", &mapping]);
    run(&["mapping", "delete", &mapping]);
    let tokens = issued_tokens(&env.emu().requests());
    assert_eq!(tokens.len(), 2, "the first session and the renewed one");
    let mut secrets: Vec<(String, String)> = vec![("auth key".into(), key)];
    for (n, (api_key, token)) in tokens.into_iter().enumerate() {
        secrets.push((format!("API key {n}"), api_key));
        secrets.push((format!("token {n}"), token));
    }
    let secrets: Vec<(&str, &str)> = secrets
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut haystacks = outputs(&runs);
    haystacks.push(("audit log".into(), env.audit().into_bytes()));
    haystacks.extend(env.home_files().into_iter().filter(|(path, _)| {
        !path.ends_with("/config/credentials.toml")
            && !path.contains("/cache/sessions/")
            && !path.contains("/memory-dumps/")
    }));
    let dumps = env.memory_dumps();
    assert!(dumps.len() >= runs.len(), "one dump per command at least");
    // Control: the entry id the adapter handled is in its memory, so the scan reads the
    // right bytes.
    assert!(
        dumps
            .iter()
            .any(|(_, b)| b.windows(mapping.len()).any(|w| w == mapping.as_bytes())),
        "control value {mapping:?} is not in any memory dump"
    );
    haystacks.extend(dumps);
    assert_no_secrets(&haystacks, &secrets);
}

#[test]
fn python_napter_lifecycle_paging_and_one_token_exchange() {
    lifecycle_paging_and_one_exchange(&PYTHON);
}

#[test]
fn python_napter_keeps_secrets_out_of_its_memory() {
    secrets_stay_out_of_adapter_memory(&PYTHON);
}

#[test]
fn javascript_napter_lifecycle_paging_and_one_token_exchange() {
    lifecycle_paging_and_one_exchange(&JAVASCRIPT);
}

#[test]
fn javascript_napter_keeps_secrets_out_of_its_memory() {
    secrets_stay_out_of_adapter_memory(&JAVASCRIPT);
}
