//! The peer noun: the peers of a WireGuard gateway. The description and the endpoint can be
//! cleared; the other fields are required.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    NounDef, Peer, PeerPage, PeerSpec, Result, Spec, error, json as sdk_json,
};

use crate::child::{Child, child_noun};
use crate::records;

/// The peer noun: every action; the parent (a WireGuard gateway) is required. IONOS does not
/// say that names are unique, and has no labels.
pub const PEERS: NounDef<Peer> = child_noun!(
    CHILD,
    &[("wireguard", "WireGuard peer of a WireGuard gateway")]
);

/// Peers, at `/wireguardgateways/{gatewayId}/peers/{peerId}`.
const CHILD: Child<PeerSpec, Peer, PeerPage> = Child {
    noun: "peer",
    id_param: "peerId",
    list_op: "WireguardgatewaysPeersGet",
    get_op: "WireguardgatewaysPeersFindById",
    create_op: "WireguardgatewaysPeersPost",
    put_op: "WireguardgatewaysPeersPut",
    delete_op: "WireguardgatewaysPeersDelete",
    clearable: (
        &["description", "endpoint"],
        "IONOS requires a peer's name, public key and allowed networks",
    ),
    record: records::peer,
    properties,
    page: |items, next, ahead| PeerPage { items, next, ahead },
};

/// The `properties` to send: `base` (the current properties on update), then `spec.properties`
/// as a merge patch, then the typed fields; cleared fields are removed.
pub fn properties(base: Map<String, Value>, spec: &PeerSpec) -> Result<Map<String, Value>> {
    let mut props = sdk_json::patched(base, &spec.properties)?;
    for (field, key) in [("description", "description"), ("endpoint", "endpoint")] {
        if spec.clears(field) {
            props.remove(key);
        }
    }
    sdk_json::set_str(&mut props, "name", spec.name.as_deref());
    sdk_json::set_str(&mut props, "description", spec.description.as_deref());
    sdk_json::set_str(&mut props, "publicKey", spec.public_key.as_deref());
    sdk_json::set_strings(&mut props, "allowedIPs", &spec.allowed_networks);
    if let Some(endpoint) = sdk_json::non_blank(spec.endpoint.as_deref()) {
        props.insert("endpoint".into(), endpoint_json(endpoint)?);
    }
    Ok(props)
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address → `{host[, port]}`.
pub fn endpoint_json(text: &str) -> Result<Value> {
    let text = text.trim();
    let invalid = || {
        error::invalid_input_field(
            "endpoint",
            format!(
                "`endpoint` must be `host` or `host:port` with a port from 1 to 65535, got `{text}`"
            ),
        )
    };
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(invalid)?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or_else(invalid)?)),
        }
    } else if text.matches(':').count() > 1 {
        (text, None)
    } else {
        match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err(invalid());
    }
    match port {
        None => Ok(json!({ "host": host })),
        Some(port) => {
            let port: u16 = port.parse().map_err(|_| invalid())?;
            if port == 0 {
                return Err(invalid());
            }
            Ok(json!({ "host": host, "port": port }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PeerSpec {
        PeerSpec {
            kind: None,
            parent_id: Some("gw".into()),
            name: None,
            description: None,
            public_key: None,
            endpoint: None,
            allowed_networks: Vec::new(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn endpoints_parse() {
        let ok = |text: &str| endpoint_json(text).unwrap();
        assert_eq!(ok("vpn.example.com"), json!({"host": "vpn.example.com"}));
        assert_eq!(
            ok(" 198.51.100.7:51821 "),
            json!({"host": "198.51.100.7", "port": 51821})
        );
        assert_eq!(
            ok("[2001:db8::1]:51820"),
            json!({"host": "2001:db8::1", "port": 51820})
        );
        assert_eq!(ok("[2001:db8::1]"), json!({"host": "2001:db8::1"}));
        assert_eq!(ok("2001:db8::1"), json!({"host": "2001:db8::1"}));
        for bad in ["h:0", "h:70000", "h:x", ":51820", "[::1", "[::1]x", "[]:1"] {
            let err = endpoint_json(bad).unwrap_err();
            assert!(err.message().contains("`endpoint`"), "{bad}");
        }
    }

    #[test]
    fn body_maps_typed_fields() {
        let spec = PeerSpec {
            name: Some("laptop".into()),
            public_key: Some("cHVi".into()),
            endpoint: Some("198.51.100.7:51820".into()),
            allowed_networks: vec!["10.8.0.2/32".into()],
            properties: r#"{"description": "from properties"}"#.into(),
            ..spec()
        };
        assert_eq!(
            Value::Object(properties(Map::new(), &spec).unwrap()),
            json!({
                "description": "from properties",
                "name": "laptop",
                "publicKey": "cHVi",
                "allowedIPs": ["10.8.0.2/32"],
                "endpoint": {"host": "198.51.100.7", "port": 51820},
            })
        );
    }

    #[test]
    fn update_replaces_only_given_fields() {
        let Value::Object(current) = json!({
            "name": "laptop", "publicKey": "cHVi", "allowedIPs": ["10.8.0.2/32"],
            "endpoint": {"host": "h", "port": 1}
        }) else {
            unreachable!()
        };
        let spec = PeerSpec {
            allowed_networks: vec!["10.8.0.3/32".into()],
            ..spec()
        };
        let props = properties(current, &spec).unwrap();
        assert_eq!(props["allowedIPs"], json!(["10.8.0.3/32"]));
        assert_eq!(props["endpoint"], json!({"host": "h", "port": 1}));
        assert_eq!(props["publicKey"], json!("cHVi"));
    }
}
