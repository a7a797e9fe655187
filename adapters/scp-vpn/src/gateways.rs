//! The gateway noun: SCP VPN gateways (`/v1/vpn-gateways`).
//!
//! A gateway needs a VPC and a public IP resource, which have no typed spec field: give them in
//! `properties` (`vpc_id`, `ip_id`); `public-address` is `ip_address`. Only the description can
//! change afterwards, so an update refuses every other field.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, Query, Result, error, json as sdk_json,
};

use crate::api;
use crate::list;
use crate::records::{self, KIND};

/// Filters a gateway list accepts (passed to SCP as query parameters).
const FILTERS: [&str; 5] = ["name", "ip_address", "vpc_id", "vpc_name", "sort"];

/// List one page of gateways.
pub fn list(query: Query) -> Result<GatewayPage> {
    check_kind(query.kind.as_deref())?;
    let (items, next) = list::page("listVpnGateways", "vpn_gateways", &[], &FILTERS, &query)?;
    Ok(GatewayPage {
        items: items.iter().map(records::gateway).collect(),
        next,
    })
}

/// Get one gateway.
pub fn get(target: Locator) -> Result<Gateway> {
    let scp = api::client()?;
    let doc = scp.call("showVpnGateway", &[("vpn_gateway_id", &target.id)], None)?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Create a gateway; SCP accepts it (202) in state `CREATING`.
pub fn create(spec: GatewaySpec) -> Result<Gateway> {
    check_kind(spec.kind.as_deref())?;
    let body = create_body(&spec)?;
    let scp = api::client()?;
    let doc = scp.call("createVpnGateway", &[], Some(&Value::Object(body)))?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Change a gateway's description.
pub fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    check_kind(spec.kind.as_deref())?;
    let body = update_body(&spec)?;
    let scp = api::client()?;
    let doc = scp.call(
        "setVpnGateway",
        &[("vpn_gateway_id", &target.id)],
        Some(&Value::Object(body)),
    )?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Delete a gateway (SCP answers 409 while tunnels use it).
pub fn delete(target: Locator) -> Result<()> {
    let scp = api::client()?;
    scp.call("deleteVpnGateway", &[("vpn_gateway_id", &target.id)], None)
        .map(drop)
}

/// The body of `createVpnGateway`: `properties`, then the typed fields, then defaults
/// (`ip_type: PUBLIC`, no tags).
pub fn create_body(spec: &GatewaySpec) -> Result<Map<String, Value>> {
    if !spec.networks.is_empty() {
        return Err(error::invalid_input(
            "an SCP VPN gateway has no networks: it serves the VPC named by `vpc_id` in `properties`",
        ));
    }
    let mut body = sdk_json::parse_object(&spec.properties, "properties")?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    sdk_json::set_str(&mut body, "ip_address", spec.public_address.as_deref());
    body.entry("ip_type").or_insert_with(|| json!("PUBLIC"));
    body.entry("tags").or_insert_with(|| json!([]));
    let missing: Vec<&str> = [
        ("name", "`name`"),
        ("ip_address", "`public-address`"),
        ("vpc_id", "`vpc_id` in `properties`"),
        ("ip_id", "`ip_id` (the public IP resource) in `properties`"),
    ]
    .into_iter()
    .filter(|(key, _)| body.get(*key).is_none_or(Value::is_null))
    .map(|(_, what)| what)
    .collect();
    if !missing.is_empty() {
        return Err(error::invalid_input(format!(
            "an SCP VPN gateway needs {}",
            missing.join(", ")
        )));
    }
    Ok(body)
}

/// The body of `setVpnGateway`: only `description` may change.
pub fn update_body(spec: &GatewaySpec) -> Result<Map<String, Value>> {
    if sdk_json::non_blank(spec.name.as_deref()).is_some()
        || sdk_json::non_blank(spec.public_address.as_deref()).is_some()
        || !spec.networks.is_empty()
    {
        return Err(error::invalid_input(
            "only the description of an SCP VPN gateway can change (name, address and VPC are fixed)",
        ));
    }
    let mut body = sdk_json::parse_object(&spec.properties, "properties")?;
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    if body.is_empty() {
        return Err(error::invalid_input(
            "nothing to change: give a `description`",
        ));
    }
    Ok(body)
}

/// The document inside `{"vpn_gateway": ...}`.
fn unwrap(doc: &Value) -> Result<&Value> {
    doc.get("vpn_gateway")
        .filter(|gw| gw.get("id").is_some())
        .ok_or_else(|| error::provider("SCP answered without a `vpn_gateway` document"))
}

/// Refuse a kind other than `ipsec`.
pub fn check_kind(kind: Option<&str>) -> Result<()> {
    match sdk_json::non_blank(kind) {
        Some(kind) if kind.trim() != KIND => Err(error::invalid_input(format!(
            "SCP VPN has one kind, `{KIND}`; got `{kind}`"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> GatewaySpec {
        GatewaySpec {
            kind: None,
            name: Some("gw1".into()),
            description: None,
            public_address: Some("123.0.0.1".into()),
            networks: Vec::new(),
            properties: r#"{"vpc_id": "v1", "ip_id": "ip1"}"#.into(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn create_body_merges_properties_typed_fields_and_defaults() {
        let body = create_body(&spec()).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"vpc_id": "v1", "ip_id": "ip1", "name": "gw1", "ip_address": "123.0.0.1",
                   "ip_type": "PUBLIC", "tags": []})
        );
        let missing = create_body(&GatewaySpec {
            properties: String::new(),
            ..spec()
        })
        .unwrap_err();
        assert!(missing.message().contains("`vpc_id`") && missing.message().contains("`ip_id`"));
        let networks = GatewaySpec {
            networks: vec!["10.0.0.0/16".into()],
            ..spec()
        };
        assert!(create_body(&networks).is_err());
    }

    #[test]
    fn update_body_takes_only_the_description() {
        let only = GatewaySpec {
            name: None,
            public_address: None,
            properties: String::new(),
            description: Some("edge".into()),
            ..spec()
        };
        assert_eq!(
            Value::Object(update_body(&only).unwrap()),
            json!({"description": "edge"})
        );
        assert!(update_body(&spec()).is_err());
        let empty = GatewaySpec {
            description: None,
            ..only
        };
        assert!(
            update_body(&empty)
                .unwrap_err()
                .message()
                .contains("nothing to change")
        );
        assert!(check_kind(Some("wireguard")).is_err());
        assert!(check_kind(Some("ipsec")).is_ok());
    }
}
