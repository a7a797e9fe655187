//! The broker's retry policy: a request is sent again only when that cannot make the provider
//! process it twice (an idempotent method; a 429, which was not processed; a connection that
//! was never made), with backoff, within the command's retry deadline.

use crate::support::{Env, create_wireguard};
use portico_emulator::FaultRule;
use serde_json::Value;

fn requests(env: &Env, method: &str, path: &str) -> usize {
    env.emu()
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

fn fast_retries(env: &Env, extra: &str) {
    std::fs::write(
        env.file("config/config.toml"),
        format!("[limits]\nretry_base_ms = 1\n{extra}"),
    )
    .unwrap();
}

#[test]
fn a_create_answered_429_is_sent_again_and_succeeds() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "");
    env.emu().add_fault(
        FaultRule::status("/wireguardgateways", 429)
            .method("POST")
            .retry_after(0),
    );
    let gateway = create_wireguard(&env, "after-429", &[]);
    assert_eq!(gateway["name"], "after-429");
    assert_eq!(requests(&env, "POST", "/wireguardgateways"), 2);
}

#[test]
fn a_create_answered_503_is_not_sent_blindly_again() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "");
    env.emu()
        .add_fault(FaultRule::status("/wireguardgateways", 503).method("POST"));
    let key = crate::support::random_key();
    let props = crate::support::connections(1);
    let run = env.run_with(
        &[
            "gateway",
            "create",
            "--kind",
            "wireguard",
            "--name",
            "once",
            "--public-address",
            "203.0.113.10",
            "--network",
            "10.8.0.1/24",
            "--properties",
            &props,
            "--secret",
            "private-key=env:WG_KEY",
        ],
        "",
        &[("WG_KEY", &key)],
    );
    assert_ne!(run.code, 0, "{}", run.stderr);
    let posts = env
        .emu()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/wireguardgateways")
        .count();
    assert!(posts >= 1, "the create was sent");
    let records = env.audit_records();
    let create = records
        .iter()
        .find(|r| r["method"] == "POST" && r["path"] == "/wireguardgateways")
        .expect("audited");
    assert_eq!(
        create["attempts"], 1,
        "a POST answered 503 is not retried: {create}"
    );
}

#[test]
fn a_get_whose_connection_drops_is_sent_again() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "");
    env.emu()
        .add_fault(FaultRule::drop_connection("/wireguardgateways").method("GET"));
    let list = env.json(&["gateway", "list", "--kind", "wireguard"]);
    assert!(list.as_array().is_some());
    assert_eq!(
        requests(&env, "GET", "/wireguardgateways"),
        2,
        "the dropped one, then the retry"
    );
    let get = env
        .audit_records()
        .into_iter()
        .find(|r| r["method"] == "GET" && r["path"] == "/wireguardgateways")
        .expect("audited");
    assert_eq!(get["attempts"], 2, "{get}");
}

#[test]
fn retries_stop_at_the_commands_retry_deadline() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "retries = 100\nretry_deadline_secs = 2\n");
    env.emu().add_fault(
        FaultRule::status("/wireguardgateways", 503)
            .method("GET")
            .retry_after(1)
            .times(100),
    );
    let run = env
        .run(&["gateway", "list", "--kind", "wireguard"])
        .expect_code(2);
    assert!(run.stderr.contains("HTTP 503"), "{}", run.stderr);
    let gets = requests(&env, "GET", "/wireguardgateways");
    assert!(
        (2..=3).contains(&gets),
        "{gets} attempts in a 2 s deadline at 1 s apart"
    );
}

#[test]
fn a_create_whose_response_is_lost_is_found_again_not_made_twice() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "");
    env.emu()
        .add_fault(FaultRule::lose_response("/wireguardgateways").method("POST"));
    // The gateway is created, the answer never arrives; the adapter finds it by its name.
    let gateway = create_wireguard(&env, "lost-answer", &[]);
    assert_eq!(gateway["name"], "lost-answer");
    assert_eq!(
        requests(&env, "POST", "/wireguardgateways"),
        1,
        "not sent twice"
    );
    let all = env.json(&["gateway", "list", "--kind", "wireguard"]);
    let named: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"] == "lost-answer")
        .collect();
    assert_eq!(named.len(), 1, "{all}");
    assert_eq!(named[0]["id"], gateway["id"]);
}

#[test]
fn a_delete_whose_response_is_lost_is_checked_and_done() {
    let env = Env::ionos(Env::config());
    fast_retries(&env, "");
    let gateway = create_wireguard(&env, "lost-delete", &[]);
    let id = gateway["id"].as_str().unwrap();
    env.emu()
        .add_fault(FaultRule::lose_response("/wireguardgateways").method("DELETE"));
    env.run(&["gateway", "delete", id, "--kind", "wireguard"])
        .expect_code(0);
    let gone = env
        .run(&["gateway", "get", id, "--kind", "wireguard"])
        .expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
}

#[test]
fn wait_ends_at_its_timeout_naming_the_state_last_seen() {
    let config = portico_emulator::Config {
        provision_delay: std::time::Duration::from_secs(3600),
        ..Env::config()
    };
    let env = Env::ionos(config);
    let key = crate::support::random_key();
    let props = crate::support::connections(1);
    let run = env.run_with(
        &[
            "gateway",
            "create",
            "--kind",
            "wireguard",
            "--name",
            "slow",
            "--public-address",
            "203.0.113.10",
            "--network",
            "10.8.0.1/24",
            "--properties",
            &props,
            "--secret",
            "private-key=env:WG_KEY",
            "--wait",
            "--wait-timeout",
            "1s",
        ],
        "",
        &[("WG_KEY", &key)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("timed out after 1s waiting for gateway")
            && run.stderr.contains("(still provisioning)"),
        "{}",
        run.stderr
    );
}
