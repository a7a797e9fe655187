//! SCP documents to the contract's records. The provider's document is kept whole in `raw`.

use portico_adapter_sdk::json::{str_at, strings_at};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Gateway, State, Tunnel};

/// The kind both nouns report: SCP VPN is site-to-site IPSec.
pub const KIND: &str = "ipsec";

/// The normalised state and SCP's own word for it (`CREATING`, `ACTIVE`, `EDITING`,
/// `DELETING`, `DELETED`, `ERROR`).
pub fn state(doc: &Value) -> (State, String) {
    let word = str_at(doc, "/state").unwrap_or_default();
    let state = match word.as_str() {
        "CREATING" => State::Provisioning,
        "ACTIVE" => State::Available,
        "EDITING" => State::Updating,
        "DELETING" | "DELETED" => State::Deleting,
        "ERROR" => State::Failed,
        _ => State::Unknown,
    };
    (state, word)
}

/// A VPN gateway (the object inside `{"vpn_gateway": ...}` or an item of a list).
pub fn gateway(doc: &Value) -> Gateway {
    let (state, provider_state) = state(doc);
    Gateway {
        id: str_at(doc, "/id").unwrap_or_default(),
        kind: KIND.to_owned(),
        name: str_at(doc, "/name"),
        description: str_at(doc, "/description"),
        state,
        provider_state,
        public_addresses: str_at(doc, "/ip_address").into_iter().collect(),
        networks: Vec::new(),
        wireguard: None,
        labels: Vec::new(),
        created_at: str_at(doc, "/created_at"),
        raw: doc.to_string(),
    }
}

/// A VPN tunnel. Remote networks are `phase2.remote_subnets` (1.1) or the single
/// `phase2.remote_subnet` (1.0).
pub fn tunnel(doc: &Value) -> Tunnel {
    let (state, provider_state) = state(doc);
    let mut remote_networks = strings_at(doc, "/phase2/remote_subnets");
    if remote_networks.is_empty() {
        remote_networks.extend(str_at(doc, "/phase2/remote_subnet"));
    }
    Tunnel {
        id: str_at(doc, "/id").unwrap_or_default(),
        parent_id: str_at(doc, "/vpn_gateway_id"),
        kind: KIND.to_owned(),
        name: str_at(doc, "/name"),
        description: str_at(doc, "/description"),
        state,
        provider_state,
        remote_address: str_at(doc, "/phase1/peer_gateway_ip"),
        local_networks: Vec::new(),
        remote_networks,
        ipsec: Some(crate::ipsec::from_provider(doc)),
        labels: Vec::new(),
        created_at: str_at(doc, "/created_at"),
        raw: doc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;

    #[test]
    fn states_map_and_keep_the_word() {
        for (word, expected) in [
            ("CREATING", State::Provisioning),
            ("ACTIVE", State::Available),
            ("EDITING", State::Updating),
            ("DELETING", State::Deleting),
            ("DELETED", State::Deleting),
            ("ERROR", State::Failed),
            ("ODD", State::Unknown),
        ] {
            assert_eq!(state(&json!({"state": word})), (expected, word.to_owned()));
        }
    }

    #[test]
    fn gateway_and_tunnels_of_both_versions_map() {
        let gw = gateway(&json!({
            "id": "0fdd87aab8cb46f59b7c1f81ed03fb3e", "name": "gw1", "description": null,
            "ip_address": "123.0.0.1", "state": "ACTIVE", "created_at": "2024-05-17T00:23:17Z"
        }));
        assert_eq!(gw.public_addresses, ["123.0.0.1"]);
        assert_eq!(gw.description, None);
        assert_eq!(gw.state, State::Available);
        assert_eq!(gw.created_at.as_deref(), Some("2024-05-17T00:23:17Z"));
        let v11 = tunnel(&json!({
            "id": "t", "vpn_gateway_id": "g", "state": "CREATING",
            "phase1": {"peer_gateway_ip": "198.51.100.2"},
            "phase2": {"remote_subnets": ["10.1.0.0/16", "10.2.0.0/16"]}
        }));
        assert_eq!(v11.parent_id.as_deref(), Some("g"));
        assert_eq!(v11.remote_address.as_deref(), Some("198.51.100.2"));
        assert_eq!(v11.remote_networks, ["10.1.0.0/16", "10.2.0.0/16"]);
        let v10 = tunnel(&json!({"phase2": {"remote_subnet": "10.9.0.0/16"}}));
        assert_eq!(v10.remote_networks, ["10.9.0.0/16"]);
        assert_eq!(v10.state, State::Unknown);
    }
}
