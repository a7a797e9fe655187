//! The gateway noun: WireGuard gateways and IPSec gateways, two collections behind one noun.
//!
//! Lists walk the WireGuard collection first, then the IPSec one, with one cursor; lookups
//! without a kind try WireGuard first. Updates read the gateway and send it back whole, because
//! an IONOS PUT replaces the resource; only the description can be cleared (name, gateway IP,
//! connections and a WireGuard interface address are required).

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Query, Result, Spec, cursor, error,
    json as sdk_json, secrets, spec as sdk_spec,
};
use serde::{Deserialize, Serialize};

use crate::api::{self, GatewayKind};
use crate::catalog::CATALOGUE;
use crate::records;
use portico_adapter_sdk::noun::KindSet;

/// The gateway noun: two kinds, every action, top-level. IONOS does not say that names are
/// unique, and gateways have no labels.
pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .descriptions()
    .kinds(&[
        (
            "wireguard",
            "WireGuard gateway attached to LANs of a data center",
        ),
        (
            "ipsec",
            "IPSec (IKEv2) gateway attached to LANs of a data center",
        ),
    ])
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The secret input holding a WireGuard gateway's private key.
pub const PRIVATE_KEY: &str = "private-key";

/// Where a gateway listing continues: a collection and an offset in it.
#[derive(Serialize, Deserialize)]
struct ListCursor {
    kind: String,
    offset: u32,
}

/// List gateways of the kinds `query.kind` selects (both by default).
fn list(query: Query) -> Result<GatewayPage> {
    let kinds = GatewayKind::selected(query.kind.as_deref())?;
    let limit = api::page_limit(&query.page);
    let (mut index, mut offset) = match query
        .page
        .cursor
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        Some(text) => {
            let at: ListCursor = cursor::decode(text)?;
            let index = kinds
                .iter()
                .position(|kind| kind.name() == at.kind)
                .ok_or_else(|| {
                    error::invalid_input_field(
                        "cursor",
                        "`cursor` belongs to a listing of another kind",
                    )
                })?;
            (index, at.offset)
        }
        None => (0, 0),
    };

    let mut items = Vec::new();
    let mut next = None;
    let mut ahead = Vec::new();
    // A short last page of one collection is topped up from the next collection.
    while let Some(&kind) = kinds.get(index) {
        let room = limit.saturating_sub(u32::try_from(items.len()).unwrap_or(u32::MAX));
        if room == 0 {
            next = Some(ListCursor {
                kind: kind.name().to_owned(),
                offset,
            });
            break;
        }
        let doc = api::fetch_page(kind.operations().list, &[], offset, room)?;
        items.extend(
            api::items(&doc)
                .iter()
                .map(|item| records::gateway(item, kind)),
        );
        if let Some(next_offset) = api::next_offset(&doc, offset) {
            next = Some(ListCursor {
                kind: kind.name().to_owned(),
                offset: next_offset,
            });
            // IONOS gives no total: name a window of this collection's offsets after `next`.
            ahead = cursor::ahead(next_offset.into(), limit.into(), None, |offset| {
                cursor::encode(&ListCursor {
                    kind: kind.name().to_owned(),
                    offset: u32::try_from(offset).unwrap_or(u32::MAX),
                })
            })?;
            break;
        }
        index += 1;
        offset = 0;
    }
    let next = next.map(|at| cursor::encode(&at)).transpose()?;
    Ok(GatewayPage { items, next, ahead })
}

/// Get one gateway.
fn get(target: Locator) -> Result<Gateway> {
    let (kind, doc) = find(&target.id, target.kind.as_deref())?;
    Ok(records::gateway(&doc, kind))
}

/// Create a gateway of `spec.kind`.
fn create(spec: GatewaySpec) -> Result<Gateway> {
    let kind = sdk_json::non_blank(spec.kind.as_deref()).ok_or_else(|| {
        error::invalid_input_field(
            "kind",
            "missing `kind`: create a `wireguard` or an `ipsec` gateway",
        )
    })?;
    let kind = GatewayKind::parse(kind)?;
    let properties = properties(kind, Map::new(), &spec)?;
    let doc = CATALOGUE.call_with_body(
        kind.operations().create,
        &[],
        &json!({ "properties": properties }),
    )?;
    Ok(records::gateway(
        &api::expect_resource(doc, "create")?,
        kind,
    ))
}

/// Update a gateway: read it, overlay the spec, and replace it. The SDK has put the spec's kind
/// in the locator when only the spec named one.
fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    sdk_spec::check_clearable(
        &spec,
        &["description"],
        "IONOS requires a gateway's name, gateway IP and, for WireGuard, an interface address",
    )?;
    let (kind, current) = find(&target.id, target.kind.as_deref())?;
    let id = api::id_of(&current, &target.id);
    let properties = properties(kind, api::properties(&current), &spec)?;
    let body = json!({ "id": id, "properties": properties });
    let doc = CATALOGUE.call_with_body(kind.operations().put, &[("gatewayId", &id)], &body)?;
    Ok(records::gateway(
        &api::expect_resource(doc, "update")?,
        kind,
    ))
}

/// Delete a gateway; without a kind, whichever collection holds the id.
fn delete(target: Locator) -> Result<()> {
    probe(&target.id, target.kind.as_deref(), |kind| {
        CATALOGUE
            .call(kind.operations().delete, &[("gatewayId", &target.id)])
            .map(drop)
    })
}

/// The gateway `id` and its kind, looked up in the collection of `kind`, or in both.
fn find(id: &str, kind: Option<&str>) -> Result<(GatewayKind, Value)> {
    probe(id, kind, |kind| {
        CATALOGUE
            .call(kind.operations().get, &[("gatewayId", id)])
            .map(|doc| (kind, doc))
    })
}

/// Run `attempt` on each selected kind until one does not answer not-found.
fn probe<T>(
    id: &str,
    kind: Option<&str>,
    mut attempt: impl FnMut(GatewayKind) -> Result<T>,
) -> Result<T> {
    let kinds = GatewayKind::selected(kind)?;
    let mut last = None;
    for kind in &kinds {
        match attempt(*kind) {
            Err(err) if err.is_not_found() => last = Some(err),
            other => return other,
        }
    }
    match (kinds.len(), last) {
        (1, Some(err)) => Err(err),
        _ => Err(error::from_status(
            404,
            format!("gateway `{id}` is neither a WireGuard nor an IPSec gateway"),
            None,
            None,
        )),
    }
}

/// The `properties` to send for a gateway of `kind`: `base` (the current properties on update,
/// nothing on create), then `spec.properties` as a merge patch, then the typed fields (a
/// cleared description removed).
pub fn properties(
    kind: GatewayKind,
    mut base: Map<String, Value>,
    spec: &GatewaySpec,
) -> Result<Map<String, Value>> {
    // IONOS never returns the private key in a form worth sending back.
    base.remove("privateKey");
    let mut props = sdk_json::patched(base, &spec.properties)?;
    if spec.clears("description") {
        props.remove("description");
    }
    sdk_json::set_str(&mut props, "name", spec.name.as_deref());
    sdk_json::set_str(&mut props, "description", spec.description.as_deref());
    sdk_json::set_str(&mut props, "gatewayIP", spec.public_address.as_deref());
    match kind {
        GatewayKind::Wireguard => {
            let (v4, v6) = interface_cidrs(&spec.networks)?;
            sdk_json::set_str(&mut props, "interfaceIPv4CIDR", v4);
            sdk_json::set_str(&mut props, "interfaceIPv6CIDR", v6);
            match secrets::placeholder(&spec.secrets, PRIVATE_KEY) {
                Some(placeholder) => {
                    props.insert("privateKey".into(), Value::String(placeholder.to_owned()));
                }
                None if props.contains_key("privateKey") => {}
                None => {
                    return Err(error::invalid_input(format!(
                        "missing secret input `{PRIVATE_KEY}`: a WireGuard gateway needs its private key \
                         on create and on every update (IONOS never returns it)"
                    )));
                }
            }
        }
        GatewayKind::Ipsec => {
            if spec.networks.iter().any(|n| !n.trim().is_empty()) {
                return Err(error::invalid_input_field(
                    "networks",
                    "`networks` do not apply to IPSec gateways: set LAN addresses in `properties.connections`",
                ));
            }
        }
    }
    Ok(props)
}

/// A WireGuard gateway's `networks` are its interface addresses: at most one IPv4 and one IPv6
/// CIDR.
fn interface_cidrs(networks: &[String]) -> Result<(Option<&str>, Option<&str>)> {
    let (mut v4, mut v6) = (None, None);
    for network in networks.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let not_a_cidr = || {
            error::invalid_input_field(
                "networks",
                format!("`networks`: `{network}` is not a CIDR such as 10.8.0.1/24"),
            )
        };
        let (address, prefix) = network.split_once('/').ok_or_else(not_a_cidr)?;
        if address.is_empty() || prefix.parse::<u8>().is_err() {
            return Err(not_a_cidr());
        }
        let slot = if address.contains(':') {
            &mut v6
        } else {
            &mut v4
        };
        if slot.replace(network).is_some() {
            return Err(error::invalid_input_field(
                "networks",
                "`networks` of a WireGuard gateway take at most one IPv4 and one IPv6 interface CIDR",
            ));
        }
    }
    Ok((v4, v6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::SecretInput;

    fn spec(kind: &str) -> GatewaySpec {
        GatewaySpec {
            kind: Some(kind.to_owned()),
            name: None,
            description: None,
            public_address: None,
            networks: Vec::new(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: Vec::new(),
        }
    }

    fn private_key() -> Vec<SecretInput> {
        vec![SecretInput {
            name: PRIVATE_KEY.into(),
            placeholder: "{{private-key}}".into(),
        }]
    }

    #[test]
    fn wireguard_create_body_merges_typed_fields_over_properties() {
        let spec = GatewaySpec {
            name: Some("edge".into()),
            public_address: Some("203.0.113.10".into()),
            networks: vec!["10.8.0.1/24".into(), "fd00::1/64".into()],
            properties: r#"{"name": "ignored", "listenPort": 51821,
                "connections": [{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.10/24"}]}"#
                .into(),
            secrets: private_key(),
            ..spec("wireguard")
        };
        let props = properties(GatewayKind::Wireguard, Map::new(), &spec).unwrap();
        assert_eq!(
            Value::Object(props),
            json!({
                "name": "edge",
                "listenPort": 51821,
                "connections": [{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.10/24"}],
                "gatewayIP": "203.0.113.10",
                "interfaceIPv4CIDR": "10.8.0.1/24",
                "interfaceIPv6CIDR": "fd00::1/64",
                "privateKey": "{{private-key}}",
            })
        );
    }

    #[test]
    fn wireguard_needs_the_private_key() {
        let err = properties(GatewayKind::Wireguard, Map::new(), &spec("wireguard")).unwrap_err();
        assert!(matches!(err, portico_adapter_sdk::Error::InvalidInput(_)));
        assert!(err.message().contains("`private-key`"));
        // A key written into properties is accepted as given.
        let with_key = GatewaySpec {
            properties: r#"{"privateKey": "k"}"#.into(),
            ..spec("wireguard")
        };
        assert!(properties(GatewayKind::Wireguard, Map::new(), &with_key).is_ok());
        // A key read back from IONOS is not.
        let mut current = Map::new();
        current.insert("privateKey".into(), json!("stale"));
        let err = properties(GatewayKind::Wireguard, current, &spec("wireguard")).unwrap_err();
        assert!(err.message().contains("`private-key`"));
    }

    #[test]
    fn update_keeps_current_properties_and_blank_fields() {
        let current = json!({
            "name": "old", "description": "keep me", "gatewayIP": "203.0.113.1",
            "connections": [{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.1/24"}],
            "maintenanceWindow": {"time": "09:00:00", "dayOfTheWeek": "Monday"},
            "tier": "STANDARD"
        });
        let Value::Object(current) = current else {
            unreachable!()
        };
        let spec = GatewaySpec {
            kind: None,
            name: Some("new".into()),
            description: Some("  ".into()),
            properties: r#"{"maintenanceWindow": {"time": "10:00:00"}, "tier": null}"#.into(),
            ..spec("ipsec")
        };
        let props = properties(GatewayKind::Ipsec, current, &spec).unwrap();
        assert_eq!(
            Value::Object(props),
            json!({
                "name": "new", "description": "keep me", "gatewayIP": "203.0.113.1",
                "connections": [{"datacenterId": "dc", "lanId": "1", "ipv4CIDR": "192.168.1.1/24"}],
                "maintenanceWindow": {"time": "10:00:00", "dayOfTheWeek": "Monday"}
            })
        );
    }

    #[test]
    fn networks_are_checked() {
        let with = |kind: &str, networks: &[&str]| GatewaySpec {
            networks: networks.iter().map(|n| (*n).to_owned()).collect(),
            secrets: private_key(),
            ..spec(kind)
        };
        for bad in [
            &["10.0.0.1"][..],
            &["10.0.0.1/x"],
            &["10.0.0.1/24", "10.0.0.2/24"],
            &["/24"],
        ] {
            let err = properties(GatewayKind::Wireguard, Map::new(), &with("wireguard", bad))
                .unwrap_err();
            assert!(
                err.message().contains("`networks`"),
                "{bad:?}: {}",
                err.message()
            );
        }
        let err = properties(
            GatewayKind::Ipsec,
            Map::new(),
            &with("ipsec", &["10.0.0.0/24"]),
        )
        .unwrap_err();
        assert!(err.message().contains("`networks`"));
        assert!(properties(GatewayKind::Ipsec, Map::new(), &with("ipsec", &[])).is_ok());
    }

    #[test]
    fn invalid_properties_name_the_field() {
        let bad = GatewaySpec {
            properties: "{not json".into(),
            secrets: private_key(),
            ..spec("wireguard")
        };
        let err = properties(GatewayKind::Wireguard, Map::new(), &bad).unwrap_err();
        assert!(err.message().contains("`properties`"));
    }
}
