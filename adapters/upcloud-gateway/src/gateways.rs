//! The gateway noun: UpCloud network gateways at `/gateway[/{uuid}]`.
//!
//! Lists page with `limit`/`offset` behind an opaque cursor and pass `label` filters to the API.
//! Creates POST the spec's body; updates PATCH only what the spec sets (the API's partial
//! update, where `connections` replaces every connection). A gateway's kind is `vpn` when its
//! features include VPN and `nat` otherwise.

use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, Query, Result, config, error, json as sdk_json,
    secrets,
};

use crate::api;
use crate::catalog::{
    CREATE_GATEWAY, DELETE_GATEWAY, GET_GATEWAY, GET_GATEWAYS, MODIFY_GATEWAY, UUID,
};
use crate::records::{self, KIND_NAT, KIND_VPN};
use crate::tunnels::{PRE_SHARED_KEY, fill_keys};

/// The profile setting naming the zone new gateways go to when `properties.zone` is not set.
pub const ZONE_SETTING: &str = "zone";

/// List one page of gateways; `kind` keeps only gateways of that kind from the page, and the
/// `label` filter (`key=value` or `key`, repeatable) goes to the API.
pub fn list(query: Query) -> Result<GatewayPage> {
    let kind = parse_kind(query.kind.as_deref())?;
    let mut labels = Vec::new();
    for (key, value) in &query.filters {
        if key.trim() != "label" {
            return Err(error::invalid_input(format!(
                "unknown filter `{key}`: UpCloud gateways filter by `label` (`label=key=value` or `label=key`)"
            )));
        }
        labels.push(value.trim());
    }
    let offset = api::page_offset(&query.page)?;
    let limit = api::page_limit(&query.page);
    let (limit_text, offset_text) = (limit.to_string(), offset.to_string());
    let mut params = vec![
        ("limit", limit_text.as_str()),
        ("offset", offset_text.as_str()),
    ];
    params.extend(labels.iter().map(|l| ("label", *l)));
    let docs = api::array(api::call(GET_GATEWAYS, &params)?, "gateway list")?;
    let next = api::next_cursor(offset, limit, docs.len())?;
    let items = docs
        .iter()
        .filter(|doc| kind.is_none_or(|k| records::gateway_kind(doc) == k))
        .map(records::gateway)
        .collect();
    Ok(GatewayPage { items, next })
}

/// Get one gateway.
pub fn get(target: Locator) -> Result<Gateway> {
    parse_kind(target.kind.as_deref())?;
    Ok(records::gateway(&api::call(
        GET_GATEWAY,
        &[(UUID, target.id.trim())],
    )?))
}

/// Create a gateway. `kind` becomes `features` unless `properties.features` sets them; `zone`
/// comes from the profile when `properties` has none; `configured_status` is `started` unless
/// set. The `pre-shared-key` secret input goes into the tunnels of inline `connections`.
pub fn create(spec: GatewaySpec) -> Result<Gateway> {
    check_unsupported(&spec)?;
    let mut body = api::properties(&spec.properties)?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    let kind = parse_kind(spec.kind.as_deref())?;
    match (kind, body.get("features")) {
        (Some(kind), Some(features)) => {
            if records::gateway_kind(&Value::Object(body.clone())) != kind {
                return Err(error::invalid_input(format!(
                    "`kind` `{kind}` does not match `properties.features` {features}"
                )));
            }
        }
        (Some(kind), None) => {
            body.insert("features".into(), Value::Array(vec![kind.into()]));
        }
        (None, Some(_)) => {}
        (None, None) => {
            return Err(error::invalid_input(
                "missing `kind`: create a `vpn` gateway (site-to-site VPN) or a `nat` gateway, \
                 or set `properties.features`",
            ));
        }
    }
    if !body.contains_key("zone") {
        let zone = config::get(ZONE_SETTING).ok_or_else(|| {
            error::invalid_input(
                "missing zone: set `properties.zone` (for example `fi-hel1`) or the profile setting `zone`",
            )
        })?;
        body.insert("zone".into(), Value::String(zone.trim().to_owned()));
    }
    body.entry("configured_status")
        .or_insert_with(|| Value::String("started".to_owned()));
    fill_connection_keys(&mut body, &spec)?;
    let doc = api::call_with_body(CREATE_GATEWAY, &[], &Value::Object(body))?;
    Ok(records::gateway(&api::expect_resource(doc, "create")?))
}

/// Update a gateway with a PATCH of what the spec sets; with nothing set, read it back.
pub fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    check_unsupported(&spec)?;
    parse_kind(target.kind.as_deref())?;
    if sdk_json::non_blank(spec.kind.as_deref()).is_some() {
        return Err(error::invalid_input(
            "`kind` of a gateway cannot change (UpCloud fixes its features at creation)",
        ));
    }
    let mut body = api::properties(&spec.properties)?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    fill_connection_keys(&mut body, &spec)?;
    let id = target.id.trim();
    if body.is_empty() {
        return Ok(records::gateway(&api::call(GET_GATEWAY, &[(UUID, id)])?));
    }
    let doc = api::call_with_body(MODIFY_GATEWAY, &[(UUID, id)], &Value::Object(body))?;
    Ok(records::gateway(&api::expect_resource(doc, "update")?))
}

/// Delete a gateway (204 at once; the gateway then runs its `delete-*` states).
pub fn delete(target: Locator) -> Result<()> {
    parse_kind(target.kind.as_deref())?;
    api::call(DELETE_GATEWAY, &[(UUID, target.id.trim())]).map(drop)
}

/// Inline `connections` carry tunnels that each need a pre-shared key (tunnels sent with a
/// gateway, on create or on update, are always new ones).
fn fill_connection_keys(body: &mut Map<String, Value>, spec: &GatewaySpec) -> Result<()> {
    let psk = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY);
    let Some(connections) = body.get_mut("connections") else {
        return Ok(());
    };
    let Value::Array(connections) = connections else {
        return Err(error::invalid_input(
            "`properties.connections` must be a JSON array",
        ));
    };
    for connection in connections {
        if let Some(tunnels) = connection.get_mut("tunnels") {
            fill_keys(tunnels, psk, true)?;
        }
    }
    Ok(())
}

/// `nat`, `vpn`, or nothing.
fn parse_kind(kind: Option<&str>) -> Result<Option<&'static str>> {
    match sdk_json::non_blank(kind).map(str::trim) {
        None => Ok(None),
        Some(KIND_VPN) => Ok(Some(KIND_VPN)),
        Some(KIND_NAT) => Ok(Some(KIND_NAT)),
        Some(other) => Err(error::invalid_input(format!(
            "`kind` of a gateway must be `{KIND_VPN}` or `{KIND_NAT}`, got `{other}`"
        ))),
    }
}

/// Typed fields UpCloud gateways have no place for.
fn check_unsupported(spec: &GatewaySpec) -> Result<()> {
    if sdk_json::non_blank(spec.description.as_deref()).is_some() {
        return Err(error::invalid_input(
            "`description` is not supported: UpCloud gateways have none (use `properties.labels`)",
        ));
    }
    if sdk_json::non_blank(spec.public_address.as_deref()).is_some() {
        return Err(error::invalid_input(
            "`public-address` is not supported: UpCloud allocates the addresses; name them in `properties.addresses`",
        ));
    }
    if spec.networks.iter().any(|n| !n.trim().is_empty()) {
        return Err(error::invalid_input(
            "`networks` are not supported on gateways: give them as the local networks of a tunnel (VPN connection)",
        ));
    }
    Ok(())
}
