//! IONOS VPN through the nouns: lifecycles of all four resource types, both gateway kinds,
//! paging.

use crate::support::{Env, create_ipsec, create_wireguard, random_key};
use serde_json::{Value, json};
use std::time::Duration;

fn slow() -> portico_emulator::Config {
    portico_emulator::Config {
        provision_delay: Duration::from_millis(400),
        delete_delay: Duration::from_millis(300),
        ..portico_emulator::Config::default()
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn wireguard_gateway_and_peers_full_lifecycle() {
    let env = Env::ionos(slow());
    let gw = create_wireguard(&env, "wg-1", &["--wait"]);
    assert_eq!(gw["state"], "available", "{gw}");
    assert_eq!(gw["kind"], "wireguard");
    assert_eq!(gw["public_addresses"], json!(["203.0.113.10"]));
    assert_eq!(gw["provider"]["properties"]["gatewayIP"], "203.0.113.10");
    let gw_id = id(&gw);

    let got = env.json(&["gateway", "get", &gw_id]);
    assert_eq!(got["name"], "wg-1");
    let key = random_key();
    let updated = env.json_env(
        &[
            "gateway",
            "update",
            &gw_id,
            "--name",
            "wg-renamed",
            "--secret",
            "private-key=env:K",
            "--wait",
        ],
        &[("K", &key)],
    );
    assert_eq!(updated["name"], "wg-renamed");
    assert_eq!(updated["state"], "available");
    // The update kept what it was not told to change.
    assert_eq!(updated["public_addresses"], json!(["203.0.113.10"]));

    let peer_key = random_key();
    let peer = env.json(&[
        "peer",
        "create",
        "--gateway",
        &gw_id,
        "--name",
        "laptop",
        "--public-key",
        &peer_key,
        "--endpoint",
        "198.51.100.7:51821",
        "--allowed-network",
        "10.8.0.2/32",
        "--wait",
    ]);
    assert_eq!(peer["state"], "available", "{peer}");
    assert_eq!(peer["public_key"], peer_key.as_str());
    assert_eq!(peer["allowed_networks"], json!(["10.8.0.2/32"]));
    assert_eq!(peer["provider"]["properties"]["endpoint"]["port"], 51821);
    let peer_id = id(&peer);
    let got = env.json(&["peer", "get", &peer_id, "--gateway", &gw_id]);
    assert_eq!(got["name"], "laptop");
    let renamed = env.json(&[
        "peer",
        "update",
        &peer_id,
        "--gateway",
        &gw_id,
        "--name",
        "laptop-2",
        "--wait",
    ]);
    assert_eq!(renamed["name"], "laptop-2");
    assert_eq!(renamed["allowed_networks"], json!(["10.8.0.2/32"]));
    let peers = env.json(&["peer", "list", "--gateway", &gw_id]);
    assert_eq!(peers.as_array().unwrap().len(), 1);

    let table = env
        .run(&["peer", "list", "--gateway", &gw_id])
        .expect_code(0);
    assert!(
        table.stdout.contains("laptop-2") && table.stdout.contains("ALLOWED NETWORKS"),
        "{}",
        table.stdout
    );

    env.run(&["peer", "delete", &peer_id, "--gateway", &gw_id, "--wait"])
        .expect_code(0);
    env.run(&["peer", "get", &peer_id, "--gateway", &gw_id])
        .expect_code(1);
    env.run(&["gateway", "delete", &gw_id, "--wait"])
        .expect_code(0);
    let gone = env.run(&["gateway", "get", &gw_id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
}

#[test]
fn ipsec_gateway_and_tunnel_full_lifecycle() {
    let env = Env::ionos(slow());
    let gw = create_ipsec(&env, "ipsec-1", &["--wait"]);
    assert_eq!(gw["state"], "available");
    assert_eq!(gw["kind"], "ipsec");
    let gw_id = id(&gw);
    let psk = crate::support::random_hex(20);
    let tunnel = env.json_env(
        &[
            "tunnel",
            "create",
            "--gateway",
            &gw_id,
            "--name",
            "office",
            "--remote-address",
            "198.51.100.20",
            "--local-network",
            "192.168.2.0/24",
            "--remote-network",
            "10.20.0.0/16",
            "--secret",
            "pre-shared-key=env:PSK",
            "--wait",
        ],
        &[("PSK", &psk)],
    );
    assert_eq!(tunnel["state"], "available", "{tunnel}");
    assert_eq!(tunnel["remote_address"], "198.51.100.20");
    assert_eq!(tunnel["local_networks"], json!(["192.168.2.0/24"]));
    assert_eq!(tunnel["remote_networks"], json!(["10.20.0.0/16"]));
    // Provider defaults are kept in the provider document.
    assert_eq!(tunnel["provider"]["properties"]["ike"]["lifetime"], 86400);
    let t_id = id(&tunnel);

    let updated = env.json_env(
        &[
            "tunnel",
            "update",
            &t_id,
            "--gateway",
            &gw_id,
            "--remote-network",
            "10.30.0.0/16",
            "--secret",
            "pre-shared-key=env:PSK",
            "--wait",
        ],
        &[("PSK", &psk)],
    );
    assert_eq!(updated["remote_networks"], json!(["10.30.0.0/16"]));
    assert_eq!(updated["name"], "office");
    let list = env.json(&["tunnel", "list", "--gateway", &gw_id]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let got = env.json(&["tunnel", "get", &t_id, "--gateway", &gw_id]);
    assert_eq!(got["id"], t_id.as_str());

    let gw2 = env.json(&[
        "gateway",
        "update",
        &gw_id,
        "--description",
        "edge",
        "--wait",
    ]);
    assert_eq!(gw2["description"], "edge");

    env.run(&["tunnel", "delete", &t_id, "--gateway", &gw_id, "--wait"])
        .expect_code(0);
    env.run(&["tunnel", "get", &t_id, "--gateway", &gw_id])
        .expect_code(1);
    env.run(&["gateway", "delete", &gw_id, "--kind", "ipsec", "--wait"])
        .expect_code(0);
    env.run(&["gateway", "get", &gw_id]).expect_code(1);
}

#[test]
fn gateway_list_shows_both_kinds_as_table_and_json() {
    let env = Env::ionos(Env::config());
    create_wireguard(&env, "wg-a", &[]);
    create_ipsec(&env, "ipsec-b", &[]);
    let all = env.json(&["gateway", "list"]);
    let kinds: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["wireguard", "ipsec"]);
    let only = env.json(&["gateway", "list", "--kind", "ipsec"]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    let table = env.run(&["gateway", "list"]).expect_code(0);
    assert!(table.stdout.contains("wg-a") && table.stdout.contains("ipsec-b"));
    assert!(table.stderr.is_empty(), "{}", table.stderr);
    let yaml = env.run(&["gateway", "list", "-o", "yaml"]).expect_code(0);
    assert!(yaml.stdout.contains("kind: wireguard"), "{}", yaml.stdout);
}

#[test]
fn paging_follows_cursors_with_all() {
    let env = Env::ionos(Env::config());
    let gw = id(&create_wireguard(&env, "wg", &[]));
    for i in 0..5 {
        env.run(&[
            "peer",
            "create",
            "--gateway",
            &gw,
            "--name",
            &format!("p{i}"),
            "--public-key",
            &random_key(),
            "--allowed-network",
            &format!("10.8.0.{}/32", i + 2),
        ])
        .expect_code(0);
    }
    let first = env
        .run(&[
            "peer",
            "list",
            "--gateway",
            &gw,
            "--limit",
            "2",
            "-o",
            "json",
        ])
        .expect_code(0);
    assert_eq!(first.json().as_array().unwrap().len(), 2);
    let cursor = first
        .stderr
        .split("--cursor ")
        .nth(1)
        .map(|c| c.trim().to_string())
        .unwrap_or_else(|| panic!("no cursor hint: {}", first.stderr));
    let second = env.json(&[
        "peer",
        "list",
        "--gateway",
        &gw,
        "--limit",
        "2",
        "--cursor",
        &cursor,
    ]);
    let names: Vec<&str> = second
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["p2", "p3"]);
    let all = env.json(&["peer", "list", "--gateway", &gw, "--limit", "2", "--all"]);
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["p0", "p1", "p2", "p3", "p4"]);
    let pages = env
        .emu()
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.ends_with("/peers")
                && r.query.as_deref().is_some_and(|q| q.contains("limit=2"))
        })
        .count();
    assert!(pages >= 3 + 2, "expected paged requests, saw {pages}");

    // Gateways page across both kinds with one cursor.
    create_wireguard(&env, "wg-2", &[]);
    create_ipsec(&env, "ipsec-1", &[]);
    create_ipsec(&env, "ipsec-2", &[]);
    let gws = env.json(&["gateway", "list", "--limit", "1", "--all"]);
    assert_eq!(gws.as_array().unwrap().len(), 4, "{gws}");
}
