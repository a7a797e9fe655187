//! The gateway noun: UpCloud network gateways at `/gateway[/{uuid}]`.
//!
//! Lists page with `limit`/`offset` behind an opaque cursor and pass `label` filters to the API.
//! Creates POST the spec's body; updates PATCH only what the spec sets (the API's partial
//! update, where `connections` replaces every connection). A gateway's kind is `vpn` when its
//! features include VPN and `nat` otherwise.
//!
//! Gateways carry UpCloud's labels both ways: `labels` of a create are sent as they are (over
//! `properties.labels`), those of an update are set over the current ones by key, and `clear`
//! of `labels` removes them all; `name` cannot be cleared. UpCloud does not say that gateway
//! names are unique.

use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{
    Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Query, Result, Spec, config, error,
    json as sdk_json, secrets, spec as sdk_spec,
};

use crate::api;
use crate::catalog::{
    CATALOGUE, CREATE_GATEWAY, DELETE_GATEWAY, GET_GATEWAY, GET_GATEWAYS, MODIFY_GATEWAY, UUID,
};
use crate::records::{self, KIND_NAT, KIND_VPN};
use crate::tunnels::{PRE_SHARED_KEY, fill_keys};

/// The gateway noun: every action, top-level, filtered and labelled with UpCloud's labels.
pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .kinds(&[
        (
            KIND_VPN,
            "Network gateway with site-to-site IPSec VPN (and possibly NAT) on an SDN router",
        ),
        (
            KIND_NAT,
            "Network gateway giving an SDN router's private networks NAT to the internet",
        ),
    ])
    .filters(&[(
        "label",
        "gateways with the label `key=value`, or with the key `key` (repeatable)",
    )])
    .labels()
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The profile setting naming the zone new gateways go to when `properties.zone` is not set.
pub const ZONE_SETTING: &str = "zone";

/// List one page of gateways; `kind` keeps only gateways of that kind from the page, and the
/// `label` filter (`key=value` or `key`, repeatable; the SDK refuses other keys) goes to the API.
fn list(query: Query) -> Result<GatewayPage> {
    let kind = parse_kind(query.kind.as_deref())?;
    let labels: Vec<&str> = query
        .filters
        .iter()
        .map(|(_, value)| value.trim())
        .collect();
    let offset = api::page_offset(&query.page)?;
    let limit = api::page_limit(&query.page);
    let (limit_text, offset_text) = (limit.to_string(), offset.to_string());
    let mut params = vec![
        ("limit", limit_text.as_str()),
        ("offset", offset_text.as_str()),
    ];
    params.extend(labels.iter().map(|l| ("label", *l)));
    let docs = sdk_json::array(CATALOGUE.call(GET_GATEWAYS, &params)?, "gateway list")?;
    let next = api::next_cursor(offset, limit, docs.len())?;
    let items = docs
        .iter()
        .filter(|doc| kind.is_none_or(|k| records::gateway_kind(doc) == k))
        .map(records::gateway)
        .collect();
    Ok(GatewayPage {
        items,
        next,
        ahead: Vec::new(),
    })
}

/// Get one gateway.
fn get(target: Locator) -> Result<Gateway> {
    Ok(records::gateway(
        &CATALOGUE.call(GET_GATEWAY, &[(UUID, target.id.trim())])?,
    ))
}

/// Create a gateway. `kind` becomes `features` unless `properties.features` sets them; `zone`
/// comes from the profile when `properties` has none; `configured_status` is `started` unless
/// set. The `pre-shared-key` secret input goes into the tunnels of inline `connections`, and
/// `labels` are set over `properties.labels`.
fn create(spec: GatewaySpec) -> Result<Gateway> {
    check_unsupported(&spec)?;
    let mut body = api::properties(&spec.properties)?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    if !spec.labels.is_empty() {
        let given = sdk_spec::labels_from_array(body.get("labels"));
        let labels = sdk_spec::merge_labels(&given, &spec.labels);
        body.insert("labels".into(), sdk_spec::labels_to_array(&labels));
    }
    let kind = parse_kind(spec.kind.as_deref())?;
    match (kind, body.get("features")) {
        (Some(kind), Some(features)) => {
            if records::gateway_kind(&Value::Object(body.clone())) != kind {
                return Err(error::invalid_input_field(
                    "kind",
                    format!("`kind` `{kind}` does not match `properties.features` {features}"),
                ));
            }
        }
        (Some(kind), None) => {
            body.insert("features".into(), Value::Array(vec![kind.into()]));
        }
        (None, Some(_)) => {}
        (None, None) => {
            return Err(error::invalid_input_field(
                "kind",
                "missing `kind`: create a `vpn` gateway (site-to-site VPN) or a `nat` gateway, \
                 or set `properties.features`",
            ));
        }
    }
    if !body.contains_key("zone") {
        let zone = config::get(ZONE_SETTING).ok_or_else(|| {
            error::invalid_input_field(
                "properties/zone",
                "missing zone: set `properties.zone` (for example `fi-hel1`) or the profile setting `zone`",
            )
        })?;
        body.insert("zone".into(), Value::String(zone.trim().to_owned()));
    }
    body.entry("configured_status")
        .or_insert_with(|| Value::String("started".to_owned()));
    fill_connection_keys(&mut body, &spec)?;
    let doc = CATALOGUE.call_with_body(CREATE_GATEWAY, &[], &Value::Object(body))?;
    Ok(records::gateway(&api::expect_resource(doc, "create")?))
}

/// Update a gateway with a PATCH of what the spec sets; with nothing set, read it back. Labels
/// are set over the current ones by key (which takes a read first), `clear` of `labels`
/// empties them.
fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
    check_unsupported(&spec)?;
    sdk_spec::check_clearable(&spec, &["labels"], "UpCloud requires a gateway's name")?;
    if sdk_json::non_blank(spec.kind.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "kind",
            "`kind` of a gateway cannot change (UpCloud fixes its features at creation)",
        ));
    }
    let id = target.id.trim();
    let mut body = api::properties(&spec.properties)?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    fill_connection_keys(&mut body, &spec)?;
    if spec.clears("labels") {
        body.insert("labels".into(), Value::Array(Vec::new()));
    } else if !spec.labels.is_empty() {
        let current = CATALOGUE.call(GET_GATEWAY, &[(UUID, id)])?;
        let labels = sdk_spec::merge_labels(
            &sdk_spec::labels_from_array(current.get("labels")),
            &spec.labels,
        );
        body.insert("labels".into(), sdk_spec::labels_to_array(&labels));
    }
    if body.is_empty() {
        return Ok(records::gateway(
            &CATALOGUE.call(GET_GATEWAY, &[(UUID, id)])?,
        ));
    }
    let doc = CATALOGUE.call_with_body(MODIFY_GATEWAY, &[(UUID, id)], &Value::Object(body))?;
    Ok(records::gateway(&api::expect_resource(doc, "update")?))
}

/// Delete a gateway (204 at once; the gateway then runs its `delete-*` states).
fn delete(target: Locator) -> Result<()> {
    CATALOGUE
        .call(DELETE_GATEWAY, &[(UUID, target.id.trim())])
        .map(drop)
}

/// Inline `connections` carry tunnels that each need a pre-shared key (tunnels sent with a
/// gateway, on create or on update, are always new ones).
fn fill_connection_keys(body: &mut Map<String, Value>, spec: &GatewaySpec) -> Result<()> {
    let psk = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY);
    let Some(connections) = body.get_mut("connections") else {
        return Ok(());
    };
    let Value::Array(connections) = connections else {
        return Err(error::invalid_input_field(
            "properties/connections",
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
        Some(other) => Err(error::invalid_input_field(
            "kind",
            format!("`kind` of a gateway must be `{KIND_VPN}` or `{KIND_NAT}`, got `{other}`"),
        )),
    }
}

/// Typed fields UpCloud gateways have no place for.
fn check_unsupported(spec: &GatewaySpec) -> Result<()> {
    if sdk_json::non_blank(spec.description.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "description",
            "`description` is not supported: UpCloud gateways have none (use `labels`)",
        ));
    }
    if sdk_json::non_blank(spec.public_address.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "public-address",
            "`public-address` is not supported: UpCloud allocates the addresses; name them in `properties.addresses`",
        ));
    }
    if spec.networks.iter().any(|n| !n.trim().is_empty()) {
        return Err(error::invalid_input_field(
            "networks",
            "`networks` are not supported on gateways: give them as the local networks of a tunnel (VPN connection)",
        ));
    }
    Ok(())
}
