//! Update semantics shared by every spec: `clear` and labels.
//!
//! On update, an absent field (or an empty list) keeps its current value and a field named in
//! `clear` is emptied. The SDK has already refused a `clear` on create and one naming an unknown
//! or set field ([`crate::NounDef::update`]); what is left for the adapter is which fields its
//! provider can empty ([`check_clearable`]) and how ([`crate::Spec::clears`]). Labels are added
//! and overwritten by key on update ([`merge_labels`]).
//!
//! ```
//! use portico_adapter_sdk::{spec, GatewaySpec};
//! let update = GatewaySpec {
//!     kind: None, name: None, description: None, public_address: None, networks: vec![],
//!     labels: vec![spec::label("env", "prod")], clear: vec!["description".into()],
//!     properties: "{}".into(), secrets: vec![],
//! };
//! assert!(spec::check_clearable(&update, &["description"], "it is required").is_ok());
//! let err = spec::check_clearable(&update, &["name"], "it is required").unwrap_err();
//! assert_eq!(err.field(), Some("description"));
//! let merged = spec::merge_labels(&[spec::label("env", "dev"), spec::label("a", "b")], &update.labels);
//! assert_eq!(merged, [spec::label("env", "prod"), spec::label("a", "b")]);
//! ```

use serde_json::{Map, Value};

use crate::{Label, Result, Spec, error};

/// Refuse a `clear` naming a field outside `clearable`: `invalid-input` naming that field, with
/// `why` (what the provider does not allow) in the message.
pub fn check_clearable<S: Spec>(spec: &S, clearable: &[&str], why: &str) -> Result<()> {
    match spec
        .clear()
        .iter()
        .map(|f| f.trim())
        .find(|f| !clearable.contains(f))
    {
        Some(field) => Err(error::invalid_input_field(
            field,
            format!("`{field}` cannot be cleared: {why}"),
        )),
        None => Ok(()),
    }
}

/// A label.
pub fn label(key: &str, value: &str) -> Label {
    Label {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// `current` with `new` set over it by key: a key already there takes the new value in place,
/// others are appended.
pub fn merge_labels(current: &[Label], new: &[Label]) -> Vec<Label> {
    let mut merged = current.to_vec();
    for label in new {
        match merged.iter_mut().find(|l| l.key == label.key) {
            Some(existing) => existing.value = label.value.clone(),
            None => merged.push(label.clone()),
        }
    }
    merged
}

/// Labels from a JSON object of names to values (Soracom tags); non-string values are written
/// as JSON, and `skip` keys are left out.
pub fn labels_from_object(object: Option<&Value>, skip: &[&str]) -> Vec<Label> {
    let Some(Value::Object(map)) = object else {
        return Vec::new();
    };
    map.iter()
        .filter(|(key, _)| !skip.contains(&key.as_str()))
        .map(|(key, value)| Label {
            key: key.clone(),
            value: match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            },
        })
        .collect()
}

/// Labels as a JSON object of names to values.
pub fn labels_to_object(labels: &[Label]) -> Map<String, Value> {
    labels
        .iter()
        .map(|l| (l.key.clone(), Value::String(l.value.clone())))
        .collect()
}

/// Labels from a JSON array of `{key, value}` objects (UpCloud); other items are skipped.
pub fn labels_from_array(array: Option<&Value>) -> Vec<Label> {
    array
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    Some(Label {
                        key: item.get("key")?.as_str()?.to_owned(),
                        value: item
                            .get("value")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Labels as a JSON array of `{key, value}` objects.
pub fn labels_to_array(labels: &[Label]) -> Value {
    Value::Array(
        labels
            .iter()
            .map(|l| serde_json::json!({"key": l.key, "value": l.value}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_convert_both_ways() {
        let labels = vec![label("env", "prod"), label("team", "ops")];
        let object = Value::Object(labels_to_object(&labels));
        assert_eq!(object, json!({"env": "prod", "team": "ops"}));
        assert_eq!(labels_from_object(Some(&object), &[]), labels);
        assert_eq!(
            labels_from_object(Some(&json!({"name": "x", "n": 1})), &["name"]),
            [label("n", "1")]
        );
        let array = labels_to_array(&labels);
        assert_eq!(array[1], json!({"key": "team", "value": "ops"}));
        assert_eq!(labels_from_array(Some(&array)), labels);
        assert!(labels_from_array(Some(&json!([1, {"value": "v"}]))).is_empty());
        assert!(labels_from_object(None, &[]).is_empty());
    }
}
