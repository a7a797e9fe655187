//! IONOS resource documents → the contract's normalised records.
//!
//! Every IONOS resource reads as `{id, type, href, metadata, properties}`; `metadata.status` is the
//! lifecycle word and `metadata.createdDate` the creation time. `raw` keeps the whole document.

use portico_adapter_sdk::json::{str_at, strings_at};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Gateway, Peer, State, Tunnel, WireguardEnd};

use crate::api::GatewayKind;
use portico_adapter_sdk::noun::KindSet;

/// The normalised state and the provider's own word for it.
pub fn state(doc: &Value) -> (State, String) {
    let word = str_at(doc, "/metadata/status").unwrap_or_default();
    let state = match word.as_str() {
        "PROVISIONING" => State::Provisioning,
        "AVAILABLE" => State::Available,
        "DESTROYING" => State::Deleting,
        "FAILED" => State::Failed,
        _ => State::Unknown,
    };
    (state, word)
}

fn id(doc: &Value) -> String {
    str_at(doc, "/id").unwrap_or_default()
}

fn raw(doc: &Value) -> String {
    doc.to_string()
}

/// A WireGuard or IPSec gateway. Networks are the WireGuard interface CIDRs: what a spec's
/// `networks` sets, so that a record reads back what was set (`portico plan` compares them).
/// The LAN addresses stay in the document (`properties.connections[].ipv4CIDR`), where a spec
/// sets them too.
pub fn gateway(doc: &Value, kind: GatewayKind) -> Gateway {
    let (state, provider_state) = state(doc);
    let networks: Vec<String> = [
        "/properties/interfaceIPv4CIDR",
        "/properties/interfaceIPv6CIDR",
    ]
    .iter()
    .filter_map(|pointer| str_at(doc, pointer))
    .collect();
    Gateway {
        id: id(doc),
        kind: kind.name().to_owned(),
        name: str_at(doc, "/properties/name"),
        description: str_at(doc, "/properties/description"),
        state,
        provider_state,
        public_addresses: str_at(doc, "/properties/gatewayIP").into_iter().collect(),
        networks,
        wireguard: (kind == GatewayKind::Wireguard).then(|| WireguardEnd {
            public_key: str_at(doc, "/metadata/publicKey"),
            listen_port: doc
                .pointer("/properties/listenPort")
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok()),
        }),
        labels: Vec::new(),
        created_at: str_at(doc, "/metadata/createdDate"),
        raw: raw(doc),
    }
}

/// An IPSec tunnel of gateway `gateway_id`.
pub fn tunnel(doc: &Value, gateway_id: &str) -> Tunnel {
    let (state, provider_state) = state(doc);
    Tunnel {
        id: id(doc),
        parent_id: Some(gateway_id.to_owned()),
        kind: "ipsec".to_owned(),
        name: str_at(doc, "/properties/name"),
        description: str_at(doc, "/properties/description"),
        state,
        provider_state,
        remote_address: str_at(doc, "/properties/remoteHost"),
        local_networks: strings_at(doc, "/properties/cloudNetworkCIDRs"),
        remote_networks: strings_at(doc, "/properties/peerNetworkCIDRs"),
        ipsec: Some(crate::ipsec::from_provider(&doc["properties"])),
        labels: Vec::new(),
        created_at: str_at(doc, "/metadata/createdDate"),
        raw: raw(doc),
    }
}

/// A WireGuard peer of gateway `gateway_id`. The endpoint reads `host:port` (`[v6]:port` for an
/// IPv6 host), or just the host when no port is set.
pub fn peer(doc: &Value, gateway_id: &str) -> Peer {
    let (state, provider_state) = state(doc);
    let endpoint = str_at(doc, "/properties/endpoint/host").map(|host| {
        let port = doc
            .pointer("/properties/endpoint/port")
            .and_then(Value::as_u64);
        match port {
            Some(port) if host.contains(':') => format!("[{host}]:{port}"),
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    });
    Peer {
        id: id(doc),
        parent_id: Some(gateway_id.to_owned()),
        kind: "wireguard".to_owned(),
        name: str_at(doc, "/properties/name"),
        description: str_at(doc, "/properties/description"),
        state,
        provider_state,
        public_key: str_at(doc, "/properties/publicKey"),
        endpoint,
        allowed_networks: strings_at(doc, "/properties/allowedIPs"),
        labels: Vec::new(),
        created_at: str_at(doc, "/metadata/createdDate"),
        raw: raw(doc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::{self, json};

    fn metadata(status: &str) -> Value {
        json!({
            "createdDate": "2024-05-01T10:00:00+00:00",
            "createdBy": "ionos:identity:::users/u1",
            "status": status,
        })
    }

    #[test]
    fn states_map_and_keep_the_word() {
        for (word, expected) in [
            ("PROVISIONING", State::Provisioning),
            ("AVAILABLE", State::Available),
            ("DESTROYING", State::Deleting),
            ("FAILED", State::Failed),
            ("PAUSED", State::Unknown),
        ] {
            assert_eq!(
                state(&json!({"metadata": {"status": word}})),
                (expected, word.to_owned())
            );
        }
        assert_eq!(state(&json!({})), (State::Unknown, String::new()));
    }

    #[test]
    fn wireguard_gateway_maps_fields() {
        let doc = json!({
            "id": "gw-1",
            "type": "wireguardgateway",
            "href": "/wireguardgateways/gw-1",
            "metadata": {"status": "AVAILABLE", "createdDate": "2024-05-01T10:00:00+00:00", "publicKey": "pub"},
            "properties": {
                "name": "edge",
                "description": "main office",
                "gatewayIP": "203.0.113.10",
                "interfaceIPv4CIDR": "10.8.0.1/24",
                "interfaceIPv6CIDR": "fd00::1/64",
                "connections": [
                    {"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.10/24"},
                    {"datacenterId": "dc", "lanId": "2", "ipv4CIDR": "192.168.2.10/24", "ipv6CIDR": "fd01::10/64"}
                ],
                "listenPort": 51820
            }
        });
        let gw = gateway(&doc, GatewayKind::Wireguard);
        assert_eq!(gw.id, "gw-1");
        assert_eq!(gw.kind, "wireguard");
        assert_eq!(gw.name.as_deref(), Some("edge"));
        assert_eq!(gw.description.as_deref(), Some("main office"));
        assert_eq!(gw.state, State::Available);
        assert_eq!(gw.provider_state, "AVAILABLE");
        assert_eq!(gw.public_addresses, ["203.0.113.10"]);
        assert_eq!(
            gw.networks,
            ["10.8.0.1/24", "fd00::1/64"],
            "LAN addresses stay in raw"
        );
        assert_eq!(gw.created_at.as_deref(), Some("2024-05-01T10:00:00+00:00"));
        let wg = gw.wireguard.as_ref().unwrap();
        assert_eq!(
            (wg.public_key.as_deref(), wg.listen_port),
            (Some("pub"), Some(51820))
        );
        assert_eq!(serde_json::from_str::<Value>(&gw.raw).unwrap(), doc);
    }

    #[test]
    fn sparse_ipsec_gateway_maps_to_empty_fields() {
        let doc = json!({"id": "gw-2", "metadata": metadata("PROVISIONING"), "properties": {"name": "x"}});
        let gw = gateway(&doc, GatewayKind::Ipsec);
        assert_eq!(gw.kind, "ipsec");
        assert_eq!(gw.state, State::Provisioning);
        assert!(gw.public_addresses.is_empty());
        assert!(gw.networks.is_empty());
        assert_eq!(gw.description, None);
    }

    #[test]
    fn tunnel_maps_fields() {
        let doc = json!({
            "id": "t-1",
            "type": "ipsectunnel",
            "metadata": metadata("FAILED"),
            "properties": {
                "name": "to-branch",
                "remoteHost": "198.51.100.7",
                "auth": {"method": "PSK"},
                "ike": {}, "esp": {},
                "cloudNetworkCIDRs": ["192.168.1.0/24"],
                "peerNetworkCIDRs": ["10.1.0.0/16", "10.2.0.0/16"]
            }
        });
        let t = tunnel(&doc, "gw-2");
        assert_eq!(t.id, "t-1");
        assert_eq!(t.parent_id.as_deref(), Some("gw-2"));
        assert_eq!(t.kind, "ipsec");
        assert_eq!(t.state, State::Failed);
        assert_eq!(t.remote_address.as_deref(), Some("198.51.100.7"));
        assert_eq!(t.local_networks, ["192.168.1.0/24"]);
        assert_eq!(t.remote_networks, ["10.1.0.0/16", "10.2.0.0/16"]);
        assert_eq!(t.created_at.as_deref(), Some("2024-05-01T10:00:00+00:00"));
    }

    #[test]
    fn peer_maps_fields_and_endpoint() {
        let doc = json!({
            "id": "p-1",
            "metadata": metadata("DESTROYING"),
            "properties": {
                "name": "laptop",
                "publicKey": "cHVia2V5",
                "allowedIPs": ["10.8.0.2/32"],
                "endpoint": {"host": "vpn.example.com", "port": 51821}
            }
        });
        let p = peer(&doc, "gw-1");
        assert_eq!(p.kind, "wireguard");
        assert_eq!(p.state, State::Deleting);
        assert_eq!(p.public_key.as_deref(), Some("cHVia2V5"));
        assert_eq!(p.endpoint.as_deref(), Some("vpn.example.com:51821"));
        assert_eq!(p.allowed_networks, ["10.8.0.2/32"]);
        let v6 = json!({"properties": {"endpoint": {"host": "2001:db8::1", "port": 51820}}});
        assert_eq!(
            peer(&v6, "g").endpoint.as_deref(),
            Some("[2001:db8::1]:51820")
        );
        let bare = json!({"properties": {"endpoint": {"host": "h"}}});
        assert_eq!(peer(&bare, "g").endpoint.as_deref(), Some("h"));
        assert_eq!(peer(&json!({}), "g").endpoint, None);
    }
}
