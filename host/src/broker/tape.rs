//! Record and replay: `--record FILE` writes every brokered exchange of a command to a
//! cassette, `--replay FILE` answers from one with no network at all.
//!
//! A cassette holds what the adapter sent (method, URL, headers and body as the adapter wrote
//! them, so secret inputs are still placeholders, and the name of the credential it asked for,
//! never the header the host made of it) and what it got back (after the host scrubbed every
//! secret), so a cassette recorded against a real provider can be committed. Replay matches a
//! request by method, path and query (not the origin, so a cassette recorded against one
//! endpoint replays against another) and, when the cassette holds one, the body (as JSON when
//! both parse); each interaction answers once, in order. A request the cassette does not hold
//! fails clearly. Credentials are not needed to replay: none are applied, signatures are not
//! computed, and `credentials.sign` answers zeros.

use crate::wit::{http, method_text, parse_method};
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The format version written in every cassette.
const FORMAT: u32 = 1;

/// A body: a JSON array or object as itself (readable diffs), anything else as its text.
fn body_value(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    match serde_json::from_str::<Value>(&text) {
        Ok(value @ (Value::Array(_) | Value::Object(_))) => Some(value),
        _ => Some(Value::String(text.into_owned())),
    }
}

fn body_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

/// One request as the cassette keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct TapedRequest {
    /// Method, upper case.
    pub method: String,
    /// Absolute URL; or, in a hand-written cassette, `path` alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Path and query, when `url` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Headers the adapter set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The credential the adapter named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// The body; absent matches any body on replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// One response as the cassette keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct TapedResponse {
    /// Status.
    pub status: u16,
    /// Headers, names lower case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// One exchange.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Interaction {
    /// A name, for hand-written cassettes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What was sent.
    pub request: TapedRequest,
    /// What came back.
    pub response: TapedResponse,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    portico_cassette: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    about: Option<String>,
    interactions: Vec<Interaction>,
}

/// The path and query of an absolute URL or of a path.
fn path_and_query(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(url) => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        },
        Err(_) => text.to_string(),
    }
}

impl TapedRequest {
    fn target(&self) -> String {
        path_and_query(self.url.as_deref().or(self.path.as_deref()).unwrap_or("/"))
    }

    fn matches(&self, method: &str, target: &str, body: Option<&Value>) -> bool {
        self.method.eq_ignore_ascii_case(method)
            && self.target() == target
            && match (&self.body, body) {
                (None, _) => true,
                (Some(want), Some(got)) => want == got,
                (Some(_), None) => false,
            }
    }
}

/// A cassette being recorded or replayed.
#[derive(Debug)]
pub(crate) struct Cassette {
    path: PathBuf,
    about: Option<String>,
    interactions: Vec<Interaction>,
    used: Vec<bool>,
}

impl Cassette {
    /// An empty cassette to record into `path`.
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            about: None,
            interactions: Vec::new(),
            used: Vec::new(),
        }
    }

    /// The cassette at `path`, to replay.
    pub(crate) fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read cassette {}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a portico cassette", path.display()))?;
        if file.portico_cassette != FORMAT {
            bail!(
                "{} is a cassette of format {}; this portico reads format {FORMAT}",
                path.display(),
                file.portico_cassette
            );
        }
        for i in &file.interactions {
            if parse_method(&i.request.method).is_none() {
                bail!(
                    "{}: {:?} is not an HTTP method",
                    path.display(),
                    i.request.method
                );
            }
        }
        let used = vec![false; file.interactions.len()];
        Ok(Self {
            path: path.to_path_buf(),
            about: file.about,
            interactions: file.interactions,
            used,
        })
    }

    /// Writes the cassette (recording) to its file.
    pub(crate) fn save(&self) -> Result<()> {
        let file = File {
            portico_cassette: FORMAT,
            about: self.about.clone(),
            interactions: self.interactions.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file)?;
        text.push('\n');
        std::fs::write(&self.path, text)
            .with_context(|| format!("failed to write cassette {}", self.path.display()))
    }

    /// How many interactions were not used.
    pub(crate) fn unused(&self) -> usize {
        self.used.iter().filter(|u| !**u).count()
    }

    fn answer(&mut self, request: &http::Request) -> Result<http::Response, String> {
        let method = method_text(request.method);
        let target = path_and_query(&request.url);
        let body = request.body.as_deref().and_then(body_value);
        let found =
            self.interactions.iter().enumerate().position(|(i, t)| {
                !self.used[i] && t.request.matches(method, &target, body.as_ref())
            });
        let Some(at) = found else {
            return Err(format!(
                "the cassette {} holds no {method} {target}{} ({} of its {} interactions are \
                 left)",
                self.path.display(),
                if body.is_some() {
                    " with this body"
                } else {
                    ""
                },
                self.unused(),
                self.interactions.len()
            ));
        };
        self.used[at] = true;
        let taped = &self.interactions[at].response;
        Ok(http::Response {
            status: taped.status,
            headers: taped.headers.clone(),
            body: taped.body.as_ref().map(body_bytes).unwrap_or_default(),
            attempts: 1,
        })
    }

    fn record(&mut self, request: &http::Request, response: &http::Response) {
        self.interactions.push(Interaction {
            name: None,
            request: TapedRequest {
                method: method_text(request.method).to_string(),
                url: Some(request.url.clone()),
                path: None,
                headers: request.headers.clone(),
                credential: request.credential.clone(),
                body: request.body.as_deref().and_then(body_value),
            },
            response: TapedResponse {
                status: response.status,
                headers: response.headers.clone(),
                body: body_value(&response.body),
            },
        });
        self.used.push(true);
    }
}

/// A cassette shared by every broker of a command.
#[derive(Debug, Clone)]
pub(crate) enum Tape {
    /// Every exchange is appended.
    Record(Arc<Mutex<Cassette>>),
    /// Every exchange is answered from the cassette; nothing goes on the network.
    Replay(Arc<Mutex<Cassette>>),
}

impl Tape {
    /// Whether this tape answers instead of the network.
    pub(crate) fn is_replay(&self) -> bool {
        matches!(self, Self::Replay(_))
    }

    fn cassette(&self) -> std::sync::MutexGuard<'_, Cassette> {
        match self {
            Self::Record(c) | Self::Replay(c) => c.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// The replayed answer to `request`.
    pub(super) fn answer(&self, request: &http::Request) -> Result<http::Response, String> {
        self.cassette().answer(request)
    }

    /// Appends an exchange, when recording.
    pub(super) fn record(&self, request: &http::Request, response: &http::Response) {
        if let Self::Record(_) = self {
            self.cassette().record(request, response);
        }
    }

    /// Writes a recording; says how much of a replay was left unused.
    pub(crate) fn finish(&self) -> Result<()> {
        let cassette = self.cassette();
        match self {
            Self::Record(_) => cassette.save(),
            Self::Replay(_) => {
                if cassette.unused() > 0 {
                    tracing::info!(
                        "{} interactions of cassette {} were not used",
                        cassette.unused(),
                        cassette.path.display()
                    );
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::types::Method;

    fn request(method: Method, url: &str, body: Option<&str>) -> http::Request {
        http::Request {
            method,
            url: url.into(),
            headers: vec![("accept".into(), "application/json".into())],
            body: body.map(|b| b.as_bytes().to_vec()),
            credential: Some("upcloud".into()),
            signatures: Vec::new(),
            idempotent: None,
        }
    }

    fn response(status: u16, body: &str) -> http::Response {
        http::Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn a_recording_replays_in_order_against_another_origin() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.json");
        let tape = Tape::Record(Arc::new(Mutex::new(Cassette::new(&path))));
        let get = request(Method::Get, "http://127.0.0.1:1234/1.3/gateway/g1", None);
        tape.record(&get, &response(200, r#"{"state":"pending"}"#));
        tape.record(&get, &response(200, r#"{"state":"running"}"#));
        let post = request(
            Method::Post,
            "http://127.0.0.1:1234/1.3/gateway",
            Some(r#"{"name":"a","psk":"{{secret:psk}}"}"#),
        );
        tape.record(&post, &response(201, r#"{"uuid":"g1"}"#));
        tape.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("{{secret:psk}}") && text.contains("\"portico_cassette\": 1"));

        let replay = Tape::Replay(Arc::new(Mutex::new(Cassette::load(&path).unwrap())));
        let elsewhere = request(Method::Get, "https://api.upcloud.com/1.3/gateway/g1", None);
        assert_eq!(
            replay.answer(&elsewhere).unwrap().body,
            br#"{"state":"pending"}"#
        );
        assert_eq!(
            replay.answer(&elsewhere).unwrap().body,
            br#"{"state":"running"}"#
        );
        let reordered = request(
            Method::Post,
            "https://x/1.3/gateway",
            Some(r#"{"psk":"{{secret:psk}}","name":"a"}"#),
        );
        assert_eq!(replay.answer(&reordered).unwrap().status, 201);
        let err = replay.answer(&elsewhere).unwrap_err();
        assert!(
            err.contains("holds no GET /1.3/gateway/g1 (0 of its 3"),
            "{err}"
        );
    }

    #[test]
    fn a_different_body_or_query_does_not_match() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.json");
        std::fs::write(
            &path,
            r#"{"portico_cassette":1,"interactions":[
                {"request":{"method":"POST","path":"/x?limit=2","body":{"a":1}},
                 "response":{"status":200,"body":"ok"}}]}"#,
        )
        .unwrap();
        let replay = Tape::Replay(Arc::new(Mutex::new(Cassette::load(&path).unwrap())));
        assert!(
            replay
                .answer(&request(
                    Method::Post,
                    "https://h/x?limit=3",
                    Some(r#"{"a":1}"#)
                ))
                .is_err()
        );
        assert!(
            replay
                .answer(&request(
                    Method::Post,
                    "https://h/x?limit=2",
                    Some(r#"{"a":2}"#)
                ))
                .is_err()
        );
        let ok = replay
            .answer(&request(
                Method::Post,
                "https://h/x?limit=2",
                Some(r#"{"a":1}"#),
            ))
            .unwrap();
        assert_eq!(ok.body, b"ok");
    }
}
