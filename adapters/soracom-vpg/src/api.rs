//! The Soracom API as this adapter sees it: the catalogue calls and the small helpers the nouns
//! share. Where the API lives, how it pages and how it fails is `portico_soracom::api`, shared
//! with the Napter adapter and re-exported here.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{Result, error, json};

pub use portico_soracom::api::{LAST_EVALUATED_KEY, api, next_key, next_page};

use crate::catalog::CATALOGUE;

/// Call catalogue operation `name` and parse its JSON answer (`null` when there is no body).
pub fn call(name: &str, params: &[(&str, &str)]) -> Result<Value> {
    let api = api()?;
    api.fetch_json(CATALOGUE.request(&api, name, params)?)
}

/// Call catalogue operation `name` with a JSON body and parse its JSON answer.
pub fn call_with_body(name: &str, params: &[(&str, &str)], body: &Value) -> Result<Value> {
    let api = api()?;
    api.fetch_json(CATALOGUE.request(&api, name, params)?.json(body))
}

/// Call catalogue operation `name` and return the raw response (for its paging header).
pub fn call_raw(name: &str, params: &[(&str, &str)]) -> Result<Response> {
    let api = api()?;
    api.execute(CATALOGUE.request(&api, name, params)?)
}

/// Read one VPG.
pub fn get_vpg(vpg_id: &str) -> Result<Value> {
    call("getVirtualPrivateGateway", &[("vpg_id", vpg_id)])
}

/// The items of a JSON array answer; anything else is a provider error naming `what`.
pub fn array(doc: Value, what: &str) -> Result<Vec<Value>> {
    match doc {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(error::provider(format!(
            "Soracom answered the {what} request with something other than a JSON array"
        ))),
    }
}

/// The VPG (parent) id of a child noun; `invalid-input` naming `gateway-id` when absent.
pub fn require_vpg_id<'a>(vpg_id: Option<&'a str>, noun: &str) -> Result<&'a str> {
    json::non_blank(vpg_id).map(str::trim).ok_or_else(|| {
        error::invalid_input(format!(
            "missing `gateway-id`: every {noun} belongs to a VPG (give its id as the parent)"
        ))
    })
}

/// The VPG of a child update: the locator's parent or the spec's; both given and different is
/// invalid (nothing moves between VPGs).
pub fn update_vpg_id<'a>(
    locator: Option<&'a str>,
    spec: Option<&'a str>,
    noun: &str,
) -> Result<&'a str> {
    match (json::non_blank(locator), json::non_blank(spec)) {
        (Some(a), Some(b)) if a.trim() != b.trim() => Err(error::invalid_input(format!(
            "`gateway-id` `{b}` differs from the parent `{a}`: a {noun} cannot move to another VPG"
        ))),
        (a, b) => require_vpg_id(a.or(b), noun),
    }
}

/// Refuse list filters where the API defines none.
pub fn check_no_filters(filters: &[(String, String)], noun: &str) -> Result<()> {
    match filters.first() {
        Some((key, _)) => Err(error::invalid_input(format!(
            "`filters` are not supported when listing {noun}s (got `{key}`)"
        ))),
        None => Ok(()),
    }
}

/// `properties` as a JSON merge patch over `base`, as an object.
pub fn patched(base: Map<String, Value>, properties: &str) -> Result<Map<String, Value>> {
    let patch = json::parse_object(properties, "properties")?;
    let mut doc = Value::Object(base);
    json::merge_patch(&mut doc, &Value::Object(patch));
    Ok(match doc {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// The values of a JSON object (a Soracom map keyed by id) in key order, or the items of an
/// array; empty for anything else.
pub fn map_values(doc: Option<&Value>) -> Vec<Value> {
    match doc {
        Some(Value::Object(map)) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries.into_iter().map(|(_, v)| v.clone()).collect()
        }
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;

    #[test]
    fn helpers_check_parents_and_shapes() {
        assert_eq!(require_vpg_id(Some(" v1 "), "peer").unwrap(), "v1");
        assert!(
            require_vpg_id(None, "peer")
                .unwrap_err()
                .message()
                .contains("`gateway-id`")
        );
        assert_eq!(update_vpg_id(None, Some("v1"), "peer").unwrap(), "v1");
        assert!(update_vpg_id(Some("v1"), Some("v2"), "peer").is_err());
        assert_eq!(array(json!(null), "x").unwrap(), Vec::<Value>::new());
        assert!(array(json!({}), "x").is_err());
        assert_eq!(
            map_values(Some(&json!({"b": 2, "a": 1}))),
            [json!(1), json!(2)]
        );
        assert!(check_no_filters(&[("a".into(), "b".into())], "peer").is_err());
    }
}
