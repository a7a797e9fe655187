//! A `mapping-spec` → a checked `CreatePortMappingRequest` body.
//!
//! Everything is validated here, before any request is sent, and every refusal is
//! `invalid-input` naming the field at fault (see the crate documentation for the fields).

use std::net::{Ipv4Addr, Ipv6Addr};

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{MappingSpec, Result, error, json as sdk_json};

/// The only kind of mapping this adapter has.
pub const KIND: &str = "port-mapping";

/// The longest an entry may live: 8 hours.
pub const MAX_DURATION_SECS: u64 = 28_800;

/// The `properties` keys a mapping spec understands.
pub const PROPERTY_KEYS: [&str; 6] = [
    "simId",
    "imsi",
    "port",
    "service",
    "duration",
    "tlsRequired",
];

/// Which device an entry forwards to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A SIM (Air) or virtual SIM (Arc) by SIM id; `service` picks which session.
    Sim {
        /// The SIM id.
        sim_id: String,
        /// `air` or `arc`; absent lets Soracom pick an online session (`DYNAMIC`).
        service: Option<String>,
    },
    /// A subscriber by IMSI (`IMSI_PRIORITIZED`).
    Imsi(String),
}

/// A checked create request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Create {
    /// The device.
    pub target: Target,
    /// The device port, 1..=65535.
    pub port: u16,
    /// Seconds the entry lives, 1..=28800; absent leaves Soracom's default.
    pub duration: Option<u64>,
    /// CIDRs allowed to connect.
    pub ip_ranges: Vec<String>,
    /// Whether Soracom terminates TLS on the public side.
    pub tls_required: Option<bool>,
}

impl Create {
    /// The `CreatePortMappingRequest` JSON body.
    pub fn body(&self) -> Value {
        let destination = match &self.target {
            Target::Sim { sim_id, service } => {
                let mut d = Map::new();
                d.insert("simId".into(), json!(sim_id));
                if let Some(service) = service {
                    d.insert("service".into(), json!(service));
                }
                d.insert("port".into(), json!(self.port));
                Value::Object(d)
            }
            Target::Imsi(imsi) => json!({"imsi": imsi, "port": self.port}),
        };
        let mut body = Map::new();
        body.insert("destination".into(), destination);
        if let Some(duration) = self.duration {
            body.insert("duration".into(), json!(duration));
        }
        if !self.ip_ranges.is_empty() {
            body.insert("source".into(), json!({"ipRanges": self.ip_ranges}));
        }
        if let Some(tls) = self.tls_required {
            body.insert("tlsRequired".into(), json!(tls));
        }
        Value::Object(body)
    }
}

/// Check a mapping spec and turn it into a create request.
pub fn parse(spec: &MappingSpec) -> Result<Create> {
    if let Some(name) = sdk_json::non_blank(spec.name.as_deref()) {
        return Err(error::invalid_input_field(
            "name",
            format!("`name` is not supported: Napter entries have no name (got `{name}`)"),
        ));
    }
    if let Some(source) = sdk_json::non_blank(spec.source.as_deref()) {
        return Err(error::invalid_input_field(
            "source",
            format!(
                "`source` is not supported: Soracom assigns the public endpoint (got `{source}`); \
             restrict who may connect with `allowed-networks`"
            ),
        ));
    }
    let properties = sdk_json::parse_object(&spec.properties, "properties")?;
    if let Some(key) = properties
        .keys()
        .find(|key| !PROPERTY_KEYS.contains(&key.as_str()))
    {
        return Err(error::invalid_input_field(
            format!("properties/{key}"),
            format!(
                "unknown key `{key}` in `properties` (known: {})",
                PROPERTY_KEYS.join(", ")
            ),
        ));
    }

    let destination = sdk_json::non_blank(spec.destination.as_deref())
        .map(parse_destination)
        .transpose()?;
    let mut sims = Vec::new();
    let mut imsis = Vec::new();
    let mut ports = Vec::new();
    if let Some(d) = &destination {
        match &d.device {
            Device::Sim(id) => sims.push(("destination", id.clone())),
            Device::Imsi(imsi) => imsis.push(("destination", imsi.clone())),
        }
        if let Some(port) = d.port {
            ports.push(("destination", port));
        }
    }
    if let Some(parent) = sdk_json::non_blank(spec.parent_id.as_deref()) {
        sims.push(("parent-id", parent.trim().to_owned()));
    }
    if let Some(sim) = string_property(&properties, "simId")? {
        sims.push(("properties.simId", sim));
    }
    if let Some(imsi) = string_property(&properties, "imsi")? {
        imsis.push(("properties.imsi", imsi));
    }
    if let Some(port) = properties.get("port") {
        ports.push(("properties.port", parse_port(port, "properties/port")?));
    }
    let sim = agree(&sims, "SIM id")?;
    let imsi = agree(&imsis, "IMSI")?;
    let port = agree(&ports, "port")?;

    let service = string_property(&properties, "service")?
        .map(|s| match s.as_str() {
            "air" | "arc" => Ok(s),
            other => Err(error::invalid_input_field(
                "properties/service",
                format!("`service` must be `air` or `arc`, got `{other}`"),
            )),
        })
        .transpose()?;
    let target = match (sim, imsi) {
        (Some(_), Some(_)) => {
            return Err(error::invalid_input_field(
                "destination",
                "`destination` names both a SIM id and an IMSI: give one of them",
            ));
        }
        (Some(sim_id), None) => Target::Sim { sim_id, service },
        (None, Some(imsi)) => {
            if service.is_some() {
                return Err(error::invalid_input_field(
                    "properties/service",
                    "`service` applies only to a SIM id (`sim:<simId>`), not to an IMSI",
                ));
            }
            Target::Imsi(imsi)
        }
        (None, None) => {
            return Err(error::invalid_input_field(
                "destination",
                "missing `destination`: give `sim:<simId>[:port]` or `imsi:<imsi>[:port]` \
                 (or `properties.simId` / `properties.imsi`)",
            ));
        }
    };
    let port = port.ok_or_else(|| {
        error::invalid_input_field(
            "destination",
            "missing `port`: give the device port in `destination` (`sim:<simId>:<port>`) or \
             as `properties.port`",
        )
    })?;
    let duration = properties.get("duration").map(parse_duration).transpose()?;
    let tls_required = properties
        .get("tlsRequired")
        .map(parse_tls_required)
        .transpose()?;
    let ip_ranges = spec
        .allowed_networks
        .iter()
        .map(|cidr| check_cidr(cidr))
        .collect::<Result<Vec<_>>>()?;
    Ok(Create {
        target,
        port,
        duration,
        ip_ranges,
        tls_required,
    })
}

enum Device {
    Sim(String),
    Imsi(String),
}

struct Destination {
    device: Device,
    port: Option<u16>,
}

/// `sim:<simId>[:port]` or `imsi:<imsi>[:port]`.
fn parse_destination(text: &str) -> Result<Destination> {
    let text = text.trim();
    let invalid = || {
        error::invalid_input_field(
            "destination",
            format!(
                "`destination` must be `sim:<simId>[:port]` or `imsi:<imsi>[:port]`, got `{text}`"
            ),
        )
    };
    let (scheme, rest) = text.split_once(':').ok_or_else(invalid)?;
    let (id, port) = match rest.split_once(':') {
        Some((id, port)) => (id, Some(port)),
        None => (rest, None),
    };
    if id.trim().is_empty() {
        return Err(invalid());
    }
    let id = id.trim().to_owned();
    let device = match scheme.trim() {
        "sim" => Device::Sim(id),
        "imsi" => Device::Imsi(id),
        _ => return Err(invalid()),
    };
    let port = port
        .map(|p| parse_port(&Value::String(p.to_owned()), "destination"))
        .transpose()?;
    Ok(Destination { device, port })
}

/// The value every source gave, when they agree; `invalid-input` naming them when not.
fn agree<T: Clone + PartialEq + std::fmt::Display>(
    values: &[(&str, T)],
    what: &str,
) -> Result<Option<T>> {
    let Some((first_field, first)) = values.first() else {
        return Ok(None);
    };
    if let Some((field, other)) = values.iter().find(|(_, v)| v != first) {
        return Err(error::invalid_input_field(
            field.replace('.', "/"),
            format!(
                "`{first_field}` and `{field}` name different {what}s (`{first}` and `{other}`)"
            ),
        ));
    }
    Ok(Some(first.clone()))
}

/// A non-blank string property; another JSON type is `invalid-input` naming it.
fn string_property(properties: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match properties.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(other) => Err(error::invalid_input_field(
            format!("properties/{key}"),
            format!("`{key}` must be a string, got `{other}`"),
        )),
    }
}

/// A whole number from a JSON number or a string of digits.
fn whole_number(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18)
                    // Exact: the value is whole and well inside i128.
                    .map(|f| f as i128)
            }),
        Value::String(s) => s.trim().parse::<i128>().ok(),
        _ => None,
    }
}

/// A device port, 1..=65535, given in `field`.
fn parse_port(value: &Value, field: &str) -> Result<u16> {
    whole_number(value)
        .and_then(|n| u16::try_from(n).ok())
        .filter(|port| *port != 0)
        .ok_or_else(|| {
            error::invalid_input_field(
                field,
                format!(
                    "`port` must be a whole number from 1 to 65535, got `{}`",
                    shown(value)
                ),
            )
        })
}

/// Seconds the entry lives, 1..=28800.
fn parse_duration(value: &Value) -> Result<u64> {
    whole_number(value)
        .and_then(|n| u64::try_from(n).ok())
        .filter(|secs| (1..=MAX_DURATION_SECS).contains(secs))
        .ok_or_else(|| {
            error::invalid_input_field(
                "properties/duration",
                format!(
                    "`duration` must be a whole number of seconds from 1 to {MAX_DURATION_SECS} \
                     (8 hours), got `{}`",
                    shown(value)
                ),
            )
        })
}

fn parse_tls_required(value: &Value) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim() == "true" => Ok(true),
        Value::String(s) if s.trim() == "false" => Ok(false),
        other => Err(error::invalid_input_field(
            "properties/tlsRequired",
            format!("`tlsRequired` must be true or false, got `{other}`"),
        )),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An IPv4 or IPv6 CIDR with a prefix length in range; returned trimmed.
pub fn check_cidr(text: &str) -> Result<String> {
    let cidr = text.trim();
    let invalid = |why: &str| {
        error::invalid_input_field(
            "allowed-networks",
            format!("`allowed-networks` entry `{cidr}` is not a CIDR: {why}"),
        )
    };
    let (address, prefix) = cidr
        .split_once('/')
        .ok_or_else(|| invalid("expected address/prefix, e.g. 203.0.113.0/24"))?;
    let prefix: u8 = prefix
        .parse()
        .map_err(|_| invalid("the prefix length is not a number"))?;
    let max = if address.parse::<Ipv4Addr>().is_ok() {
        32
    } else if address.parse::<Ipv6Addr>().is_ok() {
        128
    } else {
        return Err(invalid("the address is not an IPv4 or IPv6 address"));
    };
    if prefix > max {
        return Err(invalid(&format!("the prefix length must be 0 to {max}")));
    }
    Ok(cidr.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(destination: Option<&str>, properties: &str, networks: &[&str]) -> MappingSpec {
        MappingSpec {
            kind: None,
            parent_id: None,
            name: None,
            source: None,
            destination: destination.map(str::to_owned),
            allowed_networks: networks.iter().map(|s| (*s).to_owned()).collect(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: properties.to_owned(),
            secrets: Vec::new(),
        }
    }

    fn refused(spec: &MappingSpec) -> String {
        match parse(spec) {
            Err(portico_adapter_sdk::Error::InvalidInput(p)) => p.message,
            other => panic!("expected invalid-input, got {other:?}"),
        }
    }

    #[test]
    fn sim_destination_with_port_and_properties() {
        let create = parse(&spec(
            Some("sim:8942310022000012345:22"),
            r#"{"service": "arc", "duration": 3600, "tlsRequired": false}"#,
            &["203.0.113.0/24", " 2001:db8::/32 "],
        ))
        .unwrap();
        assert_eq!(
            create.body(),
            json!({
                "destination": {"simId": "8942310022000012345", "service": "arc", "port": 22},
                "duration": 3600,
                "source": {"ipRanges": ["203.0.113.0/24", "2001:db8::/32"]},
                "tlsRequired": false
            })
        );
    }

    #[test]
    fn imsi_from_properties_only() {
        let create = parse(&spec(
            None,
            r#"{"imsi": "440101234567890", "port": "80", "duration": "60", "tlsRequired": "true"}"#,
            &[],
        ))
        .unwrap();
        assert_eq!(
            create.body(),
            json!({
                "destination": {"imsi": "440101234567890", "port": 80},
                "duration": 60,
                "tlsRequired": true
            })
        );
    }

    #[test]
    fn a_sim_is_named_in_the_destination_not_as_a_parent() {
        let mut s = spec(None, r#"{"port": 8080, "simId": "8942"}"#, &[]);
        s.kind = Some("port-mapping".into());
        assert_eq!(
            parse(&s).unwrap().body(),
            json!({"destination": {"simId": "8942", "port": 8080}})
        );
        s.destination = Some("sim:8942:8080".into());
        assert!(parse(&s).is_ok());
        s.destination = Some("sim:9999:8080".into());
        assert_eq!(
            refused(&s),
            "`destination` and `properties.simId` name different SIM ids (`9999` and `8942`)"
        );
    }

    #[test]
    fn parent_id_is_a_sim_id() {
        let mut s = spec(None, r#"{"port": 8080}"#, &[]);
        s.parent_id = Some("8942".into());
        s.kind = Some("port-mapping".into());
        assert_eq!(
            parse(&s).unwrap().body(),
            json!({"destination": {"simId": "8942", "port": 8080}})
        );
        s.destination = Some("sim:8942:8080".into());
        assert!(parse(&s).is_ok());
        s.destination = Some("sim:9999:8080".into());
        assert_eq!(
            refused(&s),
            "`destination` and `parent-id` name different SIM ids (`9999` and `8942`)"
        );
    }

    #[test]
    fn every_rule_names_its_field() {
        let cases: &[(Option<&str>, &str, &[&str], &str)] = &[
            (
                Some("sim:1:22"),
                r#"{"duration": 28801}"#,
                &[],
                "`duration`",
            ),
            (Some("sim:1:22"), r#"{"duration": 0}"#, &[], "`duration`"),
            (Some("sim:1:22"), r#"{"duration": -5}"#, &[], "`duration`"),
            (Some("sim:1:22"), r#"{"duration": 1.5}"#, &[], "`duration`"),
            (
                Some("sim:1:22"),
                r#"{"duration": "soon"}"#,
                &[],
                "`duration`",
            ),
            (Some("sim:1:0"), "", &[], "`port`"),
            (Some("sim:1:65536"), "", &[], "`port`"),
            (Some("sim:1"), r#"{"port": -1}"#, &[], "`port`"),
            (Some("sim:1"), "", &[], "missing `port`"),
            (None, r#"{"port": 22}"#, &[], "missing `destination`"),
            (Some("22"), "", &[], "`destination`"),
            (Some("mac:1:22"), "", &[], "`destination`"),
            (Some("sim::22"), "", &[], "`destination`"),
            (Some("sim:1:22"), r#"{"service": "beam"}"#, &[], "`service`"),
            (
                Some("imsi:4401:22"),
                r#"{"service": "air"}"#,
                &[],
                "`service`",
            ),
            (
                Some("sim:1:22"),
                r#"{"imsi": "4401"}"#,
                &[],
                "`destination` names both",
            ),
            (Some("sim:1:22"), r#"{"port": 23}"#, &[], "different ports"),
            (
                Some("sim:1:22"),
                r#"{"tlsRequired": 1}"#,
                &[],
                "`tlsRequired`",
            ),
            (Some("sim:1:22"), r#"{"simId": 5}"#, &[], "`simId`"),
            (Some("sim:1:22"), r#"{"durration": 5}"#, &[], "`durration`"),
            (Some("sim:1:22"), "[1]", &[], "`properties`"),
            (Some("sim:1:22"), "", &["10.0.0.0"], "`allowed-networks`"),
            (Some("sim:1:22"), "", &["10.0.0.0/33"], "`allowed-networks`"),
            (
                Some("sim:1:22"),
                "",
                &["10.0.0.256/8"],
                "`allowed-networks`",
            ),
            (
                Some("sim:1:22"),
                "",
                &["2001:db8::/129"],
                "`allowed-networks`",
            ),
            (Some("sim:1:22"), "", &["10.0.0.0/x"], "`allowed-networks`"),
            (
                Some("sim:1:22"),
                "",
                &["example.com/24"],
                "`allowed-networks`",
            ),
        ];
        for (destination, properties, networks, field) in cases {
            let message = refused(&spec(*destination, properties, networks));
            assert!(
                message.contains(field),
                "{destination:?} {properties} {networks:?}: {message}"
            );
        }
        // The SDK refuses an undeclared kind before the adapter parses anything.
        let mut s = spec(Some("sim:1:22"), "", &[]);
        s.kind = Some("route".into());
        let err = crate::mappings::MAPPINGS.create(s).unwrap_err();
        assert!(err.message().contains("`kind`"));
        let mut s = spec(Some("sim:1:22"), "", &[]);
        s.name = Some("ssh".into());
        assert!(refused(&s).contains("`name`"));
        let mut s = spec(Some("sim:1:22"), "", &[]);
        s.source = Some("198.51.100.1:22".into());
        assert!(refused(&s).contains("`source`"));
    }

    #[test]
    fn limits_are_inclusive() {
        let ok = |d: &str, p: &str| parse(&spec(Some(d), p, &["0.0.0.0/0", "::/0", "::1/128"]));
        assert_eq!(
            ok("sim:1:1", r#"{"duration": 1}"#).unwrap().duration,
            Some(1)
        );
        let max = ok("sim:1:65535", r#"{"duration": 28800.0}"#).unwrap();
        assert_eq!((max.port, max.duration), (65535, Some(28800)));
        assert_eq!(check_cidr("192.0.2.7/32").unwrap(), "192.0.2.7/32");
    }
}
