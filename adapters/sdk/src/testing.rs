//! A stand-in for the host in native unit tests (not built for `wasm32`).
//!
//! On native targets the SDK's [`http`](crate::http), [`config`](crate::config),
//! [`credentials`](crate::credentials) and [`log`](crate::log) helpers talk to this module instead
//! of the component imports. State is per thread, so parallel tests do not interfere; the guard
//! returned by [`mock_http`] clears it when dropped.
//!
//! ```
//! use portico_adapter_sdk::{http::Api, testing};
//!
//! let _host = testing::mock_http(|request| {
//!     assert_eq!(request.url, "https://api.example.com/things");
//!     Ok(testing::json_response(200, &serde_json::json!({"items": []})))
//! });
//! testing::set_config("region", "de-fra");
//! let api = Api::new("https://api.example.com");
//! let body = api.fetch_json(api.get("/things")).unwrap();
//! assert_eq!(body["items"], serde_json::json!([]));
//! assert_eq!(testing::sent().len(), 1);
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::http::{Response, WireRequest};
use crate::log::Level;
use crate::{Error, Result};

type Handler = Box<dyn FnMut(&WireRequest) -> Result<Response>>;

#[derive(Default)]
struct Host {
    handler: Option<Handler>,
    config: BTreeMap<String, String>,
    identities: BTreeMap<(String, String), String>,
    sent: Vec<WireRequest>,
    logs: Vec<(Level, String)>,
}

thread_local! {
    static HOST: RefCell<Host> = RefCell::new(Host::default());
}

/// Clears the fake host's state when dropped.
#[must_use = "the mock is removed when the guard is dropped"]
pub struct MockGuard(());

impl Drop for MockGuard {
    fn drop(&mut self) {
        reset();
    }
}

/// Answer every `http.send` of this thread with `handler`. Requests are recorded for [`sent`].
pub fn mock_http(handler: impl FnMut(&WireRequest) -> Result<Response> + 'static) -> MockGuard {
    HOST.with(|host| host.borrow_mut().handler = Some(Box::new(handler)));
    MockGuard(())
}

/// Set a profile setting read by [`crate::config::get`].
pub fn set_config(key: &str, value: &str) {
    HOST.with(|host| {
        host.borrow_mut()
            .config
            .insert(key.to_owned(), value.to_owned())
    });
}

/// Set a non-secret credential field read by [`crate::credentials::identity`].
pub fn set_identity(credential: &str, field: &str, value: &str) {
    HOST.with(|host| {
        host.borrow_mut()
            .identities
            .insert((credential.to_owned(), field.to_owned()), value.to_owned())
    });
}

/// Every request sent on this thread since the last reset, oldest first.
pub fn sent() -> Vec<WireRequest> {
    HOST.with(|host| host.borrow().sent.clone())
}

/// Every log line written on this thread since the last reset.
pub fn logs() -> Vec<(Level, String)> {
    HOST.with(|host| host.borrow().logs.clone())
}

/// Forget the handler, settings, identities, recorded requests and logs of this thread.
pub fn reset() {
    HOST.with(|host| *host.borrow_mut() = Host::default());
}

/// A response with a JSON body.
pub fn json_response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

/// A response without a body.
pub fn empty_response(status: u16) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

pub(crate) fn send(request: &WireRequest) -> Result<Response> {
    // The handler is taken out while it runs so that it may itself use the SDK (config, log).
    let handler = HOST.with(|host| {
        let mut host = host.borrow_mut();
        host.sent.push(request.clone());
        host.handler.take()
    });
    let Some(mut handler) = handler else {
        return Err(Error::Denied(format!(
            "no HTTP mock installed for {} {}",
            request.method, request.url
        )));
    };
    let result = handler(request);
    HOST.with(|host| {
        let mut host = host.borrow_mut();
        if host.handler.is_none() {
            host.handler = Some(handler);
        }
    });
    result
}

pub(crate) fn config(key: &str) -> Option<String> {
    HOST.with(|host| host.borrow().config.get(key).cloned())
}

pub(crate) fn identity(credential: &str, field: &str) -> Result<String> {
    HOST.with(|host| {
        host.borrow()
            .identities
            .get(&(credential.to_owned(), field.to_owned()))
            .cloned()
    })
    .ok_or_else(|| Error::Denied(format!("credential `{credential}` has no field `{field}`")))
}

pub(crate) fn log(level: Level, message: &str) {
    HOST.with(|host| host.borrow_mut().logs.push((level, message.to_owned())));
}
