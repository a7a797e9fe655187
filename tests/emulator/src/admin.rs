//! The emulator's own endpoints under `/_emulator` (no authentication; never recorded, faulted
//! or delayed): recorded requests, reset, fault rules, random faults and fault counts, clock,
//! delays and latency, and the Soracom token switches. Everything here is also reachable
//! through the library API of [`crate::Emulator`], except `/bytes`, a stream of any size for
//! response-size tests.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::{FaultRule, RandomFaults, Shared};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/requests", get(requests).delete(clear_requests))
        .route("/reset", post(reset))
        .route(
            "/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route(
            "/faults/random",
            get(random_faults)
                .put(set_random_faults)
                .delete(clear_random_faults),
        )
        .route("/faults/stats", get(fault_stats).delete(clear_fault_stats))
        .route("/clock", post(advance_clock))
        .route("/delays", get(delays).put(set_delays))
        .route("/bytes", get(stream_bytes))
        .route("/bytes/served", get(bytes_served))
        .route("/scp/tamper", post(tamper_scp))
        .route("/soracom/expire_tokens", post(expire_soracom_tokens))
        .route(
            "/soracom/token_uses",
            get(soracom_token_uses).put(set_soracom_token_uses),
        )
}

fn bad_request(message: String) -> Response {
    let body = json!({ "status": 400, "error": message });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|err| format!("invalid request body: {err}"))
}

async fn requests(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.recorder.snapshot()).into_response()
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.recorder.clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.faults.snapshot()).into_response()
}

/// Accepts one rule or an array of rules.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(FaultRule),
    Many(Vec<FaultRule>),
}

async fn add_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let rules = match parse::<OneOrMany>(&body) {
        Ok(OneOrMany::One(rule)) => vec![rule],
        Ok(OneOrMany::Many(rules)) => rules,
        Err(message) => return bad_request(message),
    };
    if let Some(bad) = rules
        .iter()
        .find(|r| r.status.is_some_and(|s| StatusCode::from_u16(s).is_err()))
    {
        return bad_request(format!("invalid status {:?}", bad.status));
    }
    for rule in rules {
        shared.faults.add(rule);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Removes every rule and the random faults; the counts stay.
async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear();
    StatusCode::NO_CONTENT
}

/// The random faults in force, or `null`.
async fn random_faults(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.faults.random()).into_response()
}

/// A [`RandomFaults`] JSON body starts (or restarts, from its seed) the random faults and
/// answers them back.
async fn set_random_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let faults = match parse::<RandomFaults>(&body) {
        Ok(faults) => faults,
        Err(message) => return bad_request(message),
    };
    match shared.faults.set_random(faults) {
        Ok(()) => random_faults(State(shared)).await,
        Err(message) => bad_request(format!("invalid random faults: {message}")),
    }
}

async fn clear_random_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear_random();
    StatusCode::NO_CONTENT
}

/// Counts of injected faults by kind ([`crate::FaultStats`]).
async fn fault_stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.faults.stats()).into_response()
}

async fn clear_fault_stats(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear_stats();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_ms: u64,
}

/// `{"advance_ms": 5000}` moves the clock forward.
async fn advance_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<Advance>(&body) {
        Ok(advance) => {
            shared
                .clock
                .advance(Duration::from_millis(advance.advance_ms));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => bad_request(message),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayUpdate {
    provision_delay_ms: Option<u64>,
    delete_delay_ms: Option<u64>,
    latency_ms: Option<u64>,
}

async fn delays(State(shared): State<Arc<Shared>>) -> Response {
    let delays = shared.delays();
    Json(json!({
        "provision_delay_ms": delays.provision.as_millis() as u64,
        "delete_delay_ms": delays.delete.as_millis() as u64,
        "latency_ms": delays.latency.as_millis() as u64,
    }))
    .into_response()
}

/// `{"provision_delay_ms": 2000, "delete_delay_ms": 1000, "latency_ms": 30}` (every field
/// optional) changes the lifecycle delays and the latency before provider responses.
async fn set_delays(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<DelayUpdate>(&body) {
        Ok(update) => {
            shared.update_delays(|delays| {
                let ms = Duration::from_millis;
                delays.provision = update.provision_delay_ms.map_or(delays.provision, ms);
                delays.delete = update.delete_delay_ms.map_or(delays.delete, ms);
                delays.latency = update.latency_ms.map_or(delays.latency, ms);
            });
            delays(State(shared)).await
        }
        Err(message) => bad_request(message),
    }
}

/// Revokes every Soracom API key and token issued so far.
async fn expire_soracom_tokens(State(shared): State<Arc<Shared>>) -> StatusCode {
    crate::lock(&shared.soracom).expire_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenUses {
    uses: Option<u32>,
}

async fn soracom_token_uses(State(shared): State<Arc<Shared>>) -> Response {
    let uses = crate::lock(&shared.soracom).token_uses();
    Json(json!({ "uses": uses })).into_response()
}

/// `{"uses": 3}` makes Soracom tokens issued from now on die after three authenticated
/// requests; `{"uses": null}` lifts the limit.
async fn set_soracom_token_uses(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<TokenUses>(&body) {
        Ok(update) => {
            crate::lock(&shared.soracom).set_token_uses(update.uses);
            soracom_token_uses(State(shared)).await
        }
        Err(message) => bad_request(message),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tamper {
    requests: u32,
}

/// `{"requests": 1}` alters the next signed SCP request before its signature is checked.
async fn tamper_scp(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<Tamper>(&body) {
        Ok(tamper) => {
            crate::lock(&shared.scp).set_tamper(tamper.requests);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => bad_request(message),
    }
}

/// Bytes each `/bytes` stream has produced so far, by its `tag`. Process-wide, so tags must be
/// unique (tests use random ones); the emulator is a test tool, so the map is never pruned.
static SERVED: std::sync::Mutex<std::collections::BTreeMap<String, u64>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Chunk size of `/bytes` streams.
const BYTES_CHUNK: u64 = 64 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BytesQuery {
    /// How many bytes to send.
    n: u64,
    /// Declare the size in `Content-Length` (otherwise the body is chunked, size unknown).
    #[serde(default)]
    length: bool,
    /// Name under which `/bytes/served` reports how much was produced.
    #[serde(default)]
    tag: Option<String>,
}

/// `GET /bytes?n=209715200[&length=true][&tag=t]` streams `n` bytes of `x`, one 64 KiB chunk
/// at a time, produced only as fast as the client reads them, so nothing is buffered whole on
/// either side unless the client buffers it.
async fn stream_bytes(axum::extract::Query(query): axum::extract::Query<BytesQuery>) -> Response {
    let chunk = Bytes::from(vec![b'x'; BYTES_CHUNK as usize]);
    let tag = query.tag.clone();
    let chunks = futures_util::stream::unfold(query.n, move |left| {
        let chunk = chunk.clone();
        let tag = tag.clone();
        async move {
            if left == 0 {
                return None;
            }
            let size = left.min(BYTES_CHUNK);
            if let Some(tag) = tag {
                *crate::lock(&SERVED).entry(tag).or_default() += size;
            }
            let bytes = chunk.slice(..size as usize);
            Some((Ok::<Bytes, std::io::Error>(bytes), left - size))
        }
    });
    let mut response = Response::new(axum::body::Body::from_stream(chunks));
    if query.length {
        response.headers_mut().insert(
            axum::http::header::CONTENT_LENGTH,
            axum::http::HeaderValue::from(query.n),
        );
    }
    response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServedQuery {
    tag: String,
}

/// `GET /bytes/served?tag=t`: `{"bytes": N}`, how many bytes the `/bytes` streams tagged `t`
/// have produced so far.
async fn bytes_served(axum::extract::Query(query): axum::extract::Query<ServedQuery>) -> Response {
    let bytes = crate::lock(&SERVED).get(&query.tag).copied().unwrap_or(0);
    Json(json!({ "bytes": bytes })).into_response()
}
