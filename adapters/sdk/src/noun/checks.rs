//! The checks [`NounDef`](super::NounDef) makes before an adapter function runs (see the parent
//! module). They read only what a noun declares ([`Rules`]) and a [`SpecView`], so they are
//! compiled once for every noun.

use super::{Rules, missing_parent, noun_name};
use crate::{Error, Locator, ParentRule, Query, Result, Spec, error, json};

/// What the checks read of a spec.
pub(super) struct SpecView<'a> {
    kind: Option<&'a str>,
    parent: Option<&'a str>,
    has_labels: bool,
    has_description: bool,
    ipsec: Option<&'a crate::IpsecParams>,
    clear: &'a [String],
    fields: &'static [&'static str],
    set: Vec<&'static str>,
}

/// The view of `spec`.
pub(super) fn view<S: Spec>(spec: &S) -> SpecView<'_> {
    SpecView {
        kind: spec.kind(),
        parent: spec.parent_id(),
        has_labels: !spec.labels().is_empty(),
        has_description: spec.is_set("description"),
        ipsec: spec.ipsec(),
        clear: spec.clear(),
        fields: S::FIELDS,
        set: S::FIELDS
            .iter()
            .copied()
            .filter(|f| spec.is_set(f))
            .collect(),
    }
}

impl SpecView<'_> {
    fn clears(&self, field: &str) -> bool {
        self.clear.iter().any(|c| c.trim() == field)
    }
}

impl Rules {
    fn name(&self) -> &'static str {
        noun_name(self.noun)
    }

    /// `unsupported` for `action`, with the noun's note.
    pub(super) fn unsupported(&self, action: &str) -> Error {
        let err = error::unsupported(format_args!("{}.{action}", self.name()));
        match self.unsupported_note {
            Some(note) => err.with_note(note),
            None => err,
        }
    }

    /// A query's filters, kind and parent; the kind and parent are left trimmed (or none).
    pub(super) fn check_query(&self, query: &mut Query) -> Result<()> {
        self.check_filters(&query.filters)?;
        query.kind = self.check_kind(query.kind.take())?;
        query.parent_id = self.check_parent(query.parent_id.take())?;
        Ok(())
    }

    /// A locator's kind and parent, left trimmed (or none).
    pub(super) fn check_locator(&self, target: &mut Locator) -> Result<()> {
        target.kind = self.check_kind(target.kind.take())?;
        target.parent_id = self.check_parent(target.parent_id.take())?;
        Ok(())
    }

    /// A create spec: declared kind, parent as the rule says, labels and description only where
    /// declared, no `clear`.
    pub(super) fn check_create(&self, spec: &SpecView<'_>) -> Result<()> {
        self.check_kind(spec.kind.map(str::to_owned))?;
        self.check_parent(spec.parent.map(str::to_owned))?;
        self.check_labels(spec)?;
        if let Some(field) = spec.clear.first() {
            return Err(error::invalid_input_field(
                "clear",
                format!("`clear` applies to updates only (got `{field}` on create)"),
            ));
        }
        self.check_description(spec)?;
        self.check_ipsec(spec)
    }

    /// An update: the locator's and the spec's kind and parent agree (and are merged into the
    /// locator), labels only where declared, `clear` names typed fields the spec does not set.
    pub(super) fn check_update(&self, target: &mut Locator, spec: &SpecView<'_>) -> Result<()> {
        let locator_kind = self.check_kind(target.kind.take())?;
        let spec_kind = self.check_kind(spec.kind.map(str::to_owned))?;
        if let (Some(a), Some(b)) = (&locator_kind, &spec_kind)
            && a != b
        {
            return Err(error::invalid_input_field(
                "kind",
                format!("`kind` cannot change from `{a}` to `{b}`"),
            ));
        }
        target.kind = locator_kind.or(spec_kind);
        let given = json::non_blank(target.parent_id.as_deref()).map(str::trim);
        let in_spec = json::non_blank(spec.parent).map(str::trim);
        if let (Some(a), Some(b)) = (given, in_spec)
            && a != b
        {
            return Err(error::invalid_input_field(
                "parent-id",
                format!(
                    "`parent-id` `{b}` differs from the parent `{a}`: a {} cannot move to \
                     another gateway",
                    self.name()
                ),
            ));
        }
        let parent = given.or(in_spec).map(str::to_owned);
        target.parent_id = self.check_parent(parent)?;
        self.check_labels(spec)?;
        self.check_description(spec)?;
        self.check_ipsec(spec)?;
        self.check_clear(spec)
    }

    /// The resource a create makes, for messages.
    pub(super) fn created(&self, name: Option<&str>, parent: Option<&str>) -> String {
        let under = parent
            .map(|p| format!(" of gateway `{p}`"))
            .unwrap_or_default();
        match name {
            Some(name) => format!("{} `{name}`{under}", self.name()),
            None => format!("the new {}{under}", self.name()),
        }
    }

    /// A declared kind (trimmed), or none.
    fn check_kind(&self, kind: Option<String>) -> Result<Option<String>> {
        let Some(kind) = json::non_blank(kind.as_deref()).map(str::trim) else {
            return Ok(None);
        };
        if self.kinds.iter().any(|(k, _)| *k == kind) {
            return Ok(Some(kind.to_owned()));
        }
        let names: Vec<String> = self.kinds.iter().map(|(k, _)| format!("`{k}`")).collect();
        let message = match names.split_last() {
            None => format!("a {} has no kinds, got `{kind}`", self.name()),
            Some((last, [])) => format!("`kind` of a {} must be {last}, got `{kind}`", self.name()),
            Some((last, rest)) => format!(
                "`kind` of a {} must be {} or {last}, got `{kind}`",
                self.name(),
                rest.join(", ")
            ),
        };
        Err(error::invalid_input_field("kind", message))
    }

    /// The parent id (trimmed) as the parent rule allows it.
    fn check_parent(&self, parent: Option<String>) -> Result<Option<String>> {
        let parent = json::non_blank(parent.as_deref()).map(|p| p.trim().to_owned());
        match (self.parent, &parent) {
            (ParentRule::None, Some(given)) => Err(error::invalid_input_field(
                "parent-id",
                format!(
                    "`parent-id` does not apply: a {} has no parent (got `{given}`)",
                    self.name()
                ),
            )),
            (ParentRule::Required, None) => Err(missing_parent(self.name())),
            _ => Ok(parent),
        }
    }

    fn check_filters(&self, filters: &[(String, String)]) -> Result<()> {
        let Some((key, _)) = filters
            .iter()
            .find(|(key, _)| !self.filters.iter().any(|(k, _)| *k == key.trim()))
        else {
            return Ok(());
        };
        let field = format!("filters.{}", key.trim());
        if self.filters.is_empty() {
            return Err(error::invalid_input_field(
                field,
                format!(
                    "`filters` are not supported when listing {}s (got `{key}`)",
                    self.name()
                ),
            ));
        }
        let known: Vec<String> = self.filters.iter().map(|(k, _)| format!("`{k}`")).collect();
        Err(error::invalid_input_field(
            field,
            format!("unknown filter `{key}` (known: {})", known.join(", ")),
        ))
    }

    fn check_labels(&self, spec: &SpecView<'_>) -> Result<()> {
        if self.labels || (!spec.has_labels && !spec.clears("labels")) {
            return Ok(());
        }
        Err(error::invalid_input_field(
            "labels",
            format!(
                "`labels` are not supported: this provider's {}s have no labels",
                self.name()
            ),
        ))
    }

    /// A description only where the spec's kind carries one. Without a kind (the adapter
    /// picks one) it passes when some kind does.
    fn check_description(&self, spec: &SpecView<'_>) -> Result<()> {
        if !spec.has_description && !spec.clears("description") {
            return Ok(());
        }
        let carried = match json::non_blank(spec.kind).map(str::trim) {
            Some(kind) => self.descriptions.of(kind),
            None => self.kinds.iter().any(|(k, _)| self.descriptions.of(k)),
        };
        if carried {
            return Ok(());
        }
        Err(error::invalid_input_field(
            "description",
            format!(
                "`description` is not supported: this provider's {}s have no description",
                self.name()
            ),
        ))
    }

    fn check_ipsec(&self, spec: &SpecView<'_>) -> Result<()> {
        match (spec.ipsec, self.ipsec) {
            (None, _) => Ok(()),
            (Some(params), Some(support)) => support.check(params),
            (Some(_), None) => Err(error::invalid_input_field(
                "ipsec",
                format!(
                    "`ipsec` is not supported: this adapter's {}s have no typed IPSec parameters",
                    self.name()
                ),
            )),
        }
    }

    fn check_clear(&self, spec: &SpecView<'_>) -> Result<()> {
        for field in spec.clear.iter().map(|f| f.trim()) {
            if !spec.fields.contains(&field) {
                return Err(error::invalid_input_field(
                    "clear",
                    format!(
                        "`clear` names `{field}`, which is not a field of a {} (fields: {})",
                        self.name(),
                        spec.fields.join(", ")
                    ),
                ));
            }
            if spec.set.contains(&field) {
                return Err(error::invalid_input_field(
                    field,
                    format!("`{field}` is both set and named in `clear`"),
                ));
            }
        }
        Ok(())
    }
}
