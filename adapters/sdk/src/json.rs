//! JSON helpers for specs and provider documents.
//!
//! Specs carry typed fields plus a `properties` JSON object. The usual recipe for a request body:
//! start from the current document (for an update) or an empty object, apply `properties` as a
//! JSON merge patch with [`merge_patch`], then set the typed fields that were given with
//! [`set_str`] and [`set_strings`], which skip `None`, blank and empty values so that "not given"
//! means "keep".

use serde_json::{Map, Value};

use crate::{Result, error};

/// Parse a spec's JSON object field (`properties`, a body). Blank text and `null` give an empty
/// object (the host always sends `{}`; direct callers may not); anything that is not a JSON
/// object is `invalid-input` naming `field`.
///
/// ```
/// use portico_adapter_sdk::json::parse_object;
/// assert!(parse_object("", "properties").unwrap().is_empty());
/// assert_eq!(parse_object(r#"{"tier":"STANDARD"}"#, "properties").unwrap()["tier"], "STANDARD");
/// assert!(parse_object("[1]", "properties").is_err());
/// ```
pub fn parse_object(text: &str, field: &str) -> Result<Map<String, Value>> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(_) => Err(error::invalid_input_field(
            field,
            format!("`{field}` must be a JSON object"),
        )),
        Err(e) => Err(error::invalid_input_field(
            field,
            format!("`{field}` is not valid JSON: {e}"),
        )),
    }
}

/// Apply `patch` to `target` as a JSON merge patch (RFC 7396): objects merge key by key and
/// recursively, `null` removes a key, anything else replaces.
///
/// ```
/// use serde_json::json;
/// let mut doc = json!({"name": "a", "window": {"time": "09:00", "day": "Monday"}, "old": 1});
/// portico_adapter_sdk::json::merge_patch(&mut doc, &json!({"window": {"time": "10:00"}, "old": null}));
/// assert_eq!(doc, json!({"name": "a", "window": {"time": "10:00", "day": "Monday"}}));
/// ```
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// A spec's `properties` (JSON object text) applied as a merge patch over `base`: the request
/// body of a create (`base` empty) or of a full-replace update (`base` the current document).
///
/// ```
/// use portico_adapter_sdk::{json::patched, serde_json::{json, Map}};
/// let mut base = Map::new();
/// base.insert("name".into(), json!("a"));
/// base.insert("tier".into(), json!("STANDARD"));
/// let body = patched(base, r#"{"tier": null, "port": 1}"#).unwrap();
/// assert_eq!(serde_json::Value::Object(body), json!({"name": "a", "port": 1}));
/// ```
pub fn patched(base: Map<String, Value>, properties: &str) -> Result<Map<String, Value>> {
    let patch = parse_object(properties, "properties")?;
    let mut doc = Value::Object(base);
    merge_patch(&mut doc, &Value::Object(patch));
    Ok(match doc {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// The items of a JSON array answer (`null`, an empty body, is no items); anything else is a
/// `provider` error naming `what` was asked for.
pub fn array(doc: Value, what: &str) -> Result<Vec<Value>> {
    match doc {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(error::provider(format!(
            "the provider answered the {what} request with something other than a JSON array"
        ))),
    }
}

/// `value` when it is `Some` and not blank.
pub fn non_blank(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// Set `key` to a string when `value` is given and not blank; otherwise leave `object` alone.
pub fn set_str(object: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = non_blank(value) {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// Set `key` to an array of strings when `values` is not empty; otherwise leave `object` alone.
pub fn set_strings(object: &mut Map<String, Value>, key: &str, values: &[String]) {
    if !values.is_empty() {
        object.insert(
            key.to_owned(),
            Value::Array(values.iter().cloned().map(Value::String).collect()),
        );
    }
}

/// The string at a JSON pointer (`/metadata/status`), if there is one.
///
/// ```
/// let doc = serde_json::json!({"metadata": {"status": "AVAILABLE"}});
/// assert_eq!(portico_adapter_sdk::json::str_at(&doc, "/metadata/status").as_deref(), Some("AVAILABLE"));
/// ```
pub fn str_at(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer)?.as_str().map(str::to_owned)
}

/// The strings of the array at a JSON pointer; non-string items are skipped, a missing array is
/// empty.
pub fn strings_at(value: &Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_object_names_the_field() {
        assert!(parse_object("null", "properties").unwrap().is_empty());
        let err = parse_object("{nope", "properties").unwrap_err();
        assert!(matches!(err, crate::Error::InvalidInput(_)));
        assert_eq!(err.field(), Some("properties"));
        assert!(err.message().contains("`properties`"));
        let err = parse_object("\"text\"", "body").unwrap_err();
        assert!(err.message().contains("`body`"));
    }

    #[test]
    fn merge_patch_follows_rfc_7396_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "foo"}), json!(null), json!(null)),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }

    #[test]
    fn setters_skip_blank_and_empty() {
        let mut object = Map::new();
        set_str(&mut object, "name", Some("  "));
        set_str(&mut object, "name", None);
        set_strings(&mut object, "list", &[]);
        assert!(object.is_empty());
        set_str(&mut object, "name", Some("gw"));
        set_strings(&mut object, "list", &["a".into()]);
        assert_eq!(Value::Object(object), json!({"name": "gw", "list": ["a"]}));
    }

    #[test]
    fn arrays_are_required() {
        assert_eq!(array(json!([1]), "x").unwrap(), [json!(1)]);
        assert!(array(Value::Null, "x").unwrap().is_empty());
        let err = array(json!({}), "the list").unwrap_err();
        assert!(matches!(err, crate::Error::Provider(_)));
        assert!(err.message().contains("the list"));
    }

    #[test]
    fn accessors_read_pointers() {
        let doc = json!({"p": {"ips": ["a", 1, "b"]}});
        assert_eq!(strings_at(&doc, "/p/ips"), ["a", "b"]);
        assert!(strings_at(&doc, "/p/none").is_empty());
        assert_eq!(str_at(&doc, "/p/ips"), None);
    }
}
