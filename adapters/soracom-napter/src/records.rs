//! Soracom `PortMapping` documents → the contract's `mapping` records, and entry ids.
//!
//! An entry has no id of its own: it is named by its public endpoint `ipAddress:port`
//! (`[ipAddress]:port` for an IPv6 address), which is also what deleting it takes.

use portico_adapter_sdk::json::{str_at, strings_at};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Mapping, Result, State, error};

use crate::spec::KIND;

/// The public endpoint of an entry, as its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryId {
    /// Public IP address.
    pub ip_address: String,
    /// Public port.
    pub port: u16,
}

impl EntryId {
    /// Parse `ip:port` or `[v6]:port`; anything else is `invalid-input` naming `id`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let invalid = || {
            error::invalid_input(format!(
                "`id` must be the entry's endpoint `ipAddress:port`, got `{text}`"
            ))
        };
        let (ip, port) = if let Some(rest) = text.strip_prefix('[') {
            let (ip, after) = rest.split_once(']').ok_or_else(invalid)?;
            (ip, after.strip_prefix(':').ok_or_else(invalid)?)
        } else {
            let (ip, port) = text.rsplit_once(':').ok_or_else(invalid)?;
            if ip.contains(':') {
                return Err(invalid());
            }
            (ip, port)
        };
        let port: u16 = port.parse().map_err(|_| invalid())?;
        if ip.is_empty() || port == 0 {
            return Err(invalid());
        }
        Ok(Self {
            ip_address: ip.to_owned(),
            port,
        })
    }

    /// The id of a `PortMapping` document, from `ipAddress` and `port`.
    pub fn of(doc: &Value) -> Option<Self> {
        let ip_address = str_at(doc, "/ipAddress")?;
        let port = number(doc.get("port")?)?;
        let port = u16::try_from(port).ok()?;
        Some(Self { ip_address, port })
    }

    /// The port as a path segment.
    pub fn port_text(&self) -> String {
        self.port.to_string()
    }
}

impl core::fmt::Display for EntryId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.ip_address.contains(':') {
            write!(f, "[{}]:{}", self.ip_address, self.port)
        } else {
            write!(f, "{}:{}", self.ip_address, self.port)
        }
    }
}

/// A whole number, whether the API sent it as an integer, a float or a string.
fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9e15)
                // Exact: whole and well inside i64.
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A mapping record. `source` is where clients connect (`hostname:port` when Soracom gave a
/// hostname, else the endpoint), `destination` the device in the create syntax
/// (`sim:<simId>:<port>` or `imsi:<imsi>:<port>`). Entries are top-level, so there is no
/// `parent-id`: the SIM is in `destination`.
pub fn mapping(doc: &Value) -> Mapping {
    let entry = EntryId::of(doc);
    let id = entry
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| str_at(doc, "/endpoint"))
        .unwrap_or_default();
    let expired = doc.get("expired").and_then(Value::as_bool) == Some(true);
    let (state, provider_state) = if expired {
        (State::Inactive, "expired")
    } else {
        (State::Available, "active")
    };
    let source = match (str_at(doc, "/hostname"), &entry) {
        (Some(host), Some(entry)) if !host.is_empty() => Some(format!("{host}:{}", entry.port)),
        _ => (!id.is_empty()).then(|| id.clone()),
    };
    let sim_id = str_at(doc, "/destination/simId").or_else(|| str_at(doc, "/simId"));
    let imsi = str_at(doc, "/destination/imsi").or_else(|| str_at(doc, "/imsi"));
    let device_port = doc.pointer("/destination/port").and_then(number);
    let device = match (&sim_id, &imsi) {
        (Some(sim), _) => Some(format!("sim:{sim}")),
        (None, Some(imsi)) => Some(format!("imsi:{imsi}")),
        (None, None) => None,
    };
    let destination = match (device, device_port) {
        (Some(device), Some(port)) => Some(format!("{device}:{port}")),
        (device, _) => device,
    };
    Mapping {
        id,
        parent_id: sim_id,
        kind: KIND.to_owned(),
        name: None,
        state,
        provider_state: provider_state.to_owned(),
        source,
        destination,
        allowed_networks: strings_at(doc, "/source/ipRanges"),
        labels: Vec::new(),
        expires_at: doc.get("expiredTime").and_then(number).map(rfc3339_from_ms),
        created_at: doc.get("createdTime").and_then(number).map(rfc3339_from_ms),
        raw: doc.to_string(),
    }
}

/// Unix milliseconds as RFC 3339 UTC text (`2024-05-01T10:00:00Z`, with `.mmm` when the
/// milliseconds are not zero).
pub fn rfc3339_from_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    if millis == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::{self, json};

    #[test]
    fn ids_parse_and_print() {
        let id = EntryId::parse(" 203.0.113.9:40001 ").unwrap();
        assert_eq!(
            id,
            EntryId {
                ip_address: "203.0.113.9".into(),
                port: 40001
            }
        );
        assert_eq!(id.to_string(), "203.0.113.9:40001");
        let v6 = EntryId::parse("[2001:db8::9]:443").unwrap();
        assert_eq!(v6.ip_address, "2001:db8::9");
        assert_eq!(v6.to_string(), "[2001:db8::9]:443");
        for bad in [
            "203.0.113.9",
            "203.0.113.9:",
            ":80",
            "203.0.113.9:0",
            "203.0.113.9:70000",
            "2001:db8::9:443",
            "[2001:db8::9]443",
            "[2001:db8::9",
        ] {
            let err = EntryId::parse(bad).unwrap_err();
            assert!(err.message().contains("`id`"), "{bad}");
        }
    }

    #[test]
    fn sim_entry_becomes_a_record() {
        let doc = json!({
            "ipAddress": "203.0.113.9", "port": 40001, "endpoint": "203.0.113.9:40001",
            "hostname": "p-203-0-113-9.napter.soracom.io",
            "destination": {"simId": "8942", "port": 22, "destinationChoosingStrategy": "ARC_PRIORITIZED"},
            "source": {"ipRanges": ["198.51.100.0/24"]},
            "duration": 3600, "tlsRequired": false,
            "createdTime": 1_714_557_600_000_i64, "expiredTime": 1_714_561_200_500_i64,
            "expired": false, "simId": "8942", "operatorId": "OP0012345678"
        });
        let m = mapping(&doc);
        assert_eq!(m.id, "203.0.113.9:40001");
        assert_eq!(m.parent_id.as_deref(), Some("8942"));
        assert_eq!(m.kind, "port-mapping");
        assert_eq!(
            (m.state, m.provider_state.as_str()),
            (State::Available, "active")
        );
        assert_eq!(
            m.source.as_deref(),
            Some("p-203-0-113-9.napter.soracom.io:40001")
        );
        assert_eq!(m.destination.as_deref(), Some("sim:8942:22"));
        assert_eq!(m.allowed_networks, ["198.51.100.0/24"]);
        assert_eq!(m.created_at.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(m.expires_at.as_deref(), Some("2024-05-01T11:00:00.500Z"));
        assert_eq!(serde_json::from_str::<Value>(&m.raw).unwrap(), doc);
    }

    #[test]
    fn expired_imsi_entry_without_hostname() {
        let doc = json!({
            "ipAddress": "2001:db8::5", "port": 50000.0,
            "destination": {"imsi": "440101234567890", "port": 80, "destinationChoosingStrategy": "IMSI_PRIORITIZED"},
            "expired": true, "imsi": "440101234567890"
        });
        let m = mapping(&doc);
        assert_eq!(m.id, "[2001:db8::5]:50000");
        assert_eq!(m.parent_id, None);
        assert_eq!(
            (m.state, m.provider_state.as_str()),
            (State::Inactive, "expired")
        );
        assert_eq!(m.source.as_deref(), Some("[2001:db8::5]:50000"));
        assert_eq!(m.destination.as_deref(), Some("imsi:440101234567890:80"));
        assert!(m.allowed_networks.is_empty());
        assert_eq!(m.created_at, None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_from_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_ms(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_from_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(rfc3339_from_ms(4_102_444_799_000), "2099-12-31T23:59:59Z");
    }
}
