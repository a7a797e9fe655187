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
