//! The emulator's own endpoints under `/_emulator` (no authentication): recorded requests,
//! reset, fault rules, clock and delays, and the Soracom token switches. Everything here is also
//! reachable through the library API of [`crate::Emulator`].

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

use crate::{FaultRule, Shared};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/requests", get(requests).delete(clear_requests))
        .route("/reset", post(reset))
        .route(
            "/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/clock", post(advance_clock))
        .route("/delays", get(delays).put(set_delays))
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

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear();
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
}

async fn delays(State(shared): State<Arc<Shared>>) -> Response {
    let delays = shared.delays();
    Json(json!({
        "provision_delay_ms": delays.provision.as_millis() as u64,
        "delete_delay_ms": delays.delete.as_millis() as u64,
    }))
    .into_response()
}

/// `{"provision_delay_ms": 2000, "delete_delay_ms": 1000}` (either field optional).
async fn set_delays(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<DelayUpdate>(&body) {
        Ok(update) => {
            shared.update_delays(
                update.provision_delay_ms.map(Duration::from_millis),
                update.delete_delay_ms.map(Duration::from_millis),
            );
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
