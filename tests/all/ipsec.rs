//! Typed IPSec parameters (#19) through the CLI for the three IPSec providers: the neutral
//! proposals of `--ike`/`--esp` reach each provider in its own words, `tunnel get` reads them
//! back in the neutral vocabulary, an update changes them, and a value the provider does not
//! accept is refused before any request, naming what it accepts.

use crate::apply::three;
use crate::support::{Env, random_hex};
use serde_json::Value;

const DC: &str = "5a029f4a-58ba-11ee-8c99-0242ac120002";
const ROUTER: &str = "04c0ffee-1234-4abc-8def-0123456789ab";

/// A gateway of each profile of [`three`], by profile.
fn gateway(env: &Env, profile: &str) -> String {
    let (kind, extra): (&str, Vec<String>) = match profile {
        "fra" => (
            "ipsec",
            vec![
                "--public-address".into(),
                "203.0.113.20".into(),
                "--properties".into(),
                format!(r#"{{"connections":[{{"datacenterId":"{DC}","lanId":"2","ipv4CIDR":"192.168.2.10/24"}}]}}"#),
            ],
        ),
        "waw" => (
            "vpn",
            vec![
                "--properties".into(),
                format!(r#"{{"routers":[{{"uuid":"{ROUTER}"}}],"plan":"advanced","addresses":[{{"name":"vpn-ip"}}]}}"#),
            ],
        ),
        _ => (
            "ipsec",
            vec![
                "--public-address".into(),
                "123.0.0.9".into(),
                "--properties".into(),
                r#"{"vpc_id":"ceb44ea5ecb34a49b16495f9a63b0718","ip_id":"fcde872f75c145a0893d656cc698f109"}"#.into(),
            ],
        ),
    };
    let mut args = vec![
        "-p", profile, "gateway", "create", "--kind", kind, "--name", "gw1", "--wait",
    ];
    args.extend(extra.iter().map(String::as_str));
    env.json(&args)["id"].as_str().unwrap().to_string()
}

fn tunnel_args<'a>(profile: &'a str, gw: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "-p",
        profile,
        "tunnel",
        "create",
        "--gateway",
        gw,
        "--name",
        "typed",
        "--remote-address",
        "198.51.100.7",
        "--remote-network",
        "10.20.0.0/16",
        "--secret",
        "pre-shared-key=env:PSK",
    ];
    if profile != "seoul" {
        args.extend(["--local-network", "10.1.0.0/16"]);
    }
    args.extend(extra);
    args
}

fn last_body(env: &Env, method: &str) -> String {
    env.emu()
        .requests()
        .iter()
        .rev()
        .find(|r| r.method == method && !r.body.is_empty())
        .map(|r| r.body.clone())
        .unwrap_or_default()
}

#[test]
fn each_provider_gets_its_own_words_and_tunnels_read_back_neutral() {
    let env = three();
    let psk = random_hex(16);
    for (profile, provider_words) in [
        (
            "fra",
            &[
                "\"AES256\"",
                "\"SHA384\"",
                "\"20-ECP384\"",
                "\"AES256-GCM-16\"",
            ][..],
        ),
        (
            "waw",
            &[
                "\"phase1_algorithms\":[\"aes256\"]",
                "\"phase1_dh_group_numbers\":[20]",
                "\"aes256gcm128\"",
                "\"rekey_time\":28800",
            ][..],
        ),
        (
            "seoul",
            &[
                "\"aes256-sha384\"",
                "\"aes256gcm\"",
                "\"phase1_diffie_hellman_groups\":[20]",
                "\"phase1_life_time\":28800",
            ][..],
        ),
    ] {
        let gw = gateway(&env, profile);
        let flags = [
            "--ike-version",
            "2",
            "--ike",
            "aes256-sha384-ecp384",
            "--esp",
            "aes256gcm16-ecp384",
            "--ike-lifetime",
            "8h",
            "--esp-lifetime",
            "1h",
        ];
        let created = env.json_env(&tunnel_args(profile, &gw, &flags), &[("PSK", &psk)]);
        let sent = last_body(&env, "POST");
        for word in provider_words {
            assert!(sent.contains(word), "{profile}: {word} not in {sent}");
        }
        let id = created["id"].as_str().unwrap();
        let got = env.json(&["-p", profile, "tunnel", "get", id, "--gateway", &gw]);
        let ipsec = &got["ipsec"];
        assert_eq!(ipsec["ike-version"], 2, "{profile}: {got}");
        assert_eq!(ipsec["ike"], "aes256-sha384-ecp384", "{profile}: {got}");
        assert_eq!(ipsec["esp"], "aes256gcm16-ecp384", "{profile}: {got}");
        assert_eq!(ipsec["ike-lifetime"], 28800, "{profile}: {got}");
        assert_eq!(ipsec["esp-lifetime"], 3600, "{profile}: {got}");

        // An update changes the child SA's proposal (IONOS wants the key every time).
        let mut update = vec![
            "-p",
            profile,
            "tunnel",
            "update",
            id,
            "--gateway",
            &gw,
            "--esp",
            "aes128gcm16-ecp256",
        ];
        if profile == "fra" {
            update.extend(["--secret", "pre-shared-key=env:PSK"]);
        }
        env.run_with(&update, "", &[("PSK", &psk)]).expect_code(0);
        let got = env.json(&["-p", profile, "tunnel", "get", id, "--gateway", &gw]);
        assert_eq!(
            got["ipsec"]["esp"], "aes128gcm16-ecp256",
            "{profile}: {got}"
        );
        assert_eq!(
            got["ipsec"]["ike"], "aes256-sha384-ecp384",
            "{profile}: {got}"
        );
    }
}

#[test]
fn a_proposal_the_provider_does_not_accept_is_refused_before_any_request() {
    let env = three();
    for (profile, flags, accepted) in [
        ("fra", ["--ike", "3des-sha256-modp2048"], "aes256gcm16"),
        (
            "waw",
            ["--esp", "aes256-md5-modp2048"],
            "sha512, sha384, sha256, sha1",
        ),
        (
            "seoul",
            ["--ike", "aes256gcm16-prfsha384-ecp384"],
            "aes256, aes192, aes128, 3des",
        ),
    ] {
        let gw = gateway(&env, profile);
        let before = env.emu().requests().len();
        let refused = env
            .run_with(
                &tunnel_args(profile, &gw, &flags),
                "",
                &[("PSK", &random_hex(16))],
            )
            .expect_code(1);
        assert!(
            refused.stderr.contains(accepted),
            "{profile}: {}",
            refused.stderr
        );
        let after: Vec<Value> = env.emu().requests()[before..]
            .iter()
            .map(|r| serde_json::json!([r.method, r.path]))
            .collect();
        assert!(after.is_empty(), "{profile}: refused, yet sent {after:?}");
    }
}
