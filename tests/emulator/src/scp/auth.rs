//! SCP request signing, checked the way the SDK signs: `Scp-Signature` must be Base64 of
//! HMAC-SHA256(secret key, METHOD + URL + `Scp-Timestamp` + `Scp-AccessKey` + `Scp-AccountId` +
//! `Scp-ClientType`), with the URL rebuilt from the `Host` header and the path and query as
//! received. Also reads `Scp-API-Version` for the handlers.
//!
//! Invented where SCP documents nothing: every authentication failure answers 401 with an
//! `errors[]` body and codes `SCP-AUTH-001` (missing header), `-002` (unknown access key),
//! `-003` (timestamp outside ±5 minutes of the emulator's clock), `-004` (signature mismatch);
//! a wrong account id is 403 `SCP-AUTH-005`; an unknown API version is 400 `SCP-VERSION-001`.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256};

use super::{ApiVersion, ScpError};
use crate::Shared;

/// How far a request's timestamp may be from the emulator's clock.
const MAX_SKEW_MS: i128 = 5 * 60 * 1000;

/// HMAC-SHA256 (RFC 2104), written out so the emulator needs no extra crate.
pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The signature SCP expects for these parts.
pub(super) fn signature(secret: &str, message: &str) -> String {
    BASE64.encode(hmac_sha256(secret.as_bytes(), message.as_bytes()))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn unauthorized(code: &str, detail: String) -> ScpError {
    ScpError::new(StatusCode::UNAUTHORIZED, code, &detail)
}

/// Checks the signature headers, then hands the request on with its [`ApiVersion`].
pub(super) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    match check(&shared, &request) {
        Ok(version) => {
            request.extensions_mut().insert(version);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

fn required(headers: &HeaderMap, name: &str) -> Result<String, ScpError> {
    header(headers, name)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| unauthorized("SCP-AUTH-001", format!("missing request header {name}")))
}

fn check(shared: &Shared, request: &Request) -> Result<ApiVersion, ScpError> {
    let headers = request.headers();
    let access_key = required(headers, "Scp-AccessKey")?;
    let timestamp = required(headers, "Scp-Timestamp")?;
    let given = required(headers, "Scp-Signature")?;
    let client_type = required(headers, "Scp-ClientType")?;
    let account_id = header(headers, "Scp-AccountId").unwrap_or_default();
    let config = &shared.config;
    if access_key != config.scp_access_key {
        return Err(unauthorized(
            "SCP-AUTH-002",
            "the access key is not valid".into(),
        ));
    }
    let now_ms = shared
        .clock
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_millis()).unwrap_or(i128::MAX));
    match timestamp.parse::<i128>() {
        Ok(sent) if (sent - now_ms).abs() <= MAX_SKEW_MS => {}
        _ => {
            return Err(unauthorized(
                "SCP-AUTH-003",
                format!(
                    "the request timestamp {timestamp} is more than 5 minutes away from the \
                     server time {now_ms}"
                ),
            ));
        }
    }
    let host = header(headers, HOST.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| shared.addr.to_string());
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let mut url = format!("{}://{host}{path}", shared.scheme);
    if super::take_tamper(shared) {
        // As if something between client and server had rewritten the request.
        url.push_str(if url.contains('?') { "&" } else { "?" });
        url.push_str("tampered=1");
    }
    let message = format!(
        "{}{url}{timestamp}{access_key}{account_id}{client_type}",
        request.method().as_str()
    );
    if signature(&config.scp_secret_key, &message) != given {
        return Err(unauthorized(
            "SCP-AUTH-004",
            "the request signature does not match (check the secret key, and that the request \
             was not altered on the way)"
                .into(),
        ));
    }
    if !config.scp_account_id.is_empty() && account_id != config.scp_account_id {
        return Err(ScpError::new(
            StatusCode::FORBIDDEN,
            "SCP-AUTH-005",
            "the access key does not belong to this account",
        ));
    }
    match header(headers, "Scp-API-Version").map(str::trim) {
        None => Ok(ApiVersion::V1_1),
        Some(v) if v.eq_ignore_ascii_case("vpn 1.1") => Ok(ApiVersion::V1_1),
        Some(v) if v.eq_ignore_ascii_case("vpn 1.0") => Ok(ApiVersion::V1_0),
        Some(v) => Err(ScpError::new(
            StatusCode::BAD_REQUEST,
            "SCP-VERSION-001",
            &format!("unsupported API version {v:?}: use `vpn 1.1` or `vpn 1.0`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_documented_vectors() {
        let base = "https://vpn.kr-west1.s.samsungsdscloud.com";
        let get =
            format!("GET{base}/v1/vpn-gateways?page=0&size=201605290625682test-access-keyOpenapi");
        assert_eq!(
            signature("test-secret-key", &get),
            "CKoCZ+nChIr8s7aEZh1R3e6j53y8goSGvLf7vX9TvrI="
        );
        let post = format!("POST{base}/v1/vpn-tunnels1605290625682test-access-keyOpenapi");
        assert_eq!(
            signature("test-secret-key", &post),
            "4q3iNr4I7qiBJaI1F+myGnfQhb5CMRNYbW9i/brh7kI="
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
