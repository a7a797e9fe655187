//! The checks [`NounDef`] makes before an adapter function runs, and how it finds a created
//! resource again (see the parent module).

use super::{NounDef, missing_parent};
use crate::{Locator, ParentRule, Query, Record, Result, Spec, error, json, reconcile};

impl<R: Record> NounDef<R> {
    pub(super) fn check_locator(&self, mut target: Locator) -> Result<Locator> {
        target.kind = self.check_kind(target.kind.take())?;
        target.parent_id = self.check_parent(target.parent_id.take())?;
        Ok(target)
    }

    /// A declared kind (trimmed), or none.
    pub(super) fn check_kind(&self, kind: Option<String>) -> Result<Option<String>> {
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
    pub(super) fn check_parent(&self, parent: Option<String>) -> Result<Option<String>> {
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

    pub(super) fn check_filters(&self, filters: &[(String, String)]) -> Result<()> {
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

    pub(super) fn check_labels(&self, spec: &R::Spec) -> Result<()> {
        if self.labels || (spec.labels().is_empty() && !spec.clears("labels")) {
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

    pub(super) fn check_clear(&self, spec: &R::Spec) -> Result<()> {
        for field in spec.clear().iter().map(|f| f.trim()) {
            if !R::Spec::FIELDS.contains(&field) {
                return Err(error::invalid_input_field(
                    "clear",
                    format!(
                        "`clear` names `{field}`, which is not a field of a {} (fields: {})",
                        self.name(),
                        R::Spec::FIELDS.join(", ")
                    ),
                ));
            }
            if spec.is_set(field) {
                return Err(error::invalid_input_field(
                    field,
                    format!("`{field}` is both set and named in `clear`"),
                ));
            }
        }
        Ok(())
    }

    /// How a created resource is found again when the create's outcome is unknown.
    pub(super) fn lookup<'a>(&'a self, spec: &R::Spec) -> reconcile::Lookup<'a, R> {
        let name = json::non_blank(spec.name()).map(|n| n.trim().to_owned());
        let parent = json::non_blank(spec.parent_id()).map(|p| p.trim().to_owned());
        let kind = json::non_blank(spec.kind()).map(|k| k.trim().to_owned());
        let under = parent
            .as_deref()
            .map(|p| format!(" of gateway `{p}`"))
            .unwrap_or_default();
        let what = match &name {
            Some(name) => format!("{} `{name}`{under}", self.name()),
            None => format!("the new {}{under}", self.name()),
        };
        if let (Some(id_of), Some(get)) = (self.id_from_spec, self.get)
            && let Some(id) = id_of(spec)
        {
            let locator = Locator {
                id,
                parent_id: parent,
                kind,
            };
            return reconcile::Lookup::find(what, move || match get(locator) {
                Ok(found) => Ok(Some(found)),
                Err(err) if err.is_not_found() => Ok(None),
                Err(err) => Err(err),
            });
        }
        match (self.unique_names, name, self.list) {
            (true, Some(name), Some(list)) => reconcile::Lookup::find(what, move || {
                reconcile::find_by_name(&name, |cursor| {
                    let query = Query {
                        parent_id: parent.clone(),
                        kind: kind.clone(),
                        filters: Vec::new(),
                        page: crate::Page {
                            limit: None,
                            cursor,
                        },
                    };
                    list(query).map(R::into_parts)
                })
            }),
            _ => reconcile::Lookup::NoKey { what },
        }
    }
}
