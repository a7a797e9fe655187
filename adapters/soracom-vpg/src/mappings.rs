//! The mapping noun: IP address map entries (kind `ip-address-map`, id = key, the IMSI of a SIM
//! or an inner IP address) and customer routes (kind `customer-route`, id = route id) of one VPG,
//! the parent.
//!
//! IP address map entries are paged by Soracom (`limit`, `last_evaluated_key`,
//! `x-soracom-next-key`); customer routes are the `customerRoutes` map of the VPG document and
//! are paged by the adapter with an offset. Without a `kind` a list walks the IP address map
//! first, then the customer routes, with one cursor.
//!
//! | spec field | IP address map entry | customer route |
//! |---|---|---|
//! | `source` | `key` (IMSI) | `destinationCidr` |
//! | `destination` | `ipAddress` | `target` (transit gateway id) |
//! | `properties` | merged into PutIpAddressMapEntryRequest | merged into CreateCustomerRouteRequest (`ignoreDeviceSubnetCidrRangeOverlap`) |
//!
//! Creating an IP address map entry is Soracom's put, so it also replaces an entry with the same
//! key. Updates change the `destination` only (`ipAddress`, or a route's `target`). Creating needs
//! an explicit `kind`; get, update and delete find the kind by id when none is given (customer
//! routes first: one request, where the IP address map may take several). Nothing can be
//! cleared: both fields of either kind are required. Mappings have no labels and no filters.
//!
//! An IP address map entry's id is its key, which the spec gives: a create whose outcome is
//! unknown is looked up with `get`. A customer route's id is Soracom's, so it cannot be.

use portico_adapter_sdk::noun::KindSet;
use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Locator, Mapping, MappingPage, MappingSpec, NounDef, ParentRule, Query, Result, cursor, error,
    json as sdk_json, spec as sdk_spec,
};
use serde::{Deserialize, Serialize};

use crate::api;
use crate::catalog::CATALOGUE;
use crate::records::{self, CUSTOMER_ROUTE, IP_ADDRESS_MAP};

/// The mapping noun: every action; the parent VPG is required.
pub const MAPPINGS: NounDef<Mapping> = NounDef::child(ParentRule::Required)
    .kinds(&[
        (
            IP_ADDRESS_MAP,
            "IP address map entry of a VPG: a key (SIM IMSI) and its fixed IP address",
        ),
        (
            CUSTOMER_ROUTE,
            "Customer route of a VPG: a destination CIDR and its transit gateway target",
        ),
    ])
    .id_from_spec(created_id)
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete);

/// The id a mapping created from `spec` gets: an IP address map entry's key.
fn created_id(spec: &MappingSpec) -> Option<String> {
    match MappingKind::parse(spec.kind.as_deref()?).ok()? {
        MappingKind::IpAddressMap => create_body(MappingKind::IpAddressMap, spec)
            .ok()
            .and_then(|body| sdk_json::str_at(&Value::Object(body), "/key")),
        MappingKind::CustomerRoute => None,
    }
}

/// Pages of the IP address map read at most while looking one entry up.
const MAX_SCAN_PAGES: usize = 1000;

/// The two mapping kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingKind {
    /// IP address map entries.
    IpAddressMap,
    /// Customer routes.
    CustomerRoute,
}

impl KindSet for MappingKind {
    const ALL: &'static [MappingKind] = &[MappingKind::IpAddressMap, MappingKind::CustomerRoute];

    fn name(self) -> &'static str {
        match self {
            MappingKind::IpAddressMap => IP_ADDRESS_MAP,
            MappingKind::CustomerRoute => CUSTOMER_ROUTE,
        }
    }
}

/// Where a mapping listing continues: in the IP address map after `key`, or in the customer
/// routes at `offset`.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct MapCursor {
    /// The kind being walked.
    pub kind: String,
    /// IP address map: the `last_evaluated_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Customer routes: the offset.
    #[serde(default)]
    pub offset: usize,
}

/// One page of the IP address map after `key`: the entries and the next key.
fn ip_map_page(
    vpg_id: &str,
    limit: Option<u32>,
    key: Option<&str>,
) -> Result<(Vec<Value>, Option<String>)> {
    let limit = limit.map(|l| l.max(1).to_string());
    let mut params = vec![("vpg_id", vpg_id)];
    if let Some(limit) = &limit {
        params.push(("limit", limit));
    }
    if let Some(key) = key {
        params.push((api::LAST_EVALUATED_KEY, key));
    }
    let response = CATALOGUE.send(
        "listVirtualPrivateGatewayIpAddressMapEntries",
        &params,
        None,
    )?;
    let docs = sdk_json::array(response.json()?, "IP address map")?;
    let next = api::next_key(&response).filter(|next| Some(next.as_str()) != key);
    Ok((docs, next))
}

/// The customer route documents of a VPG.
fn route_docs(vpg_id: &str) -> Result<Vec<Value>> {
    Ok(api::map_values(api::get_vpg(vpg_id)?.get("customerRoutes")))
}

/// Customer routes from `offset`, at most `room` of them; the offset of the rest, if any.
fn route_page(
    vpg_id: &str,
    offset: usize,
    room: Option<usize>,
) -> Result<(Vec<Mapping>, Option<usize>)> {
    let docs = route_docs(vpg_id)?;
    let end = room.map_or(docs.len(), |room| {
        offset.saturating_add(room).min(docs.len())
    });
    let items = docs
        .iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .map(|d| records::customer_route(d, vpg_id))
        .collect();
    Ok((items, (end < docs.len()).then_some(end)))
}

fn route_cursor(offset: usize) -> Result<String> {
    cursor::encode(&MapCursor {
        kind: CUSTOMER_ROUTE.to_owned(),
        key: None,
        offset,
    })
}

/// List one page of the mappings of VPG `query.parent-id`.
fn list(query: Query) -> Result<MappingPage> {
    let kinds = MappingKind::selected(query.kind.as_deref())?;
    let vpg_id = query.parent()?;
    let at = match query
        .page
        .cursor
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        Some(text) => Some(cursor::decode::<MapCursor>(text)?),
        None => None,
    };
    let start = match &at {
        Some(at) => MappingKind::parse(&at.kind)?,
        None => kinds[0],
    };
    if !kinds.contains(&start) {
        return Err(error::invalid_input_field(
            "cursor",
            "`cursor` belongs to a listing of another kind",
        ));
    }
    let limit = query.page.limit.map(|l| l.max(1));
    let mut items = Vec::new();
    if start == MappingKind::IpAddressMap {
        let key = at.as_ref().and_then(|at| at.key.as_deref());
        let (docs, next) = ip_map_page(vpg_id, limit, key)?;
        items.extend(docs.iter().map(|d| records::ip_map_entry(d, vpg_id)));
        if let Some(key) = next {
            let next = cursor::encode(&MapCursor {
                kind: IP_ADDRESS_MAP.to_owned(),
                key: Some(key),
                offset: 0,
            })?;
            return Ok(MappingPage {
                items,
                next: Some(next),
                ahead: Vec::new(),
            });
        }
        if !kinds.contains(&MappingKind::CustomerRoute) {
            return Ok(MappingPage {
                items,
                next: None,
                ahead: Vec::new(),
            });
        }
    }
    // Customer routes: from the cursor's offset, or topping up a short IP address map page.
    let offset = match (&at, start) {
        (Some(at), MappingKind::CustomerRoute) => at.offset,
        _ => 0,
    };
    let room = limit.map(|l| {
        usize::try_from(l)
            .unwrap_or(usize::MAX)
            .saturating_sub(items.len())
    });
    let (routes, next) = route_page(vpg_id, offset, room)?;
    items.extend(routes);
    Ok(MappingPage {
        items,
        next: next.map(route_cursor).transpose()?,
        ahead: Vec::new(),
    })
}

/// Find IP address map entry `key` by walking the map.
fn find_ip_entry(vpg_id: &str, key: &str) -> Result<Option<Value>> {
    let mut after: Option<String> = None;
    for _ in 0..MAX_SCAN_PAGES {
        let (docs, next) = ip_map_page(vpg_id, None, after.as_deref())?;
        if let Some(doc) = docs.into_iter().find(|d| {
            sdk_json::str_at(d, "/key")
                .or_else(|| sdk_json::str_at(d, "/hostId"))
                .as_deref()
                == Some(key)
        }) {
            return Ok(Some(doc));
        }
        match next {
            Some(next) => after = Some(next),
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// Find customer route `id`.
fn find_route(vpg_id: &str, id: &str) -> Result<Option<Value>> {
    Ok(route_docs(vpg_id)?
        .into_iter()
        .find(|d| sdk_json::str_at(d, "/id").as_deref() == Some(id)))
}

/// Find mapping `id` of VPG `vpg_id` among the selected kinds (customer routes first).
fn find(vpg_id: &str, id: &str, kind: Option<&str>) -> Result<Mapping> {
    let kinds = MappingKind::selected(kind)?;
    if kinds.contains(&MappingKind::CustomerRoute)
        && let Some(doc) = find_route(vpg_id, id)?
    {
        return Ok(records::customer_route(&doc, vpg_id));
    }
    if kinds.contains(&MappingKind::IpAddressMap)
        && let Some(doc) = find_ip_entry(vpg_id, id)?
    {
        return Ok(records::ip_map_entry(&doc, vpg_id));
    }
    let what = match kinds.as_slice() {
        [MappingKind::IpAddressMap] => "IP address map entry",
        [MappingKind::CustomerRoute] => "customer route",
        _ => "IP address map entry or customer route",
    };
    Err(error::from_status(
        404,
        format!("VPG `{vpg_id}` has no {what} `{id}`"),
        None,
        None,
    ))
}

/// Get one mapping.
fn get(target: Locator) -> Result<Mapping> {
    find(target.parent()?, target.id.trim(), target.kind.as_deref())
}

fn refuse_unmapped(spec: &MappingSpec) -> Result<()> {
    if sdk_json::non_blank(spec.name.as_deref()).is_some() {
        return Err(error::invalid_input_field(
            "name",
            "`name` does not apply: Soracom mappings have no name",
        ));
    }
    if spec.allowed_networks.iter().any(|n| !n.trim().is_empty()) {
        return Err(error::invalid_input_field(
            "allowed-networks",
            "`allowed-networks` does not apply to Soracom mappings",
        ));
    }
    Ok(())
}

/// The request body for creating a mapping of `kind` from `spec`.
pub fn create_body(kind: MappingKind, spec: &MappingSpec) -> Result<Map<String, Value>> {
    refuse_unmapped(spec)?;
    let mut body = sdk_json::patched(Map::new(), &spec.properties)?;
    let (source, destination) = match kind {
        MappingKind::IpAddressMap => ("key", "ipAddress"),
        MappingKind::CustomerRoute => ("destinationCidr", "target"),
    };
    sdk_json::set_str(&mut body, source, spec.source.as_deref());
    sdk_json::set_str(&mut body, destination, spec.destination.as_deref());
    for (field, key) in [("source", source), ("destination", destination)] {
        if body.get(key).and_then(Value::as_str).is_none() {
            return Err(error::invalid_input_field(
                field,
                format!("missing `{field}`: a {} needs `{key}`", kind.name()),
            ));
        }
    }
    Ok(body)
}

/// Create a mapping of `spec.kind` under `spec.parent-id`.
fn create(spec: MappingSpec) -> Result<Mapping> {
    let kind = sdk_json::non_blank(spec.kind.as_deref()).ok_or_else(|| {
        error::invalid_input_field(
            "kind",
            "missing `kind`: create an `ip-address-map` entry or a `customer-route`",
        )
    })?;
    let kind = MappingKind::parse(kind)?;
    let vpg_id = sdk_json::non_blank(spec.parent_id.as_deref())
        .map(str::trim)
        .ok_or_else(|| portico_adapter_sdk::noun::missing_parent("mapping"))?;
    let body = Value::Object(create_body(kind, &spec)?);
    let (op, id_key) = match kind {
        MappingKind::IpAddressMap => ("putVirtualPrivateGatewayIpAddressMapEntry", "key"),
        MappingKind::CustomerRoute => ("createCustomerRoute", "id"),
    };
    let doc = CATALOGUE.call_with_body(op, &[("vpg_id", vpg_id)], &body)?;
    match kind {
        MappingKind::IpAddressMap => {
            let doc = if doc.get(id_key).is_some() { doc } else { body };
            Ok(records::ip_map_entry(&doc, vpg_id))
        }
        MappingKind::CustomerRoute if doc.get(id_key).and_then(Value::as_str).is_some() => {
            Ok(records::customer_route(&doc, vpg_id))
        }
        MappingKind::CustomerRoute => Err(error::provider(
            "Soracom answered the customer route create request without the route",
        )),
    }
}

/// The new `destination` of an update: the typed field or the kind's key in `properties`.
fn new_destination(kind: MappingKind, spec: &MappingSpec) -> Result<String> {
    let key = match kind {
        MappingKind::IpAddressMap => "ipAddress",
        MappingKind::CustomerRoute => "target",
    };
    let properties = sdk_json::patched(Map::new(), &spec.properties)?;
    if let Some(other) = properties.keys().find(|k| k.as_str() != key) {
        return Err(error::unsupported(format_args!(
            "changing `{other}` of a {} (only `destination`/`{key}` changes)",
            kind.name()
        )));
    }
    sdk_json::non_blank(spec.destination.as_deref())
        .map(str::to_owned)
        .or_else(|| sdk_json::str_at(&Value::Object(properties), &format!("/{key}")))
        .ok_or_else(|| {
            error::invalid_input_field(
                "destination",
                format!(
                    "missing `destination`: an update of a {} sets its `{key}`",
                    kind.name()
                ),
            )
        })
}

/// Update a mapping's destination. The SDK has merged the spec's kind and parent into the
/// locator.
fn update(target: Locator, spec: MappingSpec) -> Result<Mapping> {
    refuse_unmapped(&spec)?;
    sdk_spec::check_clearable(
        &spec,
        &[],
        "a mapping's source and destination are both required",
    )?;
    let vpg_id = target.parent()?;
    let id = target.id.trim();
    let kind = MappingKind::given_or(target.kind.as_deref(), || Ok(find(vpg_id, id, None)?.kind))?;
    if let Some(source) = sdk_json::non_blank(spec.source.as_deref())
        && (kind == MappingKind::CustomerRoute || source.trim() != id)
    {
        return Err(error::invalid_input_field(
            "source",
            format!(
                "`source` of {} `{id}` cannot change (delete it and create a new one)",
                kind.name()
            ),
        ));
    }
    let destination = new_destination(kind, &spec)?;
    match kind {
        MappingKind::IpAddressMap => {
            let body = json!({"key": id, "ipAddress": destination});
            let doc = CATALOGUE.call_with_body(
                "putVirtualPrivateGatewayIpAddressMapEntry",
                &[("vpg_id", vpg_id)],
                &body,
            )?;
            let doc = if doc.get("key").is_some() { doc } else { body };
            Ok(records::ip_map_entry(&doc, vpg_id))
        }
        MappingKind::CustomerRoute => {
            let body = json!({"target": destination});
            let doc = CATALOGUE.call_with_body(
                "updateCustomerRoute",
                &[("vpg_id", vpg_id), ("route_id", id)],
                &body,
            )?;
            if doc.get("id").is_some() {
                Ok(records::customer_route(&doc, vpg_id))
            } else {
                find(vpg_id, id, Some(CUSTOMER_ROUTE))
            }
        }
    }
}

/// Delete a mapping; without a kind, whichever collection holds the id.
fn delete(target: Locator) -> Result<()> {
    api::delete_child(
        &target,
        |kind| match kind {
            MappingKind::IpAddressMap => ("deleteVirtualPrivateGatewayIpAddressMapEntry", "key"),
            MappingKind::CustomerRoute => ("deleteCustomerRoute", "route_id"),
        },
        |vpg_id, id| Ok(find(vpg_id, id, None)?.kind),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Error;

    fn spec(kind: &str) -> MappingSpec {
        MappingSpec {
            kind: Some(kind.into()),
            parent_id: Some("v1".into()),
            name: None,
            source: None,
            destination: None,
            allowed_networks: Vec::new(),
            labels: Vec::new(),
            clear: Vec::new(),
            properties: String::new(),
            secrets: Vec::new(),
        }
    }

    #[test]
    fn create_bodies_map_source_and_destination() {
        let body = create_body(
            MappingKind::IpAddressMap,
            &MappingSpec {
                source: Some("440101234567890".into()),
                destination: Some("10.128.0.10".into()),
                ..spec("ip-address-map")
            },
        )
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"key": "440101234567890", "ipAddress": "10.128.0.10"})
        );
        let body = create_body(
            MappingKind::CustomerRoute,
            &MappingSpec {
                source: Some("172.16.0.0/16".into()),
                properties: r#"{"target": "tgw-1", "ignoreDeviceSubnetCidrRangeOverlap": true}"#
                    .into(),
                ..spec("customer-route")
            },
        )
        .unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"target": "tgw-1", "ignoreDeviceSubnetCidrRangeOverlap": true,
                   "destinationCidr": "172.16.0.0/16"})
        );
        let err = create_body(MappingKind::CustomerRoute, &spec("customer-route")).unwrap_err();
        assert!(err.message().contains("`source`"));
        let err = create_body(
            MappingKind::IpAddressMap,
            &MappingSpec {
                source: Some("4401".into()),
                name: Some("x".into()),
                ..spec("ip-address-map")
            },
        )
        .unwrap_err();
        assert!(err.message().contains("`name`"));
    }

    #[test]
    fn updates_take_the_destination() {
        let dest = new_destination(
            MappingKind::CustomerRoute,
            &MappingSpec {
                destination: Some("tgw-2".into()),
                ..spec("customer-route")
            },
        )
        .unwrap();
        assert_eq!(dest, "tgw-2");
        let dest = new_destination(
            MappingKind::IpAddressMap,
            &MappingSpec {
                properties: r#"{"ipAddress": "10.128.0.11"}"#.into(),
                ..spec("ip-address-map")
            },
        )
        .unwrap();
        assert_eq!(dest, "10.128.0.11");
        let err = new_destination(
            MappingKind::CustomerRoute,
            &MappingSpec {
                properties: r#"{"destinationCidr": "10.0.0.0/8"}"#.into(),
                ..spec("customer-route")
            },
        )
        .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)));
        assert!(new_destination(MappingKind::IpAddressMap, &spec("x")).is_err());
    }

    #[test]
    fn cursor_roundtrips() {
        let at = MapCursor {
            kind: "ip-address-map".into(),
            key: Some("4401".into()),
            offset: 0,
        };
        let text = cursor::encode(&at).unwrap();
        assert_eq!(cursor::decode::<MapCursor>(&text).unwrap(), at);
        assert!(MappingKind::parse("port").is_err());
        assert_eq!(MappingKind::selected(None).unwrap(), MappingKind::ALL);
    }
}
