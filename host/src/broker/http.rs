//! `portico:adapter/http`: the one way an adapter sends a request.
//!
//! [`Broker::send`] runs every request through the same pipeline: the per-call budget, the
//! egress policy, the header policy, secret-input substitution, the credential and signatures,
//! then the send with retries and session renewal, the capped read, the scrub of known secrets
//! from the response, and one audit record.

use super::audit::Record;
use super::credentials::{Applied, Exchange};
use super::failure::{DenialReason, Failure, LimitKind, TransportKind};
use super::policy::Origin;
use super::{Broker, headers, placement, wire};
use crate::wit::http::{Request, Response};
use crate::wit::{self, types, v0_1_0};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::{Duration, Instant};

struct Prepared {
    method: reqwest::Method,
    idempotent: bool,
    url: url::Url,
    origin: Origin,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    credential: Option<String>,
    exchange: Option<Box<Exchange>>,
}

impl Broker {
    /// Sends one guest request through every check.
    pub(crate) async fn send(&mut self, request: Request) -> Result<Response, Failure> {
        let started = Instant::now();
        let method = wit::method_text(request.method);
        let (host, path) = url::Url::parse(&request.url)
            .map(|u| {
                let host = Origin::of(&u)
                    .map(|o| o.authority())
                    .unwrap_or_else(|_| u.host_str().unwrap_or_default().to_string());
                (host, u.path().to_string())
            })
            .unwrap_or_default();
        let mut record = Record::start(
            &self.config.adapter,
            self.config.profile.as_deref(),
            method,
            host,
            path,
        );
        let taped = self.config.tape.as_ref().map(|_| request.clone());
        let result = match self.prepare(request, method) {
            Ok(prepared) => {
                record.credential = prepared.credential.clone();
                let result = match (&self.config.tape, &taped) {
                    (Some(tape), Some(original)) if tape.is_replay() => {
                        record.attempts = 1;
                        tape.answer(original).map_err(|message| {
                            Failure::transport(TransportKind::Connect, false, message)
                        })
                    }
                    _ => self.execute(prepared, &mut record).await,
                };
                record.outcome = if result.is_ok() { "ok" } else { "failed" };
                result
            }
            Err(err) => Err(err),
        };
        if let (Some(tape), Some(original), Ok(response)) = (&self.config.tape, &taped, &result) {
            tape.record(original, response);
        }
        match &result {
            Ok(response) => record.status = Some(response.status),
            Err(err) => record.reason = Some(err.message().to_string()),
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

    fn prepare(&mut self, request: Request, method: &str) -> Result<Prepared, Failure> {
        self.requests_this_call += 1;
        let budget = self.config.limits.requests_per_call;
        if self.requests_this_call > budget {
            return Err(self.refuse(Failure::Limit {
                kind: LimitKind::RequestBudget,
                limit: u64::from(budget),
                message: format!(
                    "adapter {} exceeded its budget of {budget} requests per call",
                    self.config.adapter
                ),
            }));
        }
        let url = match url::Url::parse(&request.url) {
            Ok(u) => u,
            Err(err) => {
                return Err(self.deny(DenialReason::InvalidUrl, format!("invalid URL: {err}")));
            }
        };
        let origin = match Origin::of(&url) {
            Ok(o) => o,
            Err(err) => return Err(self.deny(DenialReason::InvalidUrl, err)),
        };
        self.check_egress(&origin)?;
        let mut guest_headers = Vec::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            if !headers::guest_may_set(name, &self.config.credential_headers) {
                return Err(self.deny(
                    DenialReason::HeaderNotAllowed,
                    format!(
                        "adapter {} may not set header {name:?}: credentials are applied by the \
                         host",
                        self.config.adapter
                    ),
                ));
            }
            guest_headers.push((name.to_ascii_lowercase(), value.as_bytes().to_vec()));
        }
        let mut body = request.body;
        let placed = self.config.placements.place(
            &self.config.secrets,
            placement::Parts {
                method: request.method,
                url: &request.url,
                path: url.path(),
                headers: &mut guest_headers,
                body: &mut body,
            },
        );
        let secret_in_header = match placed {
            Ok(in_header) => in_header,
            Err(message) => {
                let message = format!("adapter {}: {message}", self.config.adapter);
                return Err(self.deny(DenialReason::SecretPlacement, message));
            }
        };
        let mut headers = HeaderMap::new();
        for (name, value) in guest_headers {
            let (Ok(header), Ok(mut value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_bytes(&value),
            ) else {
                return Err(self.deny(
                    DenialReason::HeaderNotAllowed,
                    format!("invalid header {name:?}"),
                ));
            };
            if secret_in_header {
                value.set_sensitive(true);
            }
            headers.append(header, value);
        }
        let mut credential = None;
        let mut exchange = None;
        let replay = self.config.tape.as_ref().is_some_and(|t| t.is_replay());
        if let Some(name) = request.credential.as_ref().filter(|_| replay) {
            // Nothing goes on the wire: check the binding, apply nothing.
            credential = Some(self.bound(name, &origin)?.stored);
        } else if let Some(name) = &request.credential {
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
        for signature in request.signatures.iter().filter(|_| !replay) {
            let (name, value) = self.signature_header(signature, &origin)?;
            headers.insert(name, value);
        }
        let idempotent = request
            .idempotent
            .unwrap_or_else(|| wire::is_idempotent(method));
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| self.deny(DenialReason::InvalidUrl, "invalid method"))?;
        Ok(Prepared {
            method,
            idempotent,
            url,
            origin,
            headers,
            body,
            credential,
            exchange,
        })
    }

    /// Refuses `origin` unless it is granted, saying whether it was undeclared or ungranted.
    fn check_egress(&mut self, origin: &Origin) -> Result<(), Failure> {
        if self.config.grants.allows(origin) {
            return Ok(());
        }
        let declared = self.config.declared.iter().any(|p| p.matches(origin));
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
        Err(self.deny(
            DenialReason::HostNotGranted,
            format!(
                "adapter {} may not reach {}://{}: {why}",
                self.config.adapter,
                origin.scheme,
                origin.authority()
            ),
        ))
    }

    async fn execute(
        &mut self,
        mut prepared: Prepared,
        record: &mut Record,
    ) -> Result<Response, Failure> {
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
        let mut attempt = 0;
        let client = self.client()?;
        loop {
            attempt += 1;
            record.attempts = attempt;
            let mut builder = client
                .request(prepared.method.clone(), prepared.url.clone())
                .headers(prepared.headers.clone())
                .timeout(Duration::from_secs(limits.request_timeout_secs));
            if let Some(body) = &prepared.body {
                builder = builder.body(body.clone());
            }
            let outcome = builder.send().await;
            let backoff = || wire::backoff(attempt, Duration::from_millis(limits.retry_base_ms));
            // Retry only what cannot be processed twice: an idempotent request; a 429, which the
            // provider did not process; or a request whose connection was never made.
            let retry_after = match &outcome {
                Ok(r)
                    if r.status().as_u16() == 429
                        || prepared.idempotent && matches!(r.status().as_u16(), 502..=504) =>
                {
                    Some(wire::retry_after(r.headers()).unwrap_or_else(backoff))
                }
                Err(e) if super::resolve::private_address(e).is_some() => None,
                Err(e) if wire::tls_refusal(e).is_some() => None,
                Err(e) if e.is_connect() || prepared.idempotent => Some(backoff()),
                _ => None,
            };
            let deadline = Duration::from_secs(limits.retry_deadline_secs);
            if let Some(wait) = retry_after
                && attempt <= limits.retries
                && self.started.elapsed()
                    + wait.min(Duration::from_secs(limits.max_retry_after_secs))
                    < deadline
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
            let response = match outcome {
                Ok(response) => response,
                Err(e) => {
                    if let Some(private) = super::resolve::private_address(&e) {
                        let message =
                            format!("adapter {} may not reach {private}", self.config.adapter);
                        return Err(self.deny(DenialReason::HostNotGranted, message));
                    }
                    let what = format!("request to {}", prepared.origin.authority());
                    return Err(wire::transport_failure(
                        &e,
                        &what,
                        self.config.ca_file.as_deref(),
                    ));
                }
            };
            let mut response = self.read_response(response).await?;
            response.attempts = attempt;
            return Ok(response);
        }
    }

    async fn read_response(
        &mut self,
        mut response: reqwest::Response,
    ) -> Result<Response, Failure> {
        let cap = self.config.limits.max_response_bytes;
        let too_large = || {
            Failure::too_large(
                cap,
                format!("response body exceeds the limit of {cap} bytes"),
            )
        };
        let status = response.status().as_u16();
        let scrubber = self.scrubber(&[]);
        let mut scrubbed = 0;
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != reqwest::header::SET_COOKIE)
            .map(|(name, value)| {
                let (value, n) = scrubber.scrub(value.as_bytes());
                scrubbed += n;
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(&value).into_owned(),
                )
            })
            .collect();
        let body = wire::read_capped(&mut response, cap, too_large).await?;
        let (body, n) = scrubber.scrub(&body);
        self.note_scrubbed(scrubbed + n);
        Ok(Response {
            status,
            headers,
            body,
            attempts: 0,
        })
    }
}

impl wit::http::Host for Broker {
    async fn send(
        &mut self,
        request: Request,
    ) -> wasmtime::Result<Result<Response, types::HostError>> {
        Ok(Broker::send(self, request).await.map_err(Into::into))
    }

    /// One after the other for now: each request is checked, counted and retried as by
    /// `send`, and answers keep the order of `requests`.
    async fn send_all(
        &mut self,
        requests: Vec<Request>,
    ) -> wasmtime::Result<Vec<Result<Response, types::HostError>>> {
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            out.push(Broker::send(self, request).await.map_err(Into::into));
        }
        Ok(out)
    }
}

impl v0_1_0::http::Host for Broker {
    async fn send(
        &mut self,
        request: v0_1_0::http::Request,
    ) -> wasmtime::Result<Result<v0_1_0::http::Response, v0_1_0::types::Error>> {
        let request = match v0_1_0::request(request) {
            Ok(request) => request,
            Err(why) => {
                let refused = self.deny(DenialReason::InvalidUrl, format!("method {why}"));
                return Ok(Err(refused.into()));
            }
        };
        Ok(Broker::send(self, request)
            .await
            .map(v0_1_0::response)
            .map_err(Into::into))
    }
}
