//! Soracom documents → the contract's normalised records. `raw` always keeps the whole document.
//!
//! | record | Soracom document | mapping |
//! |---|---|---|
//! | gateway `vpg` | VirtualPrivateGateway | id `vpgId`, name tag `name`, description tag `description`, labels the other tags, state from `status`, public addresses `fixedPublicIpAddresses`, networks `deviceSubnetCidrRange`, created `createdTime` |
//! | peer `gate` | GatePeer | id and endpoint `outerIpAddress`, allowed network `innerIpAddress/32`; always available |
//! | peer `mirroring` | JunctionMirroringPeer | id and endpoint `ipAddress`, description; available when `enabled`, inactive otherwise |
//! | mapping `ip-address-map` | IpAddressMapEntry | id and source `key` (IMSI or inner IP), destination `ipAddress`, provider state `type` |
//! | mapping `customer-route` | CustomerRoute | id `id`, source `destinationCidr`, destination `target`, provider state `type` |
//!
//! Soracom documents only the VPG status `running`; the other status words below are guesses
//! (invented) so that an emulator or a future API answer still maps to something sensible.

use portico_adapter_sdk::json::{str_at, strings_at};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Gateway, Mapping, Peer, State, spec};

/// The tags that are typed fields of a gateway rather than labels.
pub const TYPED_TAGS: [&str; 2] = ["name", "description"];

/// The one gateway kind.
pub const VPG_KIND: &str = "vpg";
/// Gate peers.
pub const GATE: &str = "gate";
/// Junction mirroring peers.
pub const MIRRORING: &str = "mirroring";
/// IP address map entries.
pub const IP_ADDRESS_MAP: &str = "ip-address-map";
/// Customer routes.
pub const CUSTOMER_ROUTE: &str = "customer-route";

/// The normalised state of a VPG `status` word.
pub fn vpg_state(status: &str) -> State {
    match status.to_ascii_lowercase().as_str() {
        "running" | "active" | "available" => State::Available,
        "creating" | "initializing" | "pending" | "provisioning" | "starting" => {
            State::Provisioning
        }
        "updating" | "modifying" => State::Updating,
        "terminating" | "deleting" => State::Deleting,
        "terminated" | "stopped" | "inactive" => State::Inactive,
        "failed" | "error" => State::Failed,
        _ => State::Unknown,
    }
}

/// Unix milliseconds as RFC 3339 UTC text (`2024-05-01T10:00:00.123Z`).
pub fn rfc3339_from_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
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

fn millis_at(doc: &Value, pointer: &str) -> Option<String> {
    doc.pointer(pointer)?.as_i64().map(rfc3339_from_millis)
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// A VPG.
pub fn gateway(doc: &Value) -> Gateway {
    let provider_state = str_at(doc, "/status").unwrap_or_default();
    Gateway {
        id: str_at(doc, "/vpgId").unwrap_or_default(),
        kind: VPG_KIND.to_owned(),
        name: non_empty(str_at(doc, "/tags/name")),
        description: non_empty(str_at(doc, "/tags/description")),
        state: vpg_state(&provider_state),
        provider_state,
        public_addresses: strings_at(doc, "/fixedPublicIpAddresses"),
        networks: str_at(doc, "/deviceSubnetCidrRange")
            .or_else(|| str_at(doc, "/ueSubnetCidrRange"))
            .into_iter()
            .collect(),
        wireguard: None,
        labels: spec::labels_from_object(doc.get("tags"), &TYPED_TAGS),
        created_at: millis_at(doc, "/createdTime"),
        raw: doc.to_string(),
    }
}

/// A Gate peer of VPG `vpg_id`.
pub fn gate_peer(doc: &Value, vpg_id: &str) -> Peer {
    let outer = str_at(doc, "/outerIpAddress").unwrap_or_default();
    Peer {
        id: outer.clone(),
        parent_id: Some(vpg_id.to_owned()),
        kind: GATE.to_owned(),
        name: None,
        description: None,
        state: State::Available,
        provider_state: String::new(),
        public_key: None,
        endpoint: (!outer.is_empty()).then_some(outer),
        allowed_networks: non_empty(str_at(doc, "/innerIpAddress"))
            .map(|inner| format!("{inner}/32"))
            .into_iter()
            .collect(),
        labels: Vec::new(),
        created_at: None,
        raw: doc.to_string(),
    }
}

/// A Junction mirroring peer of VPG `vpg_id`.
pub fn mirroring_peer(doc: &Value, vpg_id: &str) -> Peer {
    let ip = str_at(doc, "/ipAddress").unwrap_or_default();
    let enabled = doc.get("enabled").and_then(Value::as_bool).unwrap_or(false);
    Peer {
        id: ip.clone(),
        parent_id: Some(vpg_id.to_owned()),
        kind: MIRRORING.to_owned(),
        name: None,
        description: non_empty(str_at(doc, "/description")),
        state: if enabled {
            State::Available
        } else {
            State::Inactive
        },
        provider_state: if enabled { "enabled" } else { "disabled" }.to_owned(),
        public_key: None,
        endpoint: (!ip.is_empty()).then_some(ip),
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        created_at: None,
        raw: doc.to_string(),
    }
}

/// An IP address map entry of VPG `vpg_id`.
pub fn ip_map_entry(doc: &Value, vpg_id: &str) -> Mapping {
    let key = str_at(doc, "/key")
        .or_else(|| str_at(doc, "/hostId"))
        .unwrap_or_default();
    Mapping {
        id: key.clone(),
        parent_id: Some(vpg_id.to_owned()),
        kind: IP_ADDRESS_MAP.to_owned(),
        name: None,
        state: State::Available,
        provider_state: str_at(doc, "/type").unwrap_or_default(),
        source: (!key.is_empty()).then_some(key),
        destination: str_at(doc, "/ipAddress"),
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        expires_at: None,
        created_at: None,
        raw: doc.to_string(),
    }
}

/// A customer route of VPG `vpg_id`.
pub fn customer_route(doc: &Value, vpg_id: &str) -> Mapping {
    Mapping {
        id: str_at(doc, "/id").unwrap_or_default(),
        parent_id: Some(vpg_id.to_owned()),
        kind: CUSTOMER_ROUTE.to_owned(),
        name: None,
        state: State::Available,
        provider_state: str_at(doc, "/type").unwrap_or_default(),
        source: str_at(doc, "/destinationCidr"),
        destination: str_at(doc, "/target"),
        allowed_networks: Vec::new(),
        labels: Vec::new(),
        expires_at: None,
        created_at: None,
        raw: doc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::{self, json};

    #[test]
    fn millis_become_rfc3339() {
        assert_eq!(rfc3339_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_from_millis(1_714_557_600_123),
            "2024-05-01T10:00:00.123Z"
        );
        assert_eq!(
            rfc3339_from_millis(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(rfc3339_from_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn vpg_states_map() {
        for (word, state) in [
            ("running", State::Available),
            ("creating", State::Provisioning),
            ("updating", State::Updating),
            ("terminating", State::Deleting),
            ("terminated", State::Inactive),
            ("failed", State::Failed),
            ("", State::Unknown),
            ("weird", State::Unknown),
        ] {
            assert_eq!(vpg_state(word), state, "{word}");
        }
    }

    #[test]
    fn vpg_maps_to_gateway() {
        let doc = json!({
            "vpgId": "f1a2b3c4-0000-4000-8000-000000000001",
            "operatorId": "OP0012345678",
            "type": 14,
            "status": "running",
            "placement": {"infrastructureProvider": "aws", "region": "ap-northeast-1"},
            "createdTime": 1_714_557_600_000_i64,
            "deviceSubnetCidrRange": "10.128.0.0/9",
            "vpgSubnetCidrRange": "100.64.0.0/22",
            "useInternetGateway": true,
            "fixedIpAddressesEnabled": true,
            "fixedPublicIpAddresses": ["203.0.113.1", "203.0.113.2"],
            "tags": {"name": "factory", "description": "line 1", "team": "ops"}
        });
        let gw = gateway(&doc);
        assert_eq!(gw.id, "f1a2b3c4-0000-4000-8000-000000000001");
        assert_eq!(gw.kind, "vpg");
        assert_eq!(gw.name.as_deref(), Some("factory"));
        assert_eq!(gw.description.as_deref(), Some("line 1"));
        assert_eq!(gw.labels, [spec::label("team", "ops")]);
        assert_eq!(gw.state, State::Available);
        assert_eq!(gw.provider_state, "running");
        assert_eq!(gw.public_addresses, ["203.0.113.1", "203.0.113.2"]);
        assert_eq!(gw.networks, ["10.128.0.0/9"]);
        assert_eq!(gw.created_at.as_deref(), Some("2024-05-01T10:00:00.000Z"));
        assert_eq!(serde_json::from_str::<Value>(&gw.raw).unwrap(), doc);
    }

    #[test]
    fn sparse_vpg_maps_to_empty_fields() {
        let gw = gateway(
            &json!({"vpgId": "v", "tags": {"name": ""}, "ueSubnetCidrRange": "10.0.0.0/8"}),
        );
        assert_eq!(gw.name, None);
        assert_eq!(gw.state, State::Unknown);
        assert!(gw.public_addresses.is_empty());
        assert_eq!(gw.networks, ["10.0.0.0/8"]);
        assert_eq!(gw.created_at, None);
    }

    #[test]
    fn peers_map() {
        let gate = gate_peer(
            &json!({"outerIpAddress": "198.51.100.7", "innerIpAddress": "10.128.0.5",
                    "netmask": "255.128.0.0", "ownedByCustomer": true}),
            "v1",
        );
        assert_eq!(gate.id, "198.51.100.7");
        assert_eq!(gate.kind, "gate");
        assert_eq!(gate.parent_id.as_deref(), Some("v1"));
        assert_eq!(gate.endpoint.as_deref(), Some("198.51.100.7"));
        assert_eq!(gate.allowed_networks, ["10.128.0.5/32"]);
        assert_eq!(gate.state, State::Available);

        let on = mirroring_peer(
            &json!({"ipAddress": "192.0.2.9", "protocol": "gre", "enabled": true, "description": "ids"}),
            "v1",
        );
        assert_eq!(on.id, "192.0.2.9");
        assert_eq!(on.kind, "mirroring");
        assert_eq!(on.description.as_deref(), Some("ids"));
        assert_eq!(
            (on.state, on.provider_state.as_str()),
            (State::Available, "enabled")
        );
        let off = mirroring_peer(&json!({"ipAddress": "192.0.2.10"}), "v1");
        assert_eq!(
            (off.state, off.provider_state.as_str()),
            (State::Inactive, "disabled")
        );
    }

    #[test]
    fn mappings_map() {
        let entry = ip_map_entry(
            &json!({"key": "440101234567890", "hostId": "440101234567890",
                    "ipAddress": "10.128.0.10", "type": "static", "lastUpdatedAt": 1}),
            "v1",
        );
        assert_eq!(entry.id, "440101234567890");
        assert_eq!(entry.kind, "ip-address-map");
        assert_eq!(entry.parent_id.as_deref(), Some("v1"));
        assert_eq!(entry.source.as_deref(), Some("440101234567890"));
        assert_eq!(entry.destination.as_deref(), Some("10.128.0.10"));
        assert_eq!(entry.provider_state, "static");
        let legacy = ip_map_entry(&json!({"hostId": "4401", "ipAddress": "10.0.0.1"}), "v1");
        assert_eq!(legacy.id, "4401");

        let route = customer_route(
            &json!({"id": "r-1", "destinationCidr": "172.16.0.0/16", "target": "tgw-0abc", "type": "static"}),
            "v1",
        );
        assert_eq!(route.id, "r-1");
        assert_eq!(route.kind, "customer-route");
        assert_eq!(route.source.as_deref(), Some("172.16.0.0/16"));
        assert_eq!(route.destination.as_deref(), Some("tgw-0abc"));
        assert_eq!(route.provider_state, "static");
    }
}
