//! Installing adapters, integrity pinning, the credentials file's permissions and the compile
//! cache.

use crate::support::Env;

#[test]
fn install_needs_approval_and_pins_sha256() {
    let env = Env::new();
    let run = env
        .run(&["adapter", "install", portico_test_artifacts::IONOS_VPN])
        .expect_code(1);
    assert!(run.stderr.contains("needs confirmation"), "{}", run.stderr);
    assert!(
        run.stderr.contains("vpn.de-fra.ionos.com"),
        "declared hosts are shown: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("token (secret)"),
        "credentials are shown: {}",
        run.stderr
    );
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::IONOS_VPN,
        "--yes",
    ])
    .expect_code(0);
    let list = env.json(&["adapter", "list"]);
    let sha = list[0]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    let lock = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap();
    assert!(lock.contains(sha));
    let inspect = env.json(&["adapter", "inspect", "ionos-vpn"]);
    assert_eq!(inspect["operations"], 20);
    assert_eq!(inspect["wit"], "0.2.0");
}

#[test]
fn adapter_changed_after_install_is_refused() {
    let env = Env::ionos(Env::config());
    env.run(&["gateway", "list"]).expect_code(0);
    let path = env.file("adapters/ionos-vpn.wasm");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    env.emu().clear_requests();
    let run = env.run(&["gateway", "list"]).expect_code(2);
    assert!(
        run.stderr
            .contains("adapter ionos-vpn was modified after it was approved"),
        "{}",
        run.stderr
    );
    assert!(env.emu().requests().is_empty(), "it did not run");
    // Re-approving the original makes it usable again.
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::IONOS_VPN,
        "--yes",
    ])
    .expect_code(0);
    env.run(&["gateway", "list"]).expect_code(0);
}

#[cfg(unix)]
#[test]
fn credentials_file_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = Env::ionos(Env::config());
    let path = env.file("config/credentials.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = env.run(&["gateway", "list"]).expect_code(2);
    assert!(
        run.stderr.contains("readable by group or others"),
        "{}",
        run.stderr
    );
    assert!(
        env.emu().requests().is_empty(),
        "no request without a credential"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.run(&["gateway", "list"]).expect_code(0);
}

#[test]
fn second_run_loads_from_the_compile_cache() {
    let env = Env::ionos(Env::config());
    // This home's own cache (empty: the set-up used the one the test run shares).
    assert!(!env.file("cache/compiled").exists());
    let own = [("PORTICO_COMPILE_CACHE", "")];
    let first = env
        .run_with(&["gateway", "list", "-vv"], "", &own)
        .expect_code(0);
    assert!(
        first.stderr.contains("compile cache miss"),
        "{}",
        first.stderr
    );
    let second = env
        .run_with(&["gateway", "list", "-vv"], "", &own)
        .expect_code(0);
    assert!(
        second.stderr.contains("loaded adapter from compile cache"),
        "{}",
        second.stderr
    );
    assert!(
        !second.stderr.contains("compile cache miss"),
        "{}",
        second.stderr
    );
}

#[test]
fn credential_commands_never_show_values() {
    let env = Env::new();
    env.set_credential("c1", &["username", "password"], &["alice", "pw-secret-123"]);
    let list = env.run(&["credential", "list"]).expect_code(0);
    assert!(
        list.stdout.contains("c1") && list.stdout.contains("password"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains("pw-secret-123") && !list.stdout.contains("alice"));
    let wrong = env.run_with(
        &["credential", "set", "c2", "--field", "a", "--field", "b"],
        "only-one\n",
        &[],
    );
    let wrong = wrong.expect_code(1);
    assert!(!wrong.stderr.contains("only-one"), "{}", wrong.stderr);
    env.run(&["credential", "remove", "c1"]).expect_code(0);
    env.run(&["credential", "remove", "c1"]).expect_code(1);
}

#[test]
fn profile_and_adapter_names_cannot_escape() {
    let env = Env::new();
    let run = env
        .run(&["adapter", "inspect", "../../etc/passwd"])
        .expect_code(1);
    assert!(
        run.stderr.contains("invalid adapter name"),
        "{}",
        run.stderr
    );
    let run = env
        .run(&["profile", "add", "/abs", "--adapter", "x"])
        .expect_code(1);
    assert!(
        run.stderr.contains("invalid profile name"),
        "{}",
        run.stderr
    );
    let run = env.run(&["credential", "set", "../x"]).expect_code(1);
    assert!(
        run.stderr.contains("invalid credential name"),
        "{}",
        run.stderr
    );
}

#[test]
fn credential_from_environment_variables() {
    let env = Env::with_emulator(Env::config());
    // No --credential: the adapter's credential name `ionos` is looked up as is.
    env.install_ionos(None);
    let missing = env.run(&["gateway", "list"]).expect_code(2);
    assert!(
        missing.stderr.contains("credential \"ionos\" not found"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("PORTICO_CREDENTIAL_IONOS_TOKEN"),
        "{}",
        missing.stderr
    );
    let token = env.emu().config().ionos_token.clone();
    let ok = env.run_with(
        &["gateway", "list", "-o", "json"],
        "",
        &[("PORTICO_CREDENTIAL_IONOS_TOKEN", &token)],
    );
    ok.expect_code(0);
    let listed = env.run_with(
        &["credential", "list", "-o", "json"],
        "",
        &[("PORTICO_CREDENTIAL_IONOS_TOKEN", &token)],
    );
    let listed = listed.expect_code(0);
    assert!(
        listed.stdout.contains("PORTICO_CREDENTIAL_IONOS_TOKEN") && !listed.stdout.contains(&token)
    );
}

#[test]
fn region_selects_the_regional_host() {
    let env = Env::new();
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::IONOS_VPN,
        "--yes",
        "--grant",
        "vpn.de-fra.ionos.com",
    ])
    .expect_code(0);
    env.run(&[
        "profile",
        "add",
        "txl",
        "--adapter",
        "ionos-vpn",
        "--set",
        "region=de-txl",
    ])
    .expect_code(0);
    // The request is refused before it leaves the machine, and the refusal names the host the
    // region selected.
    let run = env
        .run_with(
            &["-p", "txl", "gateway", "list"],
            "",
            &[("PORTICO_CREDENTIAL_IONOS_TOKEN", "unused")],
        )
        .expect_code(2);
    assert!(
        run.stderr
            .contains("may not reach https://vpn.de-txl.ionos.com"),
        "{}",
        run.stderr
    );
    let audit = env.audit_records();
    assert_eq!(audit[0]["host"], "vpn.de-txl.ionos.com");
    assert_eq!(audit[0]["outcome"], "refused");
}
