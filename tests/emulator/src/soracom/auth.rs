//! `POST /v1/auth` (AuthKey login), `POST /v1/auth/logout`, and the check that every other
//! operation carries the `X-Soracom-API-Key` and `X-Soracom-Token` of a live pair.
//!
//! Invented where the provider documents nothing: `tokenTimeoutSeconds` must be 1..=172800
//! (only the maximum is documented); only AuthKey login is emulated, so email/password and SAM
//! user logins answer 401; a missing, unknown, expired, revoked or used-up pair answers 401 with
//! code `AUM0002` (headers missing) or `AUM0003` (pair not live). Expiry follows the emulator
//! clock. For re-authentication tests, [`Tokens::revoke_all`] drops every pair issued so far
//! and [`Tokens::set_uses`] makes pairs issued afterwards die after a number of authenticated
//! requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, ApiResult, body, ok};
use crate::{Shared, lock, random_token};

const API_KEY_HEADER: &str = "x-soracom-api-key";
const TOKEN_HEADER: &str = "x-soracom-token";
const DEFAULT_TIMEOUT_SECS: i64 = 86_400;
const MAX_TIMEOUT_SECS: i64 = 172_800;

/// One issued API key + token pair.
struct Issued {
    token: String,
    expires: SystemTime,
    /// Authenticated requests left before the pair dies; `None` means unlimited.
    uses_left: Option<u32>,
}

/// The live pairs, keyed by API key, and the uses switch for new ones.
#[derive(Default)]
pub(super) struct Tokens {
    issued: HashMap<String, Issued>,
    uses: Option<u32>,
}

impl Tokens {
    fn issue(&mut self, now: SystemTime, timeout: Duration) -> (String, String) {
        self.issued.retain(|_, pair| pair.expires > now);
        let api_key = format!("api-{}", uuid::Uuid::new_v4());
        let token = format!("{}{}{}", random_token(), random_token(), random_token());
        self.issued.insert(
            api_key.clone(),
            Issued {
                token: token.clone(),
                expires: now + timeout,
                uses_left: self.uses,
            },
        );
        (api_key, token)
    }

    /// Accepts a live pair and spends one of its uses.
    fn check(&mut self, api_key: &str, token: &str, now: SystemTime) -> Result<(), ApiError> {
        let dead = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "AUM0003",
                "invalid, expired or revoked API key and token; authenticate again",
            )
        };
        let pair = self.issued.get_mut(api_key).ok_or_else(dead)?;
        if pair.token != token || pair.expires <= now || pair.uses_left == Some(0) {
            return Err(dead());
        }
        if let Some(left) = pair.uses_left.as_mut() {
            *left -= 1;
        }
        Ok(())
    }

    pub(super) fn revoke_all(&mut self) {
        self.issued.clear();
    }

    pub(super) fn set_uses(&mut self, uses: Option<u32>) {
        self.uses = uses;
    }

    pub(super) fn uses(&self) -> Option<u32> {
        self.uses
    }
}

/// `POST /v1/auth`: no credentials needed.
pub(super) fn public_routes() -> Router<Arc<Shared>> {
    Router::new().route("/auth", post(authenticate_key))
}

/// `POST /v1/auth/logout`: behind the credential check like everything else.
pub(super) fn protected_routes() -> Router<Arc<Shared>> {
    Router::new().route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthRequest {
    auth_key_id: Option<String>,
    auth_key: Option<String>,
    token_timeout_seconds: Option<i64>,
}

async fn authenticate_key(State(shared): State<Arc<Shared>>, bytes: Bytes) -> ApiResult {
    let request: AuthRequest = body(&bytes)?;
    let timeout = request
        .token_timeout_seconds
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    if !(1..=MAX_TIMEOUT_SECS).contains(&timeout) {
        return Err(ApiError::bad_request(format!(
            "tokenTimeoutSeconds must be between 1 and {MAX_TIMEOUT_SECS}"
        )));
    }
    let config = &shared.config;
    let matches = request.auth_key_id.as_deref() == Some(config.soracom_auth_key_id.as_str())
        && request.auth_key.as_deref() == Some(config.soracom_auth_key.as_str());
    if !matches {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AUM0001",
            "authentication failed: unknown authKeyId or wrong authKey",
        ));
    }
    let now = shared.clock.now();
    let mut store = lock(&shared.soracom);
    let timeout = Duration::from_secs(timeout.unsigned_abs());
    let (api_key, token) = store.tokens.issue(now, timeout);
    Ok(ok(json!({
        "apiKey": api_key,
        "operatorId": store.operator_id,
        "token": token,
        "userName": null,
    })))
}

async fn logout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(api_key) = header(&headers, API_KEY_HEADER) {
        lock(&shared.soracom).tokens.issued.remove(api_key);
    }
    StatusCode::NO_CONTENT.into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Route layer: lets a request through only with a live key + token pair.
pub(super) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let (Some(api_key), Some(token)) = (
        header(headers, API_KEY_HEADER),
        header(headers, TOKEN_HEADER),
    ) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AUM0002",
            "both X-Soracom-API-Key and X-Soracom-Token are required",
        )
        .into_response();
    };
    let now = shared.clock.now();
    let checked = lock(&shared.soracom).tokens.check(api_key, token, now);
    match checked {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_expire_and_run_out_of_uses() {
        let mut tokens = Tokens::default();
        let now = SystemTime::now();
        let (key, token) = tokens.issue(now, Duration::from_secs(60));
        assert!(key.starts_with("api-") && token.len() >= 64);
        assert!(tokens.check(&key, &token, now).is_ok());
        assert!(tokens.check(&key, "wrong", now).is_err());
        assert!(tokens.check("api-unknown", &token, now).is_err());
        assert!(
            tokens
                .check(&key, &token, now + Duration::from_secs(60))
                .is_err()
        );

        tokens.set_uses(Some(2));
        let (key, token) = tokens.issue(now, Duration::from_secs(60));
        assert!(tokens.check(&key, &token, now).is_ok());
        assert!(tokens.check(&key, &token, now).is_ok());
        assert!(tokens.check(&key, &token, now).is_err());

        let (key, token) = tokens.issue(now, Duration::from_secs(60));
        tokens.revoke_all();
        assert!(tokens.check(&key, &token, now).is_err());
    }
}
