//! A programmable stand-in for the host, for native unit tests.
//!
//! In a native build every import of the SDK ([`crate::host`]) is answered here: `http.send` and
//! `http.send-all` by a handler the test installs ([`mock_http`], or [`fake_api`] for a routed
//! provider API), `credentials.identity` by fields the test sets ([`set_identity`]),
//! `credentials.sign` by a real HMAC with a key the test sets ([`set_signing_key`]) or by a
//! closure ([`mock_sign`]), `config.get` by [`set_config`], and `log` into [`logs`]. State is per
//! thread, so parallel tests do not interfere; the guard [`mock_http`] returns clears it.
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
//!
//! In a component build the module is there but unused: nothing calls it, the real imports
//! answer instead.

mod examples;
pub mod fake;
mod placements;

use serde_json::Value;

use crate::credentials::SignRequest;
use crate::http::{HeaderSignature, Response, SignatureEncoding, WireRequest};
use crate::log::Level;
use crate::{HostError, SecretInput, TransportFailure, TransportKind};

pub use examples::{ExampleSpec, Step, assert_examples, example_spec};
pub use placements::assert_placements;

/// Clears the fake host's state when dropped.
#[must_use = "the mock is removed when the guard is dropped"]
pub struct MockGuard(());

impl Drop for MockGuard {
    fn drop(&mut self) {
        reset();
    }
}

/// Answer every `http.send` of this thread with `handler`. Requests are recorded for [`sent`].
pub fn mock_http(
    handler: impl FnMut(&WireRequest) -> Result<Response, HostError> + 'static,
) -> MockGuard {
    fake::with(|host| host.handler = Some(Box::new(handler)));
    MockGuard(())
}

/// The headers a guest may not set: the host applies credentials and signatures.
const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "cookie", "scp-signature"];

/// A fake provider API at `base`: every request must name `credential` (or none, when `None`)
/// and set no credential header itself; `route` answers with the method (upper case), the
/// path and query after `base`, and the JSON body.
#[expect(
    clippy::panic,
    reason = "a test helper reports a bad request by failing the test"
)]
pub fn fake_api(
    base: &'static str,
    credential: Option<&'static str>,
    mut route: impl FnMut(&str, &str, Option<Value>) -> Response + 'static,
) -> MockGuard {
    mock_http(move |request: &WireRequest| {
        assert_eq!(request.credential.as_deref(), credential, "{}", request.url);
        for (name, _) in &request.headers {
            let lower = name.to_ascii_lowercase();
            assert!(
                !CREDENTIAL_HEADERS.contains(&lower.as_str()) && !lower.starts_with("x-soracom"),
                "the adapter must not set {name}"
            );
        }
        let path = request.url.strip_prefix(base).unwrap_or(&request.url);
        let body = request.body.as_ref().map(|bytes| {
            serde_json::from_slice(bytes)
                .unwrap_or_else(|e| panic!("body of {path} is not JSON: {e}"))
        });
        Ok(route(request.method.as_str(), path, body))
    })
}

/// Check a catalogue's table: unique operation names, every `{name}` of a path template
/// declared as a path parameter (in order) and no other, a summary for each, no body on a GET,
/// HEAD or DELETE, and only GETs paginated. Returns how many operations there are.
pub fn assert_catalogue(catalogue: &crate::operations::Catalogue) -> usize {
    let operations = catalogue.operations();
    let mut names: Vec<&str> = operations.iter().map(|o| o.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), operations.len(), "operation names repeat");
    for op in operations {
        let in_path = crate::url::template_names(op.path);
        let declared: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.location == crate::Location::Path)
            .map(|p| p.name)
            .collect();
        assert_eq!(in_path, declared, "{}: path parameters", op.name);
        assert!(!op.summary.trim().is_empty(), "{}: no summary", op.name);
        if matches!(
            op.method,
            crate::Method::Get | crate::Method::Head | crate::Method::Delete
        ) {
            assert!(
                !op.takes_body,
                "{}: a {} takes no body",
                op.name,
                op.method.as_str()
            );
        }
        if op.paginated {
            assert_eq!(op.method, crate::Method::Get, "{}: only GETs page", op.name);
        }
    }
    operations.len()
}

/// Every request sent since the last reset, as `METHOD path-and-query` after `base`.
pub fn requests(base: &str) -> Vec<String> {
    sent()
        .into_iter()
        .map(|r| {
            let path = r.url.strip_prefix(base).unwrap_or(&r.url).to_owned();
            format!("{} {path}", r.method.as_str())
        })
        .collect()
}

/// The JSON body of the `index`th request sent.
#[expect(
    clippy::panic,
    reason = "a test helper reports a missing body by failing the test"
)]
pub fn body_of(index: usize) -> Value {
    let sent = sent();
    let request = sent
        .get(index)
        .unwrap_or_else(|| panic!("only {} requests were sent", sent.len()));
    let body = request
        .body
        .as_deref()
        .unwrap_or_else(|| panic!("{} has no body", request.url));
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("body of {} is not JSON: {e}", request.url))
}

/// Answer `credentials.sign` with `signer` instead of an HMAC.
pub fn mock_sign(signer: impl FnMut(&SignRequest) -> Result<Vec<u8>, HostError> + 'static) {
    fake::with(|host| host.signer = Some(Box::new(signer)));
}

/// Set the secret `key` of a credential field, with which the fake `credentials.sign` computes
/// real HMACs (the host's computation, key derivation included).
pub fn set_signing_key(credential: &str, field: &str, key: &str) {
    fake::with(|host| {
        host.keys.insert(
            (credential.to_owned(), field.to_owned()),
            key.as_bytes().to_vec(),
        )
    });
}

/// The value the host would put in a signature header: `prefix` and the encoded signature, as
/// the fake `credentials.sign` computes it.
pub fn signature_value(signature: &HeaderSignature) -> Result<String, HostError> {
    let bytes = crate::host::sign(&signature.sign)?;
    let encoded = match signature.encoding {
        SignatureEncoding::Base64 => crate::cursor::base64_encode(&bytes),
        SignatureEncoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    };
    Ok(format!(
        "{}{encoded}",
        signature.prefix.as_deref().unwrap_or_default()
    ))
}

/// Set a profile setting read by [`crate::config::get`].
pub fn set_config(key: &str, value: &str) {
    fake::with(|host| host.config.insert(key.to_owned(), value.to_owned()));
}

/// Set a non-secret credential field read by [`crate::credentials::identity`].
pub fn set_identity(credential: &str, field: &str, value: &str) {
    fake::with(|host| {
        host.identities
            .insert((credential.to_owned(), field.to_owned()), value.to_owned())
    });
}

/// Every request sent on this thread since the last reset, oldest first.
pub fn sent() -> Vec<WireRequest> {
    fake::with(|host| host.sent.clone())
}

/// Every signature requested on this thread since the last reset, oldest first.
pub fn signed() -> Vec<SignRequest> {
    fake::with(|host| host.signed.clone())
}

/// Every log line written on this thread since the last reset.
pub fn logs() -> Vec<(Level, String)> {
    fake::with(|host| host.logs.clone())
}

/// Forget the handler, signer, settings, identities, keys, recorded requests and logs.
pub fn reset() {
    fake::with(|host| *host = fake::Host::default());
}

/// A response with a JSON body.
pub fn json_response(status: u16, body: &Value) -> Response {
    Response {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
        attempts: 1,
    }
}

/// A response without a body.
pub fn empty_response(status: u16) -> Response {
    Response {
        status,
        headers: Vec::new(),
        body: Vec::new(),
        attempts: 1,
    }
}

/// What the host answers when the connection broke after the request went out: the provider
/// may have processed it (`maybe-processed`), so the outcome is unknown.
pub fn lost_response() -> HostError {
    HostError::Transport(TransportFailure {
        kind: TransportKind::Broken,
        maybe_processed: true,
        message: "the connection closed before the response arrived".into(),
    })
}

/// What the host answers when no connection could be made: nothing was sent.
pub fn connection_refused() -> HostError {
    HostError::Transport(TransportFailure {
        kind: TransportKind::Connect,
        maybe_processed: false,
        message: "connection refused".into(),
    })
}

/// The placeholder the host hands the guest for the secret input `name`: `{{secret:NAME}}`.
pub fn placeholder(name: &str) -> String {
    format!("{{{{secret:{name}}}}}")
}

/// The secret input `name` as the host passes it, with its [`placeholder`].
pub fn secret(name: &str) -> SecretInput {
    SecretInput {
        name: name.to_owned(),
        placeholder: placeholder(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Algorithm;

    #[test]
    fn sign_computes_real_hmacs_with_derivation() {
        reset();
        set_signing_key("aws", "secret", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        // AWS's documented SigV4 signing-key example (iam, us-east-1, 20150830).
        let request = SignRequest {
            credential: "aws".into(),
            field: "secret".into(),
            algorithm: Algorithm::HmacSha256,
            key_prefix: b"AWS4".to_vec(),
            derivation: ["20150830", "us-east-1", "iam", "aws4_request"]
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            message: b"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59".to_vec(),
        };
        let signature = crate::credentials::sign(&request).unwrap();
        let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
        assert_eq!(signed().len(), 1);
        reset();
        let err = crate::credentials::sign(&request).unwrap_err();
        assert!(err.message().contains("no signing key"), "{err:?}");
        mock_sign(|_| Ok(vec![1, 2]));
        assert_eq!(crate::credentials::sign(&request).unwrap(), [1, 2]);
        reset();
    }

    #[test]
    fn placeholders_look_like_the_hosts() {
        assert_eq!(placeholder("psk"), "{{secret:psk}}");
        assert_eq!(secret("psk").placeholder, "{{secret:psk}}");
    }
}
