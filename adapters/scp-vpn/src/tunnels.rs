//! The tunnel noun: SCP VPN tunnels (`/v1/vpn-tunnels`), each on one gateway.
//!
//! | spec field | SCP field |
//! |---|---|
//! | `parent-id` | `vpn_gateway_id` |
//! | `name`, `description` | `name`, `description` |
//! | `remote-address` | `phase1.peer_gateway_ip` |
//! | `remote-networks` | `phase2.remote_subnets` (1.1) or the single `phase2.remote_subnet` (1.0) |
//! | secret `pre-shared-key` | `phase1.pre_shared_key` (required on create, optional on update) |
//!
//! `properties` is a JSON merge patch over the generated body, so any IKE setting can be given.
//! The phase 1/2 settings the API requires get defaults chosen by this adapter (SCP documents
//! none): IKEv2, DPD 60 s, lifetimes 86400 s / 43200 s, Diffie-Hellman group 14,
//! `aes256-sha256` proposals and perfect forward secrecy enabled. SCP tunnels carry the
//! gateway's VPC, so `local-networks` cannot be set. An update sends only what changes (the
//! SCP set request is partial); the name is fixed, and `clear` may name `description` (sent as
//! `null`). Tunnels are a top-level collection at SCP, so the parent is optional: get, update
//! and delete work by id alone, and a list with a parent lists that gateway's tunnels.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Locator, NounDef, ParentRule, Query, Result, Spec, Tunnel, TunnelPage, TunnelSpec, error,
    json as sdk_json, secrets, spec as sdk_spec,
};

use crate::api::{self, ApiVersion, CATALOGUE};
use crate::list;
use crate::records::{self, KIND};

/// The secret input holding a tunnel's pre-shared key.
pub const PRE_SHARED_KEY: &str = "pre-shared-key";

/// The tunnel noun: every action; the parent gateway is optional.
pub const TUNNELS: NounDef<Tunnel> = NounDef::child(ParentRule::Optional)
    .descriptions()
    .kinds(&[(KIND, "VPN tunnel: IKE phase 1/2 settings towards one peer")])
    .filters(&[
        ("name", "tunnels whose name contains VALUE"),
        ("vpn_gateway_name", "tunnels of gateways with this name"),
        ("peer_gateway_ip", "tunnels towards this peer address"),
        ("remote_subnet", "tunnels with this remote subnet"),
        ("sort", "sort order, e.g. `created_at:desc`"),
    ])
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete)
    .ipsec(&crate::ipsec::SUPPORT);

/// List one page of tunnels, of one gateway when the query has a parent.
fn list(query: Query) -> Result<TunnelPage> {
    let fixed: Vec<(&str, &str)> = query
        .parent_id
        .as_deref()
        .map(|id| ("vpn_gateway_id", id))
        .into_iter()
        .collect();
    let (items, next, ahead) = list::page("listVpnTunnels", "vpn_tunnels", &fixed, &query)?;
    // A listed tunnel carries no proposals: each is read in full, so records say what is set.
    let items = items
        .iter()
        .map(|doc| match sdk_json::str_at(doc, "/id") {
            Some(id) if doc.pointer("/phase1/encryptions").is_none() => get(Locator {
                id,
                parent_id: None,
                kind: None,
            }),
            _ => Ok(records::tunnel(doc)),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(TunnelPage { items, next, ahead })
}

/// Get one tunnel.
fn get(target: Locator) -> Result<Tunnel> {
    let doc = CATALOGUE.call("showVpnTunnel", &[("vpn_tunnel_id", &target.id)])?;
    Ok(records::tunnel(unwrap(&doc)?))
}

/// Create a tunnel; SCP accepts it (202) in state `CREATING`.
fn create(spec: TunnelSpec) -> Result<Tunnel> {
    let body = create_body(&spec, api::version()?)?;
    let doc = CATALOGUE.call_with_body("createVpnTunnel", &[], &Value::Object(body))?;
    Ok(records::tunnel(unwrap(&doc)?))
}

/// Change a tunnel; SCP accepts it (202) in state `EDITING`. The SDK has refused a spec
/// parent that differs from the locator's.
fn update(target: Locator, spec: TunnelSpec) -> Result<Tunnel> {
    let body = update_body(&spec, api::version()?)?;
    let doc = CATALOGUE.call_with_body(
        "setVpnTunnel",
        &[("vpn_tunnel_id", &target.id)],
        &Value::Object(body),
    )?;
    Ok(records::tunnel(unwrap(&doc)?))
}

/// Delete a tunnel.
fn delete(target: Locator) -> Result<()> {
    CATALOGUE
        .call("deleteVpnTunnel", &[("vpn_tunnel_id", &target.id)])
        .map(drop)
}

/// The `phase2` remote subnets in the shape `version` takes.
fn remote_subnets(networks: &[String], version: ApiVersion) -> Result<(&'static str, Value)> {
    match version {
        ApiVersion::V1_1 => Ok(("remote_subnets", json!(networks))),
        ApiVersion::V1_0 => match networks {
            [one] => Ok(("remote_subnet", json!(one))),
            _ => Err(error::invalid_input_field(
                "remote-networks",
                format!(
                    "SCP VPN API 1.0 takes exactly one remote network per tunnel, got {} \
                     (set `api-version = 1.1` for several)",
                    networks.len()
                ),
            )),
        },
    }
}

fn check_no_local_networks(spec: &TunnelSpec) -> Result<()> {
    if spec.local_networks.is_empty() {
        Ok(())
    } else {
        Err(error::invalid_input_field(
            "local-networks",
            "SCP VPN tunnels carry the gateway's VPC: `local-networks` cannot be set",
        ))
    }
}

fn object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        // Made an object just above.
        _ => unreachable!("value was just made an object"),
    }
}

/// Apply `spec.properties` as a merge patch over `body`.
fn patch(body: Value, spec: &TunnelSpec) -> Result<Value> {
    let patch = sdk_json::parse_object(&spec.properties, "properties")?;
    let mut body = body;
    sdk_json::merge_patch(&mut body, &Value::Object(patch));
    Ok(body)
}

/// The body of `createVpnTunnel` for API `version`.
pub fn create_body(spec: &TunnelSpec, version: ApiVersion) -> Result<Map<String, Value>> {
    check_no_local_networks(spec)?;
    let mut phase2 = json!({
        "perfect_forward_secrecy": "ENABLE",
        "phase2_life_time": 43200,
        "phase2_diffie_hellman_groups": [14],
        "phase2_encryptions": ["aes256-sha256"],
    });
    if !spec.remote_networks.is_empty() {
        let (key, value) = remote_subnets(&spec.remote_networks, version)?;
        object(&mut phase2).insert(key.to_owned(), value);
    }
    let defaults = json!({
        "tags": [],
        "phase1": {
            "ike_version": 2,
            "dpd_retry_interval": 60,
            "phase1_life_time": 86400,
            "phase1_diffie_hellman_groups": [14],
            "phase1_encryptions": ["aes256-sha256"],
        },
        "phase2": phase2,
    });
    let mut body = patch(defaults, spec)?;
    if let Some(params) = &spec.ipsec {
        crate::ipsec::to_provider(params, object(&mut body))?;
    }
    {
        let map = object(&mut body);
        sdk_json::set_str(map, "name", spec.name.as_deref());
        sdk_json::set_str(map, "description", spec.description.as_deref());
        sdk_json::set_str(map, "vpn_gateway_id", spec.parent_id.as_deref());
    }
    let phase1 = object(object(&mut body).entry("phase1").or_insert(Value::Null));
    sdk_json::set_str(phase1, "peer_gateway_ip", spec.remote_address.as_deref());
    if let Some(placeholder) = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY) {
        phase1.insert("pre_shared_key".into(), json!(placeholder));
    }
    let subnet_key = match version {
        ApiVersion::V1_1 => "/phase2/remote_subnets",
        ApiVersion::V1_0 => "/phase2/remote_subnet",
    };
    let mut missing = Vec::new();
    for (pointer, what) in [
        ("/name", "`name`"),
        ("/vpn_gateway_id", "`parent-id`"),
        ("/phase1/peer_gateway_ip", "`remote-address`"),
        (subnet_key, "`remote-networks`"),
    ] {
        if body.pointer(pointer).is_none_or(Value::is_null) {
            missing.push(what);
        }
    }
    if body
        .pointer("/phase1/pre_shared_key")
        .is_none_or(Value::is_null)
    {
        missing.push("the secret input `pre-shared-key`");
    }
    if !missing.is_empty() {
        return Err(error::invalid_input(format!(
            "an SCP VPN tunnel needs {}",
            missing.join(", ")
        )));
    }
    Ok(match body {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// The partial body of `setVpnTunnel` for API `version`.
pub fn update_body(spec: &TunnelSpec, version: ApiVersion) -> Result<Map<String, Value>> {
    check_no_local_networks(spec)?;
    if sdk_json::non_blank(spec.name.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "name",
            "the name of an SCP VPN tunnel cannot change",
        ));
    }
    sdk_spec::check_clearable(
        spec,
        &["description"],
        "SCP requires a tunnel's name, peer address and remote networks",
    )?;
    let mut body = Map::new();
    sdk_json::set_str(&mut body, "description", spec.description.as_deref());
    if spec.clears("description") {
        body.insert("description".into(), Value::Null);
    }
    let mut phase1 = Map::new();
    sdk_json::set_str(
        &mut phase1,
        "peer_gateway_ip",
        spec.remote_address.as_deref(),
    );
    if let Some(placeholder) = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY) {
        phase1.insert("pre_shared_key".into(), json!(placeholder));
    }
    if !phase1.is_empty() {
        body.insert("phase1".into(), Value::Object(phase1));
    }
    if !spec.remote_networks.is_empty() {
        let (key, value) = remote_subnets(&spec.remote_networks, version)?;
        body.insert("phase2".into(), json!({ key: value }));
    }
    if let Some(params) = &spec.ipsec {
        crate::ipsec::to_provider(params, &mut body)?;
    }
    let body = patch(Value::Object(body), spec)?;
    match body {
        Value::Object(map) if !map.is_empty() => Ok(map),
        _ => Err(error::invalid_input(
            "nothing to change: give a description, remote address or networks, a pre-shared key \
             or `properties`",
        )),
    }
}

/// The document inside `{"vpn_tunnel": ...}`.
fn unwrap(doc: &Value) -> Result<&Value> {
    doc.get("vpn_tunnel")
        .filter(|t| t.get("id").is_some())
        .ok_or_else(|| error::provider("SCP answered without a `vpn_tunnel` document"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::SecretInput;

    fn spec() -> TunnelSpec {
        TunnelSpec {
            kind: None,
            parent_id: Some("gw".into()),
            name: Some("t1".into()),
            description: None,
            remote_address: Some("198.51.100.2".into()),
            local_networks: Vec::new(),
            remote_networks: vec!["10.1.0.0/16".into()],
            ipsec: None,
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: vec![SecretInput {
                name: PRE_SHARED_KEY.into(),
                placeholder: "{{psk}}".into(),
            }],
        }
    }

    #[test]
    fn v1_1_create_body_has_remote_subnets_and_the_placeholder() {
        let body = Value::Object(create_body(&spec(), ApiVersion::V1_1).unwrap());
        assert_eq!(
            body,
            json!({
                "tags": [],
                "phase1": {
                    "ike_version": 2, "dpd_retry_interval": 60, "phase1_life_time": 86400,
                    "phase1_diffie_hellman_groups": [14], "phase1_encryptions": ["aes256-sha256"],
                    "peer_gateway_ip": "198.51.100.2", "pre_shared_key": "{{psk}}"
                },
                "phase2": {
                    "perfect_forward_secrecy": "ENABLE", "phase2_life_time": 43200,
                    "phase2_diffie_hellman_groups": [14], "phase2_encryptions": ["aes256-sha256"],
                    "remote_subnets": ["10.1.0.0/16"]
                },
                "name": "t1",
                "vpn_gateway_id": "gw"
            })
        );
    }

    #[test]
    fn v1_0_create_body_has_one_remote_subnet() {
        let body = create_body(&spec(), ApiVersion::V1_0).unwrap();
        assert_eq!(body["phase2"]["remote_subnet"], json!("10.1.0.0/16"));
        assert!(body["phase2"].get("remote_subnets").is_none());
        let two = TunnelSpec {
            remote_networks: vec!["10.1.0.0/16".into(), "10.2.0.0/16".into()],
            ..spec()
        };
        assert!(
            create_body(&two, ApiVersion::V1_0)
                .unwrap_err()
                .message()
                .contains("1.0")
        );
        assert_eq!(
            create_body(&two, ApiVersion::V1_1).unwrap()["phase2"]["remote_subnets"],
            json!(["10.1.0.0/16", "10.2.0.0/16"])
        );
    }

    #[test]
    fn properties_override_defaults_and_requirements_are_named() {
        let tuned = TunnelSpec {
            properties: r#"{"phase1": {"ike_version": 1, "phase1_encryptions": ["aes128-sha1"]}}"#
                .into(),
            ..spec()
        };
        let body = create_body(&tuned, ApiVersion::V1_1).unwrap();
        assert_eq!(body["phase1"]["ike_version"], 1);
        assert_eq!(body["phase1"]["phase1_encryptions"], json!(["aes128-sha1"]));
        assert_eq!(body["phase1"]["dpd_retry_interval"], 60);
        let bare = TunnelSpec {
            name: None,
            remote_address: None,
            remote_networks: Vec::new(),
            secrets: Vec::new(),
            ..spec()
        };
        let message = create_body(&bare, ApiVersion::V1_1)
            .unwrap_err()
            .message()
            .to_owned();
        for what in [
            "`name`",
            "`remote-address`",
            "`remote-networks`",
            "`pre-shared-key`",
        ] {
            assert!(message.contains(what), "{message}");
        }
        let local = TunnelSpec {
            local_networks: vec!["192.168.0.0/24".into()],
            ..spec()
        };
        assert!(create_body(&local, ApiVersion::V1_1).is_err());
    }

    #[test]
    fn update_body_is_partial() {
        let change = TunnelSpec {
            name: None,
            parent_id: None,
            remote_address: None,
            remote_networks: vec!["10.3.0.0/16".into()],
            secrets: Vec::new(),
            ..spec()
        };
        assert_eq!(
            Value::Object(update_body(&change, ApiVersion::V1_1).unwrap()),
            json!({"phase2": {"remote_subnets": ["10.3.0.0/16"]}})
        );
        assert_eq!(
            Value::Object(update_body(&change, ApiVersion::V1_0).unwrap()),
            json!({"phase2": {"remote_subnet": "10.3.0.0/16"}})
        );
        let psk = TunnelSpec {
            name: None,
            remote_address: None,
            remote_networks: Vec::new(),
            ..spec()
        };
        assert_eq!(
            Value::Object(update_body(&psk, ApiVersion::V1_1).unwrap()),
            json!({"phase1": {"pre_shared_key": "{{psk}}"}})
        );
        assert!(
            update_body(&spec(), ApiVersion::V1_1)
                .unwrap_err()
                .message()
                .contains("name")
        );
        let nothing = TunnelSpec {
            secrets: Vec::new(),
            ..psk
        };
        assert!(update_body(&nothing, ApiVersion::V1_1).is_err());
    }
}
