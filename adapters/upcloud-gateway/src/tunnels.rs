//! The tunnel noun: a VPN connection of a gateway, with its static routes and its IPSec tunnels,
//! at `/gateway/{uuid}/connections[/{conn_uuid}]`.
//!
//! A connection's tunnels are built from `remote-address` (one tunnel per comma-separated peer
//! address) or taken from `properties.tunnels` as written; the `pre-shared-key` secret input
//! goes into every tunnel that names no key of its own. Updates PATCH only what the spec sets,
//! and, as the API does, a PATCH with `local_routes`, `remote_routes` or `tunnels` replaces that
//! whole list; the adapter reads the connection first only when it has to (to keep route names,
//! to extend the current tunnels, or to check the name). `clear` may name `local-networks`,
//! `remote-networks` (an empty route list) and `remote-address` (no IPSec tunnels); the name is
//! fixed. Connections have no labels and no list filters, and UpCloud does not say that their
//! names are unique.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{
    Locator, NounDef, ParentRule, Query, Result, Spec, Tunnel, TunnelPage, TunnelSpec, cursor,
    error, json as sdk_json, secrets, spec as sdk_spec,
};

use crate::api;
use crate::catalog::{
    CATALOGUE, CONN_UUID, CREATE_CONNECTION, DELETE_CONNECTION, GET_CONNECTION, GET_CONNECTIONS,
    GET_GATEWAY, MODIFY_CONNECTION, UUID,
};
use crate::records::{self, KIND_IPSEC};

/// The tunnel noun: a gateway's VPN connections, every action; the parent is required.
pub const TUNNELS: NounDef<Tunnel> = NounDef::child(ParentRule::Required)
    .kinds(&[(
        KIND_IPSEC,
        "VPN connection of a gateway: static routes plus one IPSec tunnel per remote peer",
    )])
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_update(update)
    .on_delete(delete)
    .ipsec(&crate::ipsec::SUPPORT);

/// The secret input holding the IPSec pre-shared key.
pub const PRE_SHARED_KEY: &str = "pre-shared-key";

/// Longest name UpCloud accepts for routes and tunnels.
const MAX_NAME: usize = 64;

/// List the connections of the gateway `query.parent-id`, paged by the adapter (the API
/// returns them all at once).
fn list(query: Query) -> Result<TunnelPage> {
    let gateway_id = query.parent()?;
    let all = sdk_json::array(
        CATALOGUE.call(GET_CONNECTIONS, &[(UUID, gateway_id)])?,
        "connection list",
    )?;
    let limit = api::page_limit(&query.page) as usize;
    let (docs, next) = cursor::slice(all, Some(limit), query.page.cursor.as_deref())?;
    let items = docs
        .iter()
        .map(|doc| records::tunnel(doc, gateway_id))
        .collect();
    Ok(TunnelPage {
        items,
        next,
        ahead: Vec::new(),
    })
}

/// Get one connection.
fn get(target: Locator) -> Result<Tunnel> {
    let gateway_id = target.parent()?;
    let doc = fetch(gateway_id, &target.id)?;
    Ok(records::tunnel(&doc, gateway_id))
}

/// Create a connection under `spec.parent-id`.
fn create(spec: TunnelSpec) -> Result<Tunnel> {
    check_description(spec.description.as_deref())?;
    let gateway_id = sdk_json::non_blank(spec.parent_id.as_deref())
        .map(str::trim)
        .ok_or_else(|| portico_adapter_sdk::noun::missing_parent("tunnel"))?;
    let mut body = api::properties(&spec.properties)?;
    sdk_json::set_str(&mut body, "name", spec.name.as_deref());
    let name = sdk_json::str_at(&Value::Object(body.clone()), "/name")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| error::missing("name"))?;
    body.entry("type")
        .or_insert_with(|| Value::String(KIND_IPSEC.to_owned()));
    if !spec.local_networks.is_empty() {
        body.insert(
            "local_routes".into(),
            routes(&spec.local_networks, "local-route", &[]),
        );
    }
    if !spec.remote_networks.is_empty() {
        body.insert(
            "remote_routes".into(),
            routes(&spec.remote_networks, "remote-route", &[]),
        );
    }
    if let Some(addresses) = remote_addresses(spec.remote_address.as_deref(), &body)? {
        let local = default_local_address(gateway_id)?;
        let tunnels = addresses
            .iter()
            .enumerate()
            .map(|(i, address)| new_tunnel(&name, i, &local, address))
            .collect();
        body.insert("tunnels".into(), Value::Array(tunnels));
    }
    let psk = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY);
    if let Some(tunnels) = body.get_mut("tunnels") {
        fill_keys(tunnels, psk, true)?;
        if let Some(params) = &spec.ipsec {
            crate::ipsec::apply_to_tunnels(params, tunnels)?;
        }
    }
    let doc = CATALOGUE.call_with_body(
        CREATE_CONNECTION,
        &[(UUID, gateway_id)],
        &Value::Object(body),
    )?;
    Ok(records::tunnel(
        &api::expect_resource(doc, "create")?,
        gateway_id,
    ))
}

/// Update a connection with a PATCH of the fields the spec sets (the SDK has merged the spec's
/// parent into the locator); cleared lists are sent empty.
fn update(target: Locator, spec: TunnelSpec) -> Result<Tunnel> {
    check_description(spec.description.as_deref())?;
    sdk_spec::check_clearable(
        &spec,
        &["local-networks", "remote-networks", "remote-address"],
        "a VPN connection's name is fixed, and it has no description",
    )?;
    let gateway_id = target.parent()?;
    let mut body = api::properties(&spec.properties)?;
    for (field, key) in [
        ("local-networks", "local_routes"),
        ("remote-networks", "remote_routes"),
        ("remote-address", "tunnels"),
    ] {
        if spec.clears(field) {
            body.insert(key.into(), Value::Array(Vec::new()));
        }
    }
    let psk = secrets::placeholder(&spec.secrets, PRE_SHARED_KEY);
    let name = sdk_json::non_blank(spec.name.as_deref()).map(str::trim);
    let addresses = remote_addresses(spec.remote_address.as_deref(), &body)?;
    let needs_current = name.is_some()
        || !spec.local_networks.is_empty()
        || !spec.remote_networks.is_empty()
        || addresses.is_some()
        || ((psk.is_some() || spec.ipsec.is_some()) && !body.contains_key("tunnels"));
    let current = if needs_current {
        Some(fetch(gateway_id, &target.id)?)
    } else {
        None
    };
    let current_list = |key: &str| -> Vec<Value> {
        current
            .as_ref()
            .and_then(|c| c.get(key))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };

    if let (Some(name), Some(current)) = (name, &current) {
        let was = sdk_json::str_at(current, "/name").unwrap_or_default();
        if was != name {
            return Err(error::invalid_input_field(
                "name",
                format!("`name` of a VPN connection cannot change (it is `{was}`)"),
            ));
        }
    }
    if !spec.local_networks.is_empty() {
        let value = routes(
            &spec.local_networks,
            "local-route",
            &current_list("local_routes"),
        );
        body.insert("local_routes".into(), value);
    }
    if !spec.remote_networks.is_empty() {
        let value = routes(
            &spec.remote_networks,
            "remote-route",
            &current_list("remote_routes"),
        );
        body.insert("remote_routes".into(), value);
    }
    let existing: Vec<Value> = current_list("tunnels").iter().map(request_form).collect();
    if let Some(addresses) = addresses {
        let connection = current
            .as_ref()
            .and_then(|c| sdk_json::str_at(c, "/name"))
            .unwrap_or_default();
        if let (Some(address), None) = (addresses.get(existing.len()), psk) {
            return Err(error::invalid_input(format!(
                "missing secret input `{PRE_SHARED_KEY}`: a new IPSec tunnel (to {address}) needs a pre-shared key"
            )));
        }
        let local = match existing
            .first()
            .and_then(|t| sdk_json::str_at(t, "/local_address/name"))
        {
            Some(local) => local,
            None if addresses.len() > existing.len() => default_local_address(gateway_id)?,
            None => String::new(),
        };
        let mut tunnels = Vec::new();
        for (i, address) in addresses.iter().enumerate() {
            let tunnel = match existing.get(i) {
                Some(tunnel) => {
                    let mut tunnel = tunnel.clone();
                    if let Value::Object(fields) = &mut tunnel {
                        fields.insert("remote_address".into(), json!({ "address": address }));
                    }
                    tunnel
                }
                None => new_tunnel(&connection, i, &local, address),
            };
            tunnels.push(tunnel);
        }
        body.insert("tunnels".into(), Value::Array(tunnels));
    } else if (psk.is_some() || spec.ipsec.is_some()) && !body.contains_key("tunnels") {
        // A new key or new parameters alone re-send the current tunnels with them.
        body.insert("tunnels".into(), Value::Array(existing));
    }
    if let Some(tunnels) = body.get_mut("tunnels") {
        fill_keys(tunnels, psk, false)?;
        if let Some(params) = &spec.ipsec {
            crate::ipsec::apply_to_tunnels(params, tunnels)?;
        }
    }
    if body.is_empty() {
        let doc = match current {
            Some(doc) => doc,
            None => fetch(gateway_id, &target.id)?,
        };
        return Ok(records::tunnel(&doc, gateway_id));
    }
    let doc = CATALOGUE.call_with_body(
        MODIFY_CONNECTION,
        &[(UUID, gateway_id), (CONN_UUID, &target.id)],
        &Value::Object(body),
    )?;
    Ok(records::tunnel(
        &api::expect_resource(doc, "update")?,
        gateway_id,
    ))
}

/// Delete a connection and its tunnels.
fn delete(target: Locator) -> Result<()> {
    let gateway_id = target.parent()?;
    CATALOGUE
        .call(
            DELETE_CONNECTION,
            &[(UUID, gateway_id), (CONN_UUID, &target.id)],
        )
        .map(drop)
}

/// Put `placeholder` into every tunnel of `tunnels` (a JSON array) that names no pre-shared key,
/// with `authentication: psk` unless another method is set. Without a placeholder, a tunnel
/// lacking a key is an error when `required`, and is sent as is otherwise (the API keeps the
/// key of a tunnel it already has).
pub fn fill_keys(tunnels: &mut Value, placeholder: Option<&str>, required: bool) -> Result<()> {
    let Value::Array(items) = tunnels else {
        return Err(error::invalid_input("`tunnels` must be a JSON array"));
    };
    for (i, tunnel) in items.iter_mut().enumerate() {
        let Value::Object(tunnel) = tunnel else {
            return Err(error::invalid_input(format!(
                "`tunnels[{i}]` must be a JSON object"
            )));
        };
        let has_key = tunnel
            .get("ipsec")
            .and_then(|i| i.pointer("/authentication/psk"))
            .and_then(Value::as_str)
            .is_some_and(|k| !k.is_empty());
        if has_key {
            continue;
        }
        let Some(placeholder) = placeholder else {
            if required {
                return Err(error::invalid_input(format!(
                    "missing secret input `{PRE_SHARED_KEY}`: every new IPSec tunnel needs a pre-shared key \
                     (UpCloud never returns it)"
                )));
            }
            continue;
        };
        let ipsec = object_at(tunnel, "ipsec", i)?;
        let auth = object_at(ipsec, "authentication", i)?;
        auth.entry("authentication")
            .or_insert_with(|| Value::String("psk".to_owned()));
        auth.insert("psk".into(), Value::String(placeholder.to_owned()));
    }
    Ok(())
}

/// The object under `key`, created when absent.
fn object_at<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
    index: usize,
) -> Result<&'a mut Map<String, Value>> {
    match map.entry(key).or_insert_with(|| Value::Object(Map::new())) {
        Value::Object(inner) => Ok(inner),
        _ => Err(error::invalid_input(format!(
            "`tunnels[{index}].{key}` must be a JSON object"
        ))),
    }
}

/// The peer addresses `remote-address` lists, or `None` when it is not set. It may not be
/// combined with `properties.tunnels`, which names the tunnels itself.
fn remote_addresses(given: Option<&str>, body: &Map<String, Value>) -> Result<Option<Vec<String>>> {
    let Some(given) = sdk_json::non_blank(given) else {
        return Ok(None);
    };
    if body.contains_key("tunnels") {
        return Err(error::invalid_input_field(
            "remote-address",
            "give the IPSec tunnels either as `remote-address` or as `properties.tunnels`, not both",
        ));
    }
    Ok(Some(
        given
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    ))
}

/// A new request tunnel to `address`, named after its connection.
fn new_tunnel(connection: &str, index: usize, local: &str, address: &str) -> Value {
    let prefix = format!("{}-tunnel", clip(connection, MAX_NAME - "-tunnel-99".len()));
    json!({
        "name": numbered(&prefix, index),
        "local_address": { "name": local },
        "remote_address": { "address": address },
    })
}

/// `prefix` for the first item, `prefix-2`, `prefix-3`, ... after it.
fn numbered(prefix: &str, index: usize) -> String {
    if index == 0 {
        prefix.to_owned()
    } else {
        format!("{prefix}-{}", index + 1)
    }
}

fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Static routes for `networks`. A network the current routes already have keeps that route's
/// name; the others are named `prefix`, `prefix-2`, ... skipping names in use.
fn routes(networks: &[String], prefix: &str, current: &[Value]) -> Value {
    let networks: Vec<&str> = networks
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let kept = |network: &str| {
        current
            .iter()
            .find(|r| r.get("static_network").and_then(Value::as_str) == Some(network))
            .and_then(|r| sdk_json::str_at(r, "/name"))
    };
    let mut used: Vec<String> = networks.iter().filter_map(|n| kept(n)).collect();
    let mut counter = 0;
    let routes = networks
        .iter()
        .map(|network| {
            let name = kept(network).unwrap_or_else(|| {
                loop {
                    let candidate = numbered(prefix, counter);
                    counter += 1;
                    if !used.contains(&candidate) {
                        used.push(candidate.clone());
                        break candidate;
                    }
                }
            });
            json!({ "name": name, "type": "static", "static_network": network })
        })
        .collect();
    Value::Array(routes)
}

/// A tunnel as the API returned it, in the form a PATCH sends back (its key stays server-side).
fn request_form(tunnel: &Value) -> Value {
    let mut out = Map::new();
    for key in ["name", "local_address", "remote_address", "ipsec"] {
        if let Some(value) = tunnel.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(out)
}

/// The name of the gateway's first public address, which new tunnels use as `local_address`.
fn default_local_address(gateway_id: &str) -> Result<String> {
    let gateway = CATALOGUE.call(GET_GATEWAY, &[(UUID, gateway_id)])?;
    gateway
        .pointer("/addresses/0/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            error::invalid_input(format!(
                "gateway `{gateway_id}` has no public address to use as the tunnels' `local_address`; \
                 name one in `properties.tunnels[].local_address`"
            ))
        })
}

fn fetch(gateway_id: &str, id: &str) -> Result<Value> {
    CATALOGUE.call(GET_CONNECTION, &[(UUID, gateway_id), (CONN_UUID, id)])
}

fn check_description(description: Option<&str>) -> Result<()> {
    match sdk_json::non_blank(description) {
        Some(_) => Err(error::invalid_input_field(
            "description",
            "`description` is not supported: UpCloud VPN connections have none",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_keep_current_names_and_number_new_ones() {
        let current = vec![
            json!({"name": "local-route", "type": "static", "static_network": "10.0.0.0/24"}),
            json!({"name": "lan-b", "type": "static", "static_network": "10.0.1.0/24"}),
        ];
        let value = routes(
            &[
                "10.0.1.0/24".into(),
                " 10.0.2.0/24 ".into(),
                "10.0.3.0/24".into(),
            ],
            "local-route",
            &current,
        );
        assert_eq!(
            value,
            json!([
                {"name": "lan-b", "type": "static", "static_network": "10.0.1.0/24"},
                {"name": "local-route", "type": "static", "static_network": "10.0.2.0/24"},
                {"name": "local-route-2", "type": "static", "static_network": "10.0.3.0/24"},
            ])
        );
        let taken = vec![json!({"name": "remote-route", "static_network": "172.16.0.0/16"})];
        let value = routes(
            &["172.16.0.0/16".into(), "172.17.0.0/16".into()],
            "remote-route",
            &taken,
        );
        assert_eq!(value[1]["name"], "remote-route-2");
    }

    #[test]
    fn keys_fill_every_tunnel_without_one() {
        let mut tunnels = json!([
            {"name": "a"},
            {"name": "b", "ipsec": {"rekey_time": 3600, "authentication": {}}},
            {"name": "c", "ipsec": {"authentication": {"authentication": "psk", "psk": "own"}}},
        ]);
        fill_keys(&mut tunnels, Some("{{psk}}"), true).unwrap();
        assert_eq!(
            tunnels[0]["ipsec"],
            json!({"authentication": {"authentication": "psk", "psk": "{{psk}}"}})
        );
        assert_eq!(tunnels[1]["ipsec"]["rekey_time"], 3600);
        assert_eq!(tunnels[1]["ipsec"]["authentication"]["psk"], "{{psk}}");
        assert_eq!(tunnels[2]["ipsec"]["authentication"]["psk"], "own");

        let mut bare = json!([{"name": "a"}]);
        let err = fill_keys(&mut bare, None, true).unwrap_err();
        assert!(err.message().contains("`pre-shared-key`"));
        fill_keys(&mut bare, None, false).unwrap();
        assert_eq!(bare, json!([{"name": "a"}]));
        for bad in [json!({}), json!([1]), json!([{"ipsec": []}])] {
            let mut bad = bad;
            assert!(fill_keys(&mut bad, Some("k"), true).is_err());
        }
    }

    #[test]
    fn tunnel_names_follow_the_connection() {
        assert_eq!(
            new_tunnel("office", 0, "ip-1", "198.51.100.7"),
            json!({"name": "office-tunnel", "local_address": {"name": "ip-1"},
                "remote_address": {"address": "198.51.100.7"}})
        );
        assert_eq!(
            new_tunnel("office", 1, "ip-1", "198.51.100.8")["name"],
            "office-tunnel-2"
        );
        let long = "x".repeat(80);
        let name = new_tunnel(&long, 9, "ip", "a")["name"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(name.len() <= MAX_NAME, "{name}");
    }

    #[test]
    fn remote_addresses_split_and_exclude_tunnel_properties() {
        let empty = Map::new();
        assert_eq!(remote_addresses(None, &empty).unwrap(), None);
        assert_eq!(
            remote_addresses(Some(" 198.51.100.7, 198.51.100.8 ,"), &empty).unwrap(),
            Some(vec!["198.51.100.7".to_owned(), "198.51.100.8".to_owned()])
        );
        let mut with_tunnels = Map::new();
        with_tunnels.insert("tunnels".into(), json!([]));
        assert!(remote_addresses(Some("198.51.100.7"), &with_tunnels).is_err());
    }
}
