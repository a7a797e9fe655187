//! The contract as an outside author and a user meet it: frozen versions stay frozen, the host
//! answers from the capability declaration without calling the adapter, and `adapter inspect`
//! and `--help` say what they mean (#17's host bugs, each with its regression test).

use crate::support::{Env, create_wireguard};
use sha2::{Digest as _, Sha256};
use std::path::Path;

/// The digest `sha256sum` of every file, sorted by path, hashes to: the same value the project's
/// before-stop check computes.
fn directory_digest(dir: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
        .expect("contract directory")
        .map(|e| format!("{dir}/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut listing = String::new();
    for file in files {
        let bytes = std::fs::read(root.join(&file)).unwrap();
        listing.push_str(&format!(
            "{}  {file}\n",
            hex::encode(Sha256::digest(&bytes))
        ));
    }
    hex::encode(Sha256::digest(listing.as_bytes()))
}

#[test]
fn released_contract_0_1_0_is_frozen_byte_for_byte() {
    assert_eq!(
        directory_digest("wit/since_v0.1.0"),
        "8201266acf0acb41c5ffac84940adbd55e476bb01727a50d6cbe649bfbac9db4",
        "wit/since_v0.1.0 changed: a released contract is frozen; put changes in a new version"
    );
}

#[test]
fn an_undeclared_noun_is_answered_without_calling_the_adapter() {
    let env = Env::ionos(Env::config());
    let before = env.emu().requests().len();
    let run = env.run(&["mapping", "list"]).expect_code(1);
    assert!(
        run.stderr
            .contains("mapping list is not supported by adapter ionos-vpn"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.emu().requests().len(),
        before,
        "the adapter made a request"
    );
    assert!(env.audit_records().is_empty(), "{}", env.audit());
}

#[test]
fn inspect_names_nouns_and_kinds_plainly() {
    let env = Env::ionos(Env::config());
    let inspect = env.json(&["adapter", "inspect", "ionos-vpn"]);
    assert_eq!(
        inspect["nouns"],
        serde_json::json!(["gateway", "tunnel", "peer"])
    );
    let kinds = inspect["kinds"].as_array().unwrap();
    assert!(
        kinds.contains(&serde_json::json!("gateway/wireguard")),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().all(|k| !k.as_str().unwrap().contains("::")),
        "{kinds:?}"
    );
    assert_eq!(inspect["capabilities"][0]["noun"], "gateway");
    assert_eq!(inspect["provider"], "IONOS Cloud VPN Gateway");
}

#[test]
fn inspect_as_a_table_shows_the_provider_as_a_row() {
    let env = Env::ionos(Env::config());
    let run = env.run(&["adapter", "inspect", "ionos-vpn"]).expect_code(0);
    assert!(!run.stdout.contains("provider document"), "{}", run.stdout);
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("IONOS Cloud VPN Gateway") && l.contains("provider"))
        .unwrap_or_else(|| panic!("no provider row in\n{}", run.stdout));
    assert!(!row.contains('"'), "{row}");
}

#[test]
fn noun_help_describes_each_subcommand_and_groups_global_options() {
    let env = Env::new();
    for noun in ["gateway", "tunnel", "peer", "mapping"] {
        let help = env.run(&[noun, "--help"]).expect_code(0).stdout;
        for (action, text) in [
            ("list", format!("List {noun}s")),
            ("get", format!("Show one {noun}")),
            ("create", format!("Create a {noun}")),
            ("delete", format!("Delete a {noun}")),
        ] {
            let line = help
                .lines()
                .find(|l| l.trim_start().starts_with(action))
                .unwrap_or_else(|| panic!("no {action} in\n{help}"));
            assert!(line.contains(&text), "{noun} {action}: {line}");
        }
        assert!(!help.contains("Options of"), "{help}");
        assert!(help.contains("Global options:"), "{help}");
    }
    let tunnel = env
        .run(&["tunnel", "create", "--help"])
        .expect_code(0)
        .stdout;
    assert!(!tunnel.contains("wireguard"), "{tunnel}");
}

#[test]
fn a_plain_word_credential_does_not_rewrite_provider_data() {
    // The emulator accepts the token `AVAILABLE`, which is also the state word of every ready
    // IONOS gateway: scrubbing it would rewrite provider data.
    let config = portico_emulator::Config {
        ionos_token: "AVAILABLE".into(),
        ..Env::config()
    };
    let env = Env::with_emulator(config);
    let set = env.run_with(&["credential", "set", "plain"], "AVAILABLE\n", &[]);
    let set = set.expect_code(0);
    assert!(
        set.stderr.contains("short or a plain word"),
        "{}",
        set.stderr
    );
    env.install_ionos(Some("plain"));
    let gateway = create_wireguard(&env, "plain", &["--wait"]);
    assert_eq!(gateway["provider_state"], "AVAILABLE", "{gateway}");
    let got = env.json(&["gateway", "get", gateway["id"].as_str().unwrap()]);
    assert_eq!(got["provider"]["metadata"]["status"], "AVAILABLE", "{got}");
}

#[test]
fn a_plain_word_wrong_token_leaves_the_providers_message_intact() {
    let env = Env::with_emulator(Env::config());
    env.set_credential("wrong", &["token"], &["invalid"]);
    env.install_ionos(Some("wrong"));
    let run = env.run(&["gateway", "list"]).expect_code(1);
    assert!(
        run.stderr.contains("missing or invalid credentials") && !run.stderr.contains("redacted"),
        "{}",
        run.stderr
    );
}
