//! Building the contract's [`Error`] values.
//!
//! Adapters report three sorts of failure: input they refuse before sending anything (use
//! [`invalid_input_field`] and friends, naming the offending field), provider responses that are
//! not 2xx (parse the provider's error body, then call [`from_status`] to pick the variant), and
//! what the host decided ([`HostError`]: a refusal, a transport failure, a limit), which `?`
//! passes on unchanged as [`Error::Host`] through the `From` impl.

use core::fmt::Display;

use crate::{Error, HostError, Problem, RateLimit};

/// A [`Problem`] with just a message.
///
/// ```
/// let p = portico_adapter_sdk::error::problem("gateway busy");
/// assert_eq!(p.message, "gateway busy");
/// assert_eq!((p.status, p.field), (None, None));
/// ```
pub fn problem(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        status: None,
        code: None,
        field: None,
    }
}

/// `invalid-input` without a field (prefer [`invalid_input_field`]).
pub fn invalid_input(message: impl Into<String>) -> Error {
    Error::InvalidInput(problem(message))
}

/// `invalid-input` naming the input at fault: a typed field in kebab-case (`public-address`), a
/// JSON pointer into `properties` (`properties/connections/0/lanId`), `filters.KEY`,
/// `param:NAME` or `body`.
///
/// ```
/// use portico_adapter_sdk::error;
/// let e = error::invalid_input_field("networks", "`networks` takes one CIDR");
/// assert_eq!(e.field(), Some("networks"));
/// ```
pub fn invalid_input_field(field: impl Into<String>, message: impl Into<String>) -> Error {
    Error::InvalidInput(Problem {
        field: Some(field.into()),
        ..problem(message)
    })
}

/// `invalid-input` for a required value that was not given, naming it.
///
/// ```
/// use portico_adapter_sdk::{error, Error};
/// let Error::InvalidInput(p) = error::missing("name") else { unreachable!() };
/// assert_eq!(p.message, "missing `name`");
/// assert_eq!(p.field.as_deref(), Some("name"));
/// ```
pub fn missing(name: &str) -> Error {
    invalid_input_field(name, format!("missing `{name}`"))
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

/// `unsupported`, saying what is not supported (`gateway.create`, `operation X`, ...).
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
        field: None,
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

impl From<HostError> for Error {
    fn from(err: HostError) -> Self {
        Error::Host(err)
    }
}

impl HostError {
    /// What the host said, for the user.
    pub fn message(&self) -> &str {
        match self {
            HostError::Denied(denial) => &denial.message,
            HostError::Transport(failure) => &failure.message,
            HostError::Limit(limit) => &limit.message,
            HostError::Credential(problem) => &problem.message,
        }
    }

    fn message_mut(&mut self) -> &mut String {
        match self {
            HostError::Denied(denial) => &mut denial.message,
            HostError::Transport(failure) => &mut failure.message,
            HostError::Limit(limit) => &mut limit.message,
            HostError::Credential(problem) => &mut problem.message,
        }
    }
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
            Error::Unsupported(_) | Error::Host(_) => None,
        }
    }

    fn problem_mut(&mut self) -> Option<&mut Problem> {
        match self {
            Error::NotFound(p)
            | Error::InvalidInput(p)
            | Error::Unauthorized(p)
            | Error::Forbidden(p)
            | Error::Conflict(p)
            | Error::Provider(p) => Some(p),
            Error::RateLimited(r) => Some(&mut r.problem),
            Error::Unsupported(_) | Error::Host(_) => None,
        }
    }

    /// Whether this is `not-found` (handy when probing several collections for an id).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound(_))
    }

    /// The input at fault, when the error names one.
    pub fn field(&self) -> Option<&str> {
        self.problem().and_then(|p| p.field.as_deref())
    }

    /// The error's message, whatever the variant.
    pub fn message(&self) -> &str {
        match self {
            Error::Unsupported(m) => m,
            Error::Host(host) => host.message(),
            other => other.problem().map_or("", |p| p.message.as_str()),
        }
    }

    /// The same error, its message followed by `; note`. The variant (and a host error's kind)
    /// is kept, so callers still tell a host refusal from a provider answer.
    pub fn with_note(mut self, note: impl Display) -> Self {
        let message = match &mut self {
            Error::Unsupported(m) => m,
            Error::Host(host) => host.message_mut(),
            other => match other.problem_mut() {
                Some(problem) => &mut problem.message,
                None => return self,
            },
        };
        *message = format!("{message}; {note}");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Denial, DenialReason};

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
                field: None,
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
            attempts: 1,
        };
        assert_eq!(from_response(&response).message(), "no such thing");
        let response = crate::http::Response {
            status: 500,
            headers: vec![],
            body: b"<html>oops</html>".to_vec(),
            attempts: 1,
        };
        let e = from_response(&response);
        assert_eq!(e.message(), "<html>oops</html>");
        assert!(matches!(e, Error::Provider(_)));
    }

    #[test]
    fn helpers_build_expected_variants() {
        assert!(missing("x").message().contains("`x`"));
        assert_eq!(missing("x").field(), Some("x"));
        assert!(not_found("gone").is_not_found());
        assert!(
            matches!(unsupported("mapping.list"), Error::Unsupported(m) if m.contains("mapping.list"))
        );
    }

    #[test]
    fn host_errors_pass_through_question_mark_unchanged() {
        let denial = HostError::Denied(Denial {
            reason: DenialReason::HostNotGranted,
            message: "host `x` is not granted".into(),
        });
        let through = || -> crate::Result<()> { Err(denial.clone())? };
        let err = through().unwrap_err();
        assert_eq!(err, Error::Host(denial));
        assert_eq!(err.message(), "host `x` is not granted");
        assert_eq!(err.field(), None);
    }

    #[test]
    fn notes_keep_the_variant() {
        let noted = Error::Host(crate::testing::lost_response()).with_note("looked it up");
        let Error::Host(HostError::Transport(failure)) = &noted else {
            panic!("{noted:?}");
        };
        assert!(failure.maybe_processed);
        assert!(noted.message().ends_with("; looked it up"), "{noted:?}");
        let noted = from_status(503, "down".into(), None, None).with_note("n");
        assert_eq!(noted.message(), "down; n");
        assert_eq!(noted.problem().and_then(|p| p.status), Some(503));
    }
}
