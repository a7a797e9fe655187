//! The token-exchange credential scheme, driven by the Soracom VPG adapter: the host exchanges
//! the auth key for an API key and token, caches them across commands in a 0600 session file,
//! renews them once when the provider answers 401, and none of the three ever shows up in the
//! output, the audit log or the adapter's memory.

use crate::support::{Env, Run, assert_no_secrets, outputs};
use portico_emulator::{FaultRule, RecordedRequest};

/// A home with the VPG adapter installed and a profile `t` whose credential `soracom-test`
/// holds the emulator's auth key pair.
fn soracom() -> Env {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("soracom-test", &["auth-key-id", "auth-key"], &[&id, &key]);
    env.install_with_profile(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        Some("soracom-test"),
        &[],
    );
    env
}

fn auth_calls(env: &Env) -> usize {
    env.emu()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/auth")
        .count()
}

fn create_vpg(env: &Env, name: &str) -> String {
    let vpg = env.json(&["gateway", "create", "--name", name]);
    vpg["id"].as_str().expect("vpg id").to_string()
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

#[test]
fn consecutive_commands_share_one_exchange() {
    let env = soracom();
    assert_eq!(
        auth_calls(&env),
        0,
        "install and profile add must not authenticate"
    );
    create_vpg(&env, "first");
    env.json(&["gateway", "list"]);
    env.json(&["op", "call", "listVirtualPrivateGateways"]);
    assert_eq!(auth_calls(&env), 1, "three commands, one /auth");
    // Every authenticated request carried both headers from that one exchange.
    let requests = env.emu().requests();
    let tokens = issued_tokens(&requests);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let auth = requests.iter().find(|r| r.path == "/v1/auth").unwrap();
    let body: serde_json::Value = serde_json::from_str(&auth.body).unwrap();
    assert_eq!(
        body["authKeyId"],
        env.emu().config().soracom_auth_key_id.as_str()
    );
    assert_eq!(body["tokenTimeoutSeconds"], 86400);
    // The audit log names the exchange like any other request.
    let records = env.audit_records();
    let exchange: Vec<_> = records.iter().filter(|r| r["path"] == "/v1/auth").collect();
    assert_eq!(exchange.len(), 1);
    assert_eq!(exchange[0]["credential"], "soracom-test");
    assert_eq!(exchange[0]["status"], 200);
}

#[cfg(unix)]
#[test]
fn the_session_file_is_private_and_goes_with_the_credential() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = soracom();
    env.json(&["gateway", "list"]);
    let dir = env.file("cache/sessions");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let meta = files[0].metadata().unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let removed = env
        .run(&["credential", "remove", "soracom-test"])
        .expect_code(0);
    assert!(
        removed.stderr.contains("1 cached session"),
        "{}",
        removed.stderr
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn an_expired_session_is_renewed_once_and_the_command_succeeds() {
    let env = soracom();
    let id = create_vpg(&env, "renew");
    assert_eq!(auth_calls(&env), 1);
    // The provider drops every session early; the cached one is now refused.
    env.emu().expire_soracom_tokens();
    env.emu().clear_requests();
    let got = env.json(&["gateway", "get", &id]);
    assert_eq!(got["id"], id.as_str());
    let requests = env.emu().requests();
    let paths: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let get = format!("/v1/virtual_private_gateways/{id}");
    assert_eq!(
        paths,
        [
            ("GET", get.as_str()),
            ("POST", "/v1/auth"),
            ("GET", get.as_str())
        ],
        "refused, renewed once, resent"
    );
    // The renewed session is cached for the next command.
    env.json(&["gateway", "get", &id]);
    assert_eq!(auth_calls(&env), 1);
}

#[test]
fn a_session_expiring_mid_command_is_renewed_transparently() {
    let env = soracom();
    for n in 0..3 {
        create_vpg(&env, &format!("page-{n}"));
    }
    // From now on each session dies after two authenticated requests.
    env.emu().set_soracom_token_uses(Some(2));
    env.emu().expire_soracom_tokens();
    env.emu().clear_requests();
    let all = env.json(&["gateway", "list", "--all", "--limit", "1"]);
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    let requests = env.emu().requests();
    let refused = requests.len() - auth_calls(&env) - 3;
    // Pages 1..3 need three good requests; each session serves two, so the command
    // re-authenticated after each refusal, and never twice in a row.
    assert!(auth_calls(&env) >= 2, "{requests:#?}");
    assert_eq!(
        refused,
        auth_calls(&env),
        "one refusal per renewal: {requests:#?}"
    );
}

#[test]
fn a_refused_renewal_is_reported_not_retried_forever() {
    let env = soracom();
    env.json(&["gateway", "list"]);
    env.emu().clear_requests();
    // The provider refuses the request whatever the session.
    env.emu()
        .add_fault(FaultRule::status("/v1/virtual_private_gateways", 401).times(10));
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert_eq!(auth_calls(&env), 1, "renewed exactly once");
    assert_eq!(
        env.emu().requests().len(),
        3,
        "refused, renewed, refused again"
    );
    assert!(
        run.stderr.contains("soracom-vpg gateway.list"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
}

#[test]
fn a_wrong_auth_key_gets_a_readable_error_without_the_key() {
    let env = Env::with_emulator(Env::config());
    let id = env.emu().config().soracom_auth_key_id.clone();
    let wrong = format!("secret-{}", crate::support::random_hex(20));
    env.set_credential("soracom-test", &["auth-key-id", "auth-key"], &[&id, &wrong]);
    env.install_with_profile(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        Some("soracom-test"),
        &[],
    );
    let run = env.run(&["gateway", "list", "-vv"]).expect_code(1);
    assert!(
        run.stderr
            .contains("token exchange of credential \"soracom-test\" was refused")
            && run.stderr.contains("HTTP 401"),
        "{}",
        run.stderr
    );
    assert_no_secrets(&outputs(&[run]), &[("auth key", &wrong)]);
    // Nothing was cached for a failed exchange.
    let sessions = env.file("cache/sessions");
    assert_eq!(
        std::fs::read_dir(sessions).map(|d| d.count()).unwrap_or(0),
        0
    );
}

#[test]
fn auth_key_api_key_and_token_appear_nowhere_after_a_session() {
    let env = soracom();
    let key = env.emu().config().soracom_auth_key.clone();
    let mut runs: Vec<Run> = Vec::new();
    let mut run = |args: &[&str]| {
        let r = env.run_dumping(args, &[]).expect_code(0);
        runs.push(r);
        runs.last().unwrap().stdout.clone()
    };
    let created: serde_json::Value =
        serde_json::from_str(&run(&["gateway", "create", "--name", "scan", "-o", "json"])).unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    run(&["gateway", "list", "-o", "json"]);
    run(&["op", "call", "openGate", "--param", &format!("vpg_id={id}")]);
    run(&[
        "peer",
        "create",
        "--gateway",
        &id,
        "--kind",
        "gate",
        "--endpoint",
        "198.51.100.7",
    ]);
    run(&["peer", "list", "--gateway", &id, "-o", "yaml"]);
    // Force a renewal inside the scanned session as well.
    env.emu().expire_soracom_tokens();
    run(&["gateway", "get", &id]);
    run(&[
        "op",
        "call",
        "getVirtualPrivateGateway",
        "--param",
        &format!("vpg_id={id}"),
    ]);
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
    // Every other file of the home (config, lock file, compile cache) except the two that
    // hold secrets by design: the 0600 credentials file and the 0600 session cache.
    haystacks.extend(env.home_files().into_iter().filter(|(path, _)| {
        !path.ends_with("/config/credentials.toml")
            && !path.contains("/cache/sessions/")
            && !path.contains("/memory-dumps/")
    }));
    let dumps = env.memory_dumps();
    assert!(dumps.len() >= runs.len(), "one dump per command at least");
    // Control: what the adapter did handle (the VPG id it parsed) is found in its memory, so
    // the scan looks at the right bytes.
    assert!(
        dumps
            .iter()
            .any(|(_, bytes)| bytes.windows(id.len()).any(|w| w == id.as_bytes())),
        "the VPG id is not in any dump"
    );
    haystacks.extend(dumps);
    assert_no_secrets(&haystacks, &secrets);
}

#[test]
fn processes_started_together_on_a_cold_cache_make_one_exchange() {
    let env = soracom();
    let children: Vec<_> = (0..24)
        .map(|_| {
            env.command(&["gateway", "list", "-o", "json"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("portico starts")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("portico runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(auth_calls(&env), 1, "24 processes, one cold session");
}
