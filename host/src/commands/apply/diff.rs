//! Desired against live: which resource of the file is which live resource, and what would
//! change. Pure: no adapter is called here, so every rule is unit-tested.
//!
//! A desired resource matches the live one of the same noun and parent whose name is its name
//! (and whose kind is its kind, when the file gives one); a resource without a name matches by
//! the field that identifies it (a peer's public key or endpoint, a mapping's destination, a
//! tunnel's remote address, a gateway's public address). Fields the file leaves out are not
//! compared; lists compare as sets; labels and properties compare by the keys the file gives.

use super::file::{Desired, Field, Parent};
use super::owner::{self, Marker};
use crate::error::input;
use crate::wit::adapter::Noun;
use anyhow::Result;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A resource as listed.
#[derive(Debug, Clone)]
pub(crate) struct Live {
    /// The noun.
    pub noun: Noun,
    /// Provider id.
    pub id: String,
    /// Its parent's id.
    pub parent: Option<String>,
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: Option<String>,
    /// The CLI's JSON view of it (snake_case keys, the provider's document under `provider`).
    pub view: Value,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    /// `+`
    Create,
    /// `~`
    Update,
    /// `-`
    Delete,
    /// `=`
    Unchanged,
}

impl Action {
    /// The plan's sign.
    pub(crate) fn sign(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
            Action::Unchanged => '=',
        }
    }

    /// The word (JSON and summaries).
    pub(crate) fn word(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

/// Where a change's resource lives, as the executor resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Under {
    /// No parent.
    None,
    /// An existing resource.
    Id(String),
    /// The resource another change of the same profile creates (by index).
    Change(usize),
}

/// One field of a change: `old → new`, values as JSON (`"(secret)"` for secret inputs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldChange {
    /// Kebab-case field (`name`, `labels.team`, `properties.mtu`, `secrets.psk`).
    pub field: String,
    /// Before (absent on create).
    pub old: Option<Value>,
    /// After (absent on delete).
    pub new: Option<Value>,
}

/// One line of a plan.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// What happens.
    pub action: Action,
    /// The noun.
    pub noun: Noun,
    /// The kind (the file's, or the live one).
    pub kind: Option<String>,
    /// The name, or the identifying field, for people.
    pub label: String,
    /// The live id, when it exists.
    pub id: Option<String>,
    /// Its parent.
    pub under: Under,
    /// What changes.
    pub fields: Vec<FieldChange>,
    /// The spec to send (create and update), as `SpecJson` reads it.
    pub spec: Value,
    /// The desired resource, by index in the profile's items.
    pub desired: Option<usize>,
}

/// What the noun's adapter declares, as the diff needs it.
pub(crate) trait Rules {
    /// The ownership marker for `noun` resources of `kind`.
    fn marker(&self, noun: Noun, kind: Option<&str>) -> Marker;
}

/// The result of matching one profile.
#[derive(Debug, Default)]
pub(crate) struct Diff {
    /// The plan, parents before children (deletes: children before parents).
    pub changes: Vec<Change>,
    /// Live resources the file does not name and that are left alone (not owned, or no
    /// `--prune`).
    pub left_alone: usize,
    /// Owned resources left alone for want of `--prune`.
    pub prunable: usize,
    /// Why some owned resources are kept even with `--prune`.
    pub kept: Vec<String>,
}

/// The key a nameless resource is found by.
fn identity(noun: Noun) -> &'static [&'static str] {
    match noun {
        Noun::Gateway => &["public-address"],
        Noun::Tunnel => &["remote-address"],
        Noun::Peer => &["public-key", "endpoint"],
        Noun::Mapping => &["destination"],
    }
}

/// The key of the CLI view that holds a typed field.
fn view_key(noun: Noun, field: &str) -> String {
    match (noun, field) {
        (Noun::Gateway, "public-address") => "public_addresses".into(),
        _ => field.replace('-', "_"),
    }
}

fn field<'a>(d: &'a Desired, name: &str) -> Option<&'a Field> {
    d.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Whether the live value of `name` is the desired one.
fn same(noun: Noun, live: &Value, name: &str, want: &Field) -> bool {
    let got = &live[view_key(noun, name)];
    match want {
        Field::Text(t) if noun == Noun::Gateway && name == "public-address" => got
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(t))),
        Field::Text(t) => got.as_str().unwrap_or("") == t,
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

/// How people see a desired resource: its name or identifying value.
pub(crate) fn label_of(d: &Desired) -> String {
    if let Some(name) = &d.name {
        return name.clone();
    }
    for key in identity(d.noun) {
        if let Some(Field::Text(t)) = field(d, key) {
            return t.clone();
        }
    }
    d.path.clone()
}

/// Whether `live` is the resource `d` describes (noun, kind, name or identifying field).
pub(crate) fn matches(d: &Desired, live: &Live) -> bool {
    if live.noun != d.noun || d.kind.as_ref().is_some_and(|k| *k != live.kind) {
        return false;
    }
    if let Some(name) = &d.name {
        return live.name.as_deref() == Some(name);
    }
    identity(d.noun).iter().any(|key| match field(d, key) {
        Some(f @ Field::Text(_)) => same(d.noun, &live.view, key, f),
        _ => false,
    })
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
    }
}

/// The spec and the field list of a create.
fn create(d: &Desired, marker: Marker) -> (Value, Vec<FieldChange>) {
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
fn update(d: &Desired, live: &Live, marker: Marker) -> Option<(Value, Vec<FieldChange>)> {
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

/// Matches `desired` (parents first) against `live` (everything listed for the profile) and
/// plans the changes. With `prune`, owned live resources the file does not name are deleted,
/// children first; a gateway holding resources portico does not own is kept.
pub(crate) fn diff(
    desired: &[Desired],
    live: &[Live],
    rules: &dyn Rules,
    prune: bool,
) -> Result<Diff> {
    let mut out = Diff::default();
    // For each desired item: the change that stands for it.
    let mut change_of: Vec<usize> = Vec::with_capacity(desired.len());
    let mut claimed = vec![false; live.len()];
    for (i, d) in desired.iter().enumerate() {
        if d.name.is_none() && !identity(d.noun).iter().any(|k| field(d, k).is_some()) {
            return Err(input(format!(
                "{}: give it a name (or {}) so that portico can find it again",
                d.path,
                identity(d.noun).join(" or ")
            )));
        }
        let under = match &d.parent {
            Parent::None => Under::None,
            Parent::Id(id) => Under::Id(id.clone()),
            Parent::Declared(p) => {
                let parent = &out.changes[change_of[*p]];
                match (&parent.id, parent.action) {
                    (Some(id), _) => Under::Id(id.clone()),
                    (None, _) => Under::Change(change_of[*p]),
                }
            }
        };
        let candidates: Vec<usize> = match &under {
            Under::Change(_) => Vec::new(),
            _ => (0..live.len())
                .filter(|&j| {
                    matches(d, &live[j])
                        && match &under {
                            Under::Id(id) => live[j].parent.as_deref() == Some(id),
                            _ => true,
                        }
                })
                .collect(),
        };
        let marker = rules.marker(d.noun, d.kind.as_deref());
        let change = match candidates.as_slice() {
            [] => {
                let (spec, fields) = create(d, marker);
                Change {
                    action: Action::Create,
                    noun: d.noun,
                    kind: d.kind.clone(),
                    label: label_of(d),
                    id: None,
                    under,
                    fields,
                    spec,
                    desired: Some(i),
                }
            }
            [j] => {
                if claimed[*j] {
                    return Err(input(format!(
                        "{}: another entry of the file already stands for {} {} ({})",
                        d.path,
                        crate::wit::noun_name(d.noun),
                        label_of(d),
                        live[*j].id
                    )));
                }
                claimed[*j] = true;
                let l = &live[*j];
                let marker = rules.marker(d.noun, Some(&l.kind));
                let (action, spec, fields) = match update(d, l, marker) {
                    Some((spec, fields)) => (Action::Update, spec, fields),
                    None => (Action::Unchanged, Value::Null, Vec::new()),
                };
                Change {
                    action,
                    noun: d.noun,
                    kind: Some(l.kind.clone()),
                    label: label_of(d),
                    id: Some(l.id.clone()),
                    under,
                    fields,
                    spec,
                    desired: Some(i),
                }
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|&j| live[j].id.as_str()).collect();
                return Err(input(format!(
                    "{}: {} {} {} match it ({}); portico cannot tell which is meant: rename or \
                     delete all but one",
                    d.path,
                    many.len(),
                    crate::wit::noun_name(d.noun),
                    if d.name.is_some() {
                        "resources with this name"
                    } else {
                        "resources"
                    },
                    ids.join(", ")
                )));
            }
        };
        change_of.push(out.changes.len());
        out.changes.push(change);
    }
    prune_rest(&mut out, live, &claimed, prune);
    Ok(out)
}

/// The deletes of `--prune`: owned, unclaimed resources, children before their gateway.
fn prune_rest(out: &mut Diff, live: &[Live], claimed: &[bool], prune: bool) {
    let unclaimed: Vec<&Live> = live
        .iter()
        .zip(claimed)
        .filter(|(_, c)| !**c)
        .map(|(l, _)| l)
        .collect();
    let owned = |l: &Live| owner::is_owned(&l.view);
    if !prune {
        out.prunable = unclaimed.iter().filter(|l| owned(l)).count();
        out.left_alone = unclaimed.len();
        return;
    }
    let mut deletes: Vec<&Live> = Vec::new();
    for l in unclaimed
        .iter()
        .filter(|l| l.noun != Noun::Gateway && owned(l))
    {
        deletes.push(l);
    }
    for g in unclaimed
        .iter()
        .filter(|l| l.noun == Noun::Gateway && owned(l))
    {
        let foreign = live
            .iter()
            .filter(|c| c.noun != Noun::Gateway && c.parent.as_deref() == Some(&g.id))
            .filter(|c| !owned(c) || claimed_id(live, claimed, &c.id))
            .count();
        if foreign > 0 {
            out.kept.push(format!(
                "gateway {} ({}) is kept: it holds {foreign} resource(s) that portico does not \
                 own or that the file still names",
                g.name.as_deref().unwrap_or("-"),
                g.id
            ));
        } else {
            deletes.push(g);
        }
    }
    out.left_alone = unclaimed.len() - deletes.len();
    for l in deletes {
        out.changes.push(Change {
            action: Action::Delete,
            noun: l.noun,
            kind: Some(l.kind.clone()),
            label: l.name.clone().unwrap_or_else(|| l.id.clone()),
            id: Some(l.id.clone()),
            under: l.parent.clone().map_or(Under::None, Under::Id),
            fields: Vec::new(),
            spec: Value::Null,
            desired: None,
        });
    }
}

fn claimed_id(live: &[Live], claimed: &[bool], id: &str) -> bool {
    live.iter().zip(claimed).any(|(l, c)| *c && l.id == id)
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
