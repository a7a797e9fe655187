//! HTTP through the host broker.
//!
//! The `http.send` and `http.send-all` imports are the only network access an adapter has. The
//! host checks the URL against the granted hosts, applies the named credential, refuses
//! credential-bearing headers set by the guest, and retries idempotent requests itself (429,
//! 502-504, connection failures; see [`Request::idempotent`]), so adapters never set
//! `Authorization` and never retry: they name a credential with [`Request::credential`].
//!
//! [`Request`] builds one request (query parameters percent-encoded, `Accept: application/json`
//! by default, `Content-Type` set by the body helpers); [`Api`] adds a base URL, a credential, an
//! error mapper and an optional signing hook shared by every call to one provider.
//!
//! ```no_run
//! use portico_adapter_sdk::http::Api;
//!
//! let api = Api::new("https://vpn.de-fra.ionos.com").with_credential("ionos");
//! let page = api.fetch_json(api.get("/wireguardgateways").query("limit", "10"))?;
//! # Ok::<(), portico_adapter_sdk::Error>(())
//! ```

use std::rc::Rc;

use serde_json::Value;

use crate::bindings::portico::adapter::http as wire;
use crate::{Error, Method, Result, error, host, url};

/// The request as it crosses to the host: method, absolute URL, headers, body, credential name,
/// signatures, idempotence.
pub use wire::Request as WireRequest;

/// A header the host fills with a signature (see [`Request::signature`]).
pub use wire::{HeaderSignature, SignatureEncoding};

/// A response received from the host: status, headers (names lower case), body bytes and how
/// many attempts the host made.
pub use wire::Response;

impl Method {
    /// Every method.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
    ];

    /// The method as HTTP spells it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// Parse a method name in any case; `None` for anything else.
    ///
    /// ```
    /// use portico_adapter_sdk::Method;
    /// assert_eq!(Method::parse("patch"), Some(Method::Patch));
    /// assert_eq!(Method::parse("BREW"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether the method is idempotent by definition (what the host assumes when a request
    /// does not say).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// A request being built. Finish it with [`Request::send`] or [`Api::execute`].
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    method: Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    credential: Option<String>,
    signatures: Vec<HeaderSignature>,
    idempotent: Option<bool>,
}

impl Request {
    /// A request with `method` to an absolute `url`, accepting JSON.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            query: Vec::new(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            credential: None,
            signatures: Vec::new(),
            idempotent: None,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::Get, url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new(Method::Post, url)
    }

    /// A `PUT` request.
    pub fn put(url: impl Into<String>) -> Self {
        Self::new(Method::Put, url)
    }

    /// A `PATCH` request.
    pub fn patch(url: impl Into<String>) -> Self {
        Self::new(Method::Patch, url)
    }

    /// A `DELETE` request.
    pub fn delete(url: impl Into<String>) -> Self {
        Self::new(Method::Delete, url)
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

    /// Tell the host whether it may send the request again after a failure, overriding the
    /// method's default (a POST that is a put by key may say `true`; the host then retries it).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The full URL, with the query string appended.
    pub fn url(&self) -> String {
        url::with_query(&self.url, &self.query)
    }

    /// The request as it will be handed to the host.
    pub fn to_wire(&self) -> WireRequest {
        WireRequest {
            method: self.method,
            url: self.url(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            credential: self.credential.clone(),
            signatures: self.signatures.clone(),
            idempotent: self.idempotent,
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

    /// Send the request and return the response, whatever its status. Only what the host
    /// decided (a refusal, a transport failure, a limit) is an error here, as [`Error::Host`].
    pub fn send(&self) -> Result<Response> {
        let wire = self.to_wire();
        crate::log::debug(&format!("{} {}", wire.method.as_str(), wire.url));
        let mut response = host::send(&wire)?;
        crate::log::debug(&format!(
            "{} {} -> {} ({} attempt(s))",
            wire.method.as_str(),
            wire.url,
            response.status,
            response.attempts
        ));
        if wire.method == Method::Delete && response.status == 404 && response.attempts > 1 {
            // The host sent the DELETE again because the first attempt's answer never came:
            // that attempt deleted it, so the resource being gone now is the delete's success.
            crate::log::info(&format!(
                "{}: an earlier attempt deleted it (its answer was lost)",
                wire.url
            ));
            response.status = 204;
            response.body.clear();
        }
        Ok(response)
    }
}

/// Send several requests concurrently (`http.send-all`); the answers are in the order of
/// `requests`, each as [`Request::send`] would give it.
pub fn send_all(requests: &[Request]) -> Vec<Result<Response>> {
    let wire: Vec<WireRequest> = requests.iter().map(Request::to_wire).collect();
    host::send_all(&wire)
        .into_iter()
        .map(|answer| answer.map_err(Error::from))
        .collect()
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

    /// Whether the content type is JSON (`application/json`, `application/problem+json`, ...).
    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            let ct = ct.split(';').next().unwrap_or_default().trim();
            ct.eq_ignore_ascii_case("application/json")
                || ct.to_ascii_lowercase().ends_with("+json")
        })
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

/// Finishes a request just before it is sent (adds signature headers, timestamps). It sees the
/// request as it will go out, query included.
pub type Signer = Rc<dyn Fn(Request) -> Result<Request>>;

/// One provider API: a base URL, the credential every request names, how error responses are
/// read, and an optional signing hook.
#[derive(Clone)]
pub struct Api {
    base_url: String,
    credential: Option<String>,
    error_mapper: ErrorMapper,
    signer: Option<Signer>,
}

impl core::fmt::Debug for Api {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Api")
            .field("base_url", &self.base_url)
            .field("credential", &self.credential)
            .field("signer", &self.signer.is_some())
            .finish_non_exhaustive()
    }
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
            signer: None,
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

    /// Pass every request through `signer` just before it is sent (by [`Api::send`],
    /// [`Api::execute`], [`Api::execute_all`] and the catalogue's `invoke`).
    ///
    /// ```
    /// use portico_adapter_sdk::http::Api;
    /// let api = Api::new("https://h").with_signer(|r| Ok(r.header("X-Signed", "yes")));
    /// let signed = api.sign(api.get("/x")).unwrap().to_wire();
    /// assert!(signed.headers.contains(&("X-Signed".into(), "yes".into())));
    /// ```
    pub fn with_signer(mut self, signer: impl Fn(Request) -> Result<Request> + 'static) -> Self {
        self.signer = Some(Rc::new(signer));
        self
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A request to `path` (already encoded, starting with `/`) under the base URL, carrying the
    /// API's credential.
    pub fn request(&self, method: Method, path: &str) -> Request {
        let request = Request::new(method, format!("{}{path}", self.base_url));
        match &self.credential {
            Some(name) => request.credential(name.clone()),
            None => request,
        }
    }

    /// A `GET` of `path`.
    pub fn get(&self, path: &str) -> Request {
        self.request(Method::Get, path)
    }

    /// A `POST` to `path`.
    pub fn post(&self, path: &str) -> Request {
        self.request(Method::Post, path)
    }

    /// A `PUT` to `path`.
    pub fn put(&self, path: &str) -> Request {
        self.request(Method::Put, path)
    }

    /// A `DELETE` of `path`.
    pub fn delete(&self, path: &str) -> Request {
        self.request(Method::Delete, path)
    }

    /// Turn a response into an error with this API's mapper.
    pub fn map_error(&self, response: &Response) -> Error {
        (self.error_mapper)(response)
    }

    /// `request` as it will be sent: passed through the signing hook, if any.
    pub fn sign(&self, request: Request) -> Result<Request> {
        match &self.signer {
            Some(signer) => signer(request),
            None => Ok(request),
        }
    }

    /// Sign and send `request`, whatever the status of the answer.
    pub fn send(&self, request: Request) -> Result<Response> {
        self.sign(request)?.send()
    }

    /// Sign and send `request`; a non-2xx response becomes an error through the error mapper.
    pub fn execute(&self, request: Request) -> Result<Response> {
        let response = self.send(request)?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(self.map_error(&response))
        }
    }

    /// Sign and send `requests` concurrently (`http.send-all`), each answer as [`Api::execute`]
    /// gives it, in order.
    pub fn execute_all(&self, requests: Vec<Request>) -> Vec<Result<Response>> {
        let mut signed = Vec::with_capacity(requests.len());
        let mut refused: Vec<(usize, Error)> = Vec::new();
        for (i, request) in requests.into_iter().enumerate() {
            match self.sign(request) {
                Ok(request) => signed.push(request),
                Err(err) => refused.push((i, err)),
            }
        }
        let mut answers = send_all(&signed).into_iter();
        let total = signed.len() + refused.len();
        let mut refused = refused.into_iter().peekable();
        (0..total)
            .map(|i| match refused.next_if(|(at, _)| *at == i) {
                Some((_, err)) => Err(err),
                None => match answers.next() {
                    Some(Ok(response)) if response.is_success() => Ok(response),
                    Some(Ok(response)) => Err(self.map_error(&response)),
                    Some(Err(err)) => Err(err),
                    None => Err(error::provider(
                        "the host answered fewer requests than sent",
                    )),
                },
            })
            .collect()
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
        assert_eq!(wire.method, Method::Post);
        assert_eq!(
            wire.url,
            "https://api.example.com/items/a%2Fb?name=x%20y&limit=5"
        );
        assert_eq!(wire.credential.as_deref(), Some("main"));
        assert_eq!(wire.body.as_deref(), Some(&br#"{"a":1}"#[..]));
        assert_eq!(wire.idempotent, None);
        assert!(
            wire.headers
                .contains(&("Accept".into(), "application/json".into()))
        );
        assert!(
            wire.headers
                .contains(&("Content-Type".into(), "application/json".into()))
        );
        assert_eq!(request.idempotent(true).to_wire().idempotent, Some(true));
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
    fn methods_spell_and_parse() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(method));
        }
        assert!(Method::Put.is_idempotent() && !Method::Post.is_idempotent());
    }

    #[test]
    fn a_retried_delete_that_finds_the_resource_gone_succeeded() {
        let _host = crate::testing::mock_http(|request| {
            let mut answer = crate::testing::empty_response(404);
            answer.attempts = if request.method == Method::Delete {
                2
            } else {
                1
            };
            Ok(answer)
        });
        let deleted = Request::delete("https://api.example.com/things/1")
            .send()
            .unwrap();
        assert_eq!(deleted.status, 204);
        // A first-attempt 404, or one of another method, stays what the provider said.
        let got = Request::get("https://api.example.com/things/1")
            .send()
            .unwrap();
        assert_eq!(got.status, 404);
    }

    #[test]
    fn response_helpers() {
        let response = Response {
            status: 429,
            headers: vec![("retry-after".into(), " 30 ".into())],
            body: b"  ".to_vec(),
            attempts: 3,
        };
        assert!(!response.is_success());
        assert_eq!(response.retry_after(), Some(30));
        assert_eq!(response.header("Retry-After"), Some(" 30 "));
        assert_eq!(response.json().unwrap(), Value::Null);
        assert!(!response.is_json());
        let bad = Response {
            status: 200,
            headers: vec![(
                "content-type".into(),
                "application/problem+json; charset=utf-8".into(),
            )],
            body: b"<xml/>".to_vec(),
            attempts: 1,
        };
        assert!(bad.is_json());
        assert!(matches!(bad.json(), Err(Error::Provider(_))));
    }

    #[test]
    fn execute_maps_errors_with_the_mapper_and_passes_host_errors_on() {
        fn mapper(response: &Response) -> Error {
            error::conflict(format!("mapped {}", response.status))
        }
        let _guard = crate::testing::mock_http(|request| {
            if request.url.ends_with("/lost") {
                return Err(crate::testing::lost_response());
            }
            let status = if request.url.ends_with("/ok") {
                200
            } else {
                418
            };
            Ok(crate::testing::json_response(status, &json!({"ok": true})))
        });
        let api = Api::new("https://h").with_error_mapper(mapper);
        assert_eq!(api.fetch_json(api.get("/ok")).unwrap(), json!({"ok": true}));
        assert_eq!(
            api.execute(api.get("/no")).unwrap_err().message(),
            "mapped 418"
        );
        assert_eq!(
            api.execute(api.get("/lost")).unwrap_err(),
            Error::Host(crate::testing::lost_response())
        );
        let all = api.execute_all(vec![api.get("/ok"), api.get("/no"), api.get("/lost")]);
        assert!(all[0].is_ok());
        assert_eq!(all[1].as_ref().unwrap_err().message(), "mapped 418");
        assert!(matches!(all[2], Err(Error::Host(_))));
    }

    #[test]
    fn the_signer_sees_the_final_request() {
        let _guard = crate::testing::mock_http(|_| Ok(crate::testing::empty_response(204)));
        let api = Api::new("https://h").with_signer(|request: Request| {
            let url = request.url();
            if url.contains("refuse") {
                return Err(error::invalid_input("no"));
            }
            Ok(request.header("X-Signed-Url", url))
        });
        api.execute(api.get("/x").query("page", "2")).unwrap();
        let sent = crate::testing::sent();
        assert!(
            sent[0]
                .headers
                .contains(&("X-Signed-Url".into(), "https://h/x?page=2".into()))
        );
        let all = api.execute_all(vec![api.get("/refuse"), api.get("/y")]);
        assert!(matches!(all[0], Err(Error::InvalidInput(_))));
        assert!(all[1].is_ok());
        assert_eq!(crate::testing::sent().len(), 2);
    }
}
