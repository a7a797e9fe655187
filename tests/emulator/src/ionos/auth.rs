//! Credential checks for the IONOS API: the full-access bearer token, the read-only bearer token
//! (GET only, 403 otherwise) and the optional HTTP Basic username/password pair.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::error_response;
use crate::Shared;

/// What a credential may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Full,
    ReadOnly,
}

fn access(shared: &Shared, headers: &HeaderMap) -> Option<Access> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, credential) = value.split_once(' ')?;
    let credential = credential.trim();
    let config = &shared.config;
    if scheme.eq_ignore_ascii_case("bearer") && !credential.is_empty() {
        if credential == config.ionos_token {
            return Some(Access::Full);
        }
        if credential == config.ionos_readonly_token {
            return Some(Access::ReadOnly);
        }
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let (user, password) = config.ionos_basic.as_ref()?;
        let decoded = BASE64.decode(credential).ok()?;
        if decoded == format!("{user}:{password}").as_bytes() {
            return Some(Access::Full);
        }
    }
    None
}

pub(super) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match access(&shared, request.headers()) {
        None => {
            let mut response = error_response(
                StatusCode::UNAUTHORIZED,
                "missing or invalid credentials: send Authorization: Bearer <token>",
            );
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        Some(Access::ReadOnly) if !matches!(*request.method(), Method::GET | Method::HEAD) => {
            error_response(
                StatusCode::FORBIDDEN,
                "the token is read-only and may not modify resources",
            )
        }
        Some(_) => next.run(request).await,
    }
}
