//! Fault injection: rules, set at runtime through the library or `/_emulator/faults`, that make
//! matching provider requests slow, fail with a chosen status (in the provider's error dialect,
//! optionally with `Retry-After`) or lose their connection, a fixed number of times.

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

use crate::{ADMIN_PREFIX, Shared, lock, provider_error};

/// One fault rule. A request matches when its method (if set) and path prefix match; the first
/// matching rule with firings left fires and loses one firing, and is dropped at zero.
///
/// Firing waits `latency_ms` (if set), then drops the connection (if `drop_connection`), else
/// answers `status` (if set), else lets the request through to the normal handler.
///
/// JSON form (admin endpoint): `{"method": "POST", "path_prefix": "/wireguardgateways",
/// "status": 429, "retry_after_secs": 1, "count": 1, "latency_ms": 100, "drop_connection": false}`;
/// everything but `path_prefix` is optional and `count` defaults to 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Only requests with this method (case-insensitive) match; `None` matches every method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Requests whose path starts with this prefix match (`/` matches everything).
    pub path_prefix: String,
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
    /// Close the connection without a complete response.
    #[serde(default)]
    pub drop_connection: bool,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    fn base(path_prefix: impl Into<String>) -> Self {
        FaultRule {
            method: None,
            path_prefix: path_prefix.into(),
            status: None,
            retry_after_secs: None,
            count: 1,
            latency_ms: None,
            drop_connection: false,
        }
    }

    /// Answers `status` once for requests under `path_prefix`.
    pub fn status(path_prefix: impl Into<String>, status: u16) -> Self {
        FaultRule {
            status: Some(status),
            ..Self::base(path_prefix)
        }
    }

    /// Drops the connection once for requests under `path_prefix`.
    pub fn drop_connection(path_prefix: impl Into<String>) -> Self {
        FaultRule {
            drop_connection: true,
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

    fn matches(&self, method: &Method, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        method_ok && path.starts_with(&self.path_prefix)
    }
}

/// The live rule list.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Mutex<Vec<FaultRule>>,
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

    pub(crate) fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// Consumes one firing of the first rule matching the request.
    fn take(&self, method: &Method, path: &str) -> Option<FaultRule> {
        let mut rules = lock(&self.rules);
        let index = rules.iter().position(|r| r.matches(method, path))?;
        let fired = rules[index].clone();
        rules[index].count -= 1;
        if rules[index].count == 0 {
            rules.remove(index);
        }
        Some(fired)
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
    let Some(rule) = shared.faults.take(request.method(), &path) else {
        return next.run(request).await;
    };
    tracing::info!(?rule, path, "injecting fault");
    if let Some(ms) = rule.latency_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if rule.drop_connection {
        return dropped_connection();
    }
    let Some(code) = rule.status else {
        return next.run(request).await;
    };
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("injected failure");
    let mut response = provider_error(&path, status, &format!("emulated fault: {reason}"));
    if let Some(secs) = rule.retry_after_secs {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A response whose body fails at once: hyper then closes the connection before the client
/// has a complete response, which is what a dropped connection looks like from outside.
fn dropped_connection() -> Response {
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
        assert!(faults.take(&get, "/ipsecgateways").is_none());
        assert_eq!(
            faults
                .take(&get, "/wireguardgateways/x")
                .and_then(|r| r.status),
            Some(503)
        );
        assert!(faults.take(&get, "/wireguardgateways").is_some());
        assert!(faults.take(&get, "/wireguardgateways").is_none());
        assert!(faults.snapshot().is_empty());
    }

    #[test]
    fn method_filter_is_case_insensitive() {
        let faults = Faults::default();
        faults.add(FaultRule::status("/", 429).method("post").retry_after(1));
        assert!(faults.take(&Method::GET, "/ipsecgateways").is_none());
        let rule = faults.take(&Method::POST, "/ipsecgateways");
        assert_eq!(rule.and_then(|r| r.retry_after_secs), Some(1));
    }

    #[test]
    fn json_form_defaults_count_to_one() {
        let rule: FaultRule =
            serde_json::from_str(r#"{"path_prefix":"/","status":500}"#).expect("valid rule");
        assert_eq!(rule, FaultRule::status("/", 500));
    }
}
