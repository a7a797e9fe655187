//! Small pieces of HTTP the send pipeline and the token exchange share: reading a body under a
//! cap, naming a failure, and the retry schedule.

use super::failure::{Failure, TransportKind};
use reqwest::header::HeaderMap;
use std::time::Duration;

/// Whether `method` may be sent again without changing the outcome.
pub(super) fn is_idempotent(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
}

/// The transport failure of a request that got no response, in words, and whether the provider
/// may have processed it: only a failed connection proves nothing was sent.
/// `ca_file` is the profile's CA file, named when TLS refused the server.
pub(super) fn transport_failure(
    err: &reqwest::Error,
    what: &str,
    ca_file: Option<&std::path::Path>,
) -> Failure {
    if let Some(tls) = tls_refusal(err) {
        let trusted = match ca_file {
            Some(ca) => format!("the profile trusts only the CA file {}", ca.display()),
            None => "the system's roots (SSL_CERT_FILE) are trusted; a private CA is given with \
                     `portico profile add --ca-file`"
                .to_string(),
        };
        Failure::transport(
            TransportKind::Connect,
            false,
            format!("{what} could not connect: TLS refused the server ({tls}; {trusted})"),
        )
    } else if err.is_connect() {
        Failure::transport(
            TransportKind::Connect,
            false,
            format!("{what} could not connect"),
        )
    } else if err.is_timeout() {
        Failure::transport(TransportKind::Timeout, true, format!("{what} timed out"))
    } else {
        Failure::transport(TransportKind::Broken, true, format!("{what} failed"))
    }
}

/// The TLS error behind `err`, if the handshake failed (an untrusted certificate, a name that
/// does not match, no roots): in words, and never worth a retry.
pub(super) fn tls_refusal(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // An I/O error's source skips the error it wraps; look inside (they nest).
        source = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// Reads a response body, refusing (with `too_large`) one larger than `cap` bytes, whether its
/// `Content-Length` says so up front or the stream grows past the cap: never more than `cap`
/// bytes are buffered.
pub(super) async fn read_capped(
    response: &mut reqwest::Response,
    cap: u64,
    too_large: impl Fn() -> Failure,
) -> Result<Vec<u8>, Failure> {
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| {
        Failure::transport(
            TransportKind::Broken,
            true,
            "connection closed while reading the response",
        )
    })? {
        if body.len() as u64 + chunk.len() as u64 > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After` in seconds, when the response has one.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Exponential backoff with jitter before retry `attempt` (1-based): half of
/// `base × 2^(attempt-1)` (at most 10 s), plus a random part of the other half.
pub(super) fn backoff(attempt: u32, base: Duration) -> Duration {
    let full = base
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(Duration::from_secs(10));
    let half = full / 2;
    let jitter = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
    half + Duration::from_micros(rand::random_range(0..=jitter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stays_capped() {
        let base = Duration::from_millis(100);
        for attempt in 1..=12 {
            let full = (base * (1 << (attempt - 1).min(10))).min(Duration::from_secs(10));
            let wait = backoff(attempt, base);
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?}"
            );
        }
    }
}
