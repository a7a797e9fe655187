//! The IONOS operation catalogue: all 20 operations listed, described and called through
//! `portico op`.

use crate::support::{Env, connections, random_key};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn op_catalogue_lists_all_20_operations() {
    let env = Env::ionos(Env::config());
    let ops = env.json(&["op", "list"]);
    let names: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 20, "{names:?}");
    for expected in [
        "WireguardgatewaysGet",
        "WireguardgatewaysPost",
        "WireguardgatewaysFindById",
        "WireguardgatewaysPut",
        "WireguardgatewaysDelete",
        "WireguardgatewaysPeersGet",
        "WireguardgatewaysPeersPost",
        "WireguardgatewaysPeersFindById",
        "WireguardgatewaysPeersPut",
        "WireguardgatewaysPeersDelete",
        "IpsecgatewaysGet",
        "IpsecgatewaysPost",
        "IpsecgatewaysFindById",
        "IpsecgatewaysPut",
        "IpsecgatewaysDelete",
        "IpsecgatewaysTunnelsGet",
        "IpsecgatewaysTunnelsPost",
        "IpsecgatewaysTunnelsFindById",
        "IpsecgatewaysTunnelsPut",
        "IpsecgatewaysTunnelsDelete",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let show = env.json(&["op", "show", "WireguardgatewaysPeersFindById"]);
    let params: Vec<&str> = show["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["gatewayId", "peerId"]);
}

/// Calls an operation, expects success, returns the response document.
fn call(
    env: &Env,
    op: &str,
    params: &[(&str, &str)],
    body: Option<&str>,
    env_vars: &[(&str, &str)],
    secrets: &[&str],
) -> Value {
    let mut args = vec!["op".to_string(), "call".to_string(), op.to_string()];
    for (k, v) in params {
        args.push("--param".into());
        args.push(format!("{k}={v}"));
    }
    if let Some(b) = body {
        args.push("--body".into());
        args.push(b.to_string());
    }
    for s in secrets {
        args.push("--secret".into());
        args.push((*s).to_string());
    }
    args.push("-o".into());
    args.push("json".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = env.run_with(&args, "", env_vars).expect_code(0);
    if run.stdout.trim().is_empty() {
        Value::Null
    } else {
        run.json()
    }
}

#[test]
fn every_ionos_operation_through_op_call() {
    let env = Env::ionos(Env::config());
    let key = random_key();
    let k = [("K", key.as_str())];
    let conn: Value = serde_json::from_str(&connections(1)).unwrap();

    // WireGuard gateways.
    let body = json!({"properties": {"name": "op-wg", "gatewayIP": "203.0.113.30", "interfaceIPv4CIDR": "10.9.0.1/24",
        "connections": conn["connections"], "privateKey": "{{secret:private-key}}"}}).to_string();
    let wg = call(
        &env,
        "WireguardgatewaysPost",
        &[],
        Some(&body),
        &k,
        &["private-key=env:K"],
    );
    let wg_id = id(&wg);
    assert_eq!(wg["properties"]["name"], "op-wg");
    let list = call(
        &env,
        "WireguardgatewaysGet",
        &[("limit", "10")],
        None,
        &[],
        &[],
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let one = call(
        &env,
        "WireguardgatewaysFindById",
        &[("gatewayId", &wg_id)],
        None,
        &[],
        &[],
    );
    assert_eq!(one["id"], wg_id.as_str());
    let put = json!({"id": wg_id, "properties": {"name": "op-wg-2", "gatewayIP": "203.0.113.30", "interfaceIPv4CIDR": "10.9.0.1/24",
        "connections": conn["connections"], "privateKey": "{{secret:private-key}}"}}).to_string();
    let put = call(
        &env,
        "WireguardgatewaysPut",
        &[("gatewayId", &wg_id)],
        Some(&put),
        &k,
        &["private-key=env:K"],
    );
    assert_eq!(put["properties"]["name"], "op-wg-2");

    // WireGuard peers.
    let peer_body = json!({"properties": {"name": "op-peer", "publicKey": random_key(), "allowedIPs": ["10.9.0.2/32"]}});
    let peer = call(
        &env,
        "WireguardgatewaysPeersPost",
        &[("gatewayId", &wg_id)],
        Some(&peer_body.to_string()),
        &[],
        &[],
    );
    let peer_id = id(&peer);
    let peers = call(
        &env,
        "WireguardgatewaysPeersGet",
        &[("gatewayId", &wg_id)],
        None,
        &[],
        &[],
    );
    assert_eq!(peers["items"].as_array().unwrap().len(), 1);
    call(
        &env,
        "WireguardgatewaysPeersFindById",
        &[("gatewayId", &wg_id), ("peerId", &peer_id)],
        None,
        &[],
        &[],
    );
    let mut peer_put = peer_body.clone();
    peer_put["id"] = json!(peer_id);
    peer_put["properties"]["name"] = json!("op-peer-2");
    let p2 = call(
        &env,
        "WireguardgatewaysPeersPut",
        &[("gatewayId", &wg_id), ("peerId", &peer_id)],
        Some(&peer_put.to_string()),
        &[],
        &[],
    );
    assert_eq!(p2["properties"]["name"], "op-peer-2");
    call(
        &env,
        "WireguardgatewaysPeersDelete",
        &[("gatewayId", &wg_id), ("peerId", &peer_id)],
        None,
        &[],
        &[],
    );

    // IPSec gateways.
    let conn2: Value = serde_json::from_str(&connections(2)).unwrap();
    let ipsec_body = json!({"properties": {"name": "op-ipsec", "gatewayIP": "203.0.113.31", "connections": conn2["connections"]}});
    let ipsec = call(
        &env,
        "IpsecgatewaysPost",
        &[],
        Some(&ipsec_body.to_string()),
        &[],
        &[],
    );
    let ipsec_id = id(&ipsec);
    let ipsecs = call(&env, "IpsecgatewaysGet", &[], None, &[], &[]);
    assert_eq!(ipsecs["items"].as_array().unwrap().len(), 1);
    call(
        &env,
        "IpsecgatewaysFindById",
        &[("gatewayId", &ipsec_id)],
        None,
        &[],
        &[],
    );
    let mut ipsec_put = ipsec_body.clone();
    ipsec_put["id"] = json!(ipsec_id);
    ipsec_put["properties"]["description"] = json!("via op");
    let i2 = call(
        &env,
        "IpsecgatewaysPut",
        &[("gatewayId", &ipsec_id)],
        Some(&ipsec_put.to_string()),
        &[],
        &[],
    );
    assert_eq!(i2["properties"]["description"], "via op");

    // IPSec tunnels.
    let psk = crate::support::random_hex(16);
    let p = [("PSK", psk.as_str())];
    let tunnel_body = json!({"properties": {"name": "op-tunnel", "remoteHost": "198.51.100.40",
        "auth": {"method": "PSK", "psk": {"key": "{{secret:pre-shared-key}}"}}, "ike": {}, "esp": {},
        "cloudNetworkCIDRs": ["192.168.2.0/24"], "peerNetworkCIDRs": ["10.40.0.0/16"]}});
    let tunnel = call(
        &env,
        "IpsecgatewaysTunnelsPost",
        &[("gatewayId", &ipsec_id)],
        Some(&tunnel_body.to_string()),
        &p,
        &["pre-shared-key=env:PSK"],
    );
    let tunnel_id = id(&tunnel);
    let tunnels = call(
        &env,
        "IpsecgatewaysTunnelsGet",
        &[("gatewayId", &ipsec_id)],
        None,
        &[],
        &[],
    );
    assert_eq!(tunnels["items"].as_array().unwrap().len(), 1);
    call(
        &env,
        "IpsecgatewaysTunnelsFindById",
        &[("gatewayId", &ipsec_id), ("tunnelId", &tunnel_id)],
        None,
        &[],
        &[],
    );
    let mut tunnel_put = tunnel_body.clone();
    tunnel_put["id"] = json!(tunnel_id);
    tunnel_put["properties"]["peerNetworkCIDRs"] = json!(["10.41.0.0/16"]);
    let t2 = call(
        &env,
        "IpsecgatewaysTunnelsPut",
        &[("gatewayId", &ipsec_id), ("tunnelId", &tunnel_id)],
        Some(&tunnel_put.to_string()),
        &p,
        &["pre-shared-key=env:PSK"],
    );
    assert_eq!(
        t2["properties"]["peerNetworkCIDRs"],
        json!(["10.41.0.0/16"])
    );
    call(
        &env,
        "IpsecgatewaysTunnelsDelete",
        &[("gatewayId", &ipsec_id), ("tunnelId", &tunnel_id)],
        None,
        &[],
        &[],
    );
    call(
        &env,
        "IpsecgatewaysDelete",
        &[("gatewayId", &ipsec_id)],
        None,
        &[],
        &[],
    );
    call(
        &env,
        "WireguardgatewaysDelete",
        &[("gatewayId", &wg_id)],
        None,
        &[],
        &[],
    );

    // The emulator saw every one of the 20 method/path shapes, and the secrets in place.
    let seen: Vec<String> = env
        .emu()
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, shape(&r.path)))
        .collect();
    for expected in [
        "GET /wireguardgateways",
        "POST /wireguardgateways",
        "GET /wireguardgateways/{id}",
        "PUT /wireguardgateways/{id}",
        "DELETE /wireguardgateways/{id}",
        "GET /wireguardgateways/{id}/peers",
        "POST /wireguardgateways/{id}/peers",
        "GET /wireguardgateways/{id}/peers/{id}",
        "PUT /wireguardgateways/{id}/peers/{id}",
        "DELETE /wireguardgateways/{id}/peers/{id}",
        "GET /ipsecgateways",
        "POST /ipsecgateways",
        "GET /ipsecgateways/{id}",
        "PUT /ipsecgateways/{id}",
        "DELETE /ipsecgateways/{id}",
        "GET /ipsecgateways/{id}/tunnels",
        "POST /ipsecgateways/{id}/tunnels",
        "GET /ipsecgateways/{id}/tunnels/{id}",
        "PUT /ipsecgateways/{id}/tunnels/{id}",
        "DELETE /ipsecgateways/{id}/tunnels/{id}",
    ] {
        assert!(
            seen.iter().any(|s| s == expected),
            "{expected} not seen in {seen:?}"
        );
    }
    let posted = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/tunnels"))
        .unwrap();
    assert!(
        posted.body.contains(&psk),
        "the emulator got the real pre-shared key"
    );
    assert!(
        !posted.body.contains("{{secret:"),
        "placeholder left on the wire"
    );
}

fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.len() == 36 && seg.matches('-').count() == 4 {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
