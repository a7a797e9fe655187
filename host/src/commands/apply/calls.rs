//! The noun-generic calls `plan` and `apply` make: each picks the [`Resource`] of a noun at
//! run time and speaks in [`Live`] records and spec JSON.

use super::diff::Live;
use crate::commands::paging::paginate;
use crate::commands::resource::{Resource, SpecJson, poll_gone, poll_ready};
use crate::runtime::Session;
use crate::wit::adapter::Noun;
use crate::wit::types;
use anyhow::Result;
use serde_json::Value;
use std::time::Duration;

fn live<R: Resource>(r: &R) -> Live {
    let l = r.locator();
    let view = r.view();
    Live {
        noun: R::CONTRACT_NOUN,
        id: l.id,
        parent: l.parent_id,
        kind: l.kind.unwrap_or_default(),
        name: view["name"].as_str().map(String::from),
        view,
    }
}

async fn list<R: Resource>(s: &mut Session, parent: Option<String>) -> Result<Vec<Live>> {
    let adapter = s.name().to_string();
    let mut query = types::Query {
        parent_id: parent,
        kind: None,
        filters: Vec::new(),
        page: types::Page {
            limit: None,
            cursor: None,
        },
    };
    let pages = paginate(&adapter, None, true, async |cursor| {
        query.page.cursor = cursor;
        let page = R::list(s, &query).await?;
        Ok((page.items.iter().map(live).collect::<Vec<_>>(), page.next))
    })
    .await?;
    Ok(pages.items)
}

/// One create, update or delete, as the executor runs it.
pub(crate) struct Call {
    /// The noun.
    pub noun: Noun,
    /// What to do.
    pub op: Op,
    /// The parent's id.
    pub parent: Option<String>,
    /// Poll until ready (create, update) or gone (delete) afterwards.
    pub wait: bool,
    /// How long to poll.
    pub timeout: Duration,
}

/// The operation of a [`Call`].
pub(crate) enum Op {
    /// Create from the spec, with these secret inputs.
    Create(Value, Vec<types::SecretInput>),
    /// Update the resource (id, kind) to the spec.
    Update(String, String, Value, Vec<types::SecretInput>),
    /// Delete the resource (id, kind).
    Delete(String, String),
}

impl Call {
    fn what(&self) -> String {
        format!("{} spec", crate::wit::noun_name(self.noun))
    }
}

async fn call<R: Resource>(s: &mut Session, c: Call) -> Result<Option<Live>> {
    let what = c.what();
    match c.op {
        Op::Create(spec, secrets) => {
            let spec = R::Spec::from_json(&spec, &what, c.parent.clone(), secrets)?;
            let created = R::create(s, &spec).await?;
            if !c.wait {
                return Ok(Some(live(&created)));
            }
            let ready: R = poll_ready(s, &created.locator(), c.timeout, false).await?;
            Ok(Some(live(&ready)))
        }
        Op::Update(id, kind, spec, secrets) => {
            let spec = R::Spec::from_json(&spec, &what, c.parent.clone(), secrets)?;
            let locator = types::Locator {
                id,
                parent_id: c.parent,
                kind: Some(kind),
            };
            let updated = R::update(s, &locator, &spec).await?;
            if !c.wait {
                return Ok(Some(live(&updated)));
            }
            let ready: R = poll_ready(s, &locator, c.timeout, false).await?;
            Ok(Some(live(&ready)))
        }
        Op::Delete(id, kind) => {
            let locator = types::Locator {
                id,
                parent_id: c.parent,
                kind: Some(kind),
            };
            R::delete(s, &locator).await?;
            if c.wait {
                poll_gone::<R>(s, &locator, c.timeout, false).await?;
            }
            Ok(None)
        }
    }
}

/// Every resource of `noun` (every page), under `parent` when given.
pub(crate) async fn list_all(
    s: &mut Session,
    noun: Noun,
    parent: Option<String>,
) -> Result<Vec<Live>> {
    match noun {
        Noun::Gateway => list::<types::Gateway>(s, parent).await,
        Noun::Tunnel => list::<types::Tunnel>(s, parent).await,
        Noun::Peer => list::<types::Peer>(s, parent).await,
        Noun::Mapping => list::<types::Mapping>(s, parent).await,
    }
}

/// Runs one call; a create or update returns the resource as it then is.
pub(crate) async fn run(s: &mut Session, c: Call) -> Result<Option<Live>> {
    match c.noun {
        Noun::Gateway => call::<types::Gateway>(s, c).await,
        Noun::Tunnel => call::<types::Tunnel>(s, c).await,
        Noun::Peer => call::<types::Peer>(s, c).await,
        Noun::Mapping => call::<types::Mapping>(s, c).await,
    }
}
