//! The mapping noun: Napter port mappings (On-Demand Remote Access entries).
//!
//! An entry's parent, when it has one, is the SIM it forwards to (`--parent SIM`, the same as
//! the `sim-id` filter); an entry for an IMSI has none. Entries cannot be changed, have no
//! labels and no name: a create whose outcome is unknown cannot be looked up, and the error
//! says so.

use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{
    Error, Locator, Mapping, MappingPage, MappingSpec, NounDef, ParentRule, Query, Result, cursor,
    error, json,
};
use serde::{Deserialize, Serialize};

use crate::api;
use crate::catalog::{CATALOGUE, CREATE, DELETE, LIST, LIST_FOR_SIM, LIST_FOR_SUBSCRIBER};
use crate::records::{self, EntryId};
use crate::spec::{self, KIND};

/// The mapping noun: list, get, create and delete.
pub const MAPPINGS: NounDef<Mapping> = NounDef::child(ParentRule::Optional)
    .kinds(&[(
        KIND,
        "Napter entry: a public ipAddress:port forwarding to a port of a SIM's device for up \
         to 8 hours",
    )])
    .filters(&[
        ("sim-id", "entries created for this SIM id (one page)"),
        ("imsi", "entries created for this IMSI (one page)"),
    ])
    .unsupported_note("Soracom Napter cannot change an entry: delete it and create a new one")
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_delete(delete);

/// Most pages a lookup by id walks before giving up, as a guard against a key that never ends.
const MAX_LOOKUP_PAGES: usize = 1000;

/// Where a listing of all entries continues: the `last_evaluated_key` to send.
#[derive(Serialize, Deserialize)]
struct KeyCursor {
    key: String,
}

/// What a list asks for.
#[derive(Debug, PartialEq, Eq)]
enum Filter {
    All,
    Sim(String),
    Imsi(String),
}

/// Read the query's filters: `sim-id` (or the parent) or `imsi`, at most one of them (the SDK
/// has refused any other key).
fn filter(query: &Query) -> Result<Filter> {
    let mut sim = json::non_blank(query.parent_id.as_deref()).map(|s| s.trim().to_owned());
    let mut imsi = None;
    for (key, value) in &query.filters {
        let key = key.trim();
        let value = value.trim();
        if value.is_empty() {
            return Err(error::invalid_input_field(
                format!("filters.{key}"),
                format!("filter `{key}` needs a value"),
            ));
        }
        match key {
            "sim-id" => {
                if sim.as_deref().is_some_and(|s| s != value) {
                    return Err(error::invalid_input_field(
                        "filters.sim-id",
                        format!(
                            "filter `sim-id` `{value}` differs from the parent `{}`",
                            sim.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                sim = Some(value.to_owned());
            }
            "imsi" => imsi = Some(value.to_owned()),
            other => {
                return Err(error::invalid_input_field(
                    format!("filters.{other}"),
                    format!("unknown filter `{other}` (known: sim-id, imsi)"),
                ));
            }
        }
    }
    match (sim, imsi) {
        (Some(_), Some(_)) => Err(error::invalid_input_field(
            "filters.imsi",
            "filters `sim-id` and `imsi` cannot be combined: give one of them",
        )),
        (Some(sim), None) => Ok(Filter::Sim(sim)),
        (None, Some(imsi)) => Ok(Filter::Imsi(imsi)),
        (None, None) => Ok(Filter::All),
    }
}

/// One page of entries: all of them page by page, or those of one SIM or IMSI in one page.
fn list(query: Query) -> Result<MappingPage> {
    let cursor = json::non_blank(query.page.cursor.as_deref());
    match filter(&query)? {
        Filter::All => {
            let key = cursor
                .map(|text| cursor::decode::<KeyCursor>(text).map(|c| c.key))
                .transpose()?;
            let (docs, next) = list_page(query.page.limit, key.as_deref())?;
            let next = next
                .map(|key| cursor::encode(&KeyCursor { key }))
                .transpose()?;
            Ok(MappingPage {
                items: docs.iter().map(records::mapping).collect(),
                next,
                ahead: Vec::new(),
            })
        }
        filtered => {
            if cursor.is_some() {
                return Err(error::invalid_input_field(
                    "cursor",
                    "a `cursor` does not apply to a list filtered by `sim-id` or `imsi`: \
                     those lists have one page",
                ));
            }
            let docs = match filtered {
                Filter::Sim(sim) => list_for(LIST_FOR_SIM, "sim_id", &sim)?,
                Filter::Imsi(imsi) => list_for(LIST_FOR_SUBSCRIBER, "imsi", &imsi)?,
                Filter::All => Vec::new(),
            };
            Ok(MappingPage {
                items: docs.iter().map(records::mapping).collect(),
                next: None,
                ahead: Vec::new(),
            })
        }
    }
}

/// One page of `GET /port_mappings` and the key of the next page.
fn list_page(limit: Option<u32>, key: Option<&str>) -> Result<(Vec<Value>, Option<String>)> {
    let limit = limit.map(|l| l.max(1).to_string());
    let mut params = Vec::new();
    if let Some(limit) = &limit {
        params.push(("limit", limit.as_str()));
    }
    if let Some(key) = key {
        params.push(("last_evaluated_key", key));
    }
    let response = CATALOGUE.send(LIST, &params, None)?;
    Ok((
        json::array(response.json()?, "port mapping list")?,
        api::next_key(&response),
    ))
}

/// The entries of one SIM or IMSI; the API answers 404 when there are none.
fn list_for(op: &str, param: &str, value: &str) -> Result<Vec<Value>> {
    match CATALOGUE.call(op, &[(param, value)]) {
        Ok(doc) => json::array(doc, "port mapping list"),
        Err(Error::NotFound(_)) => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

/// Find an entry by its endpoint (Napter has no GET by id): among the SIM's entries when the
/// locator names a parent, else by walking every page of the full list.
fn get(target: Locator) -> Result<Mapping> {
    let id = EntryId::parse(&target.id)?;
    let matches = |doc: &&Value| EntryId::of(doc).as_ref() == Some(&id);
    if let Some(sim) = json::non_blank(target.parent_id.as_deref()) {
        let docs = list_for(LIST_FOR_SIM, "sim_id", sim.trim())?;
        return docs
            .iter()
            .find(matches)
            .map(records::mapping)
            .ok_or_else(|| not_found(&id));
    }
    let mut key: Option<String> = None;
    for _ in 0..MAX_LOOKUP_PAGES {
        let (docs, next) = list_page(None, key.as_deref())?;
        if let Some(doc) = docs.iter().find(matches) {
            return Ok(records::mapping(doc));
        }
        match next {
            Some(next) if key.as_deref() != Some(next.as_str()) => key = Some(next),
            _ => return Err(not_found(&id)),
        }
    }
    Err(error::provider(format!(
        "gave up looking for port mapping `{id}` after {MAX_LOOKUP_PAGES} pages"
    )))
}

fn not_found(id: &EntryId) -> Error {
    error::not_found(format!(
        "port mapping `{id}` not found (Napter entries are removed when they expire)"
    ))
}

/// Create an entry: the spec is checked completely before the request goes out.
fn create(spec: MappingSpec) -> Result<Mapping> {
    let request = spec::parse(&spec)?;
    let doc = CATALOGUE.call_with_body(CREATE, &[], &request.body())?;
    if EntryId::of(&doc).is_none() {
        return Err(error::provider(
            "Soracom answered the create request without the entry's ipAddress and port",
        ));
    }
    Ok(records::mapping(&doc))
}

/// Delete an entry by its endpoint.
fn delete(target: Locator) -> Result<()> {
    let id = EntryId::parse(&target.id)?;
    let port = id.port_text();
    CATALOGUE.send(
        DELETE,
        &[
            ("ip_address", id.ip_address.as_str()),
            ("port", port.as_str()),
        ],
        None,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Page;

    fn query(parent: Option<&str>, filters: &[(&str, &str)]) -> Query {
        Query {
            parent_id: parent.map(str::to_owned),
            kind: None,
            filters: filters
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            page: Page {
                limit: None,
                cursor: None,
            },
        }
    }

    #[test]
    fn filters_pick_the_endpoint() {
        assert_eq!(filter(&query(None, &[])).unwrap(), Filter::All);
        assert_eq!(
            filter(&query(None, &[("sim-id", "89")])).unwrap(),
            Filter::Sim("89".into())
        );
        assert_eq!(
            filter(&query(None, &[("sim-id", "89"), ("sim-id", "89")])).unwrap(),
            Filter::Sim("89".into())
        );
        assert_eq!(
            filter(&query(Some("89"), &[])).unwrap(),
            Filter::Sim("89".into())
        );
        assert_eq!(
            filter(&query(Some("89"), &[("sim-id", "89")])).unwrap(),
            Filter::Sim("89".into())
        );
        assert_eq!(
            filter(&query(None, &[("imsi", "4401")])).unwrap(),
            Filter::Imsi("4401".into())
        );
        for (parent, filters, field) in [
            (None, &[("sim-id", "1"), ("imsi", "2")][..], "`imsi`"),
            (None, &[("sim-id", "1"), ("sim-id", "2")][..], "`sim-id`"),
            (None, &[("status", "x")][..], "`status`"),
            (None, &[("imsi", " ")][..], "`imsi`"),
        ] {
            let err = filter(&query(parent, filters)).unwrap_err();
            assert!(err.message().contains(field), "{}", err.message());
        }
    }
}
