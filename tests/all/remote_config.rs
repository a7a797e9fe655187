//! The other end: `tunnel config` (the remote site's swanctl.conf), `peer config` (a wg-quick
//! file, `--qr`), and `--generate-key` on peer and gateway create, whose private key is found
//! only in the credential store and in the configuration the user asked for.

use crate::support::{
    Env, Run, assert_no_secrets, connections, create_ipsec, create_wireguard, outputs, random_hex,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// The public key of a base64 X25519 private key, computed here independently of portico.
fn public_of(private: &str) -> String {
    let bytes: [u8; 32] = STANDARD
        .decode(private)
        .expect("base64 private key")
        .try_into()
        .expect("32 bytes");
    let secret = x25519_dalek::StaticSecret::from(bytes);
    STANDARD.encode(x25519_dalek::PublicKey::from(&secret).as_bytes())
}

/// The value of `field` of credential `name` in the home's credentials file (read as a file:
/// the store is the one place the key may be).
fn stored(env: &Env, name: &str, field: &str) -> String {
    let text = std::fs::read_to_string(env.file("config/credentials.toml")).expect("store");
    let table: toml::Table = text.parse().expect("TOML");
    table[name][field].as_str().expect("field").to_string()
}

/// Outputs, audit log, home files except the credential store, and the adapter memory.
fn haystacks(env: &Env, runs: &[Run]) -> Vec<(String, Vec<u8>)> {
    let mut all = outputs(runs);
    all.push(("audit log".into(), env.audit().into_bytes()));
    all.extend(env.home_files().into_iter().filter(|(path, _)| {
        !path.ends_with("/config/credentials.toml") && !path.contains("/memory-dumps/")
    }));
    all.extend(env.memory_dumps());
    all
}

fn line_value<'a>(conf: &'a str, key: &str) -> Option<&'a str> {
    conf.lines()
        .find_map(|l| l.trim().strip_prefix(key)?.trim().strip_prefix('='))
        .map(str::trim)
}

#[test]
fn tunnel_config_mirrors_the_tunnel_and_writes_the_psk_only_when_given() {
    let env = Env::ionos(Env::config());
    let gw = id(&create_ipsec(&env, "office-gw", &[]));
    let psk = format!("psk-{}", random_hex(20));
    let tunnel = env.json_env(
        &[
            "tunnel",
            "create",
            "--gateway",
            &gw,
            "--name",
            "office",
            "--remote-address",
            "198.51.100.9",
            "--local-network",
            "192.168.2.0/24",
            "--remote-network",
            "10.1.0.0/16",
            "--secret",
            "pre-shared-key=env:PSK",
        ],
        &[("PSK", &psk)],
    );
    let t = id(&tunnel);
    let plain = env
        .run(&["tunnel", "config", &t, "--gateway", &gw])
        .expect_code(0);
    let conf = &plain.stdout;
    assert_eq!(
        line_value(conf, "local_addrs"),
        Some("198.51.100.9"),
        "{conf}"
    );
    assert_eq!(line_value(conf, "remote_addrs"), Some("203.0.113.20"));
    assert_eq!(line_value(conf, "local_ts"), Some("10.1.0.0/16"));
    assert_eq!(line_value(conf, "remote_ts"), Some("192.168.2.0/24"));
    assert_eq!(line_value(conf, "version"), Some("2"));
    assert!(conf.contains("connections {") && conf.contains("secrets {"));
    assert_eq!(
        line_value(conf, "secret"),
        None,
        "no PSK unless given:\n{conf}"
    );

    let with = env
        .run_with(
            &["tunnel", "config", &t, "--gateway", &gw, "--psk", "env:PSK"],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(0);
    assert_eq!(
        line_value(&with.stdout, "secret"),
        Some(format!("\"{psk}\"").as_str())
    );
    let from_stdin = env
        .run_with(
            &["tunnel", "config", &t, "--gateway", &gw, "--psk", "stdin"],
            &format!("{psk}\n"),
            &[],
        )
        .expect_code(0);
    assert_eq!(from_stdin.stdout, with.stdout);

    let text = env
        .run(&["tunnel", "config", &t, "--gateway", &gw, "--format", "text"])
        .expect_code(0);
    assert!(text.stdout.contains("198.51.100.9") && text.stdout.contains("203.0.113.20"));
    let refused = env
        .run_with(
            &[
                "tunnel",
                "config",
                &t,
                "--gateway",
                &gw,
                "--format",
                "text",
                "--psk",
                "env:PSK",
            ],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(1);
    let literal = env
        .run(&["tunnel", "config", &t, "--gateway", &gw, "--psk", &psk])
        .expect_code(1);
    assert!(literal.stderr.contains("never taken from the command line"));
    assert_no_secrets(
        &outputs(&[plain, text, refused, literal]),
        &[("psk", psk.as_str())],
    );
}

#[test]
fn generated_peer_key_is_only_in_the_store_and_the_peer_config() {
    let env = Env::ionos(Env::config());
    let gw = id(&create_wireguard(&env, "phone-gw", &[]));
    let created = env.run_dumping(
        &[
            "peer",
            "create",
            "--gateway",
            &gw,
            "--name",
            "phone",
            "--allowed-network",
            "10.8.0.2/32",
            "--generate-key",
            "-o",
            "json",
        ],
        &[],
    );
    let created = created.expect_code(0);
    let peer = created.json();
    let peer_id = id(&peer);
    let credential = format!("wg-peer-{peer_id}");
    assert!(created.stderr.contains(&credential), "{}", created.stderr);
    let private = stored(&env, &credential, "private-key");
    assert_eq!(peer["public_key"], public_of(&private).as_str(), "{peer}");
    let sent = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/peers"))
        .expect("the peer create reached the emulator");
    assert!(sent.body.contains(&public_of(&private)) && !sent.body.contains(&private));

    let mut runs = vec![
        created,
        env.run_dumping(
            &["peer", "get", &peer_id, "--gateway", &gw, "-o", "json"],
            &[],
        ),
        env.run_dumping(&["peer", "list", "--gateway", &gw, "-o", "json"], &[]),
        env.run(&["credential", "list"]),
    ];
    let conf = env
        .run(&["peer", "config", &peer_id, "--gateway", &gw])
        .expect_code(0);
    assert_eq!(
        line_value(&conf.stdout, "PrivateKey"),
        Some(private.as_str())
    );
    assert_eq!(line_value(&conf.stdout, "Address"), Some("10.8.0.2/32"));
    // The gateway's interface address 10.8.0.1/24 as the network wg-quick routes.
    assert_eq!(line_value(&conf.stdout, "AllowedIPs"), Some("10.8.0.0/24"));
    assert_eq!(
        line_value(&conf.stdout, "Endpoint"),
        Some("203.0.113.10:51820")
    );
    let gw_view = env.json(&["gateway", "get", &gw]);
    assert_eq!(
        line_value(&conf.stdout, "PublicKey"),
        gw_view["wireguard"]["public_key"].as_str(),
        "{gw_view}"
    );
    let qr = env
        .run(&["peer", "config", &peer_id, "--gateway", &gw, "--qr"])
        .expect_code(0);
    assert!(qr.stdout.lines().count() > 20 && qr.stdout.contains('█'));
    runs.push(qr);
    // A key given in place of the stored one must be this peer's.
    let other = env
        .run_with(
            &[
                "peer",
                "config",
                &peer_id,
                "--gateway",
                &gw,
                "--private-key",
                "env:K",
            ],
            "",
            &[("K", &STANDARD.encode([7u8; 32]))],
        )
        .expect_code(1);
    assert!(
        other.stderr.contains("does not belong to peer"),
        "{}",
        other.stderr
    );
    runs.push(other);
    runs.push(env.run_dumping(&["peer", "delete", &peer_id, "--gateway", &gw], &[]));
    assert_no_secrets(
        &haystacks(&env, &runs),
        &[("generated key", private.as_str())],
    );
    assert!(
        env.run(&[
            "peer",
            "update",
            &peer_id,
            "--gateway",
            &gw,
            "--generate-key"
        ])
        .stderr
        .contains("--generate-key is for create")
    );
}

#[test]
fn generated_gateway_key_goes_through_the_placeholder_path() {
    let env = Env::ionos(Env::config());
    let props = connections(1);
    let created = env.run_dumping(
        &[
            "gateway",
            "create",
            "--kind",
            "wireguard",
            "--name",
            "gen-gw",
            "--public-address",
            "203.0.113.10",
            "--network",
            "10.8.0.1/24",
            "--properties",
            &props,
            "--generate-key",
            "-o",
            "json",
        ],
        &[],
    );
    let created = created.expect_code(0);
    let gw = id(&created.json());
    let credential = format!("wg-gateway-{gw}");
    let private = stored(&env, &credential, "private-key");
    let body: Value = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/wireguardgateways")
        .map(|r| serde_json::from_str(&r.body).expect("JSON body"))
        .expect("the gateway create reached the emulator");
    assert_eq!(body["properties"]["privateKey"], private.as_str());
    // IONOS needs the key on every update: the stored credential serves.
    let source = format!("private-key=credential:{credential}.private-key");
    let updated = env.run_dumping(
        &[
            "gateway", "update", &gw, "--name", "renamed", "--secret", &source,
        ],
        &[],
    );
    let updated = updated.expect_code(0);
    let again = env
        .run(&[
            "gateway",
            "create",
            "--kind",
            "wireguard",
            "--name",
            "x",
            "--generate-key",
            "--secret",
            "private-key=env:K",
            "--properties",
            &props,
        ])
        .expect_code(1);
    assert!(
        again.stderr.contains("leave out --secret private-key"),
        "{}",
        again.stderr
    );
    let runs = [
        created,
        updated,
        env.run(&["gateway", "get", &gw, "-o", "json"]),
        again,
    ];
    assert_no_secrets(
        &haystacks(&env, &runs),
        &[("generated key", private.as_str())],
    );
}
