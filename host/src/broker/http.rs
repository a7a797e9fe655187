//! `portico:adapter/http`: the one way an adapter sends a request.

use super::audit::Record;
use super::credentials::{Applied, Exchange};
use super::policy::Origin;
use super::{Broker, secrets};
use crate::runtime::state::AdapterState;
use crate::wit::http::{Host, Request, Response};
use crate::wit::types;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, Instant};

/// Headers a guest may never set because they carry credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "cookie2",
    "x-api-key",
    "x-auth-token",
    "scp-signature",
    "x-cmp-signature",
];

/// Headers that belong to the transport: neither a guest nor a credential scheme sets them.
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
];

/// Whether `name` (any case) is a transport header (see [`TRANSPORT_HEADERS`]).
pub fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// What went wrong with a request that got no response, in words.
pub(super) fn failure_text(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "failed"
    }
}

/// Reads a response body, refusing (with `too_large`) one larger than `cap` bytes, whether its
/// `Content-Length` says so up front or the stream grows past the cap: never more than `cap`
/// bytes are buffered.
pub(super) async fn read_capped(
    response: &mut reqwest::Response,
    cap: u64,
    too_large: impl Fn() -> types::Error,
) -> Result<Vec<u8>, types::Error> {
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|_| transport("connection closed while reading the response"))?
    {
        if body.len() as u64 + chunk.len() as u64 > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
/// Header prefixes a guest may never set (provider credential headers). SCP's `Scp-*` headers
/// other than the signature are not secret (access key, timestamp, API version), so only
/// `Scp-Signature` is forbidden; the host sets it through `request.signatures`.
const FORBIDDEN_PREFIXES: &[&str] = &["x-soracom-", "proxy-"];

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

fn is_idempotent(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS")
}

fn transport(message: impl Into<String>) -> types::Error {
    types::Error::Transport(message.into())
}

struct Prepared {
    method: reqwest::Method,
    url: url::Url,
    origin: Origin,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    credential: Option<String>,
    exchange: Option<Box<Exchange>>,
}

impl Broker {
    /// Sends one guest request through every check.
    pub async fn send(&mut self, request: Request) -> Result<Response, types::Error> {
        let started = Instant::now();
        let time = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
        let method = request.method.to_ascii_uppercase();
        let (host, path) = url::Url::parse(&request.url)
            .map(|u| {
                let host = Origin::of(&u)
                    .map(|o| o.authority())
                    .unwrap_or_else(|_| u.host_str().unwrap_or_default().to_string());
                (host, u.path().to_string())
            })
            .unwrap_or_default();
        let mut record = Record {
            time,
            adapter: self.config.adapter.clone(),
            profile: self.config.profile.clone(),
            credential: None,
            method: method.clone(),
            host,
            path,
            status: None,
            duration_ms: 0,
            attempts: 0,
            outcome: "refused",
            reason: None,
        };
        let prepared = match self.prepare(request, &method) {
            Ok(p) => p,
            Err(err) => {
                record.reason = Some(error_text(&err));
                self.write_audit(record, started);
                return Err(err);
            }
        };
        record.credential = prepared.credential.clone();
        let result = self.execute(prepared, &mut record).await;
        match &result {
            Ok(response) => {
                record.outcome = "ok";
                record.status = Some(response.status);
            }
            Err(err) => {
                record.outcome = "failed";
                record.reason = Some(error_text(err));
            }
        }
        self.write_audit(record, started);
        result
    }

    pub(super) fn write_audit(&self, mut record: Record, started: Instant) {
        record.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Some(audit) = &self.audit {
            audit.write(&record);
        }
    }

    fn prepare(&mut self, request: Request, method: &str) -> Result<Prepared, types::Error> {
        self.requests_this_call += 1;
        let budget = self.config.limits.requests_per_call;
        if self.requests_this_call > budget {
            return Err(self.refuse(format!(
                "adapter {} exceeded its budget of {budget} requests per call",
                self.config.adapter
            )));
        }
        if !METHODS.contains(&method) {
            return Err(self.refuse(format!("method {method:?} is not allowed")));
        }
        let url = match url::Url::parse(&request.url) {
            Ok(u) => u,
            Err(err) => return Err(self.refuse(format!("invalid URL: {err}"))),
        };
        let origin = match Origin::of(&url) {
            Ok(o) => o,
            Err(err) => return Err(self.refuse(err)),
        };
        if !self.config.grants.allows(&origin) {
            let declared = self.config.declared.iter().any(|p| p.matches(&origin));
            let why = if declared {
                format!(
                    "that host was not granted when the adapter was approved; re-approve it with \
                     `portico adapter install FILE` (grants every declared host) or include \
                     `--grant {}`",
                    origin.authority()
                )
            } else {
                "the adapter did not declare that host, and it is not the profile's endpoint"
                    .to_string()
            };
            return Err(self.refuse(format!(
                "adapter {} may not reach {}://{}: {why}",
                self.config.adapter,
                origin.scheme,
                origin.authority()
            )));
        }
        let mut headers = HeaderMap::new();
        let mut json = false;
        for (name, value) in &request.headers {
            let lower = name.to_ascii_lowercase();
            if CREDENTIAL_HEADERS.contains(&lower.as_str())
                || is_transport_header(&lower)
                || FORBIDDEN_PREFIXES.iter().any(|p| lower.starts_with(p))
                || self
                    .config
                    .credential_headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(&lower))
            {
                return Err(self.refuse(format!(
                    "adapter {} may not set header {name:?}: credentials are applied by the host",
                    self.config.adapter
                )));
            }
            if lower == "content-type" && value.to_ascii_lowercase().contains("json") {
                json = true;
            }
            let value = self.config.secrets.substitute(value.as_bytes(), false);
            let (Ok(name), Ok(mut value)) = (
                HeaderName::from_bytes(lower.as_bytes()),
                HeaderValue::from_bytes(&value),
            ) else {
                return Err(self.refuse(format!("invalid header {name:?}")));
            };
            if !self.config.secrets.is_empty() {
                value.set_sensitive(true);
            }
            headers.append(name, value);
        }
        let body = request
            .body
            .as_deref()
            .map(|b| self.config.secrets.substitute(b, json));
        let mut credential = None;
        let mut exchange = None;
        if let Some(name) = &request.credential {
            let (stored, applied) = self.credential_headers(name, &origin)?;
            credential = Some(stored);
            match applied {
                Applied::Headers(applied) => {
                    for (name, value) in applied {
                        headers.insert(name, value);
                    }
                }
                Applied::Exchange(e) => exchange = Some(e),
            }
        }
        for signature in &request.signatures {
            let (name, value) = self.signature_header(signature, &origin)?;
            headers.insert(name, value);
        }
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| transport("invalid method"))?;
        Ok(Prepared {
            method,
            url,
            origin,
            headers,
            body,
            credential,
            exchange,
        })
    }

    async fn execute(
        &mut self,
        mut prepared: Prepared,
        record: &mut Record,
    ) -> Result<Response, types::Error> {
        if let Some(exchange) = prepared.exchange.clone() {
            let applied = self
                .exchange_headers(&exchange, &prepared.origin, false)
                .await?;
            for (name, value) in applied {
                prepared.headers.insert(name, value);
            }
        }
        let mut renewed = false;
        let limits = self.config.limits;
        let retries = if is_idempotent(prepared.method.as_str()) {
            limits.retries
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            record.attempts = attempt;
            let mut builder = self
                .client
                .request(prepared.method.clone(), prepared.url.clone())
                .headers(prepared.headers.clone())
                .timeout(Duration::from_secs(limits.request_timeout_secs));
            if let Some(body) = &prepared.body {
                builder = builder.body(body.clone());
            }
            let outcome = builder.send().await;
            let retry_after = match &outcome {
                Ok(r) if matches!(r.status().as_u16(), 429 | 502 | 503 | 504) => {
                    Some(retry_after(r.headers()).unwrap_or_else(|| backoff(attempt)))
                }
                Err(e) if e.is_connect() && super::resolve::private_address(e).is_none() => {
                    Some(backoff(attempt))
                }
                _ => None,
            };
            if let Some(wait) = retry_after
                && attempt <= retries
            {
                let wait = wait.min(Duration::from_secs(limits.max_retry_after_secs));
                tracing::debug!(
                    adapter = %self.config.adapter,
                    "retrying {} {} in {wait:?} (attempt {attempt})",
                    prepared.method,
                    prepared.origin.authority()
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            if let Ok(r) = &outcome
                && r.status() == reqwest::StatusCode::UNAUTHORIZED
                && !renewed
                && let Some(exchange) = prepared.exchange.clone()
            {
                // The provider no longer accepts the session (expired or revoked early): make
                // the exchange again, once, and resend. A 401 means the request was not
                // processed, so resending is safe for any method.
                renewed = true;
                tracing::debug!(
                    adapter = %self.config.adapter,
                    "{} answered 401; renewing the session of credential {:?}",
                    prepared.origin.authority(),
                    exchange.credential
                );
                let applied = self
                    .exchange_headers(&exchange, &prepared.origin, true)
                    .await?;
                for (name, value) in applied {
                    prepared.headers.insert(name, value);
                }
                continue;
            }
            if let Err(e) = &outcome
                && let Some(private) = super::resolve::private_address(e)
            {
                let message = format!("adapter {} may not reach {private}", self.config.adapter);
                return Err(self.refuse(message));
            }
            let response = outcome.map_err(|e| {
                transport(format!(
                    "request to {} {}",
                    prepared.origin.authority(),
                    failure_text(&e)
                ))
            })?;
            return self.read_response(response).await;
        }
    }

    async fn read_response(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Response, types::Error> {
        let cap = self.config.limits.max_response_bytes;
        let too_large = || transport(format!("response body exceeds the limit of {cap} bytes"));
        let status = response.status().as_u16();
        let secrets = self.known_secrets();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != reqwest::header::SET_COOKIE)
            .map(|(name, value)| {
                let value = secrets::scrub(value.as_bytes(), &secrets);
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(&value).into_owned(),
                )
            })
            .collect();
        let body = read_capped(&mut response, cap, too_large).await?;
        Ok(Response {
            status,
            headers,
            body: secrets::scrub(&body, &secrets),
        })
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn backoff(attempt: u32) -> Duration {
    let base = 200u64.saturating_mul(1 << attempt.min(6));
    Duration::from_millis(base + rand::random_range(0..100))
}

pub(super) fn error_text(err: &types::Error) -> String {
    match err {
        types::Error::Denied(m) | types::Error::Transport(m) | types::Error::Unsupported(m) => {
            m.clone()
        }
        other => format!("{other:?}"),
    }
}

impl Host for AdapterState {
    async fn send(&mut self, request: Request) -> wasmtime::Result<Result<Response, types::Error>> {
        Ok(self.broker.send(request).await)
    }
}
