//! Request recording: every provider request the emulator receives is kept in memory, in
//! arrival order, so tests can assert on exactly what an adapter sent (headers included).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::{ADMIN_PREFIX, Shared, lock, provider_error};

/// Largest request body the emulator accepts.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the emulator received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query, e.g. `/wireguardgateways`.
    pub path: String,
    /// Raw query string without the `?`, if the request had one.
    pub query: Option<String>,
    /// Headers in arrival order; names are lowercase, non-UTF-8 values are lossily converted.
    pub headers: Vec<(String, String)>,
    /// Body as (lossy) UTF-8; empty when there was none.
    pub body: String,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The in-memory log of requests.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn push(&self, request: RecordedRequest) {
        lock(&self.requests).push(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub(crate) fn clear(&self) {
        lock(&self.requests).clear();
    }
}

/// Outermost layer: buffers the body, records the request, logs the outcome.
pub(crate) async fn middleware(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(ADMIN_PREFIX) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return provider_error(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large or unreadable",
        );
    };
    shared.recorder.push(RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    let method = parts.method.clone();
    let started = Instant::now();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
