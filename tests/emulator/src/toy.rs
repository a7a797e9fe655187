//! Toy VPN: a small made-up gateway API under `/toy/v1`, for the adapter scaffold
//! (`portico adapter new`), its generated projects and the kept example adapter
//! `tests/adapters/toy-vpn`. It is not a real provider; it is shaped the way small REST APIs
//! usually are, so that a new adapter has something ordinary to talk to. Its production host
//! would be `https://api.toyvpn.example`.
//!
//! | request | answer |
//! |---|---|
//! | `GET /toy/v1/gateways?limit=N&cursor=C` | `{"gateways": [...], "next_cursor": "..." or null}` (limit 1 to 100, default 20) |
//! | `POST /toy/v1/gateways` `{"name", "region"?, "networks"?}` | 201 and the gateway, `provisioning` |
//! | `GET /toy/v1/gateways/{id}` | the gateway |
//! | `PATCH /toy/v1/gateways/{id}` `{"name"?, "networks"?}` | the gateway, `updating` |
//! | `DELETE /toy/v1/gateways/{id}` | 202 and the gateway, `deleting` |
//!
//! A gateway is `{"id": "gw-…", "name", "region", "state", "public_ip", "networks",
//! "created_at"}`. It is `provisioning` (after a create) or `updating` (after a change) for the
//! provisioning delay, then `available`; `deleting` for the deletion delay, then gone. Names
//! are unique among the gateways that exist (a duplicate is 409). Every request needs
//! `Authorization: Bearer <Config::toy_token>`. Errors are
//! `{"error": {"code", "message", "field"?}}`: 400 `bad_request` (not a JSON object), 401
//! `unauthorized`, 404 `not_found`, 405 `method_not_allowed`, 409 `conflict`, 422 `invalid`
//! (with the field at fault: `name`, `region`, `networks`, `limit`, `cursor` or `body`).

mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::{Shared, lock};
use store::{Change, Invalid, NewGateway};

pub(crate) use store::Store;

/// Where the API lives on the emulator.
pub(crate) const PREFIX: &str = "/toy/v1";
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

/// Whether `path` belongs to the Toy VPN API (decides the dialect of error bodies).
pub(crate) fn owns(path: &str) -> bool {
    path == "/toy" || path.starts_with("/toy/")
}

/// The API's code for a status.
fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        422 => "invalid",
        429 => "rate_limited",
        _ => "internal",
    }
}

/// A Toy VPN error body for `status`.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    ApiError::new(status, message).into_response()
}

/// A failed request.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<&'static str>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: None,
        }
    }

    fn not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("gateway {id} not found"))
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError {
            field: Some(invalid.field),
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, invalid.message)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": code_for(self.status), "message": self.message});
        if let Some(field) = self.field {
            error["field"] = json!(field);
        }
        (self.status, axum::Json(json!({ "error": error }))).into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// The five operations, behind the bearer-token check.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route(&format!("{PREFIX}/gateways"), get(list).post(create))
        .route(
            &format!("{PREFIX}/gateways/{{id}}"),
            get(read).patch(update).delete(remove),
        )
        .route_layer(from_fn_with_state(shared, authenticate))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn authenticate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if token.is_some_and(|t| !t.is_empty() && t == shared.config.toy_token) {
        return next.run(request).await;
    }
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        "missing or invalid token: send Authorization: Bearer <token>",
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("method {method} is not allowed on {}", uri.path());
    error_response(StatusCode::METHOD_NOT_ALLOWED, &message)
}

/// The JSON object of a request body.
fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        )),
    }
}

/// `limit` and where the page starts: the cursor is the offset, opaque to clients.
fn paging(params: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| Invalid {
                field: "limit",
                message: format!("limit must be a number from 1 to {MAX_LIMIT}"),
            })?,
    };
    let offset = match params.get("cursor") {
        None => 0,
        Some(text) => text
            .strip_prefix("page.")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| Invalid {
                field: "cursor",
                message: "cursor must be a next_cursor of an earlier page".into(),
            })?,
    };
    Ok((offset, limit))
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult {
    let (offset, limit) = paging(&params)?;
    let now = shared.clock.now();
    let mut store = lock(&shared.toy);
    store.purge(now);
    let all = store.all();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|g| g.render(now))
        .collect();
    let end = offset.saturating_add(limit);
    let next = (end < all.len()).then(|| format!("page.{end}"));
    Ok(axum::Json(json!({"gateways": page, "next_cursor": next})).into_response())
}

async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> ApiResult {
    let new = NewGateway::parse(&object(&body)?)?;
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.toy);
    store.purge(now);
    if store.name_taken(new.name(), None) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("a gateway named {} exists", new.name()),
        ));
    }
    let created = store.insert(new, now, delay).render(now);
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

async fn read(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    let now = shared.clock.now();
    let mut store = lock(&shared.toy);
    store.purge(now);
    let gateway = store.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
    Ok(axum::Json(gateway.render(now)).into_response())
}

async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let change = Change::parse(&object(&body)?)?;
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.toy);
    store.purge(now);
    let gateway = store.get(&id).ok_or_else(|| ApiError::not_found(&id))?;
    if gateway.state(now) == store::State::Deleting {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("gateway {id} is being deleted"),
        ));
    }
    if let Some(name) = change.name()
        && store.name_taken(name, Some(&id))
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("a gateway named {name} exists"),
        ));
    }
    let updated = store
        .update(&id, change, now, delay)
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok(axum::Json(updated.render(now)).into_response())
}

async fn remove(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    let now = shared.clock.now();
    let delay = shared.delays().delete;
    let mut store = lock(&shared.toy);
    store.purge(now);
    let gateway = store
        .delete(&id, now, delay)
        .ok_or_else(|| ApiError::not_found(&id))?;
    Ok((StatusCode::ACCEPTED, axum::Json(gateway.render(now))).into_response())
}
