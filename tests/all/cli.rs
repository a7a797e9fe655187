//! The command line as people use it (#15): tables, `-o name`/`-q`/`-o wide`, one resource
//! without the provider document unless asked, suggestions for mistyped names, completions
//! that load in the shell, and man pages.

use crate::support::{Env, create_wireguard};
use std::process::Command;

#[test]
fn lists_are_borderless_aligned_columns_with_whole_ids() {
    let env = Env::ionos(Env::config());
    let a = create_wireguard(&env, "edge-a", &[]);
    create_wireguard(&env, "edge-b", &[]);
    let run = env.run(&["gateway", "list", "-o", "table"]).expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("STATE"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('│') && !run.stdout.contains('─'),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(a["id"].as_str().unwrap()),
        "{}",
        run.stdout
    );
    // Piped: nothing decorative, nothing cut.
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stdout.contains('…'),
        "{}",
        run.stdout
    );
    let column = lines[0].find("STATE").unwrap();
    assert!(
        lines[1..]
            .iter()
            .all(|l| l[column..].starts_with("available")),
        "{}",
        run.stdout
    );
    let wide = env.run(&["gateway", "list", "-o", "wide"]).expect_code(0);
    assert!(
        wide.stdout.lines().next().unwrap().contains("NETWORKS"),
        "{}",
        wide.stdout
    );
    assert!(!lines[0].contains("NETWORKS"));
}

#[test]
fn name_output_prints_only_ids() {
    let env = Env::ionos(Env::config());
    let a = create_wireguard(&env, "only-ids", &[]);
    let id = a["id"].as_str().unwrap();
    for flag in [&["-o", "name"][..], &["-q"][..]] {
        let mut args = vec!["gateway", "list"];
        args.extend_from_slice(flag);
        let run = env.run(&args).expect_code(0);
        assert_eq!(run.stdout, format!("{id}\n"));
    }
    let one = env.run(&["gateway", "get", id, "-q"]).expect_code(0);
    assert_eq!(one.stdout, format!("{id}\n"));
}

#[test]
fn one_resource_shows_typed_fields_and_the_provider_document_only_when_asked() {
    let env = Env::ionos(Env::config());
    let a = create_wireguard(&env, "fields", &[]);
    let id = a["id"].as_str().unwrap();
    let plain = env
        .run(&["gateway", "get", id, "-o", "table"])
        .expect_code(0);
    assert!(
        plain
            .stdout
            .lines()
            .any(|l| l.starts_with("name:") && l.ends_with("fields")),
        "{}",
        plain.stdout
    );
    assert!(
        !plain.stdout.contains("provider document") && !plain.stdout.contains("gatewayIP"),
        "{}",
        plain.stdout
    );
    let full = env
        .run(&["gateway", "get", id, "--show-provider", "-o", "table"])
        .expect_code(0);
    assert!(
        full.stdout.contains("provider document:") && full.stdout.contains("gatewayIP"),
        "{}",
        full.stdout
    );
    // JSON keeps the provider document, as it always did.
    let json = env.json(&["gateway", "get", id]);
    assert!(
        json["provider"]["properties"]["gatewayIP"].is_string(),
        "{json}"
    );
}

#[test]
fn mistyped_names_get_the_closest_known_ones() {
    let env = Env::ionos(Env::config());
    let op = env
        .run(&["op", "call", "WireguardgatewayGet"])
        .expect_code(1);
    assert!(
        op.stderr.contains(
            "has no operation \"WireguardgatewayGet\" (did you mean WireguardgatewaysGet"
        ),
        "{}",
        op.stderr
    );
    let show = env
        .run(&["op", "show", "wireguardgatewaysget"])
        .expect_code(1);
    assert!(
        show.stderr.contains("did you mean WireguardgatewaysGet"),
        "{}",
        show.stderr
    );
    let profile = env.run(&["gateway", "list", "-p", "tt"]).expect_code(1);
    assert!(
        profile
            .stderr
            .contains("profile \"tt\" does not exist (did you mean t?)")
            && profile.stderr.contains("portico profile add tt --adapter"),
        "{}",
        profile.stderr
    );
    let adapter = env.run(&["adapter", "inspect", "ionos-vp"]).expect_code(1);
    assert!(
        adapter.stderr.contains("did you mean ionos-vpn?"),
        "{}",
        adapter.stderr
    );
    let credential = env
        .run(&["credential", "remove", "ionos-tes"])
        .expect_code(1);
    assert!(
        credential.stderr.contains("did you mean ionos-test?"),
        "{}",
        credential.stderr
    );
}

/// Runs `script` in bash with the completion of `portico` registered.
fn bash(env: &Env, script: &str) -> String {
    let exe = env!("CARGO_BIN_EXE_portico");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("source <('{exe}' completion bash)\n{script}"))
        .env("PORTICO_HOME", env.path())
        .env_remove("PORTICO_PROFILE")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What the registered completion offers for the words of `line` (the last word completed).
fn completions(env: &Env, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "COMP_WORDS=({}); COMP_CWORD={}; COMP_TYPE=9\n\
         _clap_complete_portico portico '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    bash(env, &script).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_subcommands_flags_and_names() {
    let env = Env::ionos(Env::config());
    assert!(bash(&env, "complete -p portico").contains("_clap_complete_portico"));
    assert_eq!(completions(&env, &["portico", "gateway", "l"]), ["list"]);
    assert!(
        completions(&env, &["portico", "gateway", "list", "--a"]).contains(&"--all".to_string())
    );
    assert_eq!(completions(&env, &["portico", "-p", ""]), ["t"]);
    assert_eq!(
        completions(&env, &["portico", "adapter", "inspect", "io"]),
        ["ionos-vpn"]
    );
    assert_eq!(
        completions(&env, &["portico", "credential", "remove", "ionos-t"]),
        ["ionos-test"]
    );
    let ops = completions(&env, &["portico", "op", "call", "WireguardgatewaysG"]);
    assert_eq!(ops, ["WireguardgatewaysGet"]);
}

#[test]
fn completion_scripts_exist_for_every_shell_and_load_in_zsh_when_it_is_installed() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = env.run(&["completion", shell]).expect_code(0);
        assert!(run.stdout.contains("COMPLETE"), "{shell}: {}", run.stdout);
    }
    let unknown = env.run(&["completion", "tcsh"]).expect_code(1);
    assert!(
        unknown.stderr.contains("shells: bash"),
        "{}",
        unknown.stderr
    );
    if Command::new("zsh").arg("--version").output().is_ok() {
        let exe = env!("CARGO_BIN_EXE_portico");
        let out = Command::new("zsh")
            .arg("-fc")
            .arg(format!(
                "autoload -U compinit && compinit -u && source <('{exe}' completion zsh)"
            ))
            .output()
            .expect("zsh runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        eprintln!("zsh is not installed here: its completion script was generated, not loaded");
    }
}

#[test]
fn man_pages_cover_every_command() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    env.run(&["man", dir.path().to_str().unwrap()])
        .expect_code(0);
    let page = std::fs::read_to_string(dir.path().join("portico-gateway-create.1")).unwrap();
    assert!(
        page.contains(".TH") && page.contains("public\\-address"),
        "{page}"
    );
    for name in [
        "portico.1",
        "portico-op-call.1",
        "portico-adapter-test.1",
        "portico-completion.1",
    ] {
        assert!(dir.path().join(name).exists(), "{name}");
    }
    assert!(
        !dir.path().join("portico-man.1").exists(),
        "the hidden command has no page"
    );
}

#[test]
fn a_description_where_the_kind_has_none_is_refused_before_any_request() {
    let env = Env::with_emulator(Env::config());
    let token = env.emu().config().upcloud_token.clone();
    env.set_credential("upcloud-token", &["token"], &[&token]);
    env.install_with_profile(
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "upcloud-gateway",
        Some("upcloud-token"),
        &["zone=pl-waw1"],
    );
    let run = env
        .run(&[
            "tunnel",
            "create",
            "--gateway",
            "04c0ffee-1234-4abc-8def-0123456789ab",
            "--name",
            "t",
            "--description",
            "office",
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("tunnels of adapter upcloud-gateway have no description"),
        "{}",
        run.stderr
    );
    assert!(env.emu().requests().is_empty(), "nothing was sent");
}
