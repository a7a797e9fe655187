//! UpCloud documents → the contract's normalised records.
//!
//! UpCloud answers with bare objects (no envelope). A gateway's lifecycle word is
//! `operational_state`, read together with `configured_status`; a VPN connection has no state
//! of its own, so the `tunnel` record takes its state from the connection's IPSec tunnels.
//! `raw` keeps the whole document: for a connection that includes its routes and tunnels.

use portico_adapter_sdk::json::str_at;
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Gateway, State, Tunnel, spec};

/// Gateway kind of a gateway offering site-to-site VPN (and possibly NAT).
pub const KIND_VPN: &str = "vpn";
/// Gateway kind of a NAT-only gateway.
pub const KIND_NAT: &str = "nat";
/// The one kind of VPN connection.
pub const KIND_IPSEC: &str = "ipsec";

/// A gateway's normalised state and its `operational_state`.
///
/// `pending`, `setup-*` and `checkup` are provisioning, or updating once the gateway has been
/// changed after its creation (`updated_at` later than `created_at` while not running);
/// `running` is available, or inactive when `configured_status` is `stopped`; `delete-*` is
/// deleting.
pub fn gateway_state(doc: &Value) -> (State, String) {
    let word = str_at(doc, "/operational_state").unwrap_or_default();
    let stopped = str_at(doc, "/configured_status").as_deref() == Some("stopped");
    let changed = match (str_at(doc, "/created_at"), str_at(doc, "/updated_at")) {
        (Some(created), Some(updated)) => updated > created,
        _ => false,
    };
    let state = match word.as_str() {
        "running" if stopped => State::Inactive,
        "running" => State::Available,
        "pending" | "checkup" if changed => State::Updating,
        "pending" | "checkup" => State::Provisioning,
        w if w.starts_with("setup-") && changed => State::Updating,
        w if w.starts_with("setup-") => State::Provisioning,
        w if w.starts_with("delete-") => State::Deleting,
        _ => State::Unknown,
    };
    (state, word)
}

/// The normalised state of one IPSec tunnel's `operational_state`.
fn tunnel_state(word: &str) -> State {
    match word {
        "established" | "rekeying" | "rekeyed" => State::Available,
        "uninitialized" | "created" | "connecting" => State::Provisioning,
        "idle" => State::Inactive,
        "deleting" | "destroying" => State::Deleting,
        _ => State::Unknown,
    }
}

/// How much attention a state needs; the connection shows its tunnels' worst.
fn severity(state: State) -> u8 {
    match state {
        State::Failed => 6,
        State::Deleting => 5,
        State::Provisioning | State::Updating => 4,
        State::Unknown => 3,
        State::Inactive => 2,
        State::Available => 1,
    }
}

/// A connection's state from its tunnels: the worst of theirs (inactive without tunnels), and
/// their distinct words joined with `,`.
pub fn connection_state(doc: &Value) -> (State, String) {
    let words = distinct(
        tunnels(doc)
            .iter()
            .filter_map(|t| str_at(t, "/operational_state")),
    );
    let state = words
        .iter()
        .map(|w| tunnel_state(w))
        .max_by_key(|s| severity(*s))
        .unwrap_or(State::Inactive);
    (state, words.join(","))
}

fn tunnels(doc: &Value) -> &[Value] {
    doc.get("tunnels")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The `static_network`s of a route list.
fn networks(routes: Option<&Value>) -> Vec<String> {
    routes
        .and_then(Value::as_array)
        .map(|routes| distinct(routes.iter().filter_map(|r| str_at(r, "/static_network"))))
        .unwrap_or_default()
}

/// The gateway kind: `vpn` when its features include VPN, `nat` otherwise.
pub fn gateway_kind(doc: &Value) -> &'static str {
    let vpn = doc
        .get("features")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x.as_str() == Some(KIND_VPN)));
    if vpn { KIND_VPN } else { KIND_NAT }
}

/// A network gateway. Public addresses are the allocated `addresses[].address`; networks are
/// the local (cloud-side) routes of its VPN connections; labels are its `labels`.
pub fn gateway(doc: &Value) -> Gateway {
    let (state, provider_state) = gateway_state(doc);
    let public_addresses = doc
        .get("addresses")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| str_at(x, "/address")).collect())
        .unwrap_or_default();
    let networks = distinct(
        doc.get("connections")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .flat_map(|c| networks(c.get("local_routes"))),
    );
    Gateway {
        id: str_at(doc, "/uuid").unwrap_or_default(),
        kind: gateway_kind(doc).to_owned(),
        name: str_at(doc, "/name"),
        description: None,
        state,
        provider_state,
        public_addresses,
        networks,
        wireguard: None,
        labels: spec::labels_from_array(doc.get("labels")),
        created_at: str_at(doc, "/created_at"),
        raw: doc.to_string(),
    }
}

/// A VPN connection of gateway `gateway_id`, as a tunnel. The remote address lists the remote
/// peer address of each IPSec tunnel, joined with `,` (the form `remote-address` takes on input).
pub fn tunnel(doc: &Value, gateway_id: &str) -> Tunnel {
    let (state, provider_state) = connection_state(doc);
    let remotes = distinct(
        tunnels(doc)
            .iter()
            .filter_map(|t| str_at(t, "/remote_address/address")),
    );
    Tunnel {
        id: str_at(doc, "/uuid").unwrap_or_default(),
        parent_id: Some(gateway_id.to_owned()),
        kind: str_at(doc, "/type").unwrap_or_else(|| KIND_IPSEC.to_owned()),
        name: str_at(doc, "/name"),
        description: None,
        state,
        provider_state,
        remote_address: (!remotes.is_empty()).then(|| remotes.join(",")),
        local_networks: networks(doc.get("local_routes")),
        remote_networks: networks(doc.get("remote_routes")),
        ipsec: doc
            .get("tunnels")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .map(|t| crate::ipsec::from_provider(&t["ipsec"])),
        labels: Vec::new(),
        created_at: str_at(doc, "/created_at"),
        raw: doc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::{self, json};

    fn gw(state: &str, status: &str, updated: &str) -> Value {
        json!({"uuid": "10aa", "operational_state": state, "configured_status": status,
            "created_at": "2025-03-01T08:00:00.000001Z", "updated_at": updated, "features": ["nat"]})
    }

    #[test]
    fn gateway_states_map_and_keep_the_word() {
        let created = "2025-03-01T08:00:00.000001Z";
        let later = "2025-03-01T08:05:00.000001Z";
        for (word, status, updated, expected) in [
            ("pending", "started", created, State::Provisioning),
            ("setup-server", "started", created, State::Provisioning),
            ("checkup", "started", created, State::Provisioning),
            ("pending", "started", later, State::Updating),
            ("setup-dns", "stopped", later, State::Updating),
            ("running", "started", later, State::Available),
            ("running", "stopped", later, State::Inactive),
            ("delete-server", "started", later, State::Deleting),
            ("exploded", "started", later, State::Unknown),
        ] {
            assert_eq!(
                gateway_state(&gw(word, status, updated)),
                (expected, word.to_owned()),
                "{word}"
            );
        }
        assert_eq!(gateway_state(&json!({})), (State::Unknown, String::new()));
    }

    #[test]
    fn gateway_maps_addresses_networks_and_kind() {
        let doc = json!({
            "uuid": "10bb", "name": "edge", "zone": "fi-hel1", "features": ["nat", "vpn"],
            "operational_state": "running", "configured_status": "started",
            "created_at": "2025-03-01T08:00:00.000001Z", "updated_at": "2025-03-01T08:04:00.000001Z",
            "addresses": [{"name": "ip-a", "address": "203.0.113.5"}, {"name": "ip-b"}],
            "labels": [{"key": "env", "value": "prod"}],
            "connections": [
                {"local_routes": [{"name": "l", "type": "static", "static_network": "10.1.0.0/24"}]},
                {"local_routes": [{"static_network": "10.1.0.0/24"}, {"static_network": "10.2.0.0/24"}]}
            ]
        });
        let g = gateway(&doc);
        assert_eq!(g.id, "10bb");
        assert_eq!(g.kind, "vpn");
        assert_eq!(g.name.as_deref(), Some("edge"));
        assert_eq!(g.state, State::Available);
        assert_eq!(g.provider_state, "running");
        assert_eq!(g.public_addresses, ["203.0.113.5"]);
        assert_eq!(g.networks, ["10.1.0.0/24", "10.2.0.0/24"]);
        assert_eq!(g.labels, [spec::label("env", "prod")]);
        assert_eq!(g.created_at.as_deref(), Some("2025-03-01T08:00:00.000001Z"));
        assert_eq!(serde_json::from_str::<Value>(&g.raw).unwrap(), doc);
        assert_eq!(gateway(&json!({"features": ["nat"]})).kind, "nat");
        assert_eq!(gateway(&json!({})).kind, "nat");
    }

    #[test]
    fn connection_maps_routes_tunnels_and_state() {
        let doc = json!({
            "uuid": "10cc", "name": "to-office", "type": "ipsec",
            "created_at": "2025-03-01T08:00:00.000001Z",
            "local_routes": [{"name": "local-route", "type": "static", "static_network": "10.1.0.0/24"}],
            "remote_routes": [{"name": "remote-route", "type": "static", "static_network": "172.16.0.0/16"}],
            "tunnels": [
                {"uuid": "10dd", "operational_state": "idle", "remote_address": {"address": "198.51.100.7"}},
                {"uuid": "10ee", "operational_state": "idle", "remote_address": {"address": "198.51.100.8"}}
            ]
        });
        let t = tunnel(&doc, "10bb");
        assert_eq!(t.id, "10cc");
        assert_eq!(t.parent_id.as_deref(), Some("10bb"));
        assert_eq!(t.kind, "ipsec");
        assert_eq!(t.state, State::Inactive);
        assert_eq!(t.provider_state, "idle");
        assert_eq!(
            t.remote_address.as_deref(),
            Some("198.51.100.7,198.51.100.8")
        );
        assert_eq!(t.local_networks, ["10.1.0.0/24"]);
        assert_eq!(t.remote_networks, ["172.16.0.0/16"]);
        assert_eq!(serde_json::from_str::<Value>(&t.raw).unwrap(), doc);
    }

    #[test]
    fn connection_state_is_the_worst_tunnel_state() {
        let with = |states: &[&str]| {
            let tunnels: Vec<Value> = states
                .iter()
                .map(|s| json!({"operational_state": s}))
                .collect();
            connection_state(&json!({ "tunnels": tunnels }))
        };
        assert_eq!(with(&[]), (State::Inactive, String::new()));
        assert_eq!(
            with(&["established", "established"]),
            (State::Available, "established".into())
        );
        assert_eq!(
            with(&["established", "connecting"]),
            (State::Provisioning, "established,connecting".into())
        );
        assert_eq!(with(&["idle", "established"]).0, State::Inactive);
        assert_eq!(with(&["idle", "destroying"]).0, State::Deleting);
        assert_eq!(with(&["mystery"]).0, State::Unknown);
        assert_eq!(tunnel(&json!({}), "g").remote_address, None);
    }
}
