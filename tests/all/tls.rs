//! HTTPS against the emulator's `--tls` mode: a lifecycle per credential scheme (bearer,
//! token exchange, request signing) trusting the profile's CA file, `SSL_CERT_FILE` honoured
//! without one, a wrong CA refused with a clear error and no retry, and the TLS roots loaded
//! once, only by a command that makes an HTTPS request.

use crate::support::{Env, create_wireguard};
use serde_json::Value;

/// The `-vv` line the host writes when it loads TLS roots.
const ROOTS_LINE: &str = "TLS roots: ";

/// An emulator in TLS mode with no lifecycle delays.
fn tls_env() -> Env {
    Env::with_emulator(portico_emulator::Config {
        tls: true,
        ..Env::config()
    })
}

fn ca(env: &Env) -> String {
    let path = env.emu().ca_path().expect("TLS mode writes its CA");
    path.display().to_string()
}

fn wrong_ca(env: &Env) -> String {
    let path = env
        .emu()
        .wrong_ca_path()
        .expect("TLS mode writes an unrelated CA");
    path.display().to_string()
}

/// Installs `component` and adds profile `t` at the emulator's HTTPS endpoint with credential
/// `credential` and, if given, `--ca-file ca_file`.
fn install(env: &Env, component: &str, adapter: &str, credential: &str, ca_file: Option<&str>) {
    env.run(&["adapter", "install", component, "--yes"])
        .expect_code(0);
    let endpoint = format!("endpoint={}", env.emu().url());
    assert!(endpoint.starts_with("endpoint=https://"), "{endpoint}");
    let mut args = vec![
        "profile",
        "add",
        "t",
        "--adapter",
        adapter,
        "--set",
        &endpoint,
        "--credential",
        credential,
    ];
    if let Some(ca) = ca_file {
        args.extend(["--ca-file", ca]);
    }
    env.run(&args).expect_code(0);
}

fn ionos(env: &Env, ca_file: Option<&str>) {
    let token = env.emu().config().ionos_token.clone();
    env.set_credential("io", &["token"], &[&token]);
    install(
        env,
        portico_test_artifacts::IONOS_VPN,
        "ionos-vpn",
        "io",
        ca_file,
    );
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// How many times the command's `-vv` log says it loaded TLS roots.
fn root_loads(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.contains(ROOTS_LINE)).count()
}

#[test]
fn bearer_lifecycle_over_https_trusts_only_the_profile_ca() {
    let env = tls_env();
    let ca = ca(&env);
    ionos(&env, Some(&ca));
    let gw = create_wireguard(&env, "tls-wg", &[]);
    let gw_id = id(&gw);
    let got = env.json(&["gateway", "get", &gw_id]);
    assert_eq!(got["name"], "tls-wg");
    // A bundle that does not exist: the profile's CA file is the only source consulted.
    let run = env
        .run_with(
            &[
                "gateway", "list", "--all", "--limit", "1", "-vv", "-o", "json",
            ],
            "",
            &[("SSL_CERT_FILE", "/nonexistent/bundle.pem")],
        )
        .expect_code(0);
    assert_eq!(
        run.json().as_array().map(Vec::len),
        Some(1),
        "{}",
        run.stdout
    );
    assert_eq!(root_loads(&run.stderr), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("TLS roots: 1 certificates from CA file {ca}")),
        "{}",
        run.stderr
    );
    env.run(&["gateway", "delete", &gw_id]).expect_code(0);
    let listed = env.json(&["gateway", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
    let shown = env.json(&["profile", "show", "t"]);
    assert_eq!(shown["ca_file"], ca.as_str());
}

#[test]
fn token_exchange_lifecycle_over_https() {
    let env = tls_env();
    let ca = ca(&env);
    let key_id = env.emu().config().soracom_auth_key_id.clone();
    let key = env.emu().config().soracom_auth_key.clone();
    env.set_credential("sora", &["auth-key-id", "auth-key"], &[&key_id, &key]);
    install(
        &env,
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        "sora",
        Some(&ca),
    );
    let created = env.json(&["gateway", "create", "--name", "tls-vpg"]);
    let vpg = id(&created);
    let listed = env.json(&["gateway", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    env.run(&["gateway", "delete", &vpg]).expect_code(0);
    let requests = env.emu().requests();
    assert!(
        requests.iter().any(|r| r.path == "/v1/auth"),
        "the token exchange went to the HTTPS endpoint too"
    );
}

#[test]
fn signed_lifecycle_over_https() {
    let env = tls_env();
    let ca = ca(&env);
    let access = env.emu().config().scp_access_key.clone();
    let secret = env.emu().config().scp_secret_key.clone();
    env.set_credential("scp", &["access-key", "secret-key"], &[&access, &secret]);
    install(
        &env,
        portico_test_artifacts::SCP_VPN,
        "scp-vpn",
        "scp",
        Some(&ca),
    );
    let props = r#"{"vpc_id": "ceb44ea5ecb34a49b16495f9a63b0718", "ip_id": "fcde872f75c145a0893d656cc698f101"}"#;
    let gw = env.json(&[
        "gateway",
        "create",
        "--name",
        "tlsgw",
        "--public-address",
        "123.0.0.1",
        "--properties",
        props,
    ]);
    let gw_id = id(&gw);
    assert_eq!(env.json(&["gateway", "get", &gw_id])["name"], "tlsgw");
    env.run(&["gateway", "delete", &gw_id]).expect_code(0);
    assert!(
        env.emu()
            .requests()
            .iter()
            .all(|r| r.headers.iter().any(|(k, _)| k == "scp-signature")
                || !r.path.starts_with("/v1/")),
        "every provider request was signed"
    );
}

#[test]
fn a_wrong_ca_is_refused_clearly_and_not_retried() {
    let env = tls_env();
    let wrong = wrong_ca(&env);
    ionos(&env, Some(&wrong));
    env.emu().clear_requests();
    let run = env.run(&["gateway", "list"]).expect_code(2);
    assert!(
        run.stderr.contains("TLS refused the server")
            && run.stderr.contains("UnknownIssuer")
            && run
                .stderr
                .contains(&format!("trusts only the CA file {wrong}")),
        "{}",
        run.stderr
    );
    assert!(env.emu().requests().is_empty(), "no request got through");
    let audit = env.audit_records();
    let last = audit.last().expect("the refused request is audited");
    assert_eq!(
        last["attempts"], 1,
        "a refused certificate is not retried: {last}"
    );
}

#[test]
fn ssl_cert_file_is_honoured_without_a_profile_ca() {
    let env = tls_env();
    ionos(&env, None);
    let ca = ca(&env);
    let run = env
        .run_with(&["gateway", "list", "-vv"], "", &[("SSL_CERT_FILE", &ca)])
        .expect_code(0);
    assert!(
        run.stderr
            .contains(&format!("TLS roots: 1 certificates from bundle {ca}")),
        "{}",
        run.stderr
    );
    let wrong = wrong_ca(&env);
    let run = env
        .run_with(&["gateway", "list"], "", &[("SSL_CERT_FILE", &wrong)])
        .expect_code(2);
    assert!(
        run.stderr.contains("UnknownIssuer") && run.stderr.contains("--ca-file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_plain_http_command_never_loads_roots() {
    let env = Env::ionos(Env::config());
    assert!(env.emu().url().starts_with("http://"));
    create_wireguard(&env, "plain", &[]);
    let run = env.run(&["gateway", "list", "-vv"]).expect_code(0);
    assert!(run.stderr.contains("GET"), "the command made its request");
    assert_eq!(root_loads(&run.stderr), 0, "{}", run.stderr);
}

#[test]
fn profile_add_refuses_a_ca_file_without_certificates() {
    let env = tls_env();
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::IONOS_VPN,
        "--yes",
    ])
    .expect_code(0);
    let not_pem = env.file("not-a-ca.pem");
    std::fs::write(&not_pem, "just text\n").unwrap();
    let not_pem = not_pem.display().to_string();
    for (file, says) in [
        (not_pem.as_str(), "holds no PEM certificate"),
        ("/nonexistent/ca.pem", "cannot read CA file"),
    ] {
        let run = env
            .run(&[
                "profile",
                "add",
                "t",
                "--adapter",
                "ionos-vpn",
                "--ca-file",
                file,
            ])
            .expect_code(1);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
}
