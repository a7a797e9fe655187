//! The two-namespace IKE tests for UpCloud and Samsung Cloud Platform, and the WireGuard
//! handshake between an IONOS gateway and a peer, each with both keys made by `--generate-key`.
//! The cloud end is configured from what portico sent the provider, translated here from the
//! provider's documented words (UpCloud: algorithm lists and DH group numbers per phase; SCP:
//! `cipher-hash` words, group numbers and a PFS switch; IONOS: the gateway's private key,
//! listen port and the peers' keys); the other end from `tunnel config` / `peer config`.

use super::harness::{self, WgInterface, pair, poll, ready};
use super::{id, proposals_line, sent, up_then_refused};
use crate::apply::three;
use crate::support::{Env, connections, random_hex};
use serde_json::Value;
use std::time::Duration;

const ROUTER: &str = "04c0ffee-1234-4abc-8def-0123456789ab";

/// strongSwan's name of a DH group number (RFC 3526, 5903, 8031).
fn group(n: &Value) -> &'static str {
    match n.as_u64().expect("a DH group number") {
        2 => "modp1024",
        5 => "modp1536",
        14 => "modp2048",
        15 => "modp3072",
        16 => "modp4096",
        17 => "modp6144",
        18 => "modp8192",
        19 => "ecp256",
        20 => "ecp384",
        21 => "ecp521",
        31 => "curve25519",
        32 => "curve448",
        other => panic!("not a documented DH group number: {other}"),
    }
}

fn words(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list, not {v}"))
        .iter()
        .map(|w| w.as_str().expect("a word"))
        .collect()
}

fn groups(v: &Value) -> String {
    v.as_array()
        .unwrap_or_else(|| panic!("a list of groups, not {v}"))
        .iter()
        .map(group)
        .collect::<Vec<_>>()
        .join("-")
}

/// Replaces the DH groups of every proposal of a comma-separated list with `dh`.
fn with_group(proposals: &str, dh: &str) -> String {
    proposals
        .split(',')
        .map(|p| {
            let kept: Vec<&str> = p
                .split('-')
                .filter(|w| {
                    !(w.starts_with("modp") || w.starts_with("ecp") || w.starts_with("curve"))
                })
                .collect();
            format!("{}-{dh}", kept.join("-"))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A cloud end's swanctl.conf.
struct CloudEnd<'a> {
    local: &'a str,
    remote: &'a str,
    ike: String,
    esp: String,
    local_ts: String,
    remote_ts: String,
    psk: &'a str,
}

impl CloudEnd<'_> {
    fn conf(&self) -> String {
        format!(
            "connections {{\n cloud {{\n  version = 2\n  local_addrs = {la}\n  remote_addrs = {ra}\n  \
             proposals = {ike}\n  local {{\n   auth = psk\n   id = {la}\n  }}\n  remote {{\n   \
             auth = psk\n   id = {ra}\n  }}\n  children {{\n   cloud {{\n    local_ts = {lt}\n    \
             remote_ts = {rt}\n    esp_proposals = {esp}\n   }}\n  }}\n }}\n}}\nsecrets {{\n \
             ike-cloud {{\n  id-a = {la}\n  id-b = {ra}\n  secret = \"{psk}\"\n }}\n}}\n",
            la = self.local,
            ra = self.remote,
            ike = self.ike,
            esp = self.esp,
            lt = self.local_ts,
            rt = self.remote_ts,
            psk = self.psk,
        )
    }
}

/// UpCloud's algorithm words (`aes256gcm128`, `aes256`) in strongSwan's spelling.
fn upcloud_cipher(word: &str) -> String {
    match word.strip_suffix("gcm128") {
        Some(aes) => format!("{aes}gcm16"),
        None => word.to_string(),
    }
}

/// One UpCloud phase (`phase1_algorithms`, `phase1_integrity_algorithms`,
/// `phase1_dh_group_numbers`) as strongSwan proposals: the AEAD ciphers in one proposal (their
/// integrity words become PRFs in phase 1, and are dropped in phase 2), the others in another.
/// A list a tunnel leaves out takes UpCloud's documented default: ciphers aes128, aes256,
/// aes128gcm128, aes256gcm128; integrity sha256, sha384, sha512; groups 14, 16, 18 to 21.
fn upcloud_phase(ipsec: &Value, phase: &str) -> String {
    let or = |key: &str, default: Value| {
        let v = &ipsec[format!("{phase}_{key}")];
        if v.is_null() { default } else { v.clone() }
    };
    let ciphers = or(
        "algorithms",
        serde_json::json!(["aes128", "aes256", "aes128gcm128", "aes256gcm128"]),
    );
    let ciphers: Vec<String> = words(&ciphers).into_iter().map(upcloud_cipher).collect();
    let integrity = or(
        "integrity_algorithms",
        serde_json::json!(["sha256", "sha384", "sha512"]),
    );
    let integrity = words(&integrity);
    let dh = groups(&or(
        "dh_group_numbers",
        serde_json::json!([14, 16, 18, 19, 20, 21]),
    ));
    let (aead, plain): (Vec<&String>, Vec<&String>) =
        ciphers.iter().partition(|c| c.contains("gcm"));
    let mut out = Vec::new();
    if !aead.is_empty() {
        let mut p: Vec<String> = aead.iter().map(|c| c.to_string()).collect();
        if phase == "phase1" {
            p.extend(integrity.iter().map(|i| format!("prf{i}")));
        }
        p.push(dh.clone());
        out.push(p.join("-"));
    }
    if !plain.is_empty() {
        let mut p: Vec<String> = plain.iter().map(|c| c.to_string()).collect();
        p.extend(integrity.iter().map(|i| i.to_string()));
        p.push(dh);
        out.push(p.join("-"));
    }
    out.join(",")
}

fn routes(v: &Value) -> String {
    v.as_array()
        .expect("a route list")
        .iter()
        .map(|r| r["static_network"].as_str().expect("static_network"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn upcloud_ike_and_child_sa_from_both_views_of_one_tunnel() {
    if !ready("upcloud_ike_sa", &["ip", "swanctl", "charon-systemd"]) {
        return;
    }
    let env = three();
    let props = format!(
        r#"{{"routers":[{{"uuid":"{ROUTER}"}}],"plan":"advanced","addresses":[{{"name":"vpn-ip"}}]}}"#
    );
    let gw = id(&env.json(&[
        "-p",
        "waw",
        "gateway",
        "create",
        "--kind",
        "vpn",
        "--name",
        "edge",
        "--properties",
        &props,
        "--wait",
    ]));
    let site_addr = "198.51.100.77";
    let psk = format!("psk-{}", random_hex(20));
    let t = id(&env.json_env(
        &[
            "-p",
            "waw",
            "tunnel",
            "create",
            "--gateway",
            &gw,
            "--name",
            "office",
            "--remote-address",
            site_addr,
            "--local-network",
            "10.1.0.0/24",
            "--remote-network",
            "10.2.0.0/24",
            "--secret",
            "pre-shared-key=env:PSK",
            "--ike",
            "aes256gcm16-prfsha384-ecp384",
            "--esp",
            "aes256gcm16-ecp384",
        ],
        &[("PSK", &psk)],
    ));
    // The provider's view: the connection portico created, and the address UpCloud allocated
    // for the gateway address the tunnel names.
    let connection = sent(&env, "POST", "/connections");
    let tunnel = &connection["tunnels"][0];
    let raw = env.json(&[
        "-p",
        "waw",
        "op",
        "call",
        "GetGateway",
        "--param",
        &format!("uuid={gw}"),
    ]);
    let address_name = tunnel["local_address"]["name"]
        .as_str()
        .expect("local_address");
    let cloud_addr = raw["addresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .find(|a| a["name"] == address_name)
        .and_then(|a| a["address"].as_str())
        .unwrap_or_else(|| panic!("no address {address_name} in {raw}"))
        .to_string();
    let ipsec = &tunnel["ipsec"];
    let mut cloud = CloudEnd {
        local: &cloud_addr,
        remote: tunnel["remote_address"]["address"]
            .as_str()
            .expect("remote_address"),
        ike: upcloud_phase(ipsec, "phase1"),
        esp: upcloud_phase(ipsec, "phase2"),
        local_ts: routes(&connection["local_routes"]),
        remote_ts: routes(&connection["remote_routes"]),
        psk: ipsec["authentication"]["psk"].as_str().expect("psk"),
    };
    let site_conf = env
        .run_with(
            &[
                "-p",
                "waw",
                "tunnel",
                "config",
                &t,
                "--gateway",
                &gw,
                "--psk",
                "env:PSK",
            ],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(0)
        .stdout;
    assert_eq!(
        proposals_line(&site_conf),
        "proposals = aes256gcm16-prfsha384-ecp384",
        "{site_conf}"
    );
    let agreeing = cloud.conf();
    cloud.ike = with_group(&cloud.ike, "modp2048");
    up_then_refused(&agreeing, &cloud.conf(), &site_conf, &cloud_addr, site_addr);
}

/// SCP's phase words: `cipher-hash` pairs (`aes256-sha256`) or an AEAD cipher alone
/// (`aes256gcm`), in strongSwan's spelling, with the phase's DH groups (phase 2 only with PFS).
fn scp_phase(phase: &Value, n: u8) -> String {
    let dh = groups(&phase[format!("phase{n}_diffie_hellman_groups")]);
    let pfs = n == 1 || phase["perfect_forward_secrecy"] == "ENABLE";
    words(&phase[format!("phase{n}_encryptions")])
        .into_iter()
        .map(|w| {
            let mut parts: Vec<String> = match w.split_once('-') {
                Some((cipher, hash)) => vec![cipher.to_string(), hash.to_string()],
                None => vec![
                    w.strip_suffix("gcm")
                        .map_or(w.to_string(), |aes| format!("{aes}gcm16")),
                ],
            };
            if pfs {
                parts.push(dh.clone());
            }
            parts.join("-")
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn scp_ike_and_child_sa_from_both_views_of_one_tunnel() {
    if !ready("scp_ike_sa", &["ip", "swanctl", "charon-systemd"]) {
        return;
    }
    let env = three();
    let (cloud_addr, site_addr) = ("10.77.2.1", "10.77.2.2");
    let gw = id(&env.json(&[
        "-p",
        "seoul",
        "gateway",
        "create",
        "--kind",
        "ipsec",
        "--name",
        "seoulgw",
        "--public-address",
        cloud_addr,
        "--properties",
        r#"{"vpc_id":"ceb44ea5ecb34a49b16495f9a63b0718","ip_id":"fcde872f75c145a0893d656cc698f109"}"#,
        "--wait",
    ]));
    let psk = format!("psk{}", random_hex(20));
    let t = id(&env.json_env(
        &[
            "-p",
            "seoul",
            "tunnel",
            "create",
            "--gateway",
            &gw,
            "--name",
            "office",
            "--remote-address",
            site_addr,
            "--remote-network",
            "10.2.0.0/24",
            "--secret",
            "pre-shared-key=env:PSK",
            "--ike-version",
            "2",
            "--ike",
            "aes256-sha384-ecp384",
            "--esp",
            "aes256gcm16-ecp384",
        ],
        &[("PSK", &psk)],
    ));
    let gateway = sent(&env, "POST", "/v1/vpn-gateways");
    let tunnel = sent(&env, "POST", "/v1/vpn-tunnels");
    let (p1, p2) = (&tunnel["phase1"], &tunnel["phase2"]);
    assert_eq!(p1["ike_version"], 2, "{tunnel}");
    let remote_ts = match p2.get("remote_subnets") {
        Some(list) => words(list).join(","),
        None => p2["remote_subnet"]
            .as_str()
            .expect("remote_subnet")
            .to_string(),
    };
    // The local side of an SCP tunnel is the gateway's VPC; here its subnet is 10.1.0.0/24,
    // which the VPN API does not report: `tunnel config` takes it as --cloud-network.
    let mut cloud = CloudEnd {
        local: gateway["ip_address"].as_str().expect("ip_address"),
        remote: p1["peer_gateway_ip"].as_str().expect("peer_gateway_ip"),
        ike: scp_phase(p1, 1),
        esp: scp_phase(p2, 2),
        local_ts: "10.1.0.0/24".to_string(),
        remote_ts,
        psk: p1["pre_shared_key"].as_str().expect("pre_shared_key"),
    };
    let config = [
        "-p",
        "seoul",
        "tunnel",
        "config",
        &t,
        "--gateway",
        &gw,
        "--psk",
        "env:PSK",
    ];
    let missing = env.run_with(&config, "", &[("PSK", &psk)]).expect_code(1);
    assert!(
        missing.stderr.contains("--cloud-network"),
        "{}",
        missing.stderr
    );
    let mut with_vpc = config.to_vec();
    with_vpc.extend(["--cloud-network", "10.1.0.0/24"]);
    let site_conf = env
        .run_with(&with_vpc, "", &[("PSK", &psk)])
        .expect_code(0)
        .stdout;
    assert_eq!(
        proposals_line(&site_conf),
        "proposals = aes256-sha384-ecp384",
        "{site_conf}"
    );
    let agreeing = cloud.conf();
    cloud.ike = with_group(&cloud.ike, "modp2048");
    up_then_refused(&agreeing, &cloud.conf(), &site_conf, cloud_addr, site_addr);
}

/// The value of `key = value` lines of a wg-quick file's section, in order.
fn conf_values<'a>(conf: &'a str, key: &str) -> Vec<&'a str> {
    conf.lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim() == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .collect()
}

/// `wg show IFACE latest-handshakes`: whether some peer's handshake time is set.
fn handshake_done(ns: &harness::Netns, iface: &str) -> bool {
    let out = ns.exec("wg", &["show", iface, "latest-handshakes"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .any(|t| t.parse::<u64>().is_ok_and(|t| t > 0))
}

#[test]
fn ionos_wireguard_handshake_between_generated_gateway_and_peer_keys() {
    if !ready(
        "wireguard_handshake",
        &["ip", "wg", "wg-quick", "wireguard-go", "bash"],
    ) {
        return;
    }
    let env = Env::ionos(Env::config());
    let (cloud_addr, site_addr) = ("10.77.3.1", "10.77.3.2");
    let props = connections(1);
    let gw = id(&env.json(&[
        "gateway",
        "create",
        "--kind",
        "wireguard",
        "--name",
        "hub",
        "--public-address",
        cloud_addr,
        "--network",
        "10.8.0.1/24",
        "--properties",
        &props,
        "--generate-key",
    ]));
    let peer = id(&env.json(&[
        "peer",
        "create",
        "--gateway",
        &gw,
        "--name",
        "phone",
        "--allowed-network",
        "10.8.0.2/32",
        "--generate-key",
    ]));
    let site_conf = env
        .run(&["peer", "config", &peer, "--gateway", &gw])
        .expect_code(0)
        .stdout;

    // The provider's view: the gateway's private key, interface address and port, and the
    // peer's public key and allowed networks, as portico sent them.
    let g = sent(&env, "POST", "/wireguardgateways")["properties"].clone();
    let p = sent(&env, "POST", "/peers")["properties"].clone();
    let port = g["listenPort"].as_u64().unwrap_or(51820);
    let cloud_conf = format!(
        "[Interface]\nPrivateKey = {}\nListenPort = {port}\n\n[Peer]\nPublicKey = {}\nAllowedIPs = \
         {}\n",
        g["privateKey"].as_str().expect("privateKey"),
        p["publicKey"].as_str().expect("publicKey"),
        words(&p["allowedIPs"]).join(", "),
    );
    assert_eq!(g["gatewayIP"], cloud_addr);
    assert!(
        site_conf.contains(&format!("Endpoint = {cloud_addr}:{port}")),
        "{site_conf}"
    );

    let (ns_cloud, ns_site) = pair(cloud_addr, site_addr);
    let cloud = WgInterface::start(&ns_cloud);
    cloud.setconf(&ns_cloud, &cloud_conf);
    let interface = g["interfaceIPv4CIDR"].as_str().expect("interfaceIPv4CIDR");
    ns_cloud.ip(&["addr", "add", interface, "dev", &cloud.name]);
    ns_cloud.ip(&["link", "set", &cloud.name, "up"]);

    let site = WgInterface::start(&ns_site);
    site.set_wg_quick(&ns_site, &site_conf);
    for address in conf_values(&site_conf, "Address") {
        ns_site.ip(&["addr", "add", address, "dev", &site.name]);
    }
    ns_site.ip(&["link", "set", &site.name, "up"]);
    for network in conf_values(&site_conf, "AllowedIPs") {
        ns_site.ip(&["route", "replace", network, "dev", &site.name]);
    }

    // Traffic into the tunnel starts the handshake (the keepalive would too).
    let gateway_ip = interface.split('/').next().expect("an address");
    let shaken = poll(Duration::from_secs(20), || {
        let _ = ns_site.exec(
            "bash",
            &["-c", &format!("echo portico > /dev/udp/{gateway_ip}/9")],
        );
        (handshake_done(&ns_site, &site.name) && handshake_done(&ns_cloud, &cloud.name))
            .then_some(())
    });
    let show = |ns: &harness::Netns, iface: &str| {
        String::from_utf8_lossy(&ns.exec("wg", &["show", iface]).stdout).into_owned()
    };
    assert!(
        shaken.is_some(),
        "no WireGuard handshake:\nsite:\n{}\ncloud:\n{}",
        show(&ns_site, &site.name),
        show(&ns_cloud, &cloud.name)
    );
}
