//! The gateway noun: SCP VPN gateways (`/v1/vpn-gateways`).
//!
//! A gateway needs a VPC and a public IP resource, which have no typed spec field: give them in
//! `properties` (`vpc_id`, `ip_id`); `public-address` is `ip_address`. Only the description can
//! change afterwards, so an update refuses every other field; `clear` may name `description`.
//! SCP gateway tags are write-only (never returned), so gateways declare no labels; SCP does
//! not say that names are unique.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Query, Result, Spec, error,
    json as sdk_json, spec as sdk_spec,
};

use crate::api::CATALOGUE;
use crate::list;
use crate::records::{self, KIND};

/// The gateway noun: every action, top-level, with the list filters SCP takes.
pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .descriptions()
    .kinds(&[(KIND, "VPN gateway: one public IP bound to a VPC")])
    .filters(&[
        ("name", "gateways whose name contains VALUE"),
        ("ip_address", "the gateway with this public IP"),
        ("vpc_id", "gateways of this VPC"),
        ("vpc_name", "gateways of VPCs with this name"),
        ("sort", "sort order, e.g. `created_at:desc`"),
    ])
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// List one page of gateways.
fn list(query: Query) -> Result<GatewayPage> {
    let (items, next, ahead) = list::page("listVpnGateways", "vpn_gateways", &[], &query)?;
    Ok(GatewayPage {
        items: items.iter().map(records::gateway).collect(),
        next,
        ahead,
    })
}

/// Get one gateway.
fn get(target: Locator) -> Result<Gateway> {
    let doc = CATALOGUE.call("showVpnGateway", &[("vpn_gateway_id", &target.id)])?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Create a gateway; SCP accepts it (202) in state `CREATING`.
fn create(spec: GatewaySpec) -> Result<Gateway> {
    let body = create_body(&spec)?;
    let doc = CATALOGUE.call_with_body("createVpnGateway", &[], &Value::Object(body))?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Change a gateway's description.
fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    let body = update_body(&spec)?;
    let doc = CATALOGUE.call_with_body(
        "setVpnGateway",
        &[("vpn_gateway_id", &target.id)],
        &Value::Object(body),
    )?;
    Ok(records::gateway(unwrap(&doc)?))
}

/// Delete a gateway (SCP answers 409 while tunnels use it).
fn delete(target: Locator) -> Result<()> {
    CATALOGUE
        .call("deleteVpnGateway", &[("vpn_gateway_id", &target.id)])
        .map(drop)
}

/// The body of `createVpnGateway`: `properties`, then the typed fields, then defaults
/// (`ip_type: PUBLIC`, no tags).
pub fn create_body(spec: &GatewaySpec) -> Result<Map<String, Value>> {
    if !spec.networks.is_empty() {
        return Err(error::invalid_input_field(
            "networks",
            "an SCP VPN gateway has no networks: it serves the VPC named by `vpc_id` in `properties`",
        ));
    }
    let mut body = sdk_json::parse_object(&spec.properties, "properties")?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    sdk_json::set_str(&mut body, "ip_address", spec.public_address.as_deref());
    body.entry("ip_type").or_insert_with(|| json!("PUBLIC"));
    body.entry("tags").or_insert_with(|| json!([]));
    let missing: Vec<(&str, &str)> = [
        ("name", "name", "`name`"),
        ("ip_address", "public-address", "`public-address`"),
        ("vpc_id", "properties/vpc_id", "`vpc_id` in `properties`"),
        (
            "ip_id",
            "properties/ip_id",
            "`ip_id` (the public IP resource) in `properties`",
        ),
    ]
    .into_iter()
    .filter(|(key, _, _)| body.get(*key).is_none_or(Value::is_null))
    .map(|(_, field, what)| (field, what))
    .collect();
    if let Some((field, _)) = missing.first() {
        let what: Vec<&str> = missing.iter().map(|(_, what)| *what).collect();
        return Err(error::invalid_input_field(
            *field,
            format!("an SCP VPN gateway needs {}", what.join(", ")),
        ));
    }
    Ok(body)
}

/// The body of `setVpnGateway`: only `description` may change (`null` clears it).
pub fn update_body(spec: &GatewaySpec) -> Result<Map<String, Value>> {
    const FIXED: &str =
        "only the description of an SCP VPN gateway can change (name, address and VPC are fixed)";
    if let Some(field) = ["name", "public-address", "networks"]
        .into_iter()
        .find(|f| spec.is_set(f))
    {
        return Err(error::invalid_input_field(field, FIXED));
    }
    sdk_spec::check_clearable(spec, &["description"], FIXED)?;
    let mut body = sdk_json::parse_object(&spec.properties, "properties")?;
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    if spec.clears("description") {
        body.insert("description".into(), Value::Null);
    }
    if body.is_empty() {
        return Err(error::invalid_input_field(
            "description",
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
            labels: Vec::new(),
            clear: Vec::new(),
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
        // The SDK refuses a kind other than `ipsec` before the adapter runs.
        let wireguard = GatewaySpec {
            kind: Some("wireguard".into()),
            ..spec()
        };
        assert_eq!(
            GATEWAYS.create(wireguard).unwrap_err().field(),
            Some("kind")
        );
    }
}
