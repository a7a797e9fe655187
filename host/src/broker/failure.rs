//! What the broker decides when it does not hand a response back: a refusal by policy, a
//! transport failure, a limit, or a credential it could not apply. Typed here and converted to
//! a contract version's error only at the WIT edge (`crate::wit`).

use std::fmt;

/// Why a request was refused by policy. The request was never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DenialReason {
    /// Not a granted host or the profile's endpoint, or it resolved to a private address.
    HostNotGranted,
    /// Malformed URL, user info, or a scheme the grant does not cover.
    InvalidUrl,
    /// A header only the host may set, or an invalid one.
    HeaderNotAllowed,
    /// A credential that was not declared, approved or bound to the host.
    CredentialNotBound,
    /// A secret-input placeholder outside a declared placement.
    SecretPlacement,
    /// A signature over a field that may not sign, or an invalid signature header.
    SignatureNotAllowed,
}

/// How a request failed in transit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportKind {
    /// No connection could be made; nothing was sent.
    Connect,
    /// No complete response in time.
    Timeout,
    /// The connection broke after the request may have been sent.
    Broken,
}

/// Which limit a call reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LimitKind {
    /// Requests per export call.
    RequestBudget,
    /// Bytes of one response body.
    ResponseSize,
}

/// What a provider said when the host tried to obtain or apply a credential (a refused token
/// exchange), or why the credential could not be used (a field is not set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CredentialProblem {
    /// For the user, scrubbed of secrets.
    pub message: String,
    /// The provider's HTTP status, when it answered.
    pub status: Option<u16>,
    /// The provider's error code, when its body had one.
    pub code: Option<String>,
}

/// A failure the host decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Refused by policy.
    Denied {
        /// Why.
        reason: DenialReason,
        /// What, and how to allow it.
        message: String,
    },
    /// Sent or attempted without a usable response.
    Transport {
        /// How.
        kind: TransportKind,
        /// Whether the provider may have processed it.
        maybe_processed: bool,
        /// What happened.
        message: String,
    },
    /// A limit was reached.
    Limit {
        /// Which.
        kind: LimitKind,
        /// Its value.
        limit: u64,
        /// What happened.
        message: String,
    },
    /// The credential could not be obtained or applied.
    Credential(CredentialProblem),
}

impl Failure {
    /// A refusal by policy.
    pub(crate) fn denied(reason: DenialReason, message: impl Into<String>) -> Self {
        Self::Denied {
            reason,
            message: message.into(),
        }
    }

    /// A transport failure.
    pub(crate) fn transport(
        kind: TransportKind,
        maybe_processed: bool,
        message: impl Into<String>,
    ) -> Self {
        Self::Transport {
            kind,
            maybe_processed,
            message: message.into(),
        }
    }

    /// A body over the response-size cap.
    pub(crate) fn too_large(limit: u64, message: impl Into<String>) -> Self {
        Self::Limit {
            kind: LimitKind::ResponseSize,
            limit,
            message: message.into(),
        }
    }

    /// A credential problem without a provider answer.
    pub(crate) fn credential(message: impl Into<String>) -> Self {
        Self::Credential(CredentialProblem {
            message: message.into(),
            status: None,
            code: None,
        })
    }

    /// The message, for the audit log and the user.
    pub(crate) fn message(&self) -> &str {
        match self {
            Self::Denied { message, .. }
            | Self::Transport { message, .. }
            | Self::Limit { message, .. } => message,
            Self::Credential(p) => &p.message,
        }
    }

    /// Whether the CLI should report it even when the adapter swallowed it: refusals by
    /// policy and the request budget, which say the adapter tried something it may not do.
    pub(crate) fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Denied { .. }
                | Self::Limit {
                    kind: LimitKind::RequestBudget,
                    ..
                }
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl From<Failure> for crate::wit::types::HostError {
    fn from(failure: Failure) -> Self {
        use crate::wit::types as t;
        match failure {
            Failure::Denied { reason, message } => Self::Denied(t::Denial {
                reason: match reason {
                    DenialReason::HostNotGranted => t::DenialReason::HostNotGranted,
                    DenialReason::InvalidUrl => t::DenialReason::InvalidUrl,
                    DenialReason::HeaderNotAllowed => t::DenialReason::HeaderNotAllowed,
                    DenialReason::CredentialNotBound => t::DenialReason::CredentialNotBound,
                    DenialReason::SecretPlacement => t::DenialReason::SecretPlacement,
                    DenialReason::SignatureNotAllowed => t::DenialReason::SignatureNotAllowed,
                },
                message,
            }),
            Failure::Transport {
                kind,
                maybe_processed,
                message,
            } => Self::Transport(t::TransportFailure {
                kind: match kind {
                    TransportKind::Connect => t::TransportKind::Connect,
                    TransportKind::Timeout => t::TransportKind::Timeout,
                    TransportKind::Broken => t::TransportKind::Broken,
                },
                maybe_processed,
                message,
            }),
            Failure::Limit {
                kind,
                limit,
                message,
            } => Self::Limit(t::LimitExceeded {
                kind: match kind {
                    LimitKind::RequestBudget => t::LimitKind::RequestBudget,
                    LimitKind::ResponseSize => t::LimitKind::ResponseSize,
                },
                limit,
                message,
            }),
            Failure::Credential(p) => Self::Credential(t::Problem {
                message: p.message,
                status: p.status,
                code: p.code,
                field: None,
            }),
        }
    }
}

impl From<Failure> for crate::wit::v0_1_0::types::Error {
    /// 0.1.0 has no typed host errors: refusals and the request budget are `denied`, transport
    /// failures and an over-large body `transport`, a credential problem `unauthorized`.
    fn from(failure: Failure) -> Self {
        use crate::wit::v0_1_0::types::{Error, Problem};
        match failure {
            Failure::Denied { message, .. }
            | Failure::Limit {
                kind: LimitKind::RequestBudget,
                message,
                ..
            } => Error::Denied(message),
            Failure::Transport { message, .. }
            | Failure::Limit {
                kind: LimitKind::ResponseSize,
                message,
                ..
            } => Error::Transport(message),
            Failure::Credential(p) => Error::Unauthorized(Problem {
                message: p.message,
                status: p.status,
                code: p.code,
            }),
        }
    }
}
