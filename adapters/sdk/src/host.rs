//! The one seam between the SDK and the host: every import of the `provider` world is called
//! here and nowhere else.
//!
//! In a component (`wasm32`) these functions are the real imports. In a native build (unit
//! tests) they are answered by the programmable fake host in [`crate::testing`]: HTTP through a
//! handler the test installs, credential fields and signing keys the test sets (`sign` computes a
//! real HMAC), profile settings, and a log the test can read. So every import, `sign` included,
//! can be faked in an adapter's unit test. This is the only module that looks at the target.
//!
//! Adapters use the SDK's helpers ([`crate::http`], [`crate::credentials`], [`crate::config`],
//! [`crate::log`]) rather than these functions.

use crate::HostError;
use crate::credentials::SignRequest;
use crate::http::{Response, WireRequest};
use crate::log::Level;

#[cfg(target_arch = "wasm32")]
mod imports {
    use super::*;
    use crate::bindings::portico::adapter as wit;

    pub fn send(request: &WireRequest) -> Result<Response, HostError> {
        wit::http::send(request)
    }

    pub fn send_all(requests: &[WireRequest]) -> Vec<Result<Response, HostError>> {
        wit::http::send_all(requests)
    }

    pub fn identity(credential: &str, field: &str) -> Result<String, HostError> {
        wit::credentials::identity(credential, field)
    }

    pub fn sign(request: &SignRequest) -> Result<Vec<u8>, HostError> {
        wit::credentials::sign(request)
    }

    pub fn config(key: &str) -> Option<String> {
        wit::config::get(key)
    }

    pub fn log(level: Level, message: &str) {
        wit::log::log(level, message);
    }
}

#[cfg(not(target_arch = "wasm32"))]
use crate::testing::fake as imports;

/// `http.send`: one request, the whole response, or what the host decided.
pub fn send(request: &WireRequest) -> Result<Response, HostError> {
    imports::send(request)
}

/// `http.send-all`: several requests sent concurrently; answers in the order of `requests`.
pub fn send_all(requests: &[WireRequest]) -> Vec<Result<Response, HostError>> {
    imports::send_all(requests)
}

/// `credentials.identity`: a non-secret field of a credential.
pub fn identity(credential: &str, field: &str) -> Result<String, HostError> {
    imports::identity(credential, field)
}

/// `credentials.sign`: an HMAC computed by the host with a secret field as key.
pub fn sign(request: &SignRequest) -> Result<Vec<u8>, HostError> {
    imports::sign(request)
}

/// `config.get`: a profile setting, or its declared default.
pub fn config(key: &str) -> Option<String> {
    imports::config(key)
}

/// `log.log`.
pub fn log(level: Level, message: &str) {
    imports::log(level, message);
}

/// The items given, in a component build only: the component ABI (`export!`'s generated
/// exports), whose symbol names native linkers refuse in shared libraries.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
#[macro_export]
macro_rules! __component_only {
    ($($item:tt)*) => { $($item)* };
}

/// The items given, in a component build only (nothing in a native build).
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __component_only {
    ($($item:tt)*) => {};
}
