//! Samsung Cloud Platform VPN through the real CLI against the emulator: both nouns with
//! `--wait`, every catalogue operation, API 1.0, request signing failures (wrong secret key,
//! skewed clock, tampered request) and secrecy of the secret key and pre-shared keys.

use crate::support::{Env, assert_no_secrets, outputs, random_hex};
use serde_json::{Value, json};
use std::time::Duration;

const CREDENTIAL: &str = "scp-test";
const VPC: &str = "ceb44ea5ecb34a49b16495f9a63b0718";

/// An emulator with short lifecycle delays, so `--wait` has something to wait for.
fn slow() -> portico_emulator::Config {
    portico_emulator::Config {
        provision_delay: Duration::from_millis(300),
        delete_delay: Duration::from_millis(200),
        ..portico_emulator::Config::default()
    }
}

/// The SCP adapter installed with profile `t`, a credential holding `secret` as secret key
/// (the emulator's own one unless a test wants a wrong one) and the extra `settings`.
fn scp_env(config: portico_emulator::Config, secret: Option<&str>, settings: &[&str]) -> Env {
    let env = Env::with_emulator(config);
    let access = env.emu().config().scp_access_key.clone();
    let secret = secret.map_or_else(|| env.emu().config().scp_secret_key.clone(), str::to_owned);
    env.set_credential(
        CREDENTIAL,
        &["access-key", "secret-key"],
        &[&access, &secret],
    );
    env.install_with_profile(
        portico_test_artifacts::SCP_VPN,
        "scp-vpn",
        Some(CREDENTIAL),
        settings,
    );
    env
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

fn gateway_properties(n: u8) -> String {
    json!({"vpc_id": VPC, "ip_id": format!("fcde872f75c145a0893d656cc698f1{n:02}")}).to_string()
}

fn create_gateway(env: &Env, name: &str, n: u8, extra: &[&str]) -> Value {
    let props = gateway_properties(n);
    let ip = format!("123.0.0.{n}");
    let mut args = vec![
        "gateway",
        "create",
        "--name",
        name,
        "--public-address",
        &ip,
        "--properties",
        &props,
    ];
    args.extend(extra);
    env.json(&args)
}

fn create_tunnel(env: &Env, gateway: &str, name: &str, psk: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "tunnel",
        "create",
        "--gateway",
        gateway,
        "--name",
        name,
        "--remote-address",
        "198.51.100.2",
        "--remote-network",
        "10.1.0.0/16",
        "--secret",
        "pre-shared-key=env:PSK",
    ];
    args.extend(extra);
    env.json_env(&args, &[("PSK", psk)])
}

#[test]
fn gateway_and_tunnel_lifecycle_with_wait() {
    let env = scp_env(slow(), None, &[]);
    let gw = create_gateway(&env, "gw1", 1, &["--wait"]);
    assert_eq!(gw["state"], "available", "{gw}");
    assert_eq!(gw["provider_state"], "ACTIVE");
    assert_eq!(gw["kind"], "ipsec");
    assert_eq!(gw["public_addresses"], json!(["123.0.0.1"]));
    assert_eq!(gw["provider"]["vpc_id"], VPC);
    let gw_id = id(&gw);
    assert_eq!(gw_id.len(), 32);

    let updated = env.json(&[
        "gateway",
        "update",
        &gw_id,
        "--description",
        "edge",
        "--wait",
    ]);
    assert_eq!(updated["description"], "edge");
    assert_eq!(updated["state"], "available");
    let listed = env.json(&["gateway", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");

    let psk = random_hex(16);
    let tunnel = create_tunnel(
        &env,
        &gw_id,
        "office",
        &psk,
        &["--remote-network", "10.2.0.0/16", "--wait"],
    );
    assert_eq!(tunnel["state"], "available", "{tunnel}");
    assert_eq!(tunnel["gateway_id"], gw_id.as_str());
    assert_eq!(tunnel["remote_address"], "198.51.100.2");
    assert_eq!(
        tunnel["remote_networks"],
        json!(["10.1.0.0/16", "10.2.0.0/16"])
    );
    assert_eq!(tunnel["provider"]["status"], "UP");
    assert_eq!(tunnel["provider"]["phase1"]["ike_version"], 2);
    let t_id = id(&tunnel);

    // What reached SCP: API 1.1, a 1.1 tunnel body, and the real key only on the wire.
    let post = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/v1/vpn-tunnels")
        .expect("tunnel create reached the emulator");
    assert_eq!(post.header("scp-api-version"), Some("vpn 1.1"));
    let body: Value = serde_json::from_str(&post.body).expect("JSON body");
    assert_eq!(
        body["phase2"]["remote_subnets"],
        json!(["10.1.0.0/16", "10.2.0.0/16"])
    );
    assert_eq!(body["phase1"]["pre_shared_key"], psk.as_str());

    let changed = env.json(&[
        "tunnel",
        "update",
        &t_id,
        "--remote-network",
        "10.3.0.0/16",
        "--description",
        "moved",
        "--wait",
    ]);
    assert_eq!(changed["remote_networks"], json!(["10.3.0.0/16"]));
    assert_eq!(changed["description"], "moved");
    assert_eq!(changed["state"], "available");
    let tunnels = env.json(&["tunnel", "list", "--gateway", &gw_id]);
    assert_eq!(tunnels.as_array().map(Vec::len), Some(1), "{tunnels}");
    assert_eq!(env.json(&["tunnel", "get", &t_id])["name"], "office");

    // A gateway in use cannot go; SCP's 409 reaches the user readably.
    let busy = env.run(&["gateway", "delete", &gw_id]).expect_code(1);
    assert!(
        busy.stderr.contains("still has 1 VPN tunnel"),
        "{}",
        busy.stderr
    );

    env.run(&["tunnel", "delete", &t_id, "--wait"])
        .expect_code(0);
    let gone = env.run(&["tunnel", "get", &t_id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    env.run(&["gateway", "delete", &gw_id, "--wait"])
        .expect_code(0);
    env.run(&["gateway", "get", &gw_id]).expect_code(1);
}

#[test]
fn noun_lists_page_behind_the_cursor() {
    let env = scp_env(Env::config(), None, &[]);
    for n in 1..=3u8 {
        create_gateway(&env, &format!("gw{n}"), n, &[]);
    }
    let first = env
        .run(&["gateway", "list", "--limit", "2", "-o", "json"])
        .expect_code(0);
    assert_eq!(
        first.json().as_array().map(Vec::len),
        Some(2),
        "{}",
        first.stdout
    );
    let all = env.json(&["gateway", "list", "--limit", "2", "--all"]);
    let names: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(names, ["gw1", "gw2", "gw3"]);
    let pages: Vec<String> = env
        .emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/vpn-gateways")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert!(pages.contains(&"page=1&size=2".to_string()), "{pages:?}");
    let filtered = env.json(&["gateway", "list", "--filter", "name=gw2"]);
    assert_eq!(filtered.as_array().map(Vec::len), Some(1), "{filtered}");
}

fn call(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["op", "call"];
    all.extend(args);
    env.json(&all)
}

#[test]
fn every_operation_through_op_call() {
    let env = scp_env(Env::config(), None, &[]);
    let catalog = env.json(&["op", "list"]);
    assert_eq!(catalog.as_array().map(Vec::len), Some(13), "{catalog}");

    let gw_body = json!({
        "name": "opgw", "vpc_id": VPC, "ip_address": "123.0.0.9",
        "ip_id": "fcde872f75c145a0893d656cc698f13e", "ip_type": "PUBLIC", "tags": []
    })
    .to_string();
    let created = call(&env, &["createVpnGateway", "--body", &gw_body]);
    assert_eq!(created["vpn_gateway"]["state"], "CREATING");
    let gw_id = created["vpn_gateway"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let gw_param = format!("vpn_gateway_id={gw_id}");
    let shown = call(&env, &["showVpnGateway", "--param", &gw_param]);
    assert_eq!(shown["vpn_gateway"]["state"], "ACTIVE");
    let set = call(
        &env,
        &[
            "setVpnGateway",
            "--param",
            &gw_param,
            "--body",
            r#"{"description":"d1"}"#,
        ],
    );
    assert_eq!(set["vpn_gateway"]["description"], "d1");
    let list = call(&env, &["listVpnGateways", "--param", "size=5"]);
    assert_eq!(list["count"], 1);
    assert_eq!(list["vpn_gateways"][0]["id"], gw_id.as_str());
    let quotas = call(&env, &["getVpnGatewayQuotas"]);
    assert_eq!(quotas["vpn_gateway_used_quota"], 1);

    let psk = random_hex(16);
    let tunnel_body = json!({
        "name": "optunnel", "vpn_gateway_id": gw_id,
        "phase1": {
            "peer_gateway_ip": "198.51.100.7", "ike_version": 2,
            "pre_shared_key": "{{secret:pre-shared-key}}", "dpd_retry_interval": 60,
            "phase1_life_time": 86400, "phase1_diffie_hellman_groups": [30, 31, 32],
            "phase1_encryptions": ["des-md5", "chacha20poly1305-prfsha256"]
        },
        "phase2": {
            "perfect_forward_secrecy": "ENABLE", "phase2_life_time": 43200,
            "phase2_diffie_hellman_groups": [30], "phase2_encryptions": ["aes128gcm"],
            "remote_subnets": ["10.5.0.0/16"]
        }
    })
    .to_string();
    let tunnel = env
        .run_with(
            &[
                "op",
                "call",
                "createVpnTunnel",
                "--body",
                &tunnel_body,
                "--secret",
                "pre-shared-key=env:PSK",
                "-o",
                "json",
            ],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(0)
        .json();
    let t_id = tunnel["vpn_tunnel"]["id"].as_str().expect("id").to_string();
    assert!(
        tunnel["vpn_tunnel"]["phase1"]
            .get("pre_shared_key")
            .is_none()
    );
    let t_param = format!("vpn_tunnel_id={t_id}");
    let shown = call(&env, &["showVpnTunnel", "--param", &t_param]);
    assert_eq!(shown["vpn_tunnel"]["status"], "UP");
    let set = call(
        &env,
        &[
            "setVpnTunnel",
            "--param",
            &t_param,
            "--body",
            r#"{"phase2":{"remote_subnets":["10.6.0.0/16"]}}"#,
        ],
    );
    assert_eq!(set["vpn_tunnel"]["state"], "EDITING");
    assert_eq!(
        set["vpn_tunnel"]["phase2"]["remote_subnets"],
        json!(["10.6.0.0/16"])
    );
    let tunnels = call(&env, &["listVpnTunnels", "--param", &gw_param]);
    assert_eq!(tunnels["count"], 1);
    let tq = call(&env, &["getVpnTunnelQuotas", "--param", &gw_param]);
    assert_eq!(tq["vpn_tunnel_used_quota"], 1);
    for (subnet, expected) in [
        ("10.6.1.0/24", "DUPLICATE"),
        ("10.7.0.0/16", "AVAILABLE"),
        ("not-a-cidr", "INVALID"),
    ] {
        let subnet_param = format!("remote_subnet={subnet}");
        let check = call(
            &env,
            &[
                "checkVpnTunnelSubnetAvailabilities",
                "--param",
                &gw_param,
                "--param",
                &subnet_param,
            ],
        );
        assert_eq!(
            check["vpn_tunnel_subnet_availability"]["availability"], expected,
            "{subnet}"
        );
    }
    env.run(&["op", "call", "deleteVpnTunnel", "--param", &t_param])
        .expect_code(0);
    env.run(&["op", "call", "deleteVpnGateway", "--param", &gw_param])
        .expect_code(0);
    let gone = env
        .run(&["op", "call", "showVpnGateway", "--param", &gw_param])
        .expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    // Paging of a catalogue list: two gateways, one per page, followed with --all.
    call(&env, &["createVpnGateway", "--body", &gw_body]);
    let other = gw_body
        .replace("123.0.0.9", "123.0.0.10")
        .replace("opgw", "opgw2");
    call(&env, &["createVpnGateway", "--body", &other]);
    let pages = env.json(&[
        "op",
        "call",
        "listVpnGateways",
        "--param",
        "size=1",
        "--all",
    ]);
    assert_eq!(pages.as_array().map(Vec::len), Some(2), "{pages}");
    assert_eq!(pages[1]["page"], 1);
}

#[test]
fn api_version_1_0_uses_a_single_remote_subnet() {
    let env = scp_env(Env::config(), None, &["api-version=1.0"]);
    let gw = create_gateway(&env, "gw10", 1, &["--wait"]);
    let psk = random_hex(16);
    let tunnel = create_tunnel(&env, &id(&gw), "old", &psk, &["--wait"]);
    assert_eq!(tunnel["remote_networks"], json!(["10.1.0.0/16"]));
    assert_eq!(tunnel["provider"]["phase2"]["remote_subnet"], "10.1.0.0/16");
    let post = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/v1/vpn-tunnels")
        .expect("tunnel create");
    assert_eq!(post.header("scp-api-version"), Some("vpn 1.0"));
    let body: Value = serde_json::from_str(&post.body).expect("JSON");
    assert_eq!(body["phase2"]["remote_subnet"], "10.1.0.0/16");
    assert!(body["phase2"].get("remote_subnets").is_none());
    // 1.0 has room for one remote network only; the adapter says so before sending.
    let two = env
        .run_with(
            &[
                "tunnel",
                "create",
                "--gateway",
                &id(&gw),
                "--name",
                "two",
                "--remote-address",
                "198.51.100.3",
                "--remote-network",
                "10.8.0.0/16",
                "--remote-network",
                "10.9.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
            ],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(1);
    assert!(two.stderr.contains("api-version"), "{}", two.stderr);
}

/// A failed signed request: it reached SCP signed, SCP's 401, error code and detail (`words`,
/// written only by the emulator) are in portico's message, and portico exits 1.
fn assert_signature_failure(env: &Env, code: &str, words: &str) {
    env.emu().clear_requests();
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert!(run.stderr.contains(words), "{}", run.stderr);
    assert!(
        run.stderr.contains("unauthorized (HTTP 401"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(code), "{}", run.stderr);
    let sent = env.emu().requests();
    assert_eq!(sent.len(), 1, "no retries of a refused request: {sent:?}");
    assert!(
        sent[0]
            .header("scp-signature")
            .is_some_and(|s| !s.is_empty())
    );
}

#[test]
fn wrong_secret_key_is_refused_by_scp() {
    let wrong = random_hex(20);
    let env = scp_env(Env::config(), Some(&wrong), &[]);
    assert_signature_failure(&env, "SCP-AUTH-004", "signature does not match");
}

#[test]
fn skewed_clock_is_refused_by_scp() {
    let env = scp_env(Env::config(), None, &[]);
    env.run(&["gateway", "list"]).expect_code(0);
    env.emu().advance_clock(Duration::from_secs(10 * 60));
    assert_signature_failure(&env, "SCP-AUTH-003", "more than 5 minutes away");
}

#[test]
fn tampered_request_is_refused_by_scp() {
    let env = scp_env(Env::config(), None, &[]);
    env.emu().tamper_scp_requests(1);
    assert_signature_failure(&env, "SCP-AUTH-004", "signature does not match");
    // Only the altered request failed: the next one, as signed, passes.
    env.run(&["gateway", "list"]).expect_code(0);
}

#[test]
fn secret_key_and_pre_shared_keys_stay_secret() {
    let env = scp_env(Env::config(), None, &[]);
    let secret = env.emu().config().scp_secret_key.clone();
    let gw = create_gateway(&env, "gws", 1, &[]);
    let gw_id = id(&gw);
    let psk = format!("psk-{}", random_hex(12));
    let psk2 = format!("psk-{}", random_hex(12));
    let mut runs = vec![
        env.run_dumping(
            &[
                "tunnel",
                "create",
                "--gateway",
                &gw_id,
                "--name",
                "sec",
                "--remote-address",
                "198.51.100.2",
                "--remote-network",
                "10.1.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
                "--wait",
                "-o",
                "json",
            ],
            &[("PSK", &psk)],
        )
        .expect_code(0),
    ];
    let t_id = id(&runs[0].json());
    runs.push(
        env.run_dumping(
            &[
                "tunnel",
                "update",
                &t_id,
                "--secret",
                "pre-shared-key=env:PSK",
                "--wait",
            ],
            &[("PSK", &psk2)],
        )
        .expect_code(0),
    );
    runs.push(
        env.run_dumping(&["tunnel", "get", &t_id], &[])
            .expect_code(0),
    );
    runs.push(env.run_dumping(&["gateway", "list"], &[]).expect_code(0));
    // The PSKs did reach SCP, so the scan below looks for something that exists.
    let bodies: String = env
        .emu()
        .requests()
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert!(bodies.contains(&psk) && bodies.contains(&psk2));
    let mut haystacks = outputs(&runs);
    haystacks.push(("audit log".into(), env.audit().into_bytes()));
    haystacks.extend(
        env.home_files()
            .into_iter()
            .filter(|(p, _)| !p.ends_with("credentials.toml")),
    );
    haystacks.extend(env.memory_dumps());
    assert_no_secrets(
        &haystacks,
        &[("secret key", &secret), ("psk", &psk), ("psk2", &psk2)],
    );
}

#[test]
fn account_id_is_sent_and_signed_when_the_credential_has_one() {
    let config = portico_emulator::Config {
        scp_account_id: "acct0123456789".into(),
        ..Env::config()
    };
    let env = Env::with_emulator(config);
    let access = env.emu().config().scp_access_key.clone();
    let secret = env.emu().config().scp_secret_key.clone();
    env.set_credential(
        CREDENTIAL,
        &["access-key", "secret-key", "account-id"],
        &[&access, &secret, "acct0123456789"],
    );
    env.install_with_profile(
        portico_test_artifacts::SCP_VPN,
        "scp-vpn",
        Some(CREDENTIAL),
        &[],
    );
    env.run(&["gateway", "list"]).expect_code(0);
    let sent = env.emu().requests();
    assert_eq!(sent[0].header("scp-accountid"), Some("acct0123456789"));
    // Without the account id the same keys are refused by SCP with 403.
    env.set_credential(
        CREDENTIAL,
        &["access-key", "secret-key"],
        &[&access, &secret],
    );
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert!(run.stderr.contains("SCP-AUTH-005"), "{}", run.stderr);
}
