//! Changes whose outcome is unknown: find out what happened before reporting a failure.
//!
//! The host does not re-send a create (POST) that may have reached the provider: when the
//! connection broke after the request went out, or the provider answered 5xx, it passes the
//! failure on (`host-error.transport` with `maybe-processed`, or `provider` with a 5xx status).
//! The resource may exist now. Reporting a failure would make the user (or a script) create it a
//! second time, so:
//!
//! - a **create** looks the resource up by its natural key: by the id the provider derives from
//!   the input (an address, a key), or by name among its siblings (where the provider allows
//!   duplicate names, only a name no other sibling has counts). When it exists, it is returned as if the create had answered. Where the
//!   provider has no natural key, the error says so and names the resource to check.
//! - a **delete** gets the resource: `not-found` (or a resource already `deleting`) means the
//!   delete happened.
//!
//! [`NounDef`](crate::NounDef) does both for every adapter, from what the noun declares
//! (`unique_names`, `id_from_spec`) and its own `list` and `get`; the functions here are public
//! for adapters whose create makes several changes.
//!
//! ```
//! use portico_adapter_sdk::{reconcile, testing, Error, Gateway, State};
//! # fn gateway(id: &str, name: &str) -> Gateway { Gateway { id: id.into(), kind: "k".into(),
//! #   name: Some(name.into()), description: None, state: State::Available,
//! #   provider_state: String::new(), public_addresses: vec![], networks: vec![], labels: vec![],
//! #   created_at: None, raw: "{}".into(), wireguard: None } }
//! let lost = || Err(Error::Host(testing::lost_response()));
//! let found = reconcile::create(lost, reconcile::Lookup::find("gateway `edge`".into(), || {
//!     reconcile::find_by_name("edge", |_cursor| Ok((vec![gateway("g1", "edge")], None)))
//! }));
//! assert_eq!(found.unwrap().id, "g1");
//! ```

use crate::{Error, HostError, Record, Result, State, error, log};

/// Most pages [`find_by_name`] reads before giving up.
const MAX_PAGES: usize = 1000;

/// Whether `err` leaves the outcome of a change unknown: a transport failure after the request
/// may have been sent, or a provider 5xx.
pub fn outcome_unknown(err: &Error) -> bool {
    match err {
        Error::Host(HostError::Transport(failure)) => failure.maybe_processed,
        Error::Provider(problem) => problem.status.is_some_and(|status| status >= 500),
        _ => false,
    }
}

/// How a resource whose create had an unknown outcome is found again.
pub enum Lookup<'a, R> {
    /// Run `find`: `Ok(Some)` when the resource exists, `Ok(None)` when it does not.
    Find {
        /// The resource, for messages (`tunnel `t1` of gateway `g1``).
        what: String,
        /// The lookup.
        find: Box<dyn FnOnce() -> Result<Option<R>> + 'a>,
    },
    /// The provider offers no natural key to find it by.
    NoKey {
        /// The resource, for messages.
        what: String,
    },
}

impl<'a, R> Lookup<'a, R> {
    /// A lookup with `find`.
    pub fn find(what: String, find: impl FnOnce() -> Result<Option<R>> + 'a) -> Self {
        Lookup::Find {
            what,
            find: Box::new(find),
        }
    }
}

/// Run `attempt`; when its outcome is unknown, return the resource `lookup` finds, or the
/// original error with a note saying what was looked for and what to do.
pub fn create<R>(attempt: impl FnOnce() -> Result<R>, lookup: Lookup<'_, R>) -> Result<R> {
    let err = match attempt() {
        Err(err) if outcome_unknown(&err) => err,
        other => return other,
    };
    match lookup {
        Lookup::NoKey { what } => Err(err.with_note(format!(
            "the outcome is unknown, and the provider has no natural key to find {what} by \
             (names need not be unique): check whether it exists before creating it again"
        ))),
        Lookup::Find { what, find } => match find() {
            Ok(Some(found)) => {
                log::info(&format!(
                    "the create of {what} had an unknown outcome ({}); it exists, so it is \
                     returned",
                    err.message()
                ));
                Ok(found)
            }
            Ok(None) => Err(err.with_note(format!(
                "looked for {what} afterwards and did not find it, so it was most likely not \
                 created"
            ))),
            Err(lookup) => Err(err.with_note(format!(
                "the outcome is unknown, and looking for {what} failed too ({}): check whether \
                 it exists before creating it again",
                lookup.message()
            ))),
        },
    }
}

/// Run `attempt`, a delete of `what`; when its outcome is unknown, `get` the resource:
/// `not-found`, or a resource already being deleted, means the delete happened.
pub fn delete<R: Record>(
    what: &str,
    attempt: impl FnOnce() -> Result<()>,
    get: Option<impl FnOnce() -> Result<R>>,
) -> Result<()> {
    let err = match attempt() {
        Err(err) if outcome_unknown(&err) => err,
        other => return other,
    };
    let Some(get) = get else {
        return Err(err.with_note(format!(
            "the outcome is unknown: check whether {what} still exists"
        )));
    };
    match get() {
        Err(gone) if gone.is_not_found() => Ok(()),
        Ok(found) if found.state() == State::Deleting => Ok(()),
        Ok(_) => Err(err.with_note(format!(
            "{what} still exists afterwards, so it was not deleted"
        ))),
        Err(lookup) => Err(err.with_note(format!(
            "the outcome is unknown, and looking for {what} failed too ({}): check whether it \
             still exists",
            lookup.message()
        ))),
    }
}

/// The first resource named `name` among the pages `page` returns (called with the cursor of
/// each next page, `None` first), reading every page.
pub fn find_by_name<R: Record>(
    name: &str,
    page: impl FnMut(Option<String>) -> Result<(Vec<R>, Option<String>)>,
) -> Result<Option<R>> {
    Ok(all_named(name, page)?.into_iter().next())
}

/// The one resource named `name`, where the provider allows duplicate names: `None` when there
/// is none, and an error when several share the name, since then which one the create made
/// cannot be told.
pub fn find_only_by_name<R: Record>(
    name: &str,
    page: impl FnMut(Option<String>) -> Result<(Vec<R>, Option<String>)>,
) -> Result<Option<R>> {
    let mut found = all_named(name, page)?;
    if found.len() > 1 {
        return Err(error::conflict(format!(
            "{} resources are named `{}` (the provider allows duplicate names), so which one              the create made cannot be told",
            found.len(),
            name.trim()
        )));
    }
    Ok(found.pop())
}

/// Every resource named `name`, reading every page.
fn all_named<R: Record>(
    name: &str,
    mut page: impl FnMut(Option<String>) -> Result<(Vec<R>, Option<String>)>,
) -> Result<Vec<R>> {
    let name = name.trim();
    let mut cursor: Option<String> = None;
    let mut found = Vec::new();
    for _ in 0..MAX_PAGES {
        let (items, next) = page(cursor.clone())?;
        found.extend(
            items
                .into_iter()
                .filter(|item| item.name().map(str::trim) == Some(name)),
        );
        match next {
            Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
            _ => return Ok(found),
        }
    }
    Err(error::provider(format!(
        "gave up looking for `{name}` after {MAX_PAGES} pages"
    )))
}
