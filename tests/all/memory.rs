//! Secrets stay out of the adapter's linear memory, for every credential scheme: after a full
//! session through the real CLI, the whole memory of each adapter instance (dumped by the
//! `memory-dump` test feature), stdout, stderr at `-vv`, the audit log and every home file that
//! is not a secret store by design (the compile cache included) are scanned for each secret,
//! its hex and its Base64 forms. Each scan also checks a control value the adapter did handle
//! is present, so an empty or wrong dump cannot pass.
//!
//! | scheme | test |
//! |---|---|
//! | bearer (IONOS token) and secret inputs (WireGuard private key, IPSec pre-shared key) | `bearer_token_and_secret_inputs_stay_out_of_adapter_memory` |
//! | basic (UpCloud user + password) and a tunnel pre-shared key | `basic_password_and_pre_shared_key_stay_out_of_adapter_memory` |
//! | bearer (UpCloud API token) | `upcloud_api_token_stays_out_of_adapter_memory` |
//! | token exchange (Soracom auth key, API key, token) | `sessions::auth_key_api_key_and_token_appear_nowhere_after_a_session` |
//! | signing, multi-step derivation (AWS SigV4 secret key) | `signing::sigv4_get_vanilla_matches_the_published_signature` |
//! | signing (SCP secret key) and its tunnel pre-shared keys | `scp::secret_key_and_pre_shared_keys_stay_secret` |

use crate::support::{Env, Run, assert_no_secrets, connections, outputs, random_hex, random_key};
use serde_json::{Value, json};

/// Every haystack of a session: outputs, audit log, home files except the two secret stores,
/// and the adapter memory dumps (which must contain `control`).
#[track_caller]
fn haystacks(env: &Env, runs: &[Run], control: &str) -> Vec<(String, Vec<u8>)> {
    let mut all = outputs(runs);
    all.push(("audit log".into(), env.audit().into_bytes()));
    all.extend(env.home_files().into_iter().filter(|(path, _)| {
        !path.ends_with("/config/credentials.toml")
            && !path.contains("/cache/sessions/")
            && !path.contains("/memory-dumps/")
    }));
    let dumps = env.memory_dumps();
    assert!(
        dumps
            .iter()
            .any(|(_, b)| b.windows(control.len()).any(|w| w == control.as_bytes())),
        "control value {control:?} is not in any memory dump"
    );
    all.extend(dumps);
    all
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn bearer_token_and_secret_inputs_stay_out_of_adapter_memory() {
    let env = Env::ionos(Env::config());
    let token = env.emu().config().ionos_token.clone();
    let private_key = random_key();
    let psk = format!("psk-{}", random_hex(20));
    let secrets = [("private key", private_key.as_str()), ("psk", psk.as_str())];
    let mut runs = Vec::new();
    let wg = env
        .run_dumping(
            &[
                "gateway",
                "create",
                "--kind",
                "wireguard",
                "--name",
                "mem-wg",
                "--public-address",
                "203.0.113.40",
                "--network",
                "10.9.0.1/24",
                "--properties",
                &connections(1),
                "--secret",
                "private-key=env:WG_KEY",
                "-o",
                "json",
            ],
            &[("WG_KEY", secrets[0].1)],
        )
        .expect_code(0);
    let wg_id = id(&wg.json());
    runs.push(wg);
    let ipsec = env
        .run_dumping(
            &[
                "gateway",
                "create",
                "--kind",
                "ipsec",
                "--name",
                "mem-ipsec",
                "--public-address",
                "203.0.113.41",
                "--properties",
                &connections(2),
                "-o",
                "json",
            ],
            &[],
        )
        .expect_code(0);
    let ipsec_id = id(&ipsec.json());
    runs.push(ipsec);
    runs.push(
        env.run_dumping(
            &[
                "tunnel",
                "create",
                "--gateway",
                &ipsec_id,
                "--name",
                "t",
                "--remote-address",
                "198.51.100.9",
                "--local-network",
                "192.168.2.0/24",
                "--remote-network",
                "10.1.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
            ],
            &[("PSK", secrets[1].1)],
        )
        .expect_code(0),
    );
    runs.push(env.run_dumping(&["gateway", "list"], &[]).expect_code(0));
    runs.push(
        env.run_dumping(&["tunnel", "list", "--gateway", &ipsec_id], &[])
            .expect_code(0),
    );
    runs.push(
        env.run_dumping(&["gateway", "get", &wg_id, "-o", "yaml"], &[])
            .expect_code(0),
    );
    let all = haystacks(&env, &runs, &wg_id);
    assert_no_secrets(&all, &[("IONOS token", &token), secrets[0], secrets[1]]);
}

const ROUTER: &str = "04c0ffee-1234-4abc-8def-0123456789ab";

/// The UpCloud adapter with profile `t`, its credential holding the emulator's basic pair or,
/// with `token`, its API token. Returns the env and the secrets the credential holds.
fn upcloud(token: bool) -> (Env, Vec<(String, String)>) {
    let env = Env::with_emulator(Env::config());
    let config = env.emu().config().clone();
    let secrets = if token {
        env.set_credential("upcloud-test", &["token"], &[&config.upcloud_token]);
        vec![("API token".to_string(), config.upcloud_token.clone())]
    } else {
        let (user, password) = &config.upcloud_basic;
        env.set_credential("upcloud-test", &["username", "password"], &[user, password]);
        vec![
            ("password".to_string(), password.clone()),
            ("user:password".to_string(), format!("{user}:{password}")),
        ]
    };
    env.install_with_profile(
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "upcloud-gateway",
        Some("upcloud-test"),
        &["zone=pl-waw1"],
    );
    (env, secrets)
}

/// Creates a VPN gateway and a connection with two tunnels, lists and reads them; returns the
/// runs and the gateway id.
fn upcloud_session(env: &Env, psk: &str) -> (Vec<Run>, String) {
    let mut runs = Vec::new();
    let props = json!({"routers": [{"uuid": ROUTER}], "plan": "advanced", "addresses": [{"name": "vpn-ip"}]})
        .to_string();
    let gw = env
        .run_dumping(
            &[
                "gateway",
                "create",
                "--kind",
                "vpn",
                "--name",
                "mem-edge",
                "--properties",
                &props,
                "--wait",
                "-o",
                "json",
            ],
            &[],
        )
        .expect_code(0);
    let gw_id = id(&gw.json());
    runs.push(gw);
    runs.push(
        env.run_dumping(
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
            ],
            &[("PSK", psk)],
        )
        .expect_code(0),
    );
    runs.push(
        env.run_dumping(&["tunnel", "list", "--gateway", &gw_id, "-o", "json"], &[])
            .expect_code(0),
    );
    runs.push(env.run_dumping(&["gateway", "list"], &[]).expect_code(0));
    runs.push(
        env.run_dumping(&["op", "call", "GetGateways"], &[])
            .expect_code(0),
    );
    (runs, gw_id)
}

#[test]
fn basic_password_and_pre_shared_key_stay_out_of_adapter_memory() {
    upcloud_scan(false);
}

#[test]
fn upcloud_api_token_stays_out_of_adapter_memory() {
    upcloud_scan(true);
}

fn upcloud_scan(token: bool) {
    let (env, mut secrets) = upcloud(token);
    let psk = format!("psk-{}", random_hex(20));
    secrets.push(("psk".into(), psk.clone()));
    let (runs, gw_id) = upcloud_session(&env, &psk);
    let all = haystacks(&env, &runs, &gw_id);
    let secrets: Vec<(&str, &str)> = secrets
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_no_secrets(&all, &secrets);
}
