//! portico's ownership marker: what `apply` sets on what it creates, so that `--prune` deletes
//! only that. Where a noun has labels the marker is the label `managed-by=portico`; where its
//! kind has a description (and no labels), the description ends with `(managed-by=portico)`;
//! elsewhere there is no marker and nothing is ever pruned. Adapters built for 0.1.0 get no
//! marker.

use super::diff::Rules;
use crate::wit::adapter::{Description, Noun};
use serde_json::Value;

/// The marker label's key.
pub(crate) const LABEL_KEY: &str = "managed-by";
/// The marker label's value.
pub(crate) const LABEL_VALUE: &str = "portico";
/// The marker as description text.
const TEXT: &str = "managed-by=portico";

/// Where a noun's marker goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// The label `managed-by=portico`.
    Label,
    /// The end of the description.
    Description,
    /// Nowhere: never pruned.
    None,
}

impl Marker {
    /// For people (`portico plan` notes, the adapters' documentation).
    pub(crate) fn text(self) -> &'static str {
        match self {
            Marker::Label => "label managed-by=portico",
            Marker::Description => "description ending in (managed-by=portico)",
            Marker::None => "none (never pruned)",
        }
    }
}

/// `description` with the marker at its end.
pub(crate) fn mark_description(description: Option<&str>) -> String {
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) if has_mark(d) => d.to_string(),
        Some(d) => format!("{d} ({TEXT})"),
        None => TEXT.to_string(),
    }
}

fn has_mark(description: &str) -> bool {
    let d = description.trim_end();
    d == TEXT || d.ends_with(&format!("({TEXT})"))
}

/// Whether a listed resource (its CLI view) carries the marker.
pub(crate) fn is_owned(view: &Value) -> bool {
    view["labels"][LABEL_KEY].as_str() == Some(LABEL_VALUE)
        || view["description"].as_str().is_some_and(has_mark)
}

/// The markers an adapter's description allows.
pub(crate) struct Declared<'a> {
    /// What the adapter said.
    pub description: &'a Description,
    /// Its contract version.
    pub contract: &'a str,
}

impl Declared<'_> {
    /// The marker of `noun` resources (of any kind), for `adapter inspect`.
    pub(crate) fn marker_of(&self, noun: Noun) -> Marker {
        self.marker(noun, None)
    }
}

impl Rules for Declared<'_> {
    fn marker(&self, noun: Noun, kind: Option<&str>) -> Marker {
        if self.contract == "0.1.0" {
            return Marker::None;
        }
        if self
            .description
            .nouns
            .iter()
            .any(|n| n.noun == noun && n.labels)
        {
            return Marker::Label;
        }
        let mut kinds = self
            .description
            .kinds
            .iter()
            .filter(|k| k.noun == noun && kind.is_none_or(|kind| k.kind == kind))
            .peekable();
        if kinds.peek().is_some() && kinds.all(|k| k.descriptions) {
            Marker::Description
        } else {
            Marker::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_description_marker_is_added_once_and_recognised() {
        assert_eq!(mark_description(None), "managed-by=portico");
        assert_eq!(
            mark_description(Some("office")),
            "office (managed-by=portico)"
        );
        let marked = mark_description(Some("office"));
        assert_eq!(mark_description(Some(&marked)), marked);
        assert!(is_owned(&json!({"description": marked})));
        assert!(is_owned(&json!({"labels": {"managed-by": "portico"}})));
        assert!(!is_owned(&json!({"description": "office", "labels": {}})));
        assert!(!is_owned(&json!({"labels": {"managed-by": "terraform"}})));
    }
}
