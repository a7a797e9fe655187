//! `portico adapter test`: every shipped adapter passes the conformance suite against the
//! emulator, and the suite's own checks fail when an adapter breaks the contract.

use crate::support::Env;
use serde_json::Value;

/// A home with `adapter` installed and profile `t` at the emulator, using a stored credential
/// whose fields `fields` picks from the emulator's config.
fn installed(
    component: &str,
    adapter: &str,
    fields: impl Fn(&portico_emulator::Config) -> Vec<(&'static str, String)>,
    settings: &[&str],
) -> Env {
    let env = Env::with_emulator(Env::config());
    let fields = fields(env.emu().config());
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    let values: Vec<&str> = fields.iter().map(|(_, v)| v.as_str()).collect();
    env.set_credential("cred", &names, &values);
    env.install_with_profile(component, adapter, Some("cred"), settings);
    env
}

fn soracom(c: &portico_emulator::Config) -> Vec<(&'static str, String)> {
    vec![
        ("auth-key-id", c.soracom_auth_key_id.clone()),
        ("auth-key", c.soracom_auth_key.clone()),
    ]
}

/// Runs the suite; panics with the report unless every check passed or was skipped.
fn passes(env: &Env, adapter: &str) -> Vec<Value> {
    let run = env.run(&["adapter", "test", adapter, "-p", "t", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no report ({e}):\n{}\n{}", run.stdout, run.stderr));
    let failed: Vec<&Value> = rows.iter().filter(|r| r["result"] == "fail").collect();
    assert!(failed.is_empty(), "{adapter}: {failed:#?}\n{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    rows
}

fn ran(rows: &[Value], check: &str) -> bool {
    rows.iter()
        .any(|r| r["check"].as_str().is_some_and(|c| c.contains(check)) && r["result"] == "pass")
}

#[test]
fn ionos_vpn_passes() {
    let env = installed(
        portico_test_artifacts::IONOS_VPN,
        "ionos-vpn",
        |c| vec![("token", c.ionos_token.clone())],
        &[],
    );
    let rows = passes(&env, "ionos-vpn");
    for check in [
        "gateway/wireguard: get sees the change",
        "tunnel/ipsec: get after delete is not-found",
        "peer/wireguard: list finds it",
        "errors: a wrong credential is unauthorized",
        "audit: nothing undeclared",
        "memory: no secret",
    ] {
        assert!(ran(&rows, check), "{check} did not pass: {rows:#?}");
    }
}

#[test]
fn soracom_vpg_passes() {
    let env = installed(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        soracom,
        &[],
    );
    let rows = passes(&env, "soracom-vpg");
    assert!(ran(&rows, "gateway/vpg: get sees the change"), "{rows:#?}");
}

#[test]
fn soracom_napter_passes() {
    let env = installed(
        portico_test_artifacts::SORACOM_NAPTER,
        "soracom-napter",
        soracom,
        &[],
    );
    let rows = passes(&env, "soracom-napter");
    assert!(
        ran(&rows, "mapping/port-mapping: get after delete is not-found"),
        "{rows:#?}"
    );
}

#[test]
fn scp_vpn_passes() {
    let env = installed(
        portico_test_artifacts::SCP_VPN,
        "scp-vpn",
        |c| {
            vec![
                ("access-key", c.scp_access_key.clone()),
                ("secret-key", c.scp_secret_key.clone()),
            ]
        },
        &["region=kr-west1", "environment=s"],
    );
    let rows = passes(&env, "scp-vpn");
    assert!(ran(&rows, "tunnel/ipsec: get sees the change"), "{rows:#?}");
}

#[test]
fn upcloud_gateway_passes() {
    let env = installed(
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "upcloud-gateway",
        |c| {
            vec![
                ("username", c.upcloud_basic.0.clone()),
                ("password", c.upcloud_basic.1.clone()),
            ]
        },
        &["zone=pl-waw1"],
    );
    let rows = passes(&env, "upcloud-gateway");
    assert!(ran(&rows, "gateway/vpn: get sees the change"), "{rows:#?}");
}

#[test]
fn an_adapter_that_breaks_the_contract_fails_with_the_reason() {
    // The 0.1.0 fixture ignores the locator's kind, which 0.2.0 says is invalid-input naming
    // the field `kind`.
    let env = installed(
        portico_test_artifacts::COMPAT_V0_1_0,
        "compat-v0-1-0",
        |c| vec![("token", c.ionos_token.clone())],
        &[],
    );
    let run = env
        .run(&["adapter", "test", "compat-v0-1-0", "-p", "t", "-o", "json"])
        .expect_code(1);
    let rows: Vec<Value> = serde_json::from_str(&run.stdout).expect("a report");
    let kind = rows
        .iter()
        .find(|r| r["check"] == "errors: an unknown kind is invalid-input")
        .expect("the kind check ran");
    assert_eq!(kind["result"], "fail", "{kind}");
    assert!(
        kind["detail"].as_str().unwrap().contains("not kind"),
        "{kind}"
    );
    assert!(
        run.stderr.contains("conformance checks failed"),
        "{}",
        run.stderr
    );
    let table = env
        .run(&["adapter", "test", "compat-v0-1-0", "-p", "t"])
        .expect_code(1);
    assert!(table.stdout.starts_with("CHECK"), "{}", table.stdout);
}

#[test]
fn python_napter_passes() {
    let env = installed(
        portico_test_artifacts::SORACOM_NAPTER_PY,
        "soracom-napter-py",
        soracom,
        &[],
    );
    let rows = passes(&env, "soracom-napter-py");
    assert!(
        ran(&rows, "mapping/port-mapping: get after delete is not-found"),
        "{rows:#?}"
    );
    assert!(ran(&rows, "memory: no secret"), "{rows:#?}");
}

#[test]
fn javascript_napter_passes() {
    let env = installed(
        portico_test_artifacts::SORACOM_NAPTER_JS,
        "soracom-napter-js",
        soracom,
        &[],
    );
    let rows = passes(&env, "soracom-napter-js");
    assert!(
        ran(&rows, "mapping/port-mapping: get after delete is not-found"),
        "{rows:#?}"
    );
    assert!(ran(&rows, "memory: no secret"), "{rows:#?}");
}
