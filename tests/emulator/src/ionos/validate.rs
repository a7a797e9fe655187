//! Validation and normalisation of IONOS VPN `properties` for create and ensure requests.
//!
//! The result is the complete property set the emulator stores: known fields only, in a fixed
//! order, with documented defaults filled in (ensure is a full replace, so omitted optional
//! fields fall back to their defaults). Errors are the 422 messages, naming the field as
//! `[properties.connections[0].lanId] is required`.

use std::net::{IpAddr, Ipv6Addr};
use std::ops::RangeInclusive;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::store::Kind;

const TIERS: &[&str] = &[
    "STANDARD",
    "STANDARD_HA",
    "ENHANCED",
    "ENHANCED_HA",
    "PREMIUM",
    "PREMIUM_HA",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DH_GROUPS: &[&str] = &[
    "15-MODP3072",
    "16-MODP4096",
    "19-ECP256",
    "20-ECP384",
    "21-ECP521",
    "28-ECP256BP",
    "29-ECP384BP",
    "30-ECP512BP",
];
const ENCRYPTION: &[&str] = &[
    "AES128-CTR",
    "AES256-CTR",
    "AES128-GCM-16",
    "AES256-GCM-16",
    "AES128-GCM-12",
    "AES256-GCM-12",
    "AES128-CCM-12",
    "AES256-CCM-12",
    "AES128",
    "AES256",
];
const INTEGRITY: &[&str] = &["SHA256", "SHA384", "SHA512", "AES-XCBC"];
const WIREGUARD_PORT: i64 = 51820;
const PORTS: RangeInclusive<i64> = 1..=65535;

type Checked<T> = Result<T, String>;

/// Validates `properties` (absent, `null` or an object) for a resource of `kind`.
pub(crate) fn properties(kind: Kind, properties: Option<&Value>) -> Checked<Map<String, Value>> {
    let props = match properties {
        None | Some(Value::Null) => return Err("[properties] is required".to_owned()),
        Some(value) => Obj::new("properties".to_owned(), value)?,
    };
    match kind {
        Kind::WireguardGateway => wireguard_gateway(&props),
        Kind::WireguardPeer => wireguard_peer(&props),
        Kind::IpsecGateway => ipsec_gateway(&props),
        Kind::IpsecTunnel => ipsec_tunnel(&props),
    }
}

fn wireguard_gateway(p: &Obj<'_>) -> Checked<Map<String, Value>> {
    let mut out = Map::new();
    out.insert("name".into(), p.req_str("name")?.into());
    put(&mut out, "description", p.opt_str("description")?);
    out.insert(
        "gatewayIP".into(),
        p.req_checked("gatewayIP", is_ip, "an IP address")?,
    );
    let v4 = p.opt_checked("interfaceIPv4CIDR", is_ipv4_cidr, "an IPv4 CIDR")?;
    let v6 = p.opt_checked("interfaceIPv6CIDR", is_ipv6_cidr, "an IPv6 CIDR")?;
    if v4.is_none() && v6.is_none() {
        return Err(format!(
            "[{}] or [{}] is required",
            p.field("interfaceIPv4CIDR"),
            p.field("interfaceIPv6CIDR")
        ));
    }
    put(&mut out, "interfaceIPv4CIDR", v4);
    put(&mut out, "interfaceIPv6CIDR", v6);
    out.insert("connections".into(), connections(p)?);
    out.insert("privateKey".into(), p.req_str("privateKey")?.into());
    let port = p.opt_int("listenPort", PORTS)?.unwrap_or(WIREGUARD_PORT);
    out.insert("listenPort".into(), port.into());
    out.insert("tier".into(), p.enum_or("tier", TIERS, "STANDARD")?.into());
    put(&mut out, "maintenanceWindow", maintenance_window(p)?);
    Ok(out)
}

fn wireguard_peer(p: &Obj<'_>) -> Checked<Map<String, Value>> {
    let mut out = Map::new();
    out.insert("name".into(), p.req_str("name")?.into());
    put(&mut out, "description", p.opt_str("description")?);
    if let Some(endpoint) = p.opt_obj("endpoint")? {
        let host = endpoint.req_checked("host", is_host, "a hostname or IP address")?;
        let port = endpoint.opt_int("port", PORTS)?.unwrap_or(WIREGUARD_PORT);
        out.insert("endpoint".into(), json!({ "host": host, "port": port }));
    }
    out.insert("allowedIPs".into(), cidrs(p, "allowedIPs", 1..=usize::MAX)?);
    out.insert("publicKey".into(), p.req_str("publicKey")?.into());
    Ok(out)
}

fn ipsec_gateway(p: &Obj<'_>) -> Checked<Map<String, Value>> {
    let mut out = Map::new();
    out.insert("name".into(), p.req_str("name")?.into());
    put(&mut out, "description", p.opt_str("description")?);
    out.insert(
        "gatewayIP".into(),
        p.req_checked("gatewayIP", is_ip, "an IP address")?,
    );
    out.insert("connections".into(), connections(p)?);
    out.insert(
        "version".into(),
        p.enum_or("version", &["IKEv2"], "IKEv2")?.into(),
    );
    out.insert("tier".into(), p.enum_or("tier", TIERS, "STANDARD")?.into());
    put(&mut out, "maintenanceWindow", maintenance_window(p)?);
    Ok(out)
}

fn ipsec_tunnel(p: &Obj<'_>) -> Checked<Map<String, Value>> {
    let mut out = Map::new();
    out.insert("name".into(), p.req_str("name")?.into());
    put(&mut out, "description", p.opt_str("description")?);
    let remote = p.req_checked("remoteHost", is_ipv4_or_hostname, "an IPv4 address or FQDN")?;
    out.insert("remoteHost".into(), remote);
    let auth = p.req_obj("auth")?;
    let method = auth.enum_or("method", &["PSK"], "PSK")?;
    let key = auth.req_obj("psk")?.req_str("key")?;
    out.insert(
        "auth".into(),
        json!({ "method": method, "psk": { "key": key } }),
    );
    out.insert("ike".into(), encryption(&p.req_obj("ike")?, 86400)?);
    out.insert("esp".into(), encryption(&p.req_obj("esp")?, 3600)?);
    out.insert(
        "cloudNetworkCIDRs".into(),
        cidrs(p, "cloudNetworkCIDRs", 1..=20)?,
    );
    out.insert(
        "peerNetworkCIDRs".into(),
        cidrs(p, "peerNetworkCIDRs", 1..=20)?,
    );
    Ok(out)
}

fn encryption(e: &Obj<'_>, default_lifetime: i64) -> Checked<Value> {
    Ok(json!({
        "diffieHellmanGroup": e.enum_or("diffieHellmanGroup", DH_GROUPS, "16-MODP4096")?,
        "encryptionAlgorithm": e.enum_or("encryptionAlgorithm", ENCRYPTION, "AES256")?,
        "integrityAlgorithm": e.enum_or("integrityAlgorithm", INTEGRITY, "SHA256")?,
        "lifetime": e.opt_int("lifetime", 3600..=86400)?.unwrap_or(default_lifetime),
    }))
}

fn connections(p: &Obj<'_>) -> Checked<Value> {
    let items = p.req_array("connections", 1..=10)?;
    let mut out = Vec::with_capacity(items.len());
    let mut datacenter: Option<Value> = None;
    for (i, item) in items.iter().enumerate() {
        let c = Obj::new(format!("{}[{i}]", p.field("connections")), item)?;
        let dc = c.req_checked("datacenterId", is_uuid, "a UUID")?;
        let lan = c.req_checked("lanId", is_lan_id, "a numeric LAN id string")?;
        let v4 = c.req_checked("ipv4CIDR", is_ipv4_cidr, "an IPv4 CIDR")?;
        let v6 = c.opt_checked("ipv6CIDR", is_ipv6_cidr, "an IPv6 CIDR")?;
        match &datacenter {
            Some(first) if *first != dc => {
                return Err(format!(
                    "[{}] must equal the datacenterId of the first connection",
                    c.field("datacenterId")
                ));
            }
            Some(_) => {}
            None => datacenter = Some(dc.clone()),
        }
        let mut connection = Map::new();
        connection.insert("datacenterId".into(), dc);
        connection.insert("lanId".into(), lan);
        connection.insert("ipv4CIDR".into(), v4);
        put(&mut connection, "ipv6CIDR", v6);
        out.push(Value::Object(connection));
    }
    Ok(Value::Array(out))
}

fn maintenance_window(p: &Obj<'_>) -> Checked<Option<Value>> {
    let Some(window) = p.opt_obj("maintenanceWindow")? else {
        return Ok(None);
    };
    let time = window.req_checked("time", is_time, "a time of day as HH:MM:SS")?;
    let day = window.req_str("dayOfTheWeek")?;
    if !DAYS.contains(&day.as_str()) {
        return Err(one_of(&window.field("dayOfTheWeek"), DAYS));
    }
    Ok(Some(json!({ "time": time, "dayOfTheWeek": day })))
}

fn cidrs(p: &Obj<'_>, key: &str, count: RangeInclusive<usize>) -> Checked<Value> {
    let items = p.req_array(key, count)?;
    for (i, item) in items.iter().enumerate() {
        if item.as_str().and_then(parse_cidr).is_none() {
            return Err(format!("[{}[{i}]] must be a CIDR", p.field(key)));
        }
    }
    Ok(Value::Array(items.clone()))
}

fn put(out: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        out.insert(key.to_owned(), value.into());
    }
}

fn one_of(field: &str, allowed: &[&str]) -> String {
    format!("[{field}] must be one of {}", allowed.join(", "))
}

/// A JSON object plus its dotted path, for error messages.
struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(path: String, value: &'a Value) -> Checked<Self> {
        match value {
            Value::Object(map) => Ok(Obj { path, map }),
            _ => Err(format!("[{path}] must be an object")),
        }
    }

    fn field(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn opt_str(&self, key: &str) -> Checked<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("[{}] must be a string", self.field(key))),
        }
    }

    /// A string that is present and not empty.
    fn req_str(&self, key: &str) -> Checked<String> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(format!("[{}] is required", self.field(key))),
        }
    }

    fn opt_checked(&self, key: &str, ok: fn(&str) -> bool, what: &str) -> Checked<Option<Value>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(s) if ok(&s) => Ok(Some(Value::String(s))),
            Some(_) => Err(format!("[{}] must be {what}", self.field(key))),
        }
    }

    fn req_checked(&self, key: &str, ok: fn(&str) -> bool, what: &str) -> Checked<Value> {
        self.req_str(key)?;
        self.opt_checked(key, ok, what)?
            .ok_or_else(|| format!("[{}] is required", self.field(key)))
    }

    fn opt_int(&self, key: &str, range: RangeInclusive<i64>) -> Checked<Option<i64>> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.as_i64() {
            Some(n) if range.contains(&n) => Ok(Some(n)),
            Some(_) => Err(format!(
                "[{}] must be between {} and {}",
                self.field(key),
                range.start(),
                range.end()
            )),
            None => Err(format!("[{}] must be an integer", self.field(key))),
        }
    }

    fn enum_or(&self, key: &str, allowed: &[&str], default: &str) -> Checked<String> {
        match self.opt_str(key)? {
            None => Ok(default.to_owned()),
            Some(s) if allowed.contains(&s.as_str()) => Ok(s),
            Some(_) => Err(one_of(&self.field(key), allowed)),
        }
    }

    fn opt_obj(&self, key: &str) -> Checked<Option<Obj<'a>>> {
        self.get(key)
            .map(|value| Obj::new(self.field(key), value))
            .transpose()
    }

    fn req_obj(&self, key: &str) -> Checked<Obj<'a>> {
        self.opt_obj(key)?
            .ok_or_else(|| format!("[{}] is required", self.field(key)))
    }

    fn req_array(&self, key: &str, count: RangeInclusive<usize>) -> Checked<&'a Vec<Value>> {
        match self.get(key) {
            None => Err(format!("[{}] is required", self.field(key))),
            Some(Value::Array(items)) if items.is_empty() && *count.start() > 0 => {
                Err(format!("[{}] is required", self.field(key)))
            }
            Some(Value::Array(items)) if count.contains(&items.len()) => Ok(items),
            Some(Value::Array(_)) => Err(format!(
                "[{}] must have between {} and {} items",
                self.field(key),
                count.start(),
                count.end()
            )),
            Some(_) => Err(format!("[{}] must be an array", self.field(key))),
        }
    }
}

fn parse_cidr(s: &str) -> Option<IpAddr> {
    let (addr, prefix) = s.split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = prefix.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (prefix <= max).then_some(addr)
}

fn is_ipv4_cidr(s: &str) -> bool {
    parse_cidr(s).is_some_and(|a| a.is_ipv4())
}

fn is_ipv6_cidr(s: &str) -> bool {
    parse_cidr(s).is_some_and(|a| a.is_ipv6())
}

fn is_ip(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok()
}

fn is_uuid(s: &str) -> bool {
    Uuid::parse_str(s).is_ok()
}

fn is_lan_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_hostname(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_host(s: &str) -> bool {
    is_ip(s) || is_hostname(s)
}

/// IPSec peers are reached over IPv4 only.
fn is_ipv4_or_hostname(s: &str) -> bool {
    s.parse::<Ipv6Addr>().is_err() && is_hostname(s)
}

fn is_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let limits = [23, 59, 59];
    parts.len() == 3
        && parts.iter().zip(limits).all(|(part, max)| {
            part.len() == 2
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u8>().is_ok_and(|n| n <= max)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tunnel() -> Value {
        json!({
            "name": "t", "remoteHost": "vpn.example.com",
            "auth": { "psk": { "key": "s3cret" } }, "ike": {}, "esp": { "lifetime": 7200 },
            "cloudNetworkCIDRs": ["10.0.0.0/16"], "peerNetworkCIDRs": ["0.0.0.0/0"]
        })
    }

    #[test]
    fn tunnel_defaults_are_filled_in() {
        let out = properties(Kind::IpsecTunnel, Some(&tunnel())).expect("valid tunnel");
        assert_eq!(
            out["auth"],
            json!({ "method": "PSK", "psk": { "key": "s3cret" } })
        );
        assert_eq!(out["ike"]["lifetime"], 86400);
        assert_eq!(out["ike"]["diffieHellmanGroup"], "16-MODP4096");
        assert_eq!(out["esp"]["lifetime"], 7200);
        assert_eq!(out["esp"]["encryptionAlgorithm"], "AES256");
        assert_eq!(out["esp"]["integrityAlgorithm"], "SHA256");
    }

    #[test]
    fn tunnel_errors_name_the_field() {
        let cases = [
            (
                "/auth/psk",
                json!({}),
                "[properties.auth.psk.key] is required",
            ),
            (
                "/ike",
                json!({ "lifetime": 60 }),
                "[properties.ike.lifetime] must be between 3600 and 86400",
            ),
            (
                "/esp",
                json!({ "integrityAlgorithm": "MD5" }),
                "[properties.esp.integrityAlgorithm] must be one of",
            ),
            (
                "/peerNetworkCIDRs",
                json!([]),
                "[properties.peerNetworkCIDRs] is required",
            ),
            (
                "/cloudNetworkCIDRs/0",
                json!("10.0.0.0"),
                "[properties.cloudNetworkCIDRs[0]] must be a CIDR",
            ),
            (
                "/remoteHost",
                json!("2001:db8::1"),
                "[properties.remoteHost] must be an IPv4",
            ),
        ];
        for (pointer, value, expected) in cases {
            let mut body = tunnel();
            *body.pointer_mut(pointer).expect("pointer exists") = value;
            let err = properties(Kind::IpsecTunnel, Some(&body)).expect_err(pointer);
            assert!(err.starts_with(expected), "{pointer}: {err}");
        }
    }

    #[test]
    fn wireguard_gateway_needs_an_interface_and_consistent_connections() {
        let dc = Uuid::new_v4().to_string();
        let mut gw = json!({
            "name": "gw", "gatewayIP": "203.0.113.5", "privateKey": "k",
            "connections": [{ "datacenterId": dc, "lanId": "1", "ipv4CIDR": "192.168.1.10/24" }]
        });
        let err = properties(Kind::WireguardGateway, Some(&gw)).expect_err("no interface");
        assert!(err.contains("[properties.interfaceIPv4CIDR]"), "{err}");
        gw["interfaceIPv6CIDR"] = json!("fd00::1/64");
        let ok = properties(Kind::WireguardGateway, Some(&gw)).expect("valid gateway");
        assert_eq!(
            (ok["listenPort"].clone(), ok["tier"].clone()),
            (json!(51820), json!("STANDARD"))
        );
        let connections = gw["connections"].as_array_mut().expect("array");
        connections.push(
            json!({ "datacenterId": Uuid::new_v4(), "lanId": "2", "ipv4CIDR": "10.1.0.1/24" }),
        );
        let err = properties(Kind::WireguardGateway, Some(&gw)).expect_err("two datacenters");
        assert!(
            err.starts_with("[properties.connections[1].datacenterId]"),
            "{err}"
        );
    }

    #[test]
    fn checks_accept_and_reject_the_obvious() {
        assert!(
            is_ipv4_cidr("10.0.0.0/8") && !is_ipv4_cidr("10.0.0.0/33") && !is_ipv4_cidr("::/0")
        );
        assert!(is_ipv6_cidr("::/0") && !is_ipv6_cidr("::/+1"));
        assert!(is_time("09:00:00") && !is_time("24:00:00") && !is_time("9:00:00"));
        assert!(is_ipv4_or_hostname("198.51.100.7") && !is_ipv4_or_hostname("-bad.example"));
    }
}
