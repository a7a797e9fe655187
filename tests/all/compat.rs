//! Adapters built for an older contract keep working: `compat-v0-1-0`, written from the frozen
//! `wit/since_v0.1.0` with its own bindings, installs, shows its contract version, and runs a
//! WireGuard gateway lifecycle against the emulator through the host's 0.1.0 conversions, its
//! secret input included.

use crate::support::{Env, assert_no_secrets, connections, outputs, random_key};

fn env() -> Env {
    let env = Env::with_emulator(Env::config());
    let token = env.emu().config().ionos_token.clone();
    env.set_credential("ionos-test", &["token"], &[&token]);
    let install = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::COMPAT_V0_1_0,
            "--yes",
        ])
        .expect_code(0);
    assert!(
        install.stderr.contains("portico:adapter@0.1.0"),
        "{}",
        install.stderr
    );
    assert!(
        install
            .stderr
            .contains("private-key: the whole value of a JSON body field"),
        "{}",
        install.stderr
    );
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "t",
        "--adapter",
        "compat-v0-1-0",
        "--set",
        &endpoint,
        "--credential",
        "ionos-test",
    ])
    .expect_code(0);
    env
}

#[test]
fn a_0_1_0_adapter_is_listed_and_inspected_with_its_contract_version() {
    let env = env();
    let list = env.json(&["adapter", "list"]);
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "compat-v0-1-0")
        .expect("listed");
    assert_eq!(entry["wit"], "0.1.0");
    let inspect = env.json(&["adapter", "inspect", "compat-v0-1-0"]);
    assert_eq!(inspect["wit"], "0.1.0");
    assert_eq!(inspect["nouns"], serde_json::json!(["gateway"]));
    let table = env.run(&["adapter", "list", "-o", "table"]).expect_code(0);
    assert!(table.stdout.contains("0.1.0"), "{}", table.stdout);
}

#[test]
fn a_0_1_0_adapter_completes_a_lifecycle_against_the_emulator() {
    let env = env();
    let key = random_key();
    let props = connections(1);
    let mut runs = Vec::new();
    let created = env
        .run_with(
            &[
                "gateway",
                "create",
                "--name",
                "old-contract",
                "--public-address",
                "203.0.113.50",
                "--network",
                "10.9.0.1/24",
                "--properties",
                &props,
                "--secret",
                "private-key=env:WG_KEY",
                "--wait",
                "-o",
                "json",
            ],
            "",
            &[("WG_KEY", &key)],
        )
        .expect_code(0);
    let gateway = created.json();
    let id = gateway["id"].as_str().unwrap().to_string();
    assert_eq!(gateway["state"], "available", "{gateway}");
    runs.push(created);
    // The key reached the provider, at the field the adapter put its placeholder in.
    let sent = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/wireguardgateways")
        .expect("create request");
    let body: serde_json::Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["properties"]["privateKey"], key.as_str());

    let list = env.json(&["gateway", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|g| g["id"] == id.as_str()),
        "{list}"
    );
    let got = env.json(&["gateway", "get", &id]);
    assert_eq!(got["name"], "old-contract");
    // What 0.1.0 cannot express is refused before the call, not silently dropped.
    let update = env
        .run(&["gateway", "update", &id, "--clear", "description"])
        .expect_code(1);
    assert!(update.stderr.contains("0.1.0"), "{}", update.stderr);
    runs.push(
        env.run(&["gateway", "delete", &id, "--wait"])
            .expect_code(0),
    );
    let gone = env.run(&["gateway", "get", &id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);

    let mut haystacks = outputs(&runs);
    haystacks.push(("audit".into(), env.audit().into_bytes()));
    assert_no_secrets(&haystacks, &[("private key", &key)]);
}
