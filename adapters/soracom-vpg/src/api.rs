//! The Soracom API as this adapter sees it: the small helpers the nouns share. Where the API
//! lives, how it pages and how it fails is `portico_soracom::api`, shared with the Napter adapter
//! and re-exported here.

use portico_adapter_sdk::noun::KindSet;
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Locator, Result};

pub use portico_soracom::api::{LAST_EVALUATED_KEY, api, next_key, next_page};

use crate::catalog::CATALOGUE;

/// Read one VPG.
pub fn get_vpg(vpg_id: &str) -> Result<Value> {
    CATALOGUE.call("getVirtualPrivateGateway", &[("vpg_id", vpg_id)])
}

/// Delete child `target` of its VPG (the parent): `op` gives the operation and its id
/// parameter for the child's kind, which `kind_of` finds by id when the locator names none.
pub fn delete_child<K: KindSet>(
    target: &Locator,
    op: fn(K) -> (&'static str, &'static str),
    kind_of: impl FnOnce(&str, &str) -> Result<String>,
) -> Result<()> {
    let vpg_id = target.parent()?;
    let id = target.id.trim();
    let kind = K::given_or(target.kind.as_deref(), || kind_of(vpg_id, id))?;
    let (op, param) = op(kind);
    CATALOGUE
        .call(op, &[("vpg_id", vpg_id), (param, id)])
        .map(drop)
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
    fn map_values_are_in_key_order() {
        assert_eq!(
            map_values(Some(&json!({"b": 2, "a": 1}))),
            [json!(1), json!(2)]
        );
        assert_eq!(map_values(Some(&json!([3]))), [json!(3)]);
        assert!(map_values(None).is_empty());
    }
}
