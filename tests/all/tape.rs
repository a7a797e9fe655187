//! Record and replay: `--record` writes a cassette with secrets as placeholders, `--replay`
//! answers from it with no network and no credentials, and fails clearly on a request the
//! cassette does not hold.

use crate::support::{Env, assert_no_secrets, create_wireguard};

#[test]
fn a_recorded_lifecycle_replays_with_no_emulator_and_no_credentials() {
    let env = Env::ionos(Env::config());
    let dir = tempfile::tempdir().unwrap();
    let cassette = dir.path().join("ionos.cassette.json");
    let cassette = cassette.to_str().unwrap();
    let token = env.emu().config().ionos_token.clone();
    let gateway = create_wireguard(&env, "taped", &["--record", cassette]);
    let id = gateway["id"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(cassette).unwrap();
    // The private key went to the emulator, but the cassette holds its placeholder.
    assert!(text.contains("{{secret:private-key}}"), "{text}");
    assert_no_secrets(
        &[("cassette".into(), text.clone().into_bytes())],
        &[("token", &token)],
    );
    let cassette_get = dir.path().join("get.cassette.json");
    let cassette_get = cassette_get.to_str().unwrap();
    let recorded = env.json(&["gateway", "get", &id, "--record", cassette_get]);

    // A new home with the same profile but no stored credential, and no emulator at all.
    let offline = Env::new();
    offline
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::IONOS_VPN,
            "--yes",
        ])
        .expect_code(0);
    let endpoint = format!("endpoint={}", env.emu().url());
    offline
        .run(&[
            "profile",
            "add",
            "t",
            "--adapter",
            "ionos-vpn",
            "--set",
            &endpoint,
        ])
        .expect_code(0);
    drop(env);
    let replayed = offline.json(&["gateway", "get", &id, "--replay", cassette_get]);
    assert_eq!(replayed, recorded);

    let missing = offline
        .run(&["gateway", "get", "no-such-id", "--replay", cassette_get])
        .expect_code(2);
    assert!(
        missing
            .stderr
            .contains("holds no GET /wireguardgateways/no-such-id"),
        "{}",
        missing.stderr
    );
    assert!(offline.audit().contains("\"outcome\":\"failed\""));
}

#[test]
fn replay_and_record_exclude_each_other_and_a_broken_cassette_is_named() {
    let env = Env::new();
    let bad = env.path().join("bad.json");
    std::fs::write(&bad, "{\"not\": \"a cassette\"}").unwrap();
    let bad = bad.to_str().unwrap();
    let run = env
        .run(&["gateway", "list", "--replay", bad])
        .expect_code(2);
    assert!(
        run.stderr.contains("is not a portico cassette"),
        "{}",
        run.stderr
    );
    let both = env.run(&["gateway", "list", "--replay", bad, "--record", bad]);
    assert_ne!(both.code, 0);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

/// A one-interaction cassette from `fixture`'s interaction `name` (the adapter's own fixtures
/// of UpCloud's recorded traffic), request body included so the replay checks what is sent.
fn fixture_cassette(dir: &std::path::Path, fixture: &serde_json::Value, name: &str) -> String {
    let item = &fixture["interactions"][name];
    assert!(item.is_object(), "no fixture interaction {name}");
    let cassette = serde_json::json!({
        "portico_cassette": 1,
        "about": format!("UpCloud fixture interaction {name}"),
        "interactions": [{"name": name, "request": item["request"], "response": item["response"]}],
    });
    let path = dir.join(format!("{name}.cassette.json"));
    std::fs::write(&path, cassette.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn the_upcloud_fixtures_replay_through_the_cli_with_no_emulator_and_no_credentials() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../adapters/upcloud-gateway/tests/fixtures/gateway-nat.json"
    ))
    .unwrap();
    let env = Env::new();
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "--yes",
    ])
    .expect_code(0);
    // The provider's own origin: nothing is sent anywhere, the cassette answers.
    env.run(&["profile", "add", "hel", "--adapter", "upcloud-gateway"])
        .expect_code(0);
    let dir = tempfile::tempdir().unwrap();
    let sent = &fixture["interactions"]["create"]["request"]["body"];
    let properties = serde_json::json!({"zone": sent["zone"], "routers": sent["routers"]});
    let create = fixture_cassette(dir.path(), &fixture, "create");
    let created = env.json(&[
        "-p",
        "hel",
        "gateway",
        "create",
        "--kind",
        "nat",
        "--name",
        "edge-nat",
        "--properties",
        &properties.to_string(),
        "--replay",
        &create,
    ]);
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(id, "10f3c2a1-5b7e-4d29-9c41-8e2a7b6d0c15");
    assert_eq!(
        (&created["state"], &created["provider_state"]),
        (&"provisioning".into(), &"pending".into())
    );

    let get = fixture_cassette(dir.path(), &fixture, "get");
    let got = env.json(&["-p", "hel", "gateway", "get", &id, "--replay", &get]);
    assert_eq!(got["state"], "available");
    assert_eq!(got["public_addresses"], serde_json::json!(["203.0.113.41"]));

    let modify = fixture_cassette(dir.path(), &fixture, "modify");
    let updated = env.json(&[
        "-p",
        "hel",
        "gateway",
        "update",
        &id,
        "--name",
        "edge-nat-2",
        "--properties",
        r#"{"configured_status": "stopped"}"#,
        "--replay",
        &modify,
    ]);
    assert_eq!(updated["name"], "edge-nat-2");

    let delete = fixture_cassette(dir.path(), &fixture, "delete");
    env.run(&["-p", "hel", "gateway", "delete", &id, "--replay", &delete])
        .expect_code(0);
    // A request the fixture does not hold is refused, not sent.
    let other = env
        .run(&["-p", "hel", "gateway", "get", "nope", "--replay", &delete])
        .expect_code(2);
    assert!(
        other.stderr.contains("holds no GET /1.3/gateway/nope"),
        "{}",
        other.stderr
    );
}
