//! The UpCloud network gateway API (1.3): plans, gateways, metrics, VPN connections and their
//! IPSec tunnels, served at the real paths under `/1.3/gateway`.
//!
//! Credentials are checked the way UpCloud does: `Authorization: Basic` with the API user and
//! password, or `Authorization: Bearer` with an API token. Answers follow the recorded traffic:
//! bare JSON documents, 201 for creates, 200 for reads and changes, 204 for deletes; gateways
//! start `pending`, step through the `setup-*` states over the provisioning delay to `running`,
//! go back to `pending` after every change (their own or their connections'), and step through
//! the `delete-*` states over the deletion delay before they disappear; tunnels are `idle` (the
//! emulator has no peers to talk to). Errors are RFC 7807 problems
//! (`application/problem+json`), except a failed authentication, which answers in UpCloud's
//! older `{"error": {"error_code", "error_message"}}` form.
//!
//! Invented where the sources are silent: the metrics document (shaped after the Go client's
//! structs, all counters zero), 409 `ACTION_FORBIDDEN` for changes to a gateway being deleted,
//! 409 `RESOURCE_ALREADY_EXISTS` for a duplicate connection name, the checks in [`validate`]
//! (including a VPN tunnel allowance per plan and a pre-shared key for every new tunnel), the
//! positional matching of tunnels in a connection PATCH (a tunnel keeps its UUID and key when
//! its position does), and the 401 body.

mod auth;
mod handlers;
mod rules;
mod store;
mod validate;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_LANGUAGE, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Shared, lock};
use handlers::Ctx;
use rules::metrics;
use store::{Connection, Tunnel};
use validate::Invalid;

pub(crate) use store::Store;

/// Whether `path` belongs to the UpCloud API (decides the dialect of error bodies).
pub(crate) fn owns(path: &str) -> bool {
    path == "/1.3" || path.starts_with("/1.3/")
}

/// The emulator's code for a status when nothing more specific applies.
fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 413 | 415 => "INVALID_REQUEST",
        401 => "AUTHENTICATION_FAILED",
        403 => "ACTION_FORBIDDEN",
        404 => "RESOURCE_NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "RESOURCE_ALREADY_EXISTS",
        429 => "TOO_MANY_REQUESTS",
        _ => "SERVICE_ERROR",
    }
}

/// A problem body for `status` with the default code and `message` as the title.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    ApiError::new(status, code_for(status), message).into_response()
}

/// A failed request, rendered as an RFC 7807 problem.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    title: String,
    params: Vec<Invalid>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, title: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            title: title.into(),
            params: Vec::new(),
        }
    }

    fn bad(title: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", title)
    }

    fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        let code = if what == "Gateway" {
            "SERVICE_NOT_FOUND"
        } else {
            "RESOURCE_NOT_FOUND"
        };
        Self::new(
            StatusCode::NOT_FOUND,
            code,
            format!("{what} {id} was not found."),
        )
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError {
            params: vec![invalid],
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "Validation error.",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": format!("https://developers.upcloud.com/1.3/errors#ERROR_{}", self.code),
            "title": self.title,
            "status": self.status.as_u16(),
            "correlation_id": correlation_id(),
        });
        if !self.params.is_empty() {
            body["invalid_params"] = self
                .params
                .iter()
                .map(|p| json!({ "name": p.name, "reason": p.reason }))
                .collect();
        }
        let mut response = (self.status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static("en"));
        response
    }
}

/// 26 characters of Crockford base32, like the ULIDs UpCloud returns.
fn correlation_id() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..26)
        .map(|_| char::from(ALPHABET[usize::from(rand::random::<u8>() % 32)]))
        .collect()
}

type ApiResult = Result<Response, ApiError>;

/// Every route, behind the credential check.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    const ROUTES: [&str; 9] = [
        "/1.3/gateway",
        "/1.3/gateway/plans",
        "/1.3/gateway/{gateway}",
        "/1.3/gateway/{gateway}/metrics",
        "/1.3/gateway/{gateway}/connections",
        // The Go client creates connections with a trailing slash; both forms are served.
        "/1.3/gateway/{gateway}/connections/",
        "/1.3/gateway/{gateway}/connections/{connection}",
        "/1.3/gateway/{gateway}/connections/{connection}/tunnels",
        "/1.3/gateway/{gateway}/connections/{connection}/tunnels/{tunnel}",
    ];
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route, any(handle));
    }
    router.route_layer(from_fn_with_state(shared, auth::authenticate))
}

/// What a path addresses.
enum Target {
    Gateways,
    Plans,
    Gateway(Uuid),
    Metrics(Uuid),
    Connections(Uuid),
    Connection(Uuid, Uuid),
    Tunnels(Uuid, Uuid),
    Tunnel(Uuid, Uuid, Uuid),
}

fn target(path: &str) -> Result<Target, ApiError> {
    let rest = path.strip_prefix("/1.3/gateway").unwrap_or_default();
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let id = |index: usize, what: &str| {
        Uuid::parse_str(segments[index]).map_err(|_| ApiError::not_found(what, segments[index]))
    };
    Ok(match segments.as_slice() {
        [] => Target::Gateways,
        ["plans"] => Target::Plans,
        [_] => Target::Gateway(id(0, "Gateway")?),
        [_, "metrics"] => Target::Metrics(id(0, "Gateway")?),
        [_, "connections"] => Target::Connections(id(0, "Gateway")?),
        [_, "connections", _] => Target::Connection(id(0, "Gateway")?, id(2, "Connection")?),
        [_, "connections", _, "tunnels"] => {
            Target::Tunnels(id(0, "Gateway")?, id(2, "Connection")?)
        }
        [_, "connections", _, "tunnels", _] => {
            Target::Tunnel(id(0, "Gateway")?, id(2, "Connection")?, id(4, "Tunnel")?)
        }
        _ => return Err(ApiError::not_found("Resource", path)),
    })
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = target(uri.path()).and_then(|target| {
        let now = shared.clock.now();
        let mut store = lock(&shared.upcloud);
        store.purge(now);
        let mut ctx = Ctx {
            shared: &shared,
            store: &mut store,
            now,
        };
        let body = || parse_body(&headers, &body);
        match (&method, target) {
            (&Method::GET, Target::Plans) => Ok(axum::Json(validate::plans()).into_response()),
            (&Method::GET, Target::Gateways) => ctx.list_gateways(uri.query()),
            (&Method::POST, Target::Gateways) => ctx.create_gateway(&body()?),
            (&Method::GET, Target::Gateway(g)) => ctx.read(g, |gw, now| gw.render(now, false)),
            (&Method::PATCH, Target::Gateway(g)) => ctx.modify_gateway(g, &body()?),
            (&Method::DELETE, Target::Gateway(g)) => ctx.delete_gateway(g),
            (&Method::GET, Target::Metrics(g)) => ctx.read(g, metrics),
            (&Method::GET, Target::Connections(g)) => ctx.read(g, |gw, _| {
                gw.connections.iter().map(Connection::render).collect()
            }),
            (&Method::POST, Target::Connections(g)) => ctx.create_connection(g, &body()?),
            (&Method::GET, Target::Connection(g, c)) => {
                ctx.read_connection(g, c, Connection::render)
            }
            (&Method::PATCH, Target::Connection(g, c)) => ctx.modify_connection(g, c, &body()?),
            (&Method::DELETE, Target::Connection(g, c)) => ctx.delete_connection(g, c),
            (&Method::GET, Target::Tunnels(g, c)) => ctx.read_connection(g, c, |conn| {
                conn.tunnels.iter().map(Tunnel::render).collect()
            }),
            (&Method::POST, Target::Tunnels(g, c)) => ctx.create_tunnel(g, c, &body()?),
            (&Method::GET, Target::Tunnel(g, c, t)) => ctx.read_tunnel(g, c, t),
            (&Method::PATCH, Target::Tunnel(g, c, t)) => ctx.modify_tunnel(g, c, t, &body()?),
            (&Method::DELETE, Target::Tunnel(g, c, t)) => ctx.delete_tunnel(g, c, t),
            _ => Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                format!("Method {method} is not allowed on {}.", uri.path()),
            )),
        }
    });
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The JSON object of a request body.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    if let Some(content_type) = headers.get(CONTENT_TYPE)
        && !content_type
            .to_str()
            .is_ok_and(|ct| ct.to_ascii_lowercase().contains("json"))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            "Content-Type must be application/json.",
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad("A JSON request body is required."));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(ApiError::bad("The request body must be a JSON object.")),
        Err(err) => Err(ApiError::bad(format!(
            "Malformed JSON in request body: {err}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owns_only_the_versioned_api() {
        assert!(owns("/1.3/gateway") && owns("/1.3"));
        assert!(!owns("/1.30/x") && !owns("/wireguardgateways") && !owns("/v1/vpgs"));
    }
}
