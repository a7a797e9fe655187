//! Shape checks of UpCloud gateway request bodies. Each failure names the attribute the way
//! UpCloud's `invalid_params` do (`connections[0].tunnels[1].remote_address.address`).
//!
//! What the sources leave open is invented here and kept plausible: names are 1..64 characters
//! of letters, digits, `-` and `_` (routes, tunnels, connections); label keys 1..32 characters;
//! pre-shared keys 8..64 characters; peer addresses must be global unicast IPv4 (documentation
//! ranges allowed, so tests need no real addresses); DH groups 14..=21; unknown attributes are
//! refused.

use std::net::Ipv4Addr;

use serde_json::{Map, Value, json};

/// One rejected attribute.
#[derive(Debug)]
pub(crate) struct Invalid {
    pub(crate) name: String,
    pub(crate) reason: String,
}

impl Invalid {
    pub(crate) fn new(name: &str, reason: &str) -> Self {
        Invalid {
            name: name.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

type Checked<T> = Result<T, Invalid>;

fn invalid<T>(name: impl Into<String>, reason: impl Into<String>) -> Checked<T> {
    Err(Invalid {
        name: name.into(),
        reason: reason.into(),
    })
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The plans, as the service lists them.
pub(crate) fn plans() -> Value {
    json!([
        {"name": "advanced", "per_gateway_bandwidth_mbps": 1000, "per_gateway_max_connections": 250000,
         "per_gateway_maximum_vpn_bandwidth_mbps": 500, "server_number": 2,
         "supported_features": ["nat", "vpn"], "vpn_tunnel_amount": 10},
        {"name": "development", "per_gateway_bandwidth_mbps": 500, "per_gateway_max_connections": 10000,
         "per_gateway_maximum_vpn_bandwidth_mbps": 0, "server_number": 1,
         "supported_features": ["nat"], "vpn_tunnel_amount": 0},
        {"name": "production", "per_gateway_bandwidth_mbps": 1000, "per_gateway_max_connections": 100000,
         "per_gateway_maximum_vpn_bandwidth_mbps": 300, "server_number": 2,
         "supported_features": ["nat", "vpn"], "vpn_tunnel_amount": 2},
        {"name": "standard", "per_gateway_bandwidth_mbps": 500, "per_gateway_max_connections": 100000,
         "per_gateway_maximum_vpn_bandwidth_mbps": 0, "server_number": 2,
         "supported_features": ["nat"], "vpn_tunnel_amount": 0},
    ])
}

/// The plan a gateway without one is treated as (invented: the cheapest).
pub(crate) const DEFAULT_PLAN: &str = "development";

/// (supported features, VPN tunnel allowance) of a plan.
pub(crate) fn plan_limits(name: &str) -> Option<(Vec<String>, usize)> {
    let plans = plans();
    let plan = plans.as_array()?.iter().find(|p| p["name"] == name)?;
    let features = plan["supported_features"]
        .as_array()?
        .iter()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect();
    let tunnels = usize::try_from(plan["vpn_tunnel_amount"].as_u64()?).ok()?;
    Some((features, tunnels))
}

/// The settings a new tunnel gets for what its request leaves out.
pub(crate) fn ipsec_defaults() -> Map<String, Value> {
    let algorithms = json!(["aes128", "aes256", "aes128gcm128", "aes256gcm128"]);
    let integrity = json!(["sha256", "sha384", "sha512"]);
    let groups = json!([14, 16, 18, 19, 20, 21]);
    let Value::Object(map) = json!({
        "authentication": {"authentication": "psk"},
        "child_rekey_time": 1440,
        "dpd_delay": 30,
        "dpd_timeout": 120,
        "ike_lifetime": 86400,
        "phase1_algorithms": algorithms,
        "phase1_dh_group_numbers": groups,
        "phase1_integrity_algorithms": integrity,
        "phase2_algorithms": algorithms,
        "phase2_dh_group_numbers": groups,
        "phase2_integrity_algorithms": integrity,
        "rekey_time": 14400,
    }) else {
        unreachable!("a JSON object literal")
    };
    map
}

const ENCRYPTION: &[&str] = &[
    "aes128",
    "aes192",
    "aes256",
    "aes128gcm16",
    "aes128gcm128",
    "aes192gcm16",
    "aes192gcm128",
    "aes256gcm16",
    "aes256gcm128",
];
const INTEGRITY: &[&str] = &[
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "aes128gmac",
    "aes256gmac",
];

/// A JSON object, refusing attributes outside `allowed`.
pub(crate) fn object<'a>(
    value: &'a Value,
    name: &str,
    allowed: &[&str],
) -> Checked<&'a Map<String, Value>> {
    let Some(map) = value.as_object() else {
        return invalid(
            if name.is_empty() { "body" } else { name },
            "must be an object",
        );
    };
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return invalid(join(name, key), "unknown attribute");
    }
    Ok(map)
}

fn text(map: &Map<String, Value>, key: &str, prefix: &str) -> Checked<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => invalid(join(prefix, key), "must be a string"),
    }
}

fn required_text(map: &Map<String, Value>, key: &str, prefix: &str) -> Checked<String> {
    match text(map, key, prefix)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => invalid(join(prefix, key), "is required"),
    }
}

/// A resource name: 1..64 letters, digits, `-` and `_`.
fn name_at(map: &Map<String, Value>, key: &str, prefix: &str) -> Checked<String> {
    let name = required_text(map, key, prefix)?;
    if name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return invalid(
            join(prefix, key),
            "must be 1 to 64 letters, digits, '-' or '_'",
        );
    }
    Ok(name)
}

fn array<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    prefix: &str,
) -> Checked<Option<&'a Vec<Value>>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(_) => invalid(join(prefix, key), "must be an array"),
    }
}

/// `started` or `stopped`.
pub(crate) fn configured_status(map: &Map<String, Value>) -> Checked<Option<String>> {
    match text(map, "configured_status", "")?.as_deref() {
        None => Ok(None),
        Some(s @ ("started" | "stopped")) => Ok(Some(s.to_owned())),
        Some(_) => invalid("configured_status", "must be 'started' or 'stopped'"),
    }
}

/// A known plan name.
pub(crate) fn plan(map: &Map<String, Value>) -> Checked<Option<String>> {
    match text(map, "plan", "")? {
        None => Ok(None),
        Some(p) if plan_limits(&p).is_some() => Ok(Some(p)),
        Some(p) => invalid("plan", format!("unknown plan '{p}'")),
    }
}

/// `[{key, value}]`.
pub(crate) fn labels(map: &Map<String, Value>) -> Checked<Option<Vec<Value>>> {
    let Some(items) = array(map, "labels", "")? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    let mut keys = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("labels[{i}]");
        let label = object(item, &at, &["key", "value"])?;
        let key = required_text(label, "key", &at)?;
        if key.len() > 32
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return invalid(
                join(&at, "key"),
                "must be 1 to 32 letters, digits, '-' or '_'",
            );
        }
        let value = text(label, "value", &at)?.unwrap_or_default();
        if value.chars().count() > 255 {
            return invalid(join(&at, "value"), "must be at most 255 characters");
        }
        if keys.contains(&key) {
            return invalid(join(&at, "key"), "duplicate label key");
        }
        keys.push(key.clone());
        out.push(json!({ "key": key, "value": value }));
    }
    Ok(Some(out))
}

/// `features`: a non-empty set of `nat` and `vpn`.
pub(crate) fn features(map: &Map<String, Value>) -> Checked<Vec<String>> {
    let Some(items) = array(map, "features", "")? else {
        return invalid("features", "is required");
    };
    let mut out: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(f @ ("nat" | "vpn")) if !out.iter().any(|o| o == f) => out.push(f.to_owned()),
            _ => {
                return invalid(
                    format!("features[{i}]"),
                    "must be 'nat' or 'vpn', once each",
                );
            }
        }
    }
    if out.is_empty() {
        return invalid("features", "is required");
    }
    Ok(out)
}

/// `routers`: exactly one `{uuid}` (invented: the sources only ever show one).
pub(crate) fn routers(map: &Map<String, Value>) -> Checked<Vec<uuid::Uuid>> {
    let Some(items) = array(map, "routers", "")? else {
        return invalid("routers", "is required");
    };
    if items.len() != 1 {
        return invalid("routers", "must name exactly one SDN router");
    }
    let router = object(&items[0], "routers[0]", &["uuid"])?;
    let id = required_text(router, "uuid", "routers[0]")?;
    uuid::Uuid::parse_str(&id)
        .map(|u| vec![u])
        .or_else(|_| invalid("routers[0].uuid", "must be a UUID"))
}

/// `addresses`: `[{name}]` with distinct names.
pub(crate) fn address_names(map: &Map<String, Value>) -> Checked<Option<Vec<String>>> {
    let Some(items) = array(map, "addresses", "")? else {
        return Ok(None);
    };
    let mut names: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("addresses[{i}]");
        let name = name_at(object(item, &at, &["name"])?, "name", &at)?;
        if names.contains(&name) {
            return invalid(join(&at, "name"), "duplicate address name");
        }
        names.push(name);
    }
    Ok(Some(names))
}

/// Static routes `[{name, type: static, static_network}]` with distinct names.
pub(crate) fn routes(
    map: &Map<String, Value>,
    key: &str,
    prefix: &str,
) -> Checked<Option<Vec<Value>>> {
    let Some(items) = array(map, key, prefix)? else {
        return Ok(None);
    };
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = join(prefix, &format!("{key}[{i}]"));
        let route = object(item, &at, &["name", "type", "static_network"])?;
        let name = name_at(route, "name", &at)?;
        if text(route, "type", &at)?.as_deref().unwrap_or("static") != "static" {
            return invalid(join(&at, "type"), "must be 'static'");
        }
        let network = required_text(route, "static_network", &at)?;
        if !is_cidr(&network) {
            return invalid(
                join(&at, "static_network"),
                "must be an IPv4 CIDR such as 10.0.0.0/24",
            );
        }
        if names.contains(&name) {
            return invalid(join(&at, "name"), "duplicate route name");
        }
        names.push(name.clone());
        out.push(json!({ "name": name, "static_network": network, "type": "static" }));
    }
    Ok(Some(out))
}

fn is_cidr(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    address.parse::<Ipv4Addr>().is_ok() && prefix.parse::<u8>().is_ok_and(|p| p <= 32)
}

/// A peer address: global unicast IPv4 (documentation ranges allowed).
fn peer_address(text: &str) -> bool {
    let Ok(ip) = text.parse::<Ipv4Addr>() else {
        return false;
    };
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || shared
        || a == 0
        || a >= 240)
}

/// A tunnel in a request: all of it for a new tunnel, any part of it for a change.
#[derive(Debug, Default)]
pub(crate) struct TunnelInput {
    pub(crate) name: Option<String>,
    pub(crate) local_address: Option<String>,
    pub(crate) remote_address: Option<String>,
    /// IPSec settings given, already checked; merged over the current or default ones.
    pub(crate) ipsec: Map<String, Value>,
}

pub(crate) fn tunnel(value: &Value, at: &str, partial: bool) -> Checked<TunnelInput> {
    let map = object(
        value,
        at,
        &["name", "local_address", "remote_address", "ipsec"],
    )?;
    let mut input = TunnelInput::default();
    if partial {
        if map.contains_key("name") {
            input.name = Some(name_at(map, "name", at)?);
        }
    } else {
        input.name = Some(name_at(map, "name", at)?);
    }
    if let Some(local) = map.get("local_address").filter(|v| !v.is_null()) {
        let local_at = join(at, "local_address");
        input.local_address = Some(required_text(
            object(local, &local_at, &["name"])?,
            "name",
            &local_at,
        )?);
    } else if !partial {
        return invalid(join(at, "local_address"), "is required");
    }
    if let Some(remote) = map.get("remote_address").filter(|v| !v.is_null()) {
        let remote_at = join(at, "remote_address");
        let address = required_text(
            object(remote, &remote_at, &["address"])?,
            "address",
            &remote_at,
        )?;
        if !peer_address(&address) {
            return invalid(
                join(&remote_at, "address"),
                "must be global non-private unicast IPv4",
            );
        }
        input.remote_address = Some(address);
    } else if !partial {
        return invalid(join(at, "remote_address"), "is required");
    }
    if let Some(ipsec) = map.get("ipsec").filter(|v| !v.is_null()) {
        input.ipsec = ipsec_settings(ipsec, &join(at, "ipsec"))?;
    }
    Ok(input)
}

fn ipsec_settings(value: &Value, at: &str) -> Checked<Map<String, Value>> {
    let defaults = ipsec_defaults();
    let allowed: Vec<&str> = defaults.keys().map(String::as_str).collect();
    let map = object(value, at, &allowed)?;
    for (key, value) in map {
        let here = join(at, key);
        match key.as_str() {
            "authentication" => {
                let auth = object(value, &here, &["authentication", "psk"])?;
                if text(auth, "authentication", &here)?.is_some_and(|m| m != "psk") {
                    return invalid(join(&here, "authentication"), "must be 'psk'");
                }
                if let Some(psk) = text(auth, "psk", &here)?
                    && !(8..=64).contains(&psk.chars().count())
                {
                    return invalid(join(&here, "psk"), "must be 8 to 64 characters");
                }
            }
            "phase1_algorithms" | "phase2_algorithms" => names_in(value, &here, ENCRYPTION)?,
            "phase1_integrity_algorithms" | "phase2_integrity_algorithms" => {
                names_in(value, &here, INTEGRITY)?;
            }
            "phase1_dh_group_numbers" | "phase2_dh_group_numbers" => {
                let ok = value.as_array().is_some_and(|groups| {
                    !groups.is_empty()
                        && groups
                            .iter()
                            .all(|g| g.as_u64().is_some_and(|g| (14..=21).contains(&g)))
                });
                if !ok {
                    return invalid(here, "must be a non-empty list of DH groups 14 to 21");
                }
            }
            _ => {
                if !value.as_u64().is_some_and(|n| (1..=604_800).contains(&n)) {
                    return invalid(here, "must be a number of seconds from 1 to 604800");
                }
            }
        }
    }
    Ok(map.clone())
}

fn names_in(value: &Value, at: &str, allowed: &[&str]) -> Checked<()> {
    let ok = value.as_array().is_some_and(|items| {
        !items.is_empty()
            && items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| allowed.contains(&s)))
    });
    if ok {
        Ok(())
    } else {
        invalid(
            at,
            format!("must be a non-empty list of: {}", allowed.join(", ")),
        )
    }
}

/// A connection in a create request (or in a gateway's `connections`).
#[derive(Debug)]
pub(crate) struct ConnectionInput {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) local_routes: Vec<Value>,
    pub(crate) remote_routes: Vec<Value>,
    pub(crate) tunnels: Vec<TunnelInput>,
}

pub(crate) fn connection(value: &Value, at: &str) -> Checked<ConnectionInput> {
    let map = object(
        value,
        at,
        &["name", "type", "local_routes", "remote_routes", "tunnels"],
    )?;
    let name = name_at(map, "name", at)?;
    let kind = text(map, "type", at)?.unwrap_or_else(|| "ipsec".to_owned());
    if kind != "ipsec" {
        return invalid(join(at, "type"), "must be 'ipsec'");
    }
    Ok(ConnectionInput {
        name,
        kind,
        local_routes: routes(map, "local_routes", at)?.unwrap_or_default(),
        remote_routes: routes(map, "remote_routes", at)?.unwrap_or_default(),
        tunnels: tunnels(map, at, false)?.unwrap_or_default(),
    })
}

/// `tunnels` of a connection request.
pub(crate) fn tunnels(
    map: &Map<String, Value>,
    at: &str,
    partial: bool,
) -> Checked<Option<Vec<TunnelInput>>> {
    let Some(items) = array(map, "tunnels", at)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        out.push(tunnel(item, &join(at, &format!("tunnels[{i}]")), partial)?);
    }
    Ok(Some(out))
}

/// `connections` of a gateway request.
pub(crate) fn connections(map: &Map<String, Value>) -> Checked<Option<Vec<ConnectionInput>>> {
    let Some(items) = array(map, "connections", "")? else {
        return Ok(None);
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| connection(item, &format!("connections[{i}]")))
        .collect::<Checked<Vec<_>>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_must_be_public() {
        for ok in ["100.10.0.111", "198.51.100.7", "203.0.113.4", "8.8.8.8"] {
            assert!(peer_address(ok), "{ok}");
        }
        for bad in [
            "10.0.0.1",
            "192.168.1.1",
            "172.16.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "224.0.0.1",
            "0.1.2.3",
            "x",
        ] {
            assert!(!peer_address(bad), "{bad}");
        }
    }

    #[test]
    fn tunnels_name_the_bad_attribute() {
        let err = tunnel(&json!({"name": "t", "local_address": {"name": "ip"}, "remote_address": {"address": "10.0.0.1"}}), "tunnels[0]", false).unwrap_err();
        assert_eq!(err.name, "tunnels[0].remote_address.address");
        let err = tunnel(&json!({"name": "t"}), "x", false).unwrap_err();
        assert_eq!(err.name, "x.local_address");
        let err = tunnel(
            &json!({"ipsec": {"authentication": {"psk": "short"}}}),
            "t",
            true,
        )
        .unwrap_err();
        assert_eq!(err.name, "t.ipsec.authentication.psk");
        let err = tunnel(&json!({"ipsec": {"phase1_algorithms": ["des"]}}), "t", true).unwrap_err();
        assert_eq!(err.name, "t.ipsec.phase1_algorithms");
        let err = tunnel(&json!({"colour": 1}), "t", true).unwrap_err();
        assert_eq!(
            (err.name.as_str(), err.reason.as_str()),
            ("t.colour", "unknown attribute")
        );
        let ok = tunnel(
            &json!({"ipsec": {"authentication": {"psk": "longenough"}, "dpd_delay": 10}}),
            "t",
            true,
        )
        .unwrap();
        assert_eq!(ok.ipsec["dpd_delay"], 10);
    }

    #[test]
    fn routes_and_plans() {
        let map = json!({"r": [{"name": "a", "type": "static", "static_network": "10.0.0.0/24"},
            {"name": "a", "static_network": "10.0.1.0/24"}]});
        let err = routes(map.as_object().unwrap(), "r", "").unwrap_err();
        assert_eq!(err.name, "r[1].name");
        let bad = json!({"r": [{"name": "a", "static_network": "10.0.0.0"}]});
        assert!(routes(bad.as_object().unwrap(), "r", "c").is_err());
        assert_eq!(
            plan_limits("production"),
            Some((vec!["nat".into(), "vpn".into()], 2))
        );
        assert_eq!(plan_limits(DEFAULT_PLAN).map(|p| p.1), Some(0));
        assert!(plan_limits("platinum").is_none());
    }
}
