//! What the adapter said it can do (`noun-support`), checked before a call: an undeclared noun
//! or action is "not supported by this adapter" without calling it, and a kind, filter, parent
//! label or description the noun does not have is an input error naming what it does have.

use crate::error::input;
use crate::wit::adapter::{Action, Description, Noun, ParentRule};
use crate::wit::types::IpsecParams;
use crate::wit::{action_name, noun_name};
use anyhow::Result;

/// One call about to be made.
pub(crate) struct Call<'a> {
    /// The noun.
    pub noun: Noun,
    /// The action.
    pub action: Action,
    /// The kind asked for, if any.
    pub kind: Option<&'a str>,
    /// The parent given, if any.
    pub parent: Option<&'a str>,
    /// The list filters given.
    pub filters: &'a [(String, String)],
    /// Whether the spec sets labels.
    pub labels: bool,
    /// Whether the spec sets or clears the description.
    pub description: bool,
    /// The spec's IPSec parameters.
    pub ipsec: Option<&'a IpsecParams>,
}

/// Checks `call` against `description`. Adapters built for 0.1.0 declared no filters and were
/// not held to their kinds, so for them kinds and filters pass unchecked.
pub(crate) fn check(description: &Description, contract: &str, call: &Call<'_>) -> Result<()> {
    let adapter = &description.name;
    let noun = noun_name(call.noun);
    let action = action_name(call.action);
    let Some(support) = description
        .nouns
        .iter()
        .find(|s| s.noun == call.noun && s.actions.contains(&call.action))
    else {
        let all: Vec<String> = description
            .nouns
            .iter()
            .map(|s| {
                let actions: Vec<&str> = s.actions.iter().map(|a| action_name(*a)).collect();
                format!("{} {}", noun_name(s.noun), actions.join("/"))
            })
            .collect();
        return Err(input(format!(
            "{noun} {action} is not supported by adapter {adapter} (it supports: {})",
            if all.is_empty() {
                "only the operation catalogue".to_string()
            } else {
                all.join(", ")
            }
        )));
    };
    let legacy = contract == "0.1.0";
    if let Some(kind) = call.kind.filter(|_| !legacy) {
        let kinds: Vec<&str> = description
            .kinds
            .iter()
            .filter(|k| k.noun == call.noun)
            .map(|k| k.kind.as_str())
            .collect();
        if !kinds.contains(&kind) {
            return Err(input(format!(
                "adapter {adapter} has no {noun} kind {kind:?} (kinds: {})",
                if kinds.is_empty() {
                    "none".to_string()
                } else {
                    kinds.join(", ")
                }
            )));
        }
    }
    match (support.parent, call.parent) {
        (ParentRule::None, Some(_)) => {
            return Err(input(format!(
                "{noun}s of adapter {adapter} have no parent: leave out --gateway"
            )));
        }
        (ParentRule::Required, None) => {
            return Err(input(format!(
                "{noun} {action} with adapter {adapter} needs --gateway GATEWAY"
            )));
        }
        _ => {}
    }
    if !legacy {
        for (key, _) in call.filters {
            if !support.filters.iter().any(|f| f.key == *key) {
                let known: Vec<&str> = support.filters.iter().map(|f| f.key.as_str()).collect();
                return Err(input(format!(
                    "{noun} list of adapter {adapter} has no filter {key:?} (filters: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
    }
    if call.labels && !support.labels {
        return Err(input(format!(
            "{noun}s of adapter {adapter} have no labels: leave out --label"
        )));
    }
    if call.description && !legacy && !carries_description(description, call) {
        let of_kind = call
            .kind
            .map(|k| format!(" of kind {k}"))
            .unwrap_or_default();
        return Err(input(format!(
            "{noun}s{of_kind} of adapter {adapter} have no description: leave out --description"
        )));
    }
    if let Some(params) = call.ipsec.filter(|_| !legacy) {
        let supports: Vec<_> = description
            .kinds
            .iter()
            .filter(|k| k.noun == call.noun && call.kind.is_none_or(|kind| k.kind == kind))
            .filter_map(|k| k.ipsec.as_ref())
            .collect();
        let Some(support) = supports.first() else {
            return Err(input(format!(
                "{noun}s of adapter {adapter} have no typed IPSec parameters (give the                  provider's own in --properties)"
            )));
        };
        crate::ipsec::check(params, support, &description.provider)?;
    }
    Ok(())
}

/// Whether resources of the call's kind (or, without one, of some kind of the noun) carry a
/// description.
pub(crate) fn carries_description(description: &Description, call: &Call<'_>) -> bool {
    description
        .kinds
        .iter()
        .filter(|k| k.noun == call.noun && call.kind.is_none_or(|kind| k.kind == kind))
        .any(|k| k.descriptions)
}
