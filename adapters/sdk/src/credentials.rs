//! Credentials without their secrets.
//!
//! Most adapters only name a credential on their requests ([`crate::http::Request::credential`])
//! and let the host apply it. Adapters whose provider wants signed requests read non-secret fields
//! with [`identity`] and have the host compute signatures with [`sign`].

use crate::Result;

pub use crate::bindings::portico::adapter::credentials::{Algorithm, SignRequest};

/// A non-secret field of a credential (an access-key id, an account id).
pub fn identity(credential: &str, field: &str) -> Result<String> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::bindings::portico::adapter::credentials::identity(credential, field)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        crate::testing::identity(credential, field)
    }
}

/// An HMAC computed by the host with a secret field as key; the key never reaches the guest.
pub fn sign(request: &SignRequest) -> Result<Vec<u8>> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::bindings::portico::adapter::credentials::sign(request)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Err(crate::Error::Denied(format!(
            "signing with `{}` is not available in native tests",
            request.credential
        )))
    }
}
