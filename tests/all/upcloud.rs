//! UpCloud network gateways through the real CLI against the emulator: the nouns (a VPN gateway
//! and a connection with two IPSec tunnels), every catalogue operation through `op call`, both
//! credential schemes, a wrong password, and no secret in any output or the audit log.

use crate::support::{Env, random_hex};
use serde_json::{Value, json};
use std::time::Duration;

const ROUTER: &str = "04c0ffee-1234-4abc-8def-0123456789ab";

/// Stored credential names.
const BASIC: &str = "upcloud-basic";
const TOKEN: &str = "upcloud-token";

fn slow() -> portico_emulator::Config {
    portico_emulator::Config {
        provision_delay: Duration::from_millis(400),
        delete_delay: Duration::from_millis(300),
        ..portico_emulator::Config::default()
    }
}

/// A home with the UpCloud adapter, both credentials stored, and profile `t` (zone `pl-waw1`)
/// using `credential`; with `second`, profile `u` uses the other credential.
fn upcloud(config: portico_emulator::Config, credential: &str, second: bool) -> Env {
    let env = Env::with_emulator(config);
    let (user, password) = env.emu().config().upcloud_basic.clone();
    let token = env.emu().config().upcloud_token.clone();
    env.set_credential(BASIC, &["username", "password"], &[&user, &password]);
    env.set_credential(TOKEN, &["token"], &[&token]);
    env.install_with_profile(
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "upcloud-gateway",
        Some(credential),
        &["zone=pl-waw1"],
    );
    if second {
        let other = if credential == BASIC { TOKEN } else { BASIC };
        let endpoint = format!("endpoint={}", env.emu().url());
        env.run(&[
            "profile",
            "add",
            "u",
            "--adapter",
            "upcloud-gateway",
            "--set",
            &endpoint,
            "--credential",
            other,
        ])
        .expect_code(0);
    }
    env
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// `--properties` of a VPN gateway on the advanced plan with one named public address.
fn vpn_properties() -> String {
    json!({"routers": [{"uuid": ROUTER}], "plan": "advanced", "addresses": [{"name": "vpn-ip"}]})
        .to_string()
}

fn create_vpn_gateway(env: &Env, name: &str, extra: &[&str]) -> Value {
    let props = vpn_properties();
    let mut args = vec![
        "gateway",
        "create",
        "--kind",
        "vpn",
        "--name",
        name,
        "--properties",
        &props,
    ];
    args.extend(extra);
    env.json(&args)
}

/// The bodies of the requests the emulator received for `method` on paths ending in `suffix`.
fn bodies(env: &Env, method: &str, suffix: &str) -> Vec<Value> {
    env.emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix))
        .map(|r| serde_json::from_str(&r.body).unwrap_or(Value::Null))
        .collect()
}

#[test]
fn vpn_gateway_and_a_connection_with_two_tunnels_through_the_nouns() {
    let env = upcloud(slow(), TOKEN, false);
    let gw = create_vpn_gateway(&env, "edge", &["--wait"]);
    assert_eq!(gw["state"], "available", "{gw}");
    assert_eq!(gw["provider_state"], "running");
    assert_eq!(gw["kind"], "vpn");
    assert_eq!(gw["provider"]["zone"], "pl-waw1", "zone from the profile");
    assert_eq!(gw["public_addresses"].as_array().unwrap().len(), 1, "{gw}");
    let gw_id = id(&gw);
    let sent = &bodies(&env, "POST", "/1.3/gateway")[0];
    assert_eq!(sent["features"], json!(["vpn"]));
    assert_eq!(sent["configured_status"], "started");

    let psk = format!("psk-{}", random_hex(16));
    let conn = env.json_env(
        &[
            "tunnel",
            "create",
            "--gateway",
            &gw_id,
            "--name",
            "office",
            "--remote-address",
            "198.51.100.7,198.51.100.8",
            "--local-network",
            "10.0.0.0/24",
            "--remote-network",
            "172.16.0.0/16",
            "--secret",
            "pre-shared-key=env:PSK",
            "--wait",
        ],
        &[("PSK", &psk)],
    );
    assert_eq!(conn["state"], "inactive", "{conn}");
    assert_eq!(conn["provider_state"], "idle");
    assert_eq!(conn["kind"], "ipsec");
    assert_eq!(conn["gateway_id"], gw_id.as_str());
    assert_eq!(conn["remote_address"], "198.51.100.7,198.51.100.8");
    assert_eq!(conn["local_networks"], json!(["10.0.0.0/24"]));
    assert_eq!(conn["remote_networks"], json!(["172.16.0.0/16"]));
    let tunnels = conn["provider"]["tunnels"].as_array().unwrap().clone();
    let names: Vec<&str> = tunnels
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["office-tunnel", "office-tunnel-2"]);
    assert_eq!(tunnels[0]["local_address"]["name"], "vpn-ip");
    assert_eq!(
        tunnels[1]["ipsec"]["phase1_dh_group_numbers"],
        json!([14, 16, 18, 19, 20, 21])
    );
    // The key reached the API once per tunnel, and never came back.
    let created = bodies(&env, "POST", "/connections/");
    assert_eq!(
        created.len(),
        1,
        "the connection is POSTed to `connections/`"
    );
    for tunnel in created[0]["tunnels"].as_array().unwrap() {
        assert_eq!(tunnel["ipsec"]["authentication"]["psk"], psk.as_str());
    }
    assert!(!conn.to_string().contains(&psk));
    let conn_id = id(&conn);

    let list = env.json(&["tunnel", "list", "--gateway", &gw_id]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let got = env.json(&["tunnel", "get", &conn_id, "--gateway", &gw_id]);
    assert_eq!(got["name"], "office");
    let table = env
        .run(&["tunnel", "list", "--gateway", &gw_id])
        .expect_code(0);
    assert!(
        table.stdout.contains("198.51.100.7,198.51.100.8"),
        "{}",
        table.stdout
    );
    let gw_now = env.json(&["gateway", "get", &gw_id]);
    assert_eq!(gw_now["networks"], json!(["10.0.0.0/24"]), "{gw_now}");

    // Routes change, tunnels are kept (same UUIDs, the API keeps their key).
    let updated = env.json(&[
        "tunnel",
        "update",
        &conn_id,
        "--gateway",
        &gw_id,
        "--remote-network",
        "172.17.0.0/16",
        "--wait",
    ]);
    assert_eq!(updated["remote_networks"], json!(["172.17.0.0/16"]));
    assert_eq!(updated["local_networks"], json!(["10.0.0.0/24"]));
    assert_eq!(
        updated["provider"]["tunnels"][1]["uuid"],
        tunnels[1]["uuid"]
    );
    let patch = bodies(&env, "PATCH", &conn_id).pop().unwrap();
    assert_eq!(
        patch,
        json!({"remote_routes": [{"name": "remote-route", "type": "static", "static_network": "172.17.0.0/16"}]})
    );

    // A new key alone re-sends both tunnels with it.
    let rotated = format!("psk-{}", random_hex(16));
    env.json_env(
        &[
            "tunnel",
            "update",
            &conn_id,
            "--gateway",
            &gw_id,
            "--secret",
            "pre-shared-key=env:PSK",
        ],
        &[("PSK", &rotated)],
    );
    let patch = bodies(&env, "PATCH", &conn_id).pop().unwrap();
    let keys: Vec<&str> = patch["tunnels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ipsec"]["authentication"]["psk"].as_str().unwrap())
        .collect();
    assert_eq!(keys, [rotated.as_str(), rotated.as_str()]);

    let renamed = env.json(&["gateway", "update", &gw_id, "--name", "edge-2", "--wait"]);
    assert_eq!(renamed["name"], "edge-2");
    assert_eq!(renamed["state"], "available");
    assert_eq!(
        bodies(&env, "PATCH", &gw_id).pop().unwrap(),
        json!({"name": "edge-2"})
    );
    let listed = env.json(&["gateway", "list", "--filter", "label=env"]);
    assert_eq!(listed, json!([]), "no gateway carries the label");
    assert!(
        env.emu()
            .requests()
            .iter()
            .any(|r| r.query.as_deref() == Some("limit=100&offset=0&label=env"))
    );

    env.run(&["tunnel", "delete", &conn_id, "--gateway", &gw_id, "--wait"])
        .expect_code(0);
    env.run(&["tunnel", "get", &conn_id, "--gateway", &gw_id])
        .expect_code(1);
    let gone = env
        .run(&["gateway", "delete", &gw_id, "--wait"])
        .expect_code(0);
    assert!(gone.stderr.contains("deleted"), "{}", gone.stderr);
    let missing = env.run(&["gateway", "get", &gw_id]).expect_code(1);
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);
}

/// Calls an operation, expects success, returns the response document.
fn call(env: &Env, op: &str, params: &[(&str, &str)], body: Option<&Value>, psk: &str) -> Value {
    let mut args = vec!["op".to_string(), "call".to_string(), op.to_string()];
    for (k, v) in params {
        args.push("--param".into());
        args.push(format!("{k}={v}"));
    }
    if let Some(body) = body {
        args.push("--body".into());
        args.push(body.to_string());
        args.push("--secret".into());
        args.push("pre-shared-key=env:PSK".into());
    }
    args.extend(["-o".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = env.run_with(&args, "", &[("PSK", psk)]).expect_code(0);
    if run.stdout.trim().is_empty() {
        Value::Null
    } else {
        run.json()
    }
}

fn uuid(v: &Value) -> String {
    v["uuid"].as_str().expect("uuid").to_string()
}

#[test]
fn every_operation_through_op_call() {
    let env = upcloud(Env::config(), BASIC, false);
    let psk = format!("psk-{}", random_hex(16));
    let ops = env.json(&["op", "list"]);
    assert_eq!(ops.as_array().unwrap().len(), 17);

    let plans = call(&env, "GetGatewayPlans", &[], None, &psk);
    assert_eq!(plans.as_array().unwrap().len(), 4);

    let tunnel = |name: &str, remote: &str| {
        json!({"name": name, "local_address": {"name": "vpn-ip"}, "remote_address": {"address": remote},
            "ipsec": {"authentication": {"authentication": "psk", "psk": "{{secret:pre-shared-key}}"}}})
    };
    let body = json!({"name": "op-gw", "zone": "fi-hel1", "features": ["vpn"], "routers": [{"uuid": ROUTER}],
        "configured_status": "started", "plan": "advanced", "addresses": [{"name": "vpn-ip"}],
        "connections": [{"name": "first", "type": "ipsec",
            "local_routes": [{"name": "l", "type": "static", "static_network": "10.1.0.0/24"}],
            "remote_routes": [{"name": "r", "type": "static", "static_network": "172.20.0.0/16"}],
            "tunnels": [tunnel("first-tunnel", "198.51.100.20")]}]});
    let gw = call(&env, "CreateGateway", &[], Some(&body), &psk);
    assert_eq!(gw["operational_state"], "pending");
    let g = uuid(&gw);
    let second = json!({"name": "op-gw-2", "zone": "fi-hel1", "features": ["nat"], "routers": [{"uuid": ROUTER}]});
    call(&env, "CreateGateway", &[], Some(&second), &psk);

    let pages = env.json(&["op", "call", "GetGateways", "--param", "limit=1", "--all"]);
    let pages = pages.as_array().unwrap();
    assert!(pages.len() >= 2, "{pages:?}");
    assert_eq!(pages[0][0]["name"], "op-gw");
    assert_eq!(pages[1][0]["name"], "op-gw-2");
    assert_eq!(
        call(&env, "GetGateway", &[("uuid", &g)], None, &psk)["name"],
        "op-gw"
    );
    let modified = call(
        &env,
        "ModifyGateway",
        &[("uuid", &g)],
        Some(&json!({"labels": [{"key": "env", "value": "prod"}]})),
        &psk,
    );
    assert_eq!(modified["labels"][0]["value"], "prod");
    let labelled = call(&env, "GetGateways", &[("label", "env=prod")], None, &psk);
    assert_eq!(labelled.as_array().unwrap().len(), 1);
    let metrics = call(&env, "GetGatewayMetrics", &[("uuid", &g)], None, &psk);
    assert_eq!(
        metrics["ipsec_metrics"]["ike_sas"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let connections = call(&env, "GetGatewayConnections", &[("uuid", &g)], None, &psk);
    assert_eq!(connections.as_array().unwrap().len(), 1);
    let new_connection = json!({"name": "second", "type": "ipsec",
        "local_routes": [{"name": "l", "type": "static", "static_network": "10.2.0.0/24"}],
        "remote_routes": [{"name": "r", "type": "static", "static_network": "172.21.0.0/16"}],
        "tunnels": []});
    let conn = call(
        &env,
        "CreateGatewayConnection",
        &[("uuid", &g)],
        Some(&new_connection),
        &psk,
    );
    let c = uuid(&conn);
    let both = [("uuid", g.as_str()), ("conn_uuid", c.as_str())];
    assert_eq!(
        call(&env, "GetGatewayConnection", &both, None, &psk)["name"],
        "second"
    );
    let changed = call(
        &env,
        "ModifyGatewayConnection",
        &both,
        Some(
            &json!({"remote_routes": [{"name": "r2", "type": "static", "static_network": "172.22.0.0/16"}]}),
        ),
        &psk,
    );
    assert_eq!(changed["remote_routes"][0]["name"], "r2");

    assert_eq!(
        call(&env, "GetGatewayConnectionTunnels", &both, None, &psk),
        json!([])
    );
    let t = call(
        &env,
        "CreateGatewayConnectionTunnel",
        &both,
        Some(&tunnel("second-tunnel", "198.51.100.21")),
        &psk,
    );
    assert_eq!(t["operational_state"], "idle");
    let t_id = uuid(&t);
    let all = [
        ("uuid", g.as_str()),
        ("conn_uuid", c.as_str()),
        ("tunnel_uuid", t_id.as_str()),
    ];
    assert_eq!(
        call(&env, "GetGatewayConnectionTunnel", &all, None, &psk)["name"],
        "second-tunnel"
    );
    let rekeyed = call(
        &env,
        "ModifyGatewayConnectionTunnel",
        &all,
        Some(
            &json!({"name": "second-tunnel-2", "ipsec": {"authentication": {"psk": "{{secret:pre-shared-key}}"}}}),
        ),
        &psk,
    );
    assert_eq!(rekeyed["name"], "second-tunnel-2");
    assert_eq!(
        call(&env, "DeleteGatewayConnectionTunnel", &all, None, &psk),
        Value::Null
    );
    assert_eq!(
        call(&env, "DeleteGatewayConnection", &both, None, &psk),
        Value::Null
    );
    assert_eq!(
        call(&env, "DeleteGateway", &[("uuid", &g)], None, &psk),
        Value::Null
    );

    // Every operation reached the emulator with basic authentication, keys substituted.
    let requests = env.emu().requests();
    let mut seen: Vec<String> = requests
        .iter()
        .map(|r| {
            let shape: Vec<&str> = r
                .path
                .split('/')
                .map(|s| {
                    if s.starts_with("10") && s.len() == 36 {
                        "*"
                    } else {
                        s
                    }
                })
                .collect();
            format!("{} {}", r.method, shape.join("/"))
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            "DELETE /1.3/gateway/*",
            "DELETE /1.3/gateway/*/connections/*",
            "DELETE /1.3/gateway/*/connections/*/tunnels/*",
            "GET /1.3/gateway",
            "GET /1.3/gateway/*",
            "GET /1.3/gateway/*/connections",
            "GET /1.3/gateway/*/connections/*",
            "GET /1.3/gateway/*/connections/*/tunnels",
            "GET /1.3/gateway/*/connections/*/tunnels/*",
            "GET /1.3/gateway/*/metrics",
            "GET /1.3/gateway/plans",
            "PATCH /1.3/gateway/*",
            "PATCH /1.3/gateway/*/connections/*",
            "PATCH /1.3/gateway/*/connections/*/tunnels/*",
            "POST /1.3/gateway",
            "POST /1.3/gateway/*/connections/",
            "POST /1.3/gateway/*/connections/*/tunnels",
        ]
    );
    assert!(requests.iter().all(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
    }));
    let with_keys = requests.iter().filter(|r| r.body.contains(&psk)).count();
    assert_eq!(
        with_keys, 3,
        "CreateGateway, CreateGatewayConnectionTunnel, ModifyGatewayConnectionTunnel"
    );
    assert!(requests.iter().all(|r| !r.body.contains("{{secret:")));
}

#[test]
fn basic_and_bearer_both_work_and_a_wrong_password_is_a_readable_401() {
    let env = upcloud(Env::config(), BASIC, true);
    assert_eq!(env.json(&["gateway", "list", "--profile", "t"]), json!([]));
    assert_eq!(env.json(&["gateway", "list", "--profile", "u"]), json!([]));
    let auths: Vec<String> = env
        .emu()
        .requests()
        .iter()
        .filter_map(|r| {
            r.header("authorization")
                .map(|a| a.split(' ').next().unwrap().to_owned())
        })
        .collect();
    assert_eq!(auths, ["Basic", "Bearer"]);

    let (user, _) = env.emu().config().upcloud_basic.clone();
    let wrong = format!("wrong-{}", random_hex(8));
    env.set_credential(BASIC, &["username", "password"], &[&user, &wrong]);
    let run = env
        .run(&["gateway", "list", "--profile", "t", "-vv"])
        .expect_code(1);
    assert!(
        run.stderr.contains("unauthorized (HTTP 401"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Authentication failed"),
        "the provider's message is shown: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("AUTHENTICATION_FAILED"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(&wrong) && !run.stdout.contains(&wrong));
}

#[test]
fn password_token_and_pre_shared_keys_appear_only_on_the_wire() {
    let env = upcloud(Env::config(), BASIC, true);
    let (_, password) = env.emu().config().upcloud_basic.clone();
    let token = env.emu().config().upcloud_token.clone();
    let psk = format!("psk-{}", random_hex(16));
    let rotated = format!("psk-{}", random_hex(16));
    let mut transcript = String::new();
    let mut keep = |run: crate::support::Run, code: i32| {
        assert_eq!(run.code, code, "{}", run.stderr);
        transcript.push_str(&run.stdout);
        transcript.push_str(&run.stderr);
        run
    };
    let props = vpn_properties();
    let gw = keep(
        env.run(&[
            "gateway",
            "create",
            "--kind",
            "vpn",
            "--name",
            "s",
            "--properties",
            &props,
            "--profile",
            "t",
            "-o",
            "json",
            "-vv",
        ]),
        0,
    )
    .json();
    let gw_id = id(&gw);
    for profile in ["t", "u"] {
        let run = env.run_with(
            &[
                "tunnel",
                "create",
                "--gateway",
                &gw_id,
                "--name",
                &format!("c-{profile}"),
                "--remote-address",
                "198.51.100.30,198.51.100.31",
                "--local-network",
                "10.0.0.0/24",
                "--remote-network",
                "172.16.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
                "--profile",
                profile,
                "-vv",
                "-o",
                "json",
            ],
            "",
            &[("PSK", &psk)],
        );
        let conn = keep(run, 0).json();
        keep(
            env.run_with(
                &[
                    "tunnel",
                    "update",
                    &id(&conn),
                    "--gateway",
                    &gw_id,
                    "--secret",
                    "pre-shared-key=stdin",
                    "--profile",
                    profile,
                    "-vv",
                ],
                &format!("{rotated}\n"),
                &[],
            ),
            0,
        );
        keep(
            env.run(&[
                "tunnel",
                "list",
                "--gateway",
                &gw_id,
                "--profile",
                profile,
                "-vv",
                "-o",
                "json",
            ]),
            0,
        );
        keep(
            env.run(&[
                "op",
                "call",
                "GetGateway",
                "--param",
                &format!("uuid={gw_id}"),
                "--profile",
                profile,
                "-vv",
            ]),
            0,
        );
    }
    // An error with a key in play: a new tunnel on a gateway that does not exist.
    keep(
        env.run_with(
            &[
                "tunnel", "create", "--gateway", "10000000-0000-4000-8000-000000000000", "--name", "x",
                "--properties", r#"{"tunnels": [{"name": "x", "local_address": {"name": "vpn-ip"}, "remote_address": {"address": "198.51.100.40"}}]}"#,
                "--secret", "pre-shared-key=env:PSK", "--profile", "u", "-vv",
            ],
            "",
            &[("PSK", &psk)],
        ),
        1,
    );
    assert!(transcript.contains("DEBUG"), "-vv produced debug output");

    // The secrets were used: the emulator saw them.
    let requests = env.emu().requests();
    assert!(requests.iter().any(|r| r.body.contains(&psk)));
    assert!(requests.iter().any(|r| r.body.contains(&rotated)));
    assert!(
        requests
            .iter()
            .any(|r| r.header("authorization") == Some(&format!("Bearer {token}")))
    );

    let audit = env.audit();
    assert!(audit.lines().count() >= 10, "{audit}");
    assert!(audit.contains("upcloud"), "{audit}");
    for (what, secret) in [
        ("password", &password),
        ("token", &token),
        ("pre-shared key", &psk),
        ("rotated pre-shared key", &rotated),
    ] {
        for form in crate::support::secret_forms(secret) {
            let form = String::from_utf8_lossy(&form).into_owned();
            assert!(!transcript.contains(&form), "{what} leaked into CLI output");
            assert!(!audit.contains(&form), "{what} leaked into the audit log");
        }
    }
    // Nothing the CLI keeps on disk holds a pre-shared key.
    for (path, bytes) in env.home_files() {
        for key in [&psk, &rotated] {
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "a pre-shared key is in {path}"
            );
        }
    }
}
