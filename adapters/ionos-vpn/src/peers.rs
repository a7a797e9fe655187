//! The peer noun: the peers of a WireGuard gateway.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Locator, Peer, PeerPage, PeerSpec, Query, Result, error, json as sdk_json,
};

use crate::api;
use crate::records;

const KIND: &str = "wireguard";
const NOUN: &str = "peer";

/// List the peers of the gateway `query.parent-id`.
pub fn list(query: Query) -> Result<PeerPage> {
    api::check_no_filters(&query.filters)?;
    api::check_kind(query.kind.as_deref(), KIND, NOUN)?;
    let gateway_id = api::require_gateway_id(query.parent_id.as_deref(), NOUN)?;
    let (docs, next) = api::list_page(
        "WireguardgatewaysPeersGet",
        &[("gatewayId", gateway_id)],
        &query.page,
    )?;
    let items = docs
        .iter()
        .map(|doc| records::peer(doc, gateway_id))
        .collect();
    Ok(PeerPage { items, next })
}

/// Get one peer.
pub fn get(target: Locator) -> Result<Peer> {
    api::check_kind(target.kind.as_deref(), KIND, NOUN)?;
    let gateway_id = api::require_gateway_id(target.parent_id.as_deref(), NOUN)?;
    let doc = fetch(gateway_id, &target.id)?;
    Ok(records::peer(&doc, gateway_id))
}

/// Create a peer under `spec.gateway-id`.
pub fn create(spec: PeerSpec) -> Result<Peer> {
    api::check_kind(spec.kind.as_deref(), KIND, NOUN)?;
    let gateway_id = api::require_gateway_id(spec.gateway_id.as_deref(), NOUN)?;
    let properties = properties(Map::new(), &spec)?;
    let doc = api::call_with_body(
        "WireguardgatewaysPeersPost",
        &[("gatewayId", gateway_id)],
        &json!({ "properties": properties }),
    )?;
    Ok(records::peer(
        &api::expect_resource(doc, "create")?,
        gateway_id,
    ))
}

/// Update a peer: read it, overlay the spec, and replace it.
pub fn update(target: Locator, spec: PeerSpec) -> Result<Peer> {
    api::check_kind(target.kind.as_deref(), KIND, NOUN)?;
    api::check_kind(spec.kind.as_deref(), KIND, NOUN)?;
    let gateway_id = api::update_gateway_id(
        target.parent_id.as_deref(),
        spec.gateway_id.as_deref(),
        NOUN,
    )?;
    let current = fetch(gateway_id, &target.id)?;
    let id = api::id_of(&current, &target.id);
    let properties = properties(api::properties(&current), &spec)?;
    let doc = api::call_with_body(
        "WireguardgatewaysPeersPut",
        &[("gatewayId", gateway_id), ("peerId", &id)],
        &json!({ "id": id, "properties": properties }),
    )?;
    Ok(records::peer(
        &api::expect_resource(doc, "update")?,
        gateway_id,
    ))
}

/// Delete a peer.
pub fn delete(target: Locator) -> Result<()> {
    api::check_kind(target.kind.as_deref(), KIND, NOUN)?;
    let gateway_id = api::require_gateway_id(target.parent_id.as_deref(), NOUN)?;
    api::call(
        "WireguardgatewaysPeersDelete",
        &[("gatewayId", gateway_id), ("peerId", &target.id)],
    )
    .map(drop)
}

fn fetch(gateway_id: &str, id: &str) -> Result<Value> {
    api::call(
        "WireguardgatewaysPeersFindById",
        &[("gatewayId", gateway_id), ("peerId", id)],
    )
}

/// The `properties` to send: `base` (the current properties on update), then `spec.properties`
/// as a merge patch, then the typed fields.
pub fn properties(base: Map<String, Value>, spec: &PeerSpec) -> Result<Map<String, Value>> {
    let mut props = api::patched(base, &spec.properties)?;
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
        error::invalid_input(format!(
            "`endpoint` must be `host` or `host:port` with a port from 1 to 65535, got `{text}`"
        ))
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
            gateway_id: Some("gw".into()),
            name: None,
            description: None,
            public_key: None,
            endpoint: None,
            allowed_networks: Vec::new(),
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
