//! The Soracom API (`/v1/...`): authentication ([`auth`]), Virtual Private Gateways with their
//! filters, Gate, Junction, Peek and Canal ([`vpg`], [`filter`], [`gate`], [`junction`],
//! [`peek`], [`canal`]) and Napter port mappings ([`napter`]), served at the real paths under
//! `/v1`.
//!
//! This module owns the shared pieces: the router, the flat `{code, message}` error body,
//! `limit` / `last_evaluated_key` paging with the `x-soracom-next-key` header, JSON bodies and
//! identifiers.
//!
//! Choices where the provider documents nothing (all invented):
//! - Error codes: three letters and four digits as on the real service, but the values are the
//!   emulator's own (`AUM` authentication, `COM` generic request errors, `VPG` gateways, `NPT`
//!   Napter). Messages are English only; `X-Soracom-Lang` is ignored.
//! - Paging: the default page size is 10 (documented only for packet capture sessions), any
//!   `limit` of 1 or more is accepted, and items come in a stable order: gateways and capture
//!   sessions by id (ids grow with creation), IP address map entries by key, Napter entries by
//!   address then port. `last_evaluated_key` resumes after the given key even if that item has
//!   gone since; an empty value or `null` means the first page.
//! - Unknown paths under `/v1` answer 404 before any credential check.

mod auth;
mod canal;
mod filter;
mod gate;
mod junction;
mod napter;
mod net;
mod peek;
mod vpg;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::Shared;

/// Path prefix of every Soracom operation.
const PREFIX: &str = "/v1";
/// Page size when a paginated list gets no `limit`.
const DEFAULT_LIMIT: usize = 10;
/// Response header carrying the key to send back as `last_evaluated_key`.
const NEXT_KEY: &str = "x-soracom-next-key";

/// Whether `path` belongs to the Soracom API (decides the dialect of error bodies).
pub(crate) fn owns(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The emulator's code for an error that has no more specific one.
fn generic_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "COM0001",
        401 => "AUM0002",
        403 => "COM0003",
        404 => "COM0004",
        405 => "COM0005",
        409 => "COM0009",
        413 => "COM0013",
        429 => "COM0029",
        500..=599 => "COM0050",
        _ => "COM0000",
    }
}

/// A Soracom error body: `{"code": "COM0004", "message": "..."}`.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    ApiError::new(status, generic_code(status), message).into_response()
}

/// A failed request, rendered as a flat `{code, message}` body.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with the generic validation code.
    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "COM0001", message)
    }

    /// 400 for a request that is well-formed but not allowed in the current state.
    fn state(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VPG0002", message)
    }

    /// 404 for a missing item below a gateway (or a missing Napter entry).
    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "COM0004", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// Everything the Soracom API keeps: issued credentials, gateways and Napter entries.
pub(crate) struct Store {
    operator_id: String,
    tokens: auth::Tokens,
    vpgs: vpg::Gateways,
    napter: napter::Mappings,
    /// Source of ids that sort in creation order; never reset, so ids are never reused.
    sequence: u64,
}

impl Default for Store {
    fn default() -> Self {
        let digits: u64 = rand::random_range(0..100_000_000);
        Store {
            operator_id: format!("OP00{digits:08}"),
            tokens: auth::Tokens::default(),
            vpgs: vpg::Gateways::default(),
            napter: napter::Mappings::default(),
            sequence: 0,
        }
    }
}

impl Store {
    /// Forgets gateways, Napter entries and the token-uses switch. Issued credentials stay
    /// valid: like the IONOS tokens they are credentials, not resources (see
    /// [`Store::expire_tokens`] to drop them).
    pub(crate) fn clear(&mut self) {
        self.vpgs = vpg::Gateways::default();
        self.napter = napter::Mappings::default();
        self.tokens.set_uses(None);
    }

    /// The operator every resource belongs to.
    pub(crate) fn operator_id(&self) -> &str {
        &self.operator_id
    }

    /// Revokes every API key and token issued so far.
    pub(crate) fn expire_tokens(&mut self) {
        self.tokens.revoke_all();
    }

    /// Tokens issued from now on expire after this many authenticated requests.
    pub(crate) fn set_token_uses(&mut self, uses: Option<u32>) {
        self.tokens.set_uses(uses);
    }

    /// The current token-uses switch.
    pub(crate) fn token_uses(&self) -> Option<u32> {
        self.tokens.uses()
    }
}

/// A UUID-shaped id whose first group is the bumped `sequence`, so ids sort by creation.
fn next_id(sequence: &mut u64) -> String {
    *sequence += 1;
    let random: u128 = rand::random();
    let tail = format!("{random:032x}");
    format!(
        "{:08x}-{}-4{}-{}-{}",
        *sequence,
        &tail[0..4],
        &tail[4..7],
        &tail[7..11],
        &tail[11..23]
    )
}

/// `<prefix>-` followed by 17 random lowercase hex digits, the shape of AWS resource ids.
fn aws_id(prefix: &str) -> String {
    let random: u128 = rand::random();
    let hex = format!("{random:032x}");
    format!("{prefix}-{}", &hex[..17])
}

/// Every operation, with the credential check on all but `POST /v1/auth`.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let protected = Router::new()
        .merge(auth::protected_routes())
        .merge(vpg::routes())
        .merge(filter::routes())
        .merge(gate::routes())
        .merge(junction::routes())
        .merge(peek::routes())
        .merge(canal::routes())
        .merge(napter::routes())
        .route_layer(from_fn_with_state(shared, auth::authenticate));
    Router::new()
        .nest(PREFIX, protected.merge(auth::public_routes()))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("method {method} is not allowed on {}", uri.path());
    error_response(StatusCode::METHOD_NOT_ALLOWED, &message)
}

/// Unix time in milliseconds, the unit of Soracom's `*Time` integer fields.
fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Parses a required JSON body into `T`.
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("a JSON request body is required"));
    }
    serde_json::from_slice(bytes)
        .map_err(|err| ApiError::bad_request(format!("invalid request body: {err}")))
}

/// Parses an optional JSON body; an empty body yields `T::default()`.
fn optional_body<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    body(bytes)
}

/// A `200 OK` JSON response.
fn ok(value: Value) -> Response {
    axum::Json(value).into_response()
}

/// A response with `status` and a JSON body.
fn with_status(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// The `limit` and `last_evaluated_key` of a paginated list.
struct Paging {
    limit: usize,
    after: Option<String>,
}

impl Paging {
    fn parse(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::bad_request("limit must be an integer of 1 or more"))?,
        };
        let after = query
            .get("last_evaluated_key")
            .filter(|key| !key.is_empty() && key.as_str() != "null")
            .cloned();
        Ok(Paging { limit, after })
    }

    /// One page of `items` (sorted by their `K`): those after `after` (already parsed into
    /// the sort key), at most `limit`, with `x-soracom-next-key` when more remain.
    fn respond<K: Ord>(&self, items: Vec<(K, String, Value)>, after: Option<&K>) -> Response {
        let mut remaining: Vec<(K, String, Value)> = items
            .into_iter()
            .filter(|(sort, _, _)| after.is_none_or(|after| sort > after))
            .collect();
        remaining.sort_by(|a, b| a.0.cmp(&b.0));
        let more = remaining.len() > self.limit;
        remaining.truncate(self.limit);
        let next = remaining
            .last()
            .filter(|_| more)
            .map(|(_, key, _)| key.clone());
        let page: Vec<Value> = remaining.into_iter().map(|(_, _, value)| value).collect();
        let mut response = ok(Value::Array(page));
        if let Some(value) = next.and_then(|key| HeaderValue::from_str(&key).ok()) {
            response.headers_mut().insert(NEXT_KEY, value);
        }
        response
    }

    /// [`Paging::respond`] for items whose sort key is their string key.
    fn respond_by_key(&self, items: Vec<(String, Value)>) -> Response {
        let items = items
            .into_iter()
            .map(|(key, value)| (key.clone(), key, value))
            .collect();
        self.respond(items, self.after.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owns_only_the_v1_tree() {
        assert!(owns("/v1") && owns("/v1/auth") && owns("/v1/virtual_private_gateways/x"));
        assert!(!owns("/v10/auth") && !owns("/wireguardgateways") && !owns("/"));
    }

    #[test]
    fn paging_defaults_and_validates() {
        let query = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>()
        };
        let paging = Paging::parse(&query(&[])).ok().map(|p| (p.limit, p.after));
        assert_eq!(paging, Some((10, None)));
        let paging = Paging::parse(&query(&[("limit", "3"), ("last_evaluated_key", "null")]));
        assert_eq!(paging.ok().map(|p| (p.limit, p.after)), Some((3, None)));
        for bad in ["0", "-1", "x", ""] {
            assert!(Paging::parse(&query(&[("limit", bad)])).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_sort_in_creation_order() {
        let mut store = Store::default();
        let ids: Vec<String> = (0..20).map(|_| next_id(&mut store.sequence)).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert_eq!(ids[0].len(), 36);
        assert!(store.operator_id().starts_with("OP00") && store.operator_id().len() == 12);
        assert!(aws_id("pcx").starts_with("pcx-") && aws_id("pcx").len() == 21);
    }
}
