//! The broker's egress and credential policy, probed with the `broker-probe` test adapter.

use crate::support::{Env, closed_port, random_hex};

struct Probe {
    env: Env,
    token: String,
}

/// The probe installed with only `allowed.example.com` granted, a credential, and a profile
/// whose endpoint is the emulator.
fn probe() -> Probe {
    let env = Env::with_emulator(Env::config());
    let token = random_hex(16);
    env.set_credential("probe-cred", &["token", "account"], &[&token, "acct-7"]);
    let install = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::BROKER_PROBE,
            "--yes",
            "--grant",
            "allowed.example.com",
        ])
        .expect_code(0);
    assert!(
        install.stderr.contains("[deny ] other.example.com"),
        "{}",
        install.stderr
    );
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "p",
        "--adapter",
        "broker-probe",
        "--credential",
        "probe-cred",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    Probe { env, token }
}

impl Probe {
    fn fetch(&self, url: &str, extra: &[&str]) -> crate::support::Run {
        let param = format!("url={url}");
        let mut args = vec!["op", "call", "fetch", "--param", &param];
        args.extend(extra);
        self.env.run(&args)
    }
}

#[test]
fn undeclared_host_is_refused_naming_it() {
    let p = probe();
    let run = p
        .fetch("https://undeclared.example.org/x", &[])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("adapter broker-probe may not reach https://undeclared.example.org"),
        "{}",
        run.stderr
    );
}

#[test]
fn declared_but_ungranted_host_is_refused() {
    let p = probe();
    let run = p.fetch("https://other.example.com/x", &[]).expect_code(2);
    assert!(
        run.stderr
            .contains("may not reach https://other.example.com"),
        "{}",
        run.stderr
    );
    let audit = p.env.audit_records();
    assert!(
        audit
            .iter()
            .any(|r| r["host"] == "other.example.com" && r["outcome"] == "refused"),
        "{audit:?}"
    );
}

#[test]
fn other_loopback_port_and_metadata_service_are_refused() {
    let p = probe();
    let url = format!("http://127.0.0.1:{}/", closed_port());
    p.fetch(&url, &[]).expect_code(2);
    let run = p
        .fetch("http://169.254.169.254/latest/meta-data/", &[])
        .expect_code(2);
    assert!(run.stderr.contains("169.254.169.254"), "{}", run.stderr);
    let run = p
        .fetch("https://allowed.example.com@127.0.0.1/", &[])
        .expect_code(2);
    assert!(run.stderr.contains("user info"), "{}", run.stderr);
}

#[test]
fn configured_endpoint_gets_the_credential_applied_by_the_host() {
    let p = probe();
    let url = format!("{}/probe/path", p.env.emu().url());
    let run = p
        .fetch(&url, &["--param", "credential=probe"])
        .expect_code(0);
    assert!(!run.stdout.contains(&p.token), "{}", run.stdout);
    let seen = p.env.emu().requests();
    let req = seen
        .iter()
        .find(|r| r.path == "/probe/path")
        .expect("request reached the emulator");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {}", p.token).as_str())
    );
}

#[test]
fn guest_may_not_set_credential_headers() {
    let p = probe();
    let url = format!("{}/x", p.env.emu().url());
    for header in [
        "Authorization: Bearer stolen",
        "Cookie: a=b",
        "X-Soracom-Token: t",
        "Proxy-Authorization: x",
    ] {
        let h = format!("header={header}");
        let run = p.fetch(&url, &["--param", &h]).expect_code(2);
        assert!(
            run.stderr.contains("may not set header"),
            "{header}: {}",
            run.stderr
        );
    }
    assert!(
        p.env.emu().requests().is_empty(),
        "nothing reached the emulator"
    );
}

#[test]
fn undeclared_credential_is_refused() {
    let p = probe();
    let url = format!("{}/x", p.env.emu().url());
    let run = p
        .fetch(&url, &["--param", "credential=someone-elses"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("may not use credential \"someone-elses\""),
        "{}",
        run.stderr
    );
}

#[test]
fn identity_reads_only_non_secret_fields() {
    let p = probe();
    let ok = p.env.json(&[
        "op",
        "call",
        "identity",
        "--param",
        "credential=probe",
        "--param",
        "field=account",
    ]);
    assert_eq!(ok, "acct-7");
    let run = p
        .env
        .run(&[
            "op",
            "call",
            "identity",
            "--param",
            "credential=probe",
            "--param",
            "field=token",
        ])
        .expect_code(2);
    assert!(run.stderr.contains("is secret"), "{}", run.stderr);
    assert!(!run.stderr.contains(&p.token));
}

#[test]
fn request_budget_is_enforced_per_call() {
    let p = probe();
    std::fs::write(
        p.env.file("config/config.toml"),
        "[limits]\nrequests_per_call = 0\n",
    )
    .unwrap();
    let url = format!("{}/x", p.env.emu().url());
    let run = p.fetch(&url, &[]).expect_code(2);
    assert!(
        run.stderr.contains("budget of 0 requests"),
        "{}",
        run.stderr
    );
}

#[test]
fn secret_inputs_are_substituted_on_the_wire_and_scrubbed_from_responses() {
    let p = probe();
    let secret = format!("s3cret-{}", random_hex(12));
    let url = format!("{}/echo", p.env.emu().url());
    let param = format!("url={url}");
    p.env
        .run_with(
            &[
                "op",
                "call",
                "fetch",
                "--param",
                &param,
                "--param",
                "method=POST",
                "--body",
                r#"{"value":"{{secret:probe-secret}}"}"#,
                "--secret",
                "probe-secret=env:S",
            ],
            "",
            &[("S", &secret)],
        )
        .expect_code(0);
    let sent = p
        .env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.path == "/echo")
        .expect("sent");
    assert_eq!(sent.body, format!(r#"{{"value":"{secret}"}}"#));
    // The emulator's request log echoes the secret back; the adapter must only see the
    // placeholder.
    let log = format!("url={}/_emulator/requests", p.env.emu().url());
    let run = p
        .env
        .run_with(
            &[
                "op",
                "call",
                "fetch",
                "--param",
                &log,
                "--secret",
                "probe-secret=env:S",
            ],
            "",
            &[("S", &secret)],
        )
        .expect_code(0);
    assert!(!run.stdout.contains(&secret), "{}", run.stdout);
    assert!(
        run.stdout.contains("{{secret:probe-secret}}"),
        "{}",
        run.stdout
    );
}

#[test]
fn secret_input_from_a_stored_credential() {
    let p = probe();
    let secret = format!("vault-{}", random_hex(12));
    p.env.set_credential("vault", &["psk"], &[&secret]);
    let url = format!("url={}/from-credential", p.env.emu().url());
    let run = p
        .env
        .run(&[
            "op",
            "call",
            "fetch",
            "--param",
            &url,
            "--param",
            "method=PUT",
            "--body",
            r#"{"k":"{{secret:probe-secret}}"}"#,
            "--secret",
            "probe-secret=credential:vault.psk",
        ])
        .expect_code(0);
    assert!(!run.stdout.contains(&secret));
    let sent = p
        .env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.path == "/from-credential")
        .expect("sent");
    assert!(sent.body.contains(&secret));
    let undeclared = p
        .env
        .run(&[
            "op",
            "call",
            "fetch",
            "--param",
            &url,
            "--secret",
            "nope=env:X",
        ])
        .expect_code(1);
    assert!(
        undeclared
            .stderr
            .contains("declares no secret input \"nope\""),
        "{}",
        undeclared.stderr
    );
}
