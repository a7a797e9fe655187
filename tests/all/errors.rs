//! Each kind of failure maps to its exit code and a message naming adapter, operation,
//! status and code.

use crate::support::{Env, closed_port, create_wireguard, random_key};
use portico_emulator::FaultRule;
use std::time::Duration;

#[test]
fn not_found_exits_1_with_status() {
    let env = Env::ionos(Env::config());
    let run = env
        .run(&[
            "gateway",
            "get",
            "8d2d6c4e-0000-4000-8000-000000000000",
            "--kind",
            "wireguard",
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("ionos-vpn gateway.get: not found (HTTP 404"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn provider_validation_exits_1_naming_the_field() {
    let env = Env::ionos(Env::config());
    let run = env
        .run(&[
            "op",
            "call",
            "IpsecgatewaysPost",
            "--body",
            r#"{"properties":{"name":"x"}}"#,
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("op:IpsecgatewaysPost: invalid input (HTTP 422"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gatewayIP"), "{}", run.stderr);
}

#[test]
fn adapter_side_validation_exits_1() {
    let env = Env::ionos(Env::config());
    let run = env
        .run(&["gateway", "create", "--name", "no-kind"])
        .expect_code(1);
    assert!(run.stderr.contains("invalid input"), "{}", run.stderr);
    assert!(run.stderr.contains("kind"), "{}", run.stderr);
    assert!(
        env.emu().requests().iter().all(|r| r.method != "POST"),
        "nothing was sent"
    );
}

#[test]
fn wrong_token_is_unauthorized_exit_1() {
    let env = Env::ionos(Env::config());
    env.set_credential("ionos-test", &["token"], &["not-the-token"]);
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert!(
        run.stderr.contains("unauthorized (HTTP 401"),
        "{}",
        run.stderr
    );
}

#[test]
fn read_only_token_is_forbidden_exit_1() {
    let env = Env::ionos(Env::config());
    let ro = env.emu().config().ionos_readonly_token.clone();
    env.set_credential("ionos-test", &["token"], &[&ro]);
    env.run(&["gateway", "list"]).expect_code(0);
    let run = env
        .run_with(
            &[
                "gateway",
                "create",
                "--kind",
                "ipsec",
                "--name",
                "x",
                "--public-address",
                "203.0.113.1",
                "--properties",
                &crate::support::connections(1),
            ],
            "",
            &[],
        )
        .expect_code(1);
    assert!(run.stderr.contains("forbidden (HTTP 403"), "{}", run.stderr);
}

#[test]
fn busy_resource_is_a_conflict_exit_1() {
    let mut config = Env::config();
    config.provision_delay = Duration::from_secs(600);
    let env = Env::ionos(config);
    let gw = create_wireguard(&env, "busy", &[]);
    assert_eq!(gw["state"], "provisioning");
    let id = gw["id"].as_str().unwrap();
    let key = random_key();
    let run = env
        .run_with(
            &[
                "gateway",
                "update",
                id,
                "--name",
                "x",
                "--secret",
                "private-key=env:K",
            ],
            "",
            &[("K", &key)],
        )
        .expect_code(1);
    assert!(run.stderr.contains("conflict (HTTP 409"), "{}", run.stderr);
}

#[test]
fn provider_server_error_exits_2_and_post_is_not_retried() {
    let env = Env::ionos(Env::config());
    env.emu().add_fault(
        FaultRule::status("/ipsecgateways", 500)
            .method("POST")
            .times(5),
    );
    let run = env
        .run(&[
            "gateway",
            "create",
            "--kind",
            "ipsec",
            "--name",
            "x",
            "--public-address",
            "203.0.113.1",
            "--properties",
            &crate::support::connections(1),
        ])
        .expect_code(2);
    assert!(
        run.stderr.contains("provider error (HTTP 500"),
        "{}",
        run.stderr
    );
    let posts = env
        .emu()
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a POST must not be retried blindly");
}

#[test]
fn idempotent_requests_are_retried_after_503_and_429() {
    let env = Env::ionos(Env::config());
    env.emu().add_fault(
        FaultRule::status("/wireguardgateways", 503)
            .method("GET")
            .times(2),
    );
    env.emu().add_fault(
        FaultRule::status("/ipsecgateways", 429)
            .method("GET")
            .retry_after(1)
            .times(1),
    );
    let list = env.json(&["gateway", "list"]);
    assert!(list.as_array().unwrap().is_empty());
    let records = env.audit_records();
    let wg = records
        .iter()
        .find(|r| r["path"] == "/wireguardgateways")
        .unwrap();
    assert_eq!(wg["attempts"], 3, "{wg}");
    assert_eq!(wg["status"], 200);
    let ipsec = records
        .iter()
        .find(|r| r["path"] == "/ipsecgateways")
        .unwrap();
    assert_eq!(ipsec["attempts"], 2, "{ipsec}");
    assert!(
        ipsec["duration_ms"].as_u64().unwrap() >= 1000,
        "Retry-After was honoured: {ipsec}"
    );
}

#[test]
fn unreachable_endpoint_is_a_transport_error_exit_2() {
    let env = Env::ionos(Env::config());
    let endpoint = format!("endpoint=http://127.0.0.1:{}", closed_port());
    env.run(&[
        "profile",
        "add",
        "t",
        "--adapter",
        "ionos-vpn",
        "--credential",
        "ionos-test",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    let run = env.run(&["gateway", "list"]).expect_code(2);
    assert!(
        run.stderr.contains("transport error") && run.stderr.contains("could not connect"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_input_before_any_call_exits_1() {
    let env = Env::ionos(Env::config());
    let run = env
        .run(&[
            "gateway",
            "create",
            "--kind",
            "ipsec",
            "--properties",
            "{not json",
        ])
        .expect_code(1);
    assert!(
        run.stderr.contains("--properties is not valid JSON"),
        "{}",
        run.stderr
    );
    let run = env.run(&["-p", "nope", "gateway", "list"]).expect_code(1);
    assert!(
        run.stderr.contains("profile \"nope\" does not exist"),
        "{}",
        run.stderr
    );
    let run = env
        .run(&[
            "profile",
            "add",
            "x",
            "--adapter",
            "ionos-vpn",
            "--set",
            "region=mars",
        ])
        .expect_code(1);
    assert!(run.stderr.contains("not allowed"), "{}", run.stderr);
}

#[test]
fn unsupported_noun_exits_1() {
    let env = Env::ionos(Env::config());
    let run = env.run(&["mapping", "list"]).expect_code(1);
    assert!(
        run.stderr.contains(
            "mapping list is not supported by adapter ionos-vpn (it supports: gateway \
             list/get/create/update/delete"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn rate_limit_that_outlasts_the_retries_exits_1() {
    let env = Env::ionos(Env::config());
    env.emu().add_fault(
        FaultRule::status("/wireguardgateways", 429)
            .method("GET")
            .retry_after(0)
            .times(10),
    );
    let run = env
        .run(&["gateway", "list", "--kind", "wireguard"])
        .expect_code(1);
    assert!(
        run.stderr.contains("rate limited (HTTP 429"),
        "{}",
        run.stderr
    );
    let gets = env
        .emu()
        .requests()
        .iter()
        .filter(|r| r.path == "/wireguardgateways")
        .count();
    assert_eq!(gets, 4, "one request and three retries");
}

#[test]
fn adapter_trap_exits_2_naming_the_adapter() {
    let env = Env::with_emulator(Env::config());
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::BROKER_PROBE,
        "--yes",
    ])
    .expect_code(0);
    env.run(&["profile", "add", "p", "--adapter", "broker-probe"])
        .expect_code(0);
    let run = env.run(&["op", "call", "panic"]).expect_code(2);
    assert!(
        run.stderr
            .contains("adapter broker-probe panicked during op:panic"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the probe was asked to panic"),
        "the guest's message is shown: {}",
        run.stderr
    );
}
