//! Fault injection and response latency for provider requests (never for the `/_emulator`
//! admin endpoints). Three sources, consulted in this order for each request:
//!
//! 1. [`FaultRule`]s, set through the library or `/_emulator/faults`: a fixed number of
//!    firings each, that delay a request, answer a chosen status (in the provider's error
//!    dialect, optionally with `Retry-After`), drop the connection before the handler runs, or
//!    let the handler commit its change and then lose the response.
//! 2. [`RandomFaults`], set through the library, `/_emulator/faults/random` or the binary's
//!    `--random-faults`: one draw per matching request from a generator seeded with a given
//!    seed, so the same seed and the same request sequence give the same faults.
//! 3. The latency of [`crate::Config::latency`], added before every provider response.
//!
//! A dropped connection and a lost response both close the socket without writing a single
//! response byte (the accept loop hands each request a switch that closes its connection); the
//! client sees a broken connection, not a status.
//! [`FaultStats`] counts what was injected.

mod random;

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

pub use random::{FaultRates, RandomFaults};

use crate::serve::Cut;
use crate::{ADMIN_PREFIX, Shared, lock, provider_error};

/// One fault rule. A request matches when its method (if set) and path prefix match; the first
/// matching rule with firings left fires and loses one firing, and is dropped at zero.
///
/// Firing waits `latency_ms` (if set), then drops the connection before the handler runs (if
/// `drop_connection`), else runs the handler and drops the connection instead of answering (if
/// `lose_response`), else answers `status` (if set), else lets the request through to the
/// normal handler.
///
/// JSON form (admin endpoint): `{"method": "POST", "path_prefix": "/wireguardgateways",
/// "status": 429, "retry_after_secs": 1, "count": 1, "latency_ms": 100, "drop_connection":
/// false, "lose_response": false}`; everything but `path_prefix` is optional and `count`
/// defaults to 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Only requests with this method (case-insensitive) match; `None` matches every method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Requests whose path starts with this prefix match (`/` matches everything).
    pub path_prefix: String,
    /// Only requests whose query string contains this text match (`offset=5&`: one page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_contains: Option<String>,
    /// Status to answer with; `None` passes the request through (useful with `latency_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Adds `Retry-After: <secs>` to the injected response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
    /// How many more times the rule fires.
    #[serde(default = "one")]
    pub count: u32,
    /// Delay before the fault (or the pass-through) happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Close the connection before the handler runs: nothing is committed, nothing answered.
    #[serde(default)]
    pub drop_connection: bool,
    /// Let the handler run and commit its change, then close the connection before any
    /// response byte is written: the client cannot tell whether the request took effect.
    #[serde(default)]
    pub lose_response: bool,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    fn base(path_prefix: impl Into<String>) -> Self {
        FaultRule {
            method: None,
            path_prefix: path_prefix.into(),
            query_contains: None,
            status: None,
            retry_after_secs: None,
            count: 1,
            latency_ms: None,
            drop_connection: false,
            lose_response: false,
        }
    }

    /// Answers `status` once for requests under `path_prefix`.
    pub fn status(path_prefix: impl Into<String>, status: u16) -> Self {
        FaultRule {
            status: Some(status),
            ..Self::base(path_prefix)
        }
    }

    /// Drops the connection once, before the handler, for requests under `path_prefix`.
    pub fn drop_connection(path_prefix: impl Into<String>) -> Self {
        FaultRule {
            drop_connection: true,
            ..Self::base(path_prefix)
        }
    }

    /// Lets one request under `path_prefix` take effect, then drops its connection before the
    /// response is written.
    pub fn lose_response(path_prefix: impl Into<String>) -> Self {
        FaultRule {
            lose_response: true,
            ..Self::base(path_prefix)
        }
    }

    /// Delays one request under `path_prefix`, which is then handled normally.
    pub fn latency(path_prefix: impl Into<String>, delay: Duration) -> Self {
        Self::base(path_prefix).with_latency(delay)
    }

    /// Fires `count` times instead of once.
    pub fn times(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Only matches requests with this method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Only matches requests whose query string contains `text`.
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.query_contains = Some(text.into());
        self
    }

    /// Adds `Retry-After: secs` to the injected response.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Waits `delay` before firing.
    pub fn with_latency(mut self, delay: Duration) -> Self {
        self.latency_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    fn matches(&self, method: &Method, path: &str, query: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        let query_ok = self
            .query_contains
            .as_deref()
            .is_none_or(|q| query.contains(q));
        method_ok && query_ok && path.starts_with(&self.path_prefix)
    }

    fn fault(&self) -> Option<Fault> {
        if self.drop_connection {
            Some(Fault::Drop)
        } else if self.lose_response {
            Some(Fault::Lose)
        } else {
            self.status.map(|code| Fault::Status {
                code,
                retry_after: self.retry_after_secs,
            })
        }
    }
}

/// Counts of what fault injection did since start, the last reset or the last
/// `DELETE /_emulator/faults/stats`, from rules and random faults together.
///
/// JSON form (`GET /_emulator/faults/stats`): `{"status": {"429": 3, "503": 5}, "drop": 1,
/// "lose_response": 1, "delay": 0, "random_draws": 40, "most_in_flight": 1}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultStats {
    /// Injected error responses, by status code.
    pub status: BTreeMap<u16, u64>,
    /// Connections dropped before the handler ran.
    pub drop: u64,
    /// Responses lost after the handler ran.
    pub lose_response: u64,
    /// Requests a rule delayed and then let through unharmed.
    pub delay: u64,
    /// Provider requests that drew from the random-fault generator, faulted or not.
    pub random_draws: u64,
    /// The most provider requests the emulator was handling at one time (concurrent clients
    /// show here; one request after the other stays at 1).
    #[serde(default)]
    pub most_in_flight: u64,
}

/// What happens to one request instead of its normal response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Drop,
    Lose,
    Status { code: u16, retry_after: Option<u64> },
}

/// The live rules, the random-fault generator and the counts.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    random: Mutex<Option<random::Generator>>,
    stats: Mutex<FaultStats>,
    in_flight: Mutex<u64>,
}

/// One provider request being handled, counted in [`FaultStats::most_in_flight`] until dropped.
struct InFlight<'a>(&'a Faults);

impl<'a> InFlight<'a> {
    fn start(faults: &'a Faults) -> Self {
        let mut now = lock(&faults.in_flight);
        *now += 1;
        let mut stats = lock(&faults.stats);
        stats.most_in_flight = stats.most_in_flight.max(*now);
        Self(faults)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        *lock(&self.0.in_flight) -= 1;
    }
}

impl Faults {
    pub(crate) fn add(&self, rule: FaultRule) {
        if rule.count > 0 {
            lock(&self.rules).push(rule);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<FaultRule> {
        lock(&self.rules).clone()
    }

    /// Removes every rule and the random faults; the counts stay.
    pub(crate) fn clear(&self) {
        lock(&self.rules).clear();
        *lock(&self.random) = None;
    }

    /// Checks `faults` and starts drawing from a generator seeded with its seed.
    pub(crate) fn set_random(&self, faults: RandomFaults) -> Result<(), String> {
        faults.validate()?;
        *lock(&self.random) = Some(random::Generator::new(faults));
        Ok(())
    }

    pub(crate) fn clear_random(&self) {
        *lock(&self.random) = None;
    }

    pub(crate) fn random(&self) -> Option<RandomFaults> {
        lock(&self.random).as_ref().map(|g| g.faults().clone())
    }

    pub(crate) fn stats(&self) -> FaultStats {
        lock(&self.stats).clone()
    }

    pub(crate) fn clear_stats(&self) {
        *lock(&self.stats) = FaultStats::default();
    }

    /// Consumes one firing of the first rule matching the request.
    fn take(&self, method: &Method, path: &str, query: &str) -> Option<FaultRule> {
        let mut rules = lock(&self.rules);
        let index = rules.iter().position(|r| r.matches(method, path, query))?;
        let fired = rules[index].clone();
        rules[index].count -= 1;
        if rules[index].count == 0 {
            rules.remove(index);
        }
        Some(fired)
    }

    /// The delay and fault for one request: a matching rule's, or else a random draw's. A
    /// request a rule fired for does not draw, so rules do not shift the random sequence of
    /// the requests around them.
    fn decide(
        &self,
        method: &Method,
        path: &str,
        query: &str,
    ) -> (Option<Duration>, Option<Fault>) {
        let (delay, fault) = if let Some(rule) = self.take(method, path, query) {
            (rule.latency_ms.map(Duration::from_millis), rule.fault())
        } else {
            let drawn = lock(&self.random).as_mut().and_then(|g| g.draw(path));
            if drawn.is_some() {
                lock(&self.stats).random_draws += 1;
            }
            (None, drawn.flatten())
        };
        let mut stats = lock(&self.stats);
        match fault {
            Some(Fault::Drop) => stats.drop += 1,
            Some(Fault::Lose) => stats.lose_response += 1,
            Some(Fault::Status { code, .. }) => *stats.status.entry(code).or_default() += 1,
            None if delay.is_some() => stats.delay += 1,
            None => {}
        }
        (delay, fault)
    }
}

/// Layer between recording and routing, so faulted requests are still recorded.
pub(crate) async fn middleware(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(ADMIN_PREFIX) {
        return next.run(request).await;
    }
    let _in_flight = InFlight::start(&shared.faults);
    let latency = shared.delays().latency;
    let query = request.uri().query().unwrap_or_default().to_owned();
    let (delay, fault) = shared.faults.decide(request.method(), &path, &query);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let cut = request.extensions().get::<Cut>().cloned();
    let response = match fault {
        None => next.run(request).await,
        Some(Fault::Status { code, retry_after }) => injected_status(&path, code, retry_after),
        Some(Fault::Drop) => {
            tracing::info!(path, "fault: dropping the connection before the handler");
            return cut_connection(cut, latency).await;
        }
        Some(Fault::Lose) => {
            let lost = next.run(request).await;
            tracing::info!(
                path,
                status = lost.status().as_u16(),
                "fault: losing the response"
            );
            return cut_connection(cut, latency).await;
        }
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    response
}

fn injected_status(path: &str, code: u16, retry_after: Option<u64>) -> Response {
    tracing::info!(path, code, "fault: injecting a status");
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("injected failure");
    let mut response = provider_error(path, status, &format!("emulated fault: {reason}"));
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// Closes the request's connection after `latency`, before any response byte. Never returns
/// on the emulator's own server: the connection, and this future with it, is dropped.
async fn cut_connection(cut: Option<Cut>, latency: Duration) -> Response {
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match cut {
        Some(cut) => {
            cut.cut();
            std::future::pending().await
        }
        None => failing_body(),
    }
}

/// Without a [`Cut`] (the router served by something else), the next best thing: a response
/// whose body fails at once, so hyper closes the connection before the response is complete.
fn failing_body() -> Response {
    let failure = futures_util::stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "fault injection dropped the connection",
        ))
    });
    Response::new(Body::from_stream(failure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_count_times_then_vanish() {
        let faults = Faults::default();
        faults.add(FaultRule::status("/wireguardgateways", 503).times(2));
        let get = Method::GET;
        assert!(faults.take(&get, "/ipsecgateways", "").is_none());
        assert_eq!(
            faults
                .take(&get, "/wireguardgateways/x", "")
                .and_then(|r| r.status),
            Some(503)
        );
        assert!(faults.take(&get, "/wireguardgateways", "").is_some());
        assert!(faults.take(&get, "/wireguardgateways", "").is_none());
        assert!(faults.snapshot().is_empty());
    }

    #[test]
    fn method_filter_is_case_insensitive() {
        let faults = Faults::default();
        faults.add(FaultRule::status("/", 429).method("post").retry_after(1));
        assert!(faults.take(&Method::GET, "/ipsecgateways", "").is_none());
        let rule = faults.take(&Method::POST, "/ipsecgateways", "");
        assert_eq!(rule.and_then(|r| r.retry_after_secs), Some(1));
    }

    #[test]
    fn json_form_defaults_count_to_one() {
        let rule: FaultRule =
            serde_json::from_str(r#"{"path_prefix":"/","status":500}"#).expect("valid rule");
        assert_eq!(rule, FaultRule::status("/", 500));
        let rule: FaultRule =
            serde_json::from_str(r#"{"path_prefix":"/x","lose_response":true}"#).expect("valid");
        assert_eq!(rule, FaultRule::lose_response("/x"));
    }

    #[test]
    fn drop_wins_over_lose_and_lose_over_status() {
        let mut rule = FaultRule::status("/", 503);
        rule.lose_response = true;
        assert_eq!(rule.fault(), Some(Fault::Lose));
        rule.drop_connection = true;
        assert_eq!(rule.fault(), Some(Fault::Drop));
        assert_eq!(
            FaultRule::latency("/", Duration::from_millis(5)).fault(),
            None
        );
    }

    #[test]
    fn rules_come_before_random_draws_and_everything_is_counted() {
        let faults = Faults::default();
        let rates = FaultRates {
            status_503: 1.0,
            ..FaultRates::default()
        };
        faults
            .set_random(RandomFaults::new(7, rates).path_prefix("/v1"))
            .expect("valid");
        faults.add(FaultRule::lose_response("/v1/x"));
        faults.add(FaultRule::latency("/v1/y", Duration::from_millis(1)));
        let post = Method::POST;
        assert_eq!(faults.decide(&post, "/v1/x", "").1, Some(Fault::Lose));
        assert_eq!(faults.decide(&post, "/v1/y", "").1, None);
        let drawn = Some(Fault::Status {
            code: 503,
            retry_after: None,
        });
        assert_eq!(faults.decide(&post, "/v1/z", "").1, drawn);
        assert_eq!(
            faults.decide(&post, "/other", "").1,
            None,
            "outside the prefix"
        );
        let stats = faults.stats();
        assert_eq!(
            stats,
            FaultStats {
                status: BTreeMap::from([(503, 1)]),
                drop: 0,
                lose_response: 1,
                delay: 1,
                random_draws: 1,
                most_in_flight: 0,
            }
        );
        faults.clear();
        assert!(faults.random().is_none() && faults.snapshot().is_empty());
        assert_eq!(
            faults.stats(),
            stats,
            "clearing the faults keeps the counts"
        );
        faults.clear_stats();
        assert_eq!(faults.stats(), FaultStats::default());
    }

    #[test]
    fn a_rule_can_match_one_page_by_its_query() {
        let faults = Faults::default();
        faults.add(FaultRule::status("/wireguardgateways", 500).query("offset=2&"));
        let get = Method::GET;
        assert!(
            faults
                .take(&get, "/wireguardgateways", "offset=1&limit=1")
                .is_none()
        );
        assert!(
            faults
                .take(&get, "/wireguardgateways", "offset=2&limit=1")
                .is_some()
        );
    }
}
