//! Redaction: a random bearer token and a random pre-shared key given as a secret input are
//! used for a whole session; they reach the emulator and appear nowhere else.

use crate::support::{Env, create_ipsec, random_hex};

#[test]
fn token_and_pre_shared_key_appear_only_on_the_wire() {
    let env = Env::ionos(Env::config());
    let token = env.emu().config().ionos_token.clone();
    let psk = format!("psk-{}", random_hex(20));
    let gw = create_ipsec(&env, "secret-gw", &["-vv"]);
    let gw_id = gw["id"].as_str().unwrap().to_string();
    let mut transcript = String::new();
    let runs = [
        env.run_with(
            &[
                "tunnel",
                "create",
                "--gateway",
                &gw_id,
                "--name",
                "t",
                "--remote-address",
                "198.51.100.9",
                "--local-network",
                "192.168.2.0/24",
                "--remote-network",
                "10.1.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
                "-vv",
            ],
            "",
            &[("PSK", &psk)],
        ),
        env.run_with(
            &["tunnel", "list", "--gateway", &gw_id, "-vv", "-o", "json"],
            "",
            &[],
        ),
        env.run_with(
            &[
                "op",
                "call",
                "IpsecgatewaysTunnelsGet",
                "--param",
                &format!("gatewayId={gw_id}"),
                "-vv",
            ],
            "",
            &[],
        ),
        env.run_with(&["gateway", "list", "-vv"], "", &[]),
        // Secret input from stdin, then an error path with the secret in play.
        env.run_with(
            &[
                "tunnel",
                "create",
                "--gateway",
                &gw_id,
                "--name",
                "t2",
                "--remote-address",
                "198.51.100.10",
                "--local-network",
                "192.168.2.0/24",
                "--remote-network",
                "10.2.0.0/16",
                "--secret",
                "pre-shared-key=stdin",
                "-vv",
            ],
            &format!("{psk}\n"),
            &[],
        ),
        env.run_with(
            &[
                "tunnel",
                "create",
                "--gateway",
                "00000000-0000-4000-8000-000000000000",
                "--name",
                "t3",
                "--remote-address",
                "198.51.100.11",
                "--local-network",
                "192.168.2.0/24",
                "--remote-network",
                "10.3.0.0/16",
                "--secret",
                "pre-shared-key=env:PSK",
                "-vv",
            ],
            "",
            &[("PSK", &psk)],
        ),
    ];
    for (i, run) in runs.iter().enumerate() {
        if i < 5 {
            assert_eq!(run.code, 0, "run {i}: {}", run.stderr);
        } else {
            assert_eq!(run.code, 1, "run {i}: {}", run.stderr);
        }
        transcript.push_str(&run.stdout);
        transcript.push_str(&run.stderr);
    }
    assert!(transcript.contains("DEBUG"), "-vv produced debug output");
    let audit = env.audit();
    assert!(audit.lines().count() >= 6, "{audit}");
    for (what, secret) in [("token", &token), ("pre-shared key", &psk)] {
        assert!(
            !transcript.contains(secret.as_str()),
            "{what} leaked into CLI output"
        );
        assert!(
            !audit.contains(secret.as_str()),
            "{what} leaked into the audit log"
        );
        for entry in walk(env.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            if entry.ends_with("credentials.toml") {
                continue;
            }
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{what} found in {}",
                entry.display()
            );
        }
    }
    // The provider received the real values.
    let requests = env.emu().requests();
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {token}").as_str()))
    );
    let posts: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/tunnels"))
        .collect();
    assert!(posts.len() >= 2);
    for p in posts.iter().take(2) {
        let body: serde_json::Value = serde_json::from_str(&p.body).unwrap();
        assert_eq!(body["properties"]["auth"]["psk"]["key"], psk.as_str());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
