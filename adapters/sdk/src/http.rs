//! HTTP through the host broker.
//!
//! The `http.send` import is the only network access an adapter has. The host checks the URL
//! against the granted hosts, applies the named credential, and refuses credential-bearing
//! headers set by the guest, so adapters never set `Authorization` themselves: they name a
//! credential with [`Request::credential`].
//!
//! [`Request`] builds one request (query parameters percent-encoded, `Accept: application/json`
//! by default, `Content-Type` set by the body helpers); [`Api`] adds a base URL, a credential and an
//! error mapper shared by every call to one provider.
//!
//! ```no_run
//! use portico_adapter_sdk::http::Api;
//!
//! let api = Api::new("https://vpn.de-fra.ionos.com").with_credential("ionos");
//! let page = api.fetch_json(api.get("/wireguardgateways").query("limit", "10"))?;
//! # Ok::<(), portico_adapter_sdk::Error>(())
//! ```

use serde_json::Value;

use crate::bindings::portico::adapter::http as wire;
use crate::{Error, Result, error, url};

/// The request as it crosses to the host: method, absolute URL, headers, body, credential name.
pub use wire::Request as WireRequest;

/// A header the host fills with a signature (see [`Request::signature`]).
pub use wire::{HeaderSignature, SignatureEncoding};

/// A response received from the host: status, headers (names lower case) and body bytes.
pub use wire::Response;

/// A request being built. Finish it with [`Request::send`] or [`Api::execute`].
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    method: String,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    credential: Option<String>,
    signatures: Vec<HeaderSignature>,
}

impl Request {
    /// A request with `method` (upper-cased) to an absolute `url`, accepting JSON.
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            url: url.into(),
            query: Vec::new(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            credential: None,
            signatures: Vec::new(),
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// A `PUT` request.
    pub fn put(url: impl Into<String>) -> Self {
        Self::new("PUT", url)
    }

    /// A `DELETE` request.
    pub fn delete(url: impl Into<String>) -> Self {
        Self::new("DELETE", url)
    }

    /// Add a query parameter; key and value are percent-encoded when the URL is built.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Set a query parameter, replacing any earlier value of the same key.
    pub fn set_query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.query.retain(|(k, _)| *k != key);
        self.query.push((key, value.into()));
        self
    }

    /// Set a header, replacing an earlier one of the same name (case-insensitive).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Send a JSON document as the body, with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Self {
        self.json_text(body.to_string())
    }

    /// Send JSON text as the body verbatim, with `Content-Type: application/json`.
    pub fn json_text(self, body: impl Into<String>) -> Self {
        self.body(body.into().into_bytes(), "application/json")
    }

    /// Send raw bytes with the given content type.
    pub fn body(mut self, bytes: Vec<u8>, content_type: &str) -> Self {
        self.body = Some(bytes);
        self.header("Content-Type", content_type)
    }

    /// Name the credential (as declared in `describe()`) the host applies to this request.
    pub fn credential(mut self, name: impl Into<String>) -> Self {
        self.credential = Some(name.into());
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The full URL, with the query string appended.
    pub fn url(&self) -> String {
        url::with_query(&self.url, &self.query)
    }

    /// The request as it will be handed to the host.
    pub fn to_wire(&self) -> WireRequest {
        WireRequest {
            method: self.method.clone(),
            url: self.url(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            credential: self.credential.clone(),
            signatures: self.signatures.clone(),
        }
    }

    /// Have the host put a signature in header `header`: `prefix` followed by the encoded
    /// HMAC that `sign` describes (the same computation as `credentials.sign`). The adapter
    /// builds the string to sign; the secret never enters the guest, and the adapter never
    /// sets the credential header itself.
    pub fn signature(
        mut self,
        header: impl Into<String>,
        prefix: Option<String>,
        sign: crate::credentials::SignRequest,
        encoding: SignatureEncoding,
    ) -> Self {
        self.signatures.push(HeaderSignature {
            header: header.into(),
            prefix,
            sign,
            encoding,
        });
        self
    }

    /// Send the request and return the response, whatever its status. Only a transport failure
    /// or a policy refusal by the host is an error here.
    pub fn send(&self) -> Result<Response> {
        let wire = self.to_wire();
        crate::log::debug(&format!("{} {}", wire.method, wire.url));
        let response = send_wire(&wire)?;
        crate::log::debug(&format!(
            "{} {} -> {}",
            wire.method, wire.url, response.status
        ));
        Ok(response)
    }
}

#[cfg(target_arch = "wasm32")]
fn send_wire(request: &WireRequest) -> Result<Response> {
    wire::send(request)
}

#[cfg(not(target_arch = "wasm32"))]
fn send_wire(request: &WireRequest) -> Result<Response> {
    crate::testing::send(request)
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Retry-After` as seconds, when it is given as a number.
    pub fn retry_after(&self) -> Option<u32> {
        self.header("retry-after")?.trim().parse().ok()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The trimmed body text, cut to a length fit for an error message.
    pub fn text_excerpt(&self) -> String {
        const MAX: usize = 500;
        let text = self.text();
        let text = text.trim();
        match text.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}...", &text[..cut]),
            None => text.to_owned(),
        }
    }

    /// The body parsed as JSON; an empty body is `null`. A body that is not JSON is a `provider`
    /// error.
    pub fn json(&self) -> Result<Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            error::provider(format!(
                "HTTP {}: response is not JSON ({e}): {}",
                self.status,
                self.text_excerpt()
            ))
        })
    }
}

/// Maps a non-2xx response to an [`Error`]; each provider parses its own error body.
pub type ErrorMapper = fn(&Response) -> Error;

/// One provider API: a base URL, the credential every request names, and how error responses
/// are read.
#[derive(Clone, Debug)]
pub struct Api {
    base_url: String,
    credential: Option<String>,
    error_mapper: ErrorMapper,
}

impl Api {
    /// An API rooted at `base_url` (a trailing `/` is removed), with no credential and the
    /// generic [`error::from_response`] mapper.
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            base_url,
            credential: None,
            error_mapper: error::from_response,
        }
    }

    /// Name the credential every request of this API carries.
    pub fn with_credential(mut self, name: impl Into<String>) -> Self {
        self.credential = Some(name.into());
        self
    }

    /// Use `mapper` to turn non-2xx responses into errors.
    pub fn with_error_mapper(mut self, mapper: ErrorMapper) -> Self {
        self.error_mapper = mapper;
        self
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request to `path` (already encoded, starting with `/`) under the base URL, carrying the
    /// API's credential.
    pub fn request(&self, method: &str, path: &str) -> Request {
        let request = Request::new(method, format!("{}{path}", self.base_url));
        match &self.credential {
            Some(name) => request.credential(name.clone()),
            None => request,
        }
    }

    /// A `GET` of `path`.
    pub fn get(&self, path: &str) -> Request {
        self.request("GET", path)
    }

    /// A `POST` to `path`.
    pub fn post(&self, path: &str) -> Request {
        self.request("POST", path)
    }

    /// A `PUT` to `path`.
    pub fn put(&self, path: &str) -> Request {
        self.request("PUT", path)
    }

    /// A `DELETE` of `path`.
    pub fn delete(&self, path: &str) -> Request {
        self.request("DELETE", path)
    }

    /// Turn a response into an error with this API's mapper.
    pub fn map_error(&self, response: &Response) -> Error {
        (self.error_mapper)(response)
    }

    /// Send `request`; a non-2xx response becomes an error through the error mapper.
    pub fn execute(&self, request: Request) -> Result<Response> {
        let response = request.send()?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(self.map_error(&response))
        }
    }

    /// Send `request` and parse the 2xx response as JSON (`null` when the body is empty).
    pub fn fetch_json(&self, request: Request) -> Result<Value> {
        self.execute(request)?.json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_builds_url_headers_and_body() {
        let request = Api::new("https://api.example.com/")
            .with_credential("main")
            .post("/items/a%2Fb")
            .query("name", "x y")
            .query("limit", "5")
            .json(&json!({"a": 1}));
        let wire = request.to_wire();
        assert_eq!(wire.method, "POST");
        assert_eq!(
            wire.url,
            "https://api.example.com/items/a%2Fb?name=x%20y&limit=5"
        );
        assert_eq!(wire.credential.as_deref(), Some("main"));
        assert_eq!(wire.body.as_deref(), Some(&br#"{"a":1}"#[..]));
        assert!(
            wire.headers
                .contains(&("Accept".into(), "application/json".into()))
        );
        assert!(
            wire.headers
                .contains(&("Content-Type".into(), "application/json".into()))
        );
    }

    #[test]
    fn get_has_no_content_type_and_set_query_replaces() {
        let wire = Request::get("https://h/x")
            .query("offset", "0")
            .set_query("offset", "10")
            .header("accept", "text/plain")
            .to_wire();
        assert_eq!(wire.url, "https://h/x?offset=10");
        assert_eq!(
            wire.headers,
            [("accept".to_string(), "text/plain".to_string())]
        );
        assert_eq!(wire.body, None);
        assert_eq!(wire.credential, None);
    }

    #[test]
    fn response_helpers() {
        let response = Response {
            status: 429,
            headers: vec![("retry-after".into(), " 30 ".into())],
            body: b"  ".to_vec(),
        };
        assert!(!response.is_success());
        assert_eq!(response.retry_after(), Some(30));
        assert_eq!(response.header("Retry-After"), Some(" 30 "));
        assert_eq!(response.json().unwrap(), Value::Null);
        let bad = Response {
            status: 200,
            headers: vec![],
            body: b"<xml/>".to_vec(),
        };
        assert!(matches!(bad.json(), Err(Error::Provider(_))));
    }

    #[test]
    fn execute_maps_errors_with_the_mapper() {
        fn mapper(response: &Response) -> Error {
            error::conflict(format!("mapped {}", response.status))
        }
        let _guard = crate::testing::mock_http(|request| {
            Ok(Response {
                status: if request.url.ends_with("/ok") {
                    200
                } else {
                    418
                },
                headers: vec![],
                body: br#"{"ok":true}"#.to_vec(),
            })
        });
        let api = Api::new("https://h").with_error_mapper(mapper);
        assert_eq!(api.fetch_json(api.get("/ok")).unwrap(), json!({"ok": true}));
        assert_eq!(
            api.execute(api.get("/no")).unwrap_err().message(),
            "mapped 418"
        );
    }
}
