//! Credentials without their secrets.
//!
//! Most adapters only name a credential on their requests ([`crate::http::Request::credential`])
//! and let the host apply it. Adapters whose provider wants signed requests read non-secret fields
//! with [`identity`] and have the host compute signatures with [`sign`] (or put them straight
//! into a header with [`crate::http::Request::signature`]).

use crate::{Result, host};

pub use crate::bindings::portico::adapter::credentials::{Algorithm, SignRequest};

/// A non-secret field of a credential (an access-key id, an account id). A secret field, or a
/// credential that is not declared or approved, is refused by the host ([`crate::Error::Host`]).
pub fn identity(credential: &str, field: &str) -> Result<String> {
    Ok(host::identity(credential, field)?)
}

/// An HMAC computed by the host with a secret field as key; the key never reaches the guest.
pub fn sign(request: &SignRequest) -> Result<Vec<u8>> {
    Ok(host::sign(request)?)
}
