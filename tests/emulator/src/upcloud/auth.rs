//! Credential checks for the UpCloud API: HTTP Basic with the API user and password, or a
//! bearer API token. A failure answers 401 in UpCloud's older error form.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;

use crate::Shared;

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some((scheme, credential)) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
    else {
        return false;
    };
    let credential = credential.trim();
    let config = &shared.config;
    if scheme.eq_ignore_ascii_case("bearer") {
        return !credential.is_empty() && credential == config.upcloud_token;
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let (user, password) = &config.upcloud_basic;
        return BASE64
            .decode(credential)
            .is_ok_and(|d| d == format!("{user}:{password}").as_bytes());
    }
    false
}

pub(super) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if authorized(&shared, request.headers()) {
        return next.run(request).await;
    }
    let body = json!({"error": {
        "error_code": "AUTHENTICATION_FAILED",
        "error_message": "Authentication failed using the given username and password.",
    }});
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"UpCloud API\""),
    );
    response
}
