//! Errors the CLI branches on, and the exit code of each.
//!
//! Exit codes: 0 success; 1 the provider or the input said no (not found, invalid, denied by
//! the provider, conflict); 2 a host or adapter failure (trap, limit, policy refusal,
//! transport, provider 5xx). Everything else is an `anyhow::Error` and exits 2.

use crate::wit::types::{self, HostError, LimitKind, Problem};
use std::fmt;

/// An adapter call failed with the contract's error variant.
#[derive(Debug, thiserror::Error)]
pub(crate) struct AdapterError {
    /// Adapter name.
    pub adapter: String,
    /// What was called (`gateway.get`, `op:WireguardgatewaysGet`).
    pub operation: String,
    /// The error the adapter returned.
    pub error: types::Error,
}

/// The input was invalid before anything was called (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct InputError(pub String);

/// Shorthand for an [`InputError`] as an `anyhow::Error`.
pub(crate) fn input(message: impl Into<String>) -> anyhow::Error {
    InputError(message.into()).into()
}

fn describe_problem(f: &mut fmt::Formatter<'_>, what: &str, p: &Problem) -> fmt::Result {
    f.write_str(what)?;
    let mut details = Vec::new();
    if let Some(status) = p.status {
        details.push(format!("HTTP {status}"));
    }
    if let Some(code) = &p.code {
        details.push(format!("code {code}"));
    }
    if let Some(field) = &p.field {
        details.push(format!("field {field}"));
    }
    if !details.is_empty() {
        write!(f, " ({})", details.join(", "))?;
    }
    if !p.message.is_empty() {
        write!(f, ": {}", p.message)?;
    }
    Ok(())
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use types::Error as E;
        write!(f, "{} {}: ", self.adapter, self.operation)?;
        match &self.error {
            E::NotFound(p) => describe_problem(f, "not found", p),
            E::InvalidInput(p) => describe_problem(f, "invalid input", p),
            E::Unauthorized(p) => describe_problem(f, "unauthorized", p),
            E::Forbidden(p) => describe_problem(f, "forbidden", p),
            E::Conflict(p) => describe_problem(f, "conflict", p),
            E::RateLimited(r) => {
                describe_problem(f, "rate limited", &r.problem)?;
                if let Some(secs) = r.retry_after_secs {
                    write!(f, " (retry after {secs}s)")?;
                }
                Ok(())
            }
            E::Provider(p) => describe_problem(f, "provider error", p),
            E::Unsupported(m) => write!(f, "unsupported: {m}"),
            E::Host(HostError::Denied(d)) => write!(f, "refused by portico: {}", d.message),
            E::Host(HostError::Transport(t)) => write!(f, "transport error: {}", t.message),
            E::Host(HostError::Limit(l)) => match l.kind {
                LimitKind::RequestBudget => write!(f, "refused by portico: {}", l.message),
                LimitKind::ResponseSize | LimitKind::Deadline => {
                    write!(f, "limit reached: {}", l.message)
                }
            },
            E::Host(HostError::Credential(p)) => describe_problem(f, "unauthorized", p),
        }
    }
}

impl AdapterError {
    /// The exit code this error maps to.
    pub(crate) fn exit_code(&self) -> u8 {
        use types::Error as E;
        match &self.error {
            E::NotFound(_)
            | E::InvalidInput(_)
            | E::Unauthorized(_)
            | E::Forbidden(_)
            | E::Conflict(_)
            | E::RateLimited(_)
            | E::Unsupported(_) => 1,
            E::Provider(p) if p.status.is_some_and(|s| (400..500).contains(&s)) => 1,
            E::Host(HostError::Credential(_)) => 1,
            E::Provider(_) | E::Host(_) => 2,
        }
    }

    /// Whether the adapter said the resource does not exist.
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self.error, types::Error::NotFound(_))
    }
}

/// A command that ends with its own exit code (`plan`: 2 when changes are pending, 1 on any
/// error), with the message of what went wrong, or none when it already said so.
#[derive(Debug)]
pub(crate) struct Exit {
    /// The exit code.
    pub code: u8,
    /// The error, if the command failed.
    pub error: Option<anyhow::Error>,
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(f, "{e:#}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Exit {}

/// Ends the command with `code` and nothing more to say.
pub(crate) fn exit(code: u8) -> anyhow::Error {
    Exit { code, error: None }.into()
}

/// Ends the command with `code`, reporting `error`.
pub(crate) fn exit_with(code: u8, error: anyhow::Error) -> anyhow::Error {
    Exit {
        code,
        error: Some(error),
    }
    .into()
}

/// The exit code for a failed command.
pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    if let Some(e) = err.downcast_ref::<Exit>() {
        return e.code;
    }
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<AdapterError>() {
            return e.exit_code();
        }
        if cause.downcast_ref::<InputError>().is_some() {
            return 1;
        }
    }
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: u16, code: &str) -> Problem {
        Problem {
            message: "gateway 42 does not exist".into(),
            status: Some(status),
            code: Some(code.into()),
            field: None,
        }
    }

    #[test]
    fn messages_name_adapter_operation_status_and_code() {
        let e = AdapterError {
            adapter: "ionos-vpn".into(),
            operation: "gateway.get".into(),
            error: types::Error::NotFound(problem(404, "paas-404")),
        };
        assert_eq!(
            e.to_string(),
            "ionos-vpn gateway.get: not found (HTTP 404, code paas-404): gateway 42 does not exist"
        );
        assert_eq!(exit_code(&anyhow::Error::new(e).context("outer")), 1);
    }

    #[test]
    fn host_side_failures_exit_2() {
        let denied = AdapterError {
            adapter: "a".into(),
            operation: "op".into(),
            error: types::Error::Host(HostError::Denied(types::Denial {
                reason: types::DenialReason::HostNotGranted,
                message: "host x not granted".into(),
            })),
        };
        assert_eq!(denied.exit_code(), 2);
        let server = AdapterError {
            adapter: "a".into(),
            operation: "op".into(),
            error: types::Error::Provider(problem(503, "busy")),
        };
        assert_eq!(server.exit_code(), 2);
        assert_eq!(exit_code(&input("bad flag")), 1);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 2);
    }
}
