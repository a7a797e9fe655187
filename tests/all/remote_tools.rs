//! The generated configurations checked with the real tools (Debian's strongswan-swanctl,
//! charon-systemd, wireguard-tools and wireguard-go, installed by `just setup-system`): swanctl
//! loads `tunnel config` into a running charon, `wg setconf` accepts `peer config` after
//! `wg-quick strip`, and in two network namespaces joined by a veth pair, a charon configured
//! from what portico sent to the provider (translated here from the provider's documented
//! words) and one configured from `tunnel config` establish the IKE SA (and, through
//! kernel-libipsec, the child SA), and refuse it when one DH group differs.
//!
//! Each test needs root and the tools; without them it fails under `CI=true` and otherwise
//! prints why it did not run.

mod clouds;
mod harness;

use crate::support::{Env, connections, create_wireguard, random_hex};
use harness::{Charon, Netns, WgInterface, pair, poll, ready};
use serde_json::{Value, json};
use std::time::Duration;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

/// The body portico sent to the emulator for the first `method` request whose path ends with
/// `suffix` (a trailing `/` aside).
fn sent(env: &Env, method: &str, suffix: &str) -> Value {
    let r = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == method && r.path.trim_end_matches('/').ends_with(suffix))
        .unwrap_or_else(|| panic!("no {method} …{suffix} reached the emulator"));
    serde_json::from_str(&r.body).expect("JSON body")
}

/// An IONOS IPSec gateway at `address` and a tunnel to `remote` with `ike`/`esp` in IONOS's
/// words; returns (gateway id, tunnel id).
fn ionos_tunnel(env: &Env, address: &str, remote: &str, psk: &str) -> (String, String) {
    let props = connections(2);
    let gw = id(&env.json(&[
        "gateway",
        "create",
        "--kind",
        "ipsec",
        "--name",
        "cloud",
        "--public-address",
        address,
        "--properties",
        &props,
    ]));
    let words = json!({
        "ike": {"encryptionAlgorithm": "AES256", "integrityAlgorithm": "SHA256",
                "diffieHellmanGroup": "16-MODP4096", "lifetime": 86400},
        "esp": {"encryptionAlgorithm": "AES256", "integrityAlgorithm": "SHA256",
                "diffieHellmanGroup": "16-MODP4096", "lifetime": 3600},
    })
    .to_string();
    let tunnel = id(&env.json_env(
        &[
            "tunnel",
            "create",
            "--gateway",
            &gw,
            "--name",
            "office",
            "--remote-address",
            remote,
            "--local-network",
            "10.1.0.0/24",
            "--remote-network",
            "10.2.0.0/24",
            "--secret",
            "pre-shared-key=env:PSK",
            "--properties",
            &words,
        ],
        &[("PSK", psk)],
    ));
    (gw, tunnel)
}

#[test]
fn swanctl_loads_a_generated_config_into_a_running_charon() {
    if !ready("swanctl_loads", &["ip", "swanctl", "charon-systemd"]) {
        return;
    }
    let env = Env::ionos(Env::config());
    let psk = format!("psk-{}", random_hex(20));
    let (gw, t) = ionos_tunnel(&env, "203.0.113.20", "198.51.100.9", &psk);
    let conf = env
        .run_with(
            &["tunnel", "config", &t, "--gateway", &gw, "--psk", "env:PSK"],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(0)
        .stdout;
    let ns = Netns::new();
    let charon = Charon::start(&ns);
    let loaded = charon.load(&ns, &conf);
    assert!(
        loaded.contains("loaded connection 'portico-office'"),
        "{loaded}"
    );
    assert!(
        loaded.contains("loaded ike secret 'ike-portico-office'"),
        "{loaded}"
    );
    let listed =
        String::from_utf8_lossy(&charon.swanctl(&ns, &["--list-conns"]).stdout).into_owned();
    assert!(
        listed.contains("10.2.0.0/24") && listed.contains("10.1.0.0/24"),
        "{listed}"
    );
}

#[test]
fn wg_setconf_accepts_a_generated_peer_config() {
    if !ready("wg_setconf", &["ip", "wg", "wg-quick", "wireguard-go"]) {
        return;
    }
    let env = Env::ionos(Env::config());
    let gw = id(&create_wireguard(&env, "phone-gw", &[]));
    let peer = env.json(&[
        "peer",
        "create",
        "--gateway",
        &gw,
        "--name",
        "phone",
        "--allowed-network",
        "10.8.0.2/32",
        "--generate-key",
    ]);
    let conf = env
        .run(&["peer", "config", &id(&peer), "--gateway", &gw])
        .expect_code(0)
        .stdout;
    let ns = Netns::new();
    let wg = WgInterface::start(&ns);
    wg.set_wg_quick(&ns, &conf);
    let public = String::from_utf8_lossy(&ns.exec("wg", &["show", &wg.name, "public-key"]).stdout)
        .trim()
        .to_string();
    assert_eq!(
        public,
        peer["public_key"].as_str().unwrap(),
        "the interface is the peer"
    );
    let peers = String::from_utf8_lossy(&ns.exec("wg", &["show", &wg.name, "peers"]).stdout)
        .trim()
        .to_string();
    let gw_view = env.json(&["gateway", "get", &gw]);
    assert_eq!(peers, gw_view["wireguard"]["public_key"].as_str().unwrap());
}

/// IONOS's words (provider docs, IKEEncryption/ESPEncryption) as a strongSwan proposal.
fn ionos_proposal(p: &Value, ike: bool) -> String {
    let enc = match p["encryptionAlgorithm"].as_str().unwrap_or("AES256") {
        "AES128" => "aes128",
        "AES256" => "aes256",
        "AES128-CTR" => "aes128ctr",
        "AES256-CTR" => "aes256ctr",
        "AES128-GCM-16" => "aes128gcm16",
        "AES256-GCM-16" => "aes256gcm16",
        "AES128-GCM-12" => "aes128gcm12",
        "AES256-GCM-12" => "aes256gcm12",
        "AES128-CCM-12" => "aes128ccm12",
        "AES256-CCM-12" => "aes256ccm12",
        other => panic!("not an IONOS encryption word: {other}"),
    };
    let integ = match p["integrityAlgorithm"].as_str().unwrap_or("SHA256") {
        "SHA256" => "sha256",
        "SHA384" => "sha384",
        "SHA512" => "sha512",
        "AES-XCBC" => "aesxcbc",
        other => panic!("not an IONOS integrity word: {other}"),
    };
    let dh = match p["diffieHellmanGroup"].as_str().unwrap_or("16-MODP4096") {
        "15-MODP3072" => "modp3072",
        "16-MODP4096" => "modp4096",
        "19-ECP256" => "ecp256",
        "20-ECP384" => "ecp384",
        "21-ECP521" => "ecp521",
        "28-ECP256BP" => "ecp256bp",
        "29-ECP384BP" => "ecp384bp",
        "30-ECP512BP" => "ecp512bp",
        other => panic!("not an IONOS DH group: {other}"),
    };
    let aead = enc.contains("gcm") || enc.contains("ccm");
    match (aead, ike) {
        (true, true) => format!("{enc}-prf{integ}-{dh}"),
        (true, false) => format!("{enc}-{dh}"),
        (false, _) => format!("{enc}-{integ}-{dh}"),
    }
}

/// The cloud end's swanctl.conf, from what portico sent IONOS (gateway and tunnel bodies).
fn ionos_cloud_end(gateway: &Value, tunnel: &Value, dh_override: Option<&str>) -> String {
    let g = &gateway["properties"];
    let t = &tunnel["properties"];
    let mut ike = ionos_proposal(&t["ike"], true);
    if let Some(dh) = dh_override {
        ike = format!("{}-{dh}", ike.rsplit_once('-').expect("a DH group").0);
    }
    let list = |v: &Value| {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|x| x.as_str().expect("text"))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "connections {{\n cloud {{\n  version = 2\n  local_addrs = {la}\n  remote_addrs = {ra}\n  \
         proposals = {ike}\n  local {{\n   auth = psk\n   id = {la}\n  }}\n  remote {{\n   \
         auth = psk\n   id = {ra}\n  }}\n  children {{\n   cloud {{\n    local_ts = {lt}\n    \
         remote_ts = {rt}\n    esp_proposals = {esp}\n   }}\n  }}\n }}\n}}\nsecrets {{\n ike-cloud \
         {{\n  id-a = {la}\n  id-b = {ra}\n  secret = \"{psk}\"\n }}\n}}\n",
        la = g["gatewayIP"].as_str().expect("gatewayIP"),
        ra = t["remoteHost"].as_str().expect("remoteHost"),
        lt = list(&t["cloudNetworkCIDRs"]),
        rt = list(&t["peerNetworkCIDRs"]),
        esp = ionos_proposal(&t["esp"], false),
        psk = t["auth"]["psk"]["key"].as_str().expect("psk"),
    )
}

/// Runs both ends in a fresh pair of namespaces; returns the site's `--list-sas` once the IKE
/// SA is up, or its log when it failed.
fn both_ends(cloud_conf: &str, site_conf: &str, a: &str, b: &str) -> Result<String, String> {
    let (ns_cloud, ns_site) = pair(a, b);
    // An address inside each side's networks, for kernel-libipsec's routes.
    ns_cloud.ip(&["addr", "add", "10.1.0.1/24", "dev", "lo"]);
    ns_site.ip(&["addr", "add", "10.2.0.1/24", "dev", "lo"]);
    let cloud = Charon::start(&ns_cloud);
    let site = Charon::start(&ns_site);
    cloud.load(&ns_cloud, cloud_conf);
    site.load(&ns_site, site_conf);
    let up = poll(Duration::from_secs(20), || {
        let sas = site.sas(&ns_site);
        if sas.contains("ESTABLISHED") && sas.contains("INSTALLED") {
            return Some(Ok(sas));
        }
        let log = site.log();
        (log.contains("NO_PROPOSAL_CHOSEN") || log.contains("no acceptable proposal"))
            .then_some(Err(log))
    });
    up.unwrap_or_else(|| {
        Err(format!(
            "no outcome within the deadline; site:\n{}\ncloud:\n{}",
            site.log(),
            cloud.log()
        ))
    })
}

#[test]
fn ionos_ike_and_child_sa_from_both_views_of_one_tunnel() {
    if !ready("ionos_ike_sa", &["ip", "swanctl", "charon-systemd"]) {
        return;
    }
    let env = Env::ionos(Env::config());
    let psk = format!("psk-{}", random_hex(20));
    let (cloud_addr, site_addr) = ("10.77.0.1", "10.77.0.2");
    let (gw, t) = ionos_tunnel(&env, cloud_addr, site_addr, &psk);
    let gateway = sent(&env, "POST", "/ipsecgateways");
    let tunnel = sent(&env, "POST", "/tunnels");
    let site_conf = env
        .run_with(
            &["tunnel", "config", &t, "--gateway", &gw, "--psk", "env:PSK"],
            "",
            &[("PSK", &psk)],
        )
        .expect_code(0)
        .stdout;
    assert_eq!(
        proposals_line(&site_conf),
        "proposals = aes256-sha256-modp4096",
        "the site offers exactly the tunnel's proposal, which the IONOS record reports typed"
    );
    up_then_refused(
        &ionos_cloud_end(&gateway, &tunnel, None),
        &ionos_cloud_end(&gateway, &tunnel, Some("modp2048")),
        &site_conf,
        cloud_addr,
        site_addr,
    );
}

/// The proposals line of a swanctl.conf.
fn proposals_line(conf: &str) -> &str {
    conf.lines()
        .map(str::trim)
        .find(|l| l.starts_with("proposals ="))
        .unwrap_or_else(|| panic!("no proposals line in\n{conf}"))
}

/// Both ends come up, IKE SA and child SA (through kernel-libipsec) with the tunnel's
/// networks, when the cloud end is `agreeing`; with `mismatched` (one DH group changed) the IKE
/// SA is refused.
fn up_then_refused(agreeing: &str, mismatched: &str, site_conf: &str, a: &str, b: &str) {
    let sas = both_ends(agreeing, site_conf, a, b)
        .unwrap_or_else(|log| panic!("the IKE SA did not come up:\n{log}"));
    assert!(sas.contains("ESTABLISHED"), "{sas}");
    assert!(
        sas.contains("INSTALLED"),
        "child SA through kernel-libipsec: {sas}"
    );
    assert!(
        sas.contains("10.1.0.0/24") && sas.contains("10.2.0.0/24"),
        "{sas}"
    );
    let log = both_ends(mismatched, site_conf, a, b)
        .expect_err("a mismatched DH group must not establish");
    assert!(
        log.contains("NO_PROPOSAL_CHOSEN") || log.contains("no acceptable proposal"),
        "{log}"
    );
}
