//! Desired against live: which resource of the file is which live resource, and what would
//! change. Pure: no adapter is called here, so every rule is unit-tested.
//!
//! A desired resource matches the live one of the same noun and parent whose name is its name
//! (and whose kind is its kind, when the file gives one); a resource without a name matches by
//! the field that identifies it (a peer's public key or endpoint, a mapping's destination, a
//! tunnel's remote address, a gateway's public address). Fields the file leaves out are not
//! compared; lists compare as sets; labels and properties compare by the keys the file gives.

use super::compare::{self, field, same};
use super::file::{Desired, Field, Parent};
use super::owner::{self, Marker};
use crate::error::input;
use crate::wit::adapter::Noun;
use anyhow::Result;
use serde_json::Value;

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
                let (spec, fields) = compare::create(d, marker);
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
                let (action, spec, fields) = match compare::update(d, l, marker) {
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
