//! Building the contract's [`Error`] values.
//!
//! Adapters report two sorts of failure: input they refuse before sending anything (use
//! [`invalid_input`] and friends, naming the offending field), and provider responses that are not
//! 2xx (parse the provider's error body, then call [`from_status`] to pick the variant).

use core::fmt::Display;

use crate::{Error, Problem, RateLimit};

/// A [`Problem`] with just a message.
///
/// ```
/// let p = portico_adapter_sdk::error::problem("gateway busy");
/// assert_eq!(p.message, "gateway busy");
/// assert_eq!(p.status, None);
/// ```
pub fn problem(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        status: None,
        code: None,
    }
}

/// `invalid-input`: the adapter or the provider refused the input. Name the field in the message.
pub fn invalid_input(message: impl Into<String>) -> Error {
    Error::InvalidInput(problem(message))
}

/// `invalid-input` for a required value that was not given, naming it.
///
/// ```
/// use portico_adapter_sdk::{error, Error};
/// let Error::InvalidInput(p) = error::missing("gateway-id") else { unreachable!() };
/// assert_eq!(p.message, "missing `gateway-id`");
/// ```
pub fn missing(name: &str) -> Error {
    invalid_input(format!("missing `{name}`"))
}

/// `not-found`.
pub fn not_found(message: impl Into<String>) -> Error {
    Error::NotFound(problem(message))
}

/// `conflict`.
pub fn conflict(message: impl Into<String>) -> Error {
    Error::Conflict(problem(message))
}

/// `provider`: a provider failure that fits no other variant (including answers the adapter
/// cannot make sense of).
pub fn provider(message: impl Into<String>) -> Error {
    Error::Provider(problem(message))
}

/// `unsupported`, saying what is not supported (`gateway.create`, `kind ipsec`, ...).
pub fn unsupported(what: impl Display) -> Error {
    Error::Unsupported(format!("{what} is not supported by this adapter"))
}

/// Map a non-2xx HTTP status and what the provider said about it to an [`Error`].
///
/// | status | variant |
/// |---|---|
/// | 400, 422 | `invalid-input` |
/// | 401 | `unauthorized` |
/// | 403 | `forbidden` |
/// | 404 | `not-found` |
/// | 409 | `conflict` |
/// | 429 | `rate-limited`, with `retry_after` seconds |
/// | anything else | `provider` |
///
/// The problem always carries `status`; an empty message becomes `HTTP <status>`.
///
/// ```
/// use portico_adapter_sdk::{error, Error};
/// let e = error::from_status(429, "slow down".into(), None, Some(7));
/// let Error::RateLimited(r) = e else { unreachable!() };
/// assert_eq!(r.retry_after_secs, Some(7));
/// assert_eq!(r.problem.status, Some(429));
/// ```
pub fn from_status(
    status: u16,
    message: String,
    code: Option<String>,
    retry_after: Option<u32>,
) -> Error {
    let message = if message.trim().is_empty() {
        format!("HTTP {status}")
    } else {
        message
    };
    let problem = Problem {
        message,
        status: Some(status),
        code,
    };
    match status {
        400 | 422 => Error::InvalidInput(problem),
        401 => Error::Unauthorized(problem),
        403 => Error::Forbidden(problem),
        404 => Error::NotFound(problem),
        409 => Error::Conflict(problem),
        429 => Error::RateLimited(RateLimit {
            retry_after_secs: retry_after,
            problem,
        }),
        _ => Error::Provider(problem),
    }
}

/// A generic error mapper for providers without a structured error body: the message is the
/// body's `message` (or `error`, or `detail`) string when the body is JSON, the trimmed body text
/// otherwise. Suitable for [`crate::http::Api::with_error_mapper`].
pub fn from_response(response: &crate::http::Response) -> Error {
    let message = match response.json() {
        Ok(value) => ["message", "error", "detail", "title"]
            .iter()
            .find_map(|key| value.get(*key).and_then(|v| v.as_str()).map(str::to_owned))
            .unwrap_or_else(|| response.text_excerpt()),
        Err(_) => response.text_excerpt(),
    };
    from_status(response.status, message, None, response.retry_after())
}

impl Error {
    /// The problem carried by the variants that have one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::NotFound(p)
            | Error::InvalidInput(p)
            | Error::Unauthorized(p)
            | Error::Forbidden(p)
            | Error::Conflict(p)
            | Error::Provider(p) => Some(p),
            Error::RateLimited(r) => Some(&r.problem),
            Error::Unsupported(_) | Error::Transport(_) | Error::Denied(_) => None,
        }
    }

    /// Whether this is `not-found` (handy when probing several collections for an id).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound(_))
    }

    /// The error's message, whatever the variant.
    pub fn message(&self) -> &str {
        match self {
            Error::Unsupported(m) | Error::Transport(m) | Error::Denied(m) => m,
            other => other.problem().map_or("", |p| p.message.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_variants() {
        let kind = |s| match from_status(s, "m".into(), None, None) {
            Error::InvalidInput(_) => "invalid-input",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not-found",
            Error::Conflict(_) => "conflict",
            Error::RateLimited(_) => "rate-limited",
            Error::Provider(_) => "provider",
            _ => "other",
        };
        assert_eq!(kind(400), "invalid-input");
        assert_eq!(kind(422), "invalid-input");
        assert_eq!(kind(401), "unauthorized");
        assert_eq!(kind(403), "forbidden");
        assert_eq!(kind(404), "not-found");
        assert_eq!(kind(409), "conflict");
        assert_eq!(kind(429), "rate-limited");
        assert_eq!(kind(500), "provider");
        assert_eq!(kind(503), "provider");
        assert_eq!(kind(415), "provider");
    }

    #[test]
    fn problem_keeps_status_code_and_message() {
        let e = from_status(409, "busy".into(), Some("E1".into()), None);
        assert_eq!(
            e,
            Error::Conflict(Problem {
                message: "busy".into(),
                status: Some(409),
                code: Some("E1".into()),
            })
        );
        assert_eq!(e.message(), "busy");
    }

    #[test]
    fn empty_message_names_the_status() {
        let e = from_status(502, "  ".into(), None, None);
        assert_eq!(e.message(), "HTTP 502");
    }

    #[test]
    fn rate_limit_carries_retry_after() {
        let Error::RateLimited(r) = from_status(429, "x".into(), None, Some(12)) else {
            panic!("expected rate-limited");
        };
        assert_eq!(r.retry_after_secs, Some(12));
    }

    #[test]
    fn generic_mapper_reads_message_fields() {
        let response = crate::http::Response {
            status: 404,
            headers: vec![],
            body: br#"{"message":"no such thing"}"#.to_vec(),
        };
        assert_eq!(from_response(&response).message(), "no such thing");
        let response = crate::http::Response {
            status: 500,
            headers: vec![],
            body: b"<html>oops</html>".to_vec(),
        };
        let e = from_response(&response);
        assert_eq!(e.message(), "<html>oops</html>");
        assert!(matches!(e, Error::Provider(_)));
    }

    #[test]
    fn helpers_build_expected_variants() {
        assert!(missing("x").message().contains("`x`"));
        assert!(not_found("gone").is_not_found());
        assert!(
            matches!(unsupported("mapping.list"), Error::Unsupported(m) if m.contains("mapping.list"))
        );
    }
}
