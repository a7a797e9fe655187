//! Comparing one desired resource with its live match: the spec of a create, and of an
//! update only what differs (typed fields, labels and properties by the keys the file gives,
//! lists as sets, empty values as `clear`), each change shown old → new.

use super::diff::{FieldChange, Live};
use super::file::{Desired, Field};
use super::owner::{self, Marker};
use crate::wit::adapter::Noun;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The key of the CLI view that holds a typed field.
pub(super) fn view_key(noun: Noun, field: &str) -> String {
    match (noun, field) {
        (Noun::Gateway, "public-address") => "public_addresses".into(),
        _ => field.replace('-', "_"),
    }
}

pub(super) fn field<'a>(d: &'a Desired, name: &str) -> Option<&'a Field> {
    d.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Whether the live value of `name` is the desired one.
pub(super) fn same(noun: Noun, live: &Value, name: &str, want: &Field) -> bool {
    let got = &live[view_key(noun, name)];
    match want {
        Field::Text(t) if noun == Noun::Gateway && name == "public-address" => got
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(t))),
        Field::Text(t) => got.as_str().unwrap_or("") == t,
        Field::Json(want) => subset(want, got),
        Field::List(want) => {
            let mut have: Vec<&str> = got
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
            have.sort_unstable();
            have.dedup();
            want.sort_unstable();
            want.dedup();
            have == want
        }
    }
}

/// `want` ⊆ `have`: every key of an object, recursively; arrays item by item (the provider
/// adds fields of its own, such as creation times, to the objects it echoes); anything else
/// equal.
fn subset(want: &Value, have: &Value) -> bool {
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => w
            .iter()
            .all(|(k, v)| h.get(k).is_some_and(|hv| subset(v, hv))),
        (Value::Array(w), Value::Array(h)) => {
            w.len() == h.len() && w.iter().zip(h).all(|(w, h)| subset(w, h))
        }
        _ => want == have,
    }
}

/// The provider document's value for a property key: at its top level, or under its own
/// `properties` object (IONOS keeps a resource's settings there).
fn provider_value<'a>(live: &'a Value, key: &str) -> Option<&'a Value> {
    let doc = &live["provider"];
    doc.get(key)
        .or_else(|| doc.get("properties").and_then(|p| p.get(key)))
}

/// The labels a resource should carry: the file's, plus the marker where labels carry it.
fn wanted_labels(d: &Desired, marker: Marker) -> Option<BTreeMap<String, String>> {
    let mut labels = d.labels.clone();
    if marker == Marker::Label {
        labels
            .get_or_insert_with(BTreeMap::new)
            .insert(owner::LABEL_KEY.into(), owner::LABEL_VALUE.into());
    }
    labels
}

/// The typed fields a resource should have: the file's, with the marker in the description
/// where the description carries it.
fn wanted_fields(d: &Desired, marker: Marker) -> Vec<(&'static str, Field)> {
    let mut fields = d.fields.clone();
    if marker == Marker::Description {
        let given = fields.iter().position(|(k, _)| *k == "description");
        let text = match given.map(|i| fields.remove(i).1) {
            Some(Field::Text(t)) => owner::mark_description(Some(&t)),
            _ => owner::mark_description(None),
        };
        fields.push(("description", Field::Text(text)));
    }
    fields
}

fn field_json(f: &Field) -> Value {
    match f {
        Field::Text(t) => json!(t),
        Field::List(l) => json!(l),
        Field::Json(v) => v.clone(),
    }
}

/// The spec and the field list of a create.
pub(super) fn create(d: &Desired, marker: Marker) -> (Value, Vec<FieldChange>) {
    let mut spec = Map::new();
    let mut shown = Vec::new();
    let mut add = |key: &str, value: Value, spec: &mut Map<String, Value>| {
        shown.push(FieldChange {
            field: key.to_string(),
            old: None,
            new: Some(value.clone()),
        });
        spec.insert(key.to_string(), value);
    };
    if let Some(kind) = &d.kind {
        add("kind", json!(kind), &mut spec);
    }
    if let Some(name) = &d.name {
        add("name", json!(name), &mut spec);
    }
    for (key, value) in wanted_fields(d, marker) {
        if !matches!(&value, Field::List(l) if l.is_empty()) {
            add(key, field_json(&value), &mut spec);
        }
    }
    if let Some(labels) = wanted_labels(d, marker) {
        add("labels", json!(labels), &mut spec);
    }
    if let Some(properties) = &d.properties {
        for (k, v) in properties {
            shown.push(FieldChange {
                field: format!("properties.{k}"),
                old: None,
                new: Some(v.clone()),
            });
        }
        spec.insert("properties".into(), Value::Object(properties.clone()));
    }
    for s in &d.secrets {
        shown.push(secret_field(&s.name));
    }
    (Value::Object(spec), shown)
}

fn secret_field(name: &str) -> FieldChange {
    FieldChange {
        field: format!("secrets.{name}"),
        old: None,
        new: Some(json!("(secret)")),
    }
}

/// The spec and field list of an update, or `None` when nothing differs.
pub(super) fn update(
    d: &Desired,
    live: &Live,
    marker: Marker,
) -> Option<(Value, Vec<FieldChange>)> {
    let mut spec = Map::new();
    let mut shown = Vec::new();
    let mut clear = Vec::new();
    for (key, want) in wanted_fields(d, marker) {
        if same(d.noun, &live.view, key, &want) {
            continue;
        }
        let old = live.view.get(view_key(d.noun, key)).cloned();
        let empty = matches!(&want, Field::List(l) if l.is_empty())
            || matches!(&want, Field::Text(t) if t.is_empty());
        shown.push(FieldChange {
            field: key.to_string(),
            old: old.filter(|v| !v.is_null()),
            new: Some(field_json(&want)),
        });
        if empty {
            clear.push(json!(key));
        } else {
            spec.insert(key.to_string(), field_json(&want));
        }
    }
    if let Some(labels) = wanted_labels(d, marker) {
        let have = &live.view["labels"];
        let differing: Vec<_> = labels
            .iter()
            .filter(|(k, v)| have.get(k.as_str()).and_then(Value::as_str) != Some(v.as_str()))
            .collect();
        for (k, v) in &differing {
            shown.push(FieldChange {
                field: format!("labels.{k}"),
                old: have.get(k.as_str()).cloned(),
                new: Some(json!(v)),
            });
        }
        if !differing.is_empty() {
            spec.insert("labels".into(), json!(labels));
        }
    }
    if let Some(properties) = &d.properties {
        let mut changed = Map::new();
        for (k, v) in properties {
            match provider_value(&live.view, k) {
                Some(have) if subset(v, have) => {}
                // The provider does not echo this key: nothing to compare it with.
                None => {}
                Some(have) => {
                    shown.push(FieldChange {
                        field: format!("properties.{k}"),
                        old: Some(have.clone()),
                        new: Some(v.clone()),
                    });
                    changed.insert(k.clone(), v.clone());
                }
            }
        }
        if !changed.is_empty() {
            spec.insert("properties".into(), Value::Object(changed));
        }
    }
    if shown.is_empty() {
        return None;
    }
    spec.insert("kind".into(), json!(live.kind));
    if !clear.is_empty() {
        spec.insert("clear".into(), Value::Array(clear));
    }
    Some((Value::Object(spec), shown))
}
