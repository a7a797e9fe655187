//! Where a secret input's value may go: only to a placement the adapter declared for it.
//!
//! A placement names a request (method and path template, matched against the end of the
//! URL's path) and one place in it: a JSON body field (a pointer, `*` matching any one array
//! element or member) whose whole value is the placeholder, or a header. The broker
//! substitutes a placeholder only there; a placeholder anywhere else (the URL, another header,
//! another field, inside a longer string, a request no placement matches) refuses the request
//! and names the secret input and where it was found. Adapters built for 0.1.0 declare no
//! placements: for them, a placeholder may be the whole value of any JSON body field.

use super::secrets::{SecretInputs, json_escape, placeholder};
use crate::wit::adapter::{PlacementTarget, SecretPlacement};
use crate::wit::{method_text, types::Method};
use serde_json::Value;
use std::collections::BTreeMap;

/// The placements the broker enforces.
#[derive(Debug, Clone)]
pub(crate) enum Placements {
    /// Declared by the adapter, by secret input name.
    Declared(BTreeMap<String, Vec<SecretPlacement>>),
    /// A `portico:adapter@0.1.0` adapter: the whole value of any JSON body field.
    AnyBodyField,
}

impl Default for Placements {
    fn default() -> Self {
        Self::Declared(BTreeMap::new())
    }
}

/// The parts of a request a placeholder can be in.
pub(super) struct Parts<'a> {
    /// Method.
    pub method: Method,
    /// The URL as the adapter wrote it.
    pub url: &'a str,
    /// Its path.
    pub path: &'a str,
    /// Headers, names in lower case.
    pub headers: &'a mut [(String, Vec<u8>)],
    /// Body.
    pub body: &'a mut Option<Vec<u8>>,
}

/// Whether `template` (`/a/{id}/b`) matches the last segments of `path`.
fn path_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if template.is_empty() || path.len() < template.len() {
        return false;
    }
    let tail = &path[path.len() - template.len()..];
    template.iter().zip(tail).all(|(t, p)| {
        if t.starts_with('{') && t.ends_with('}') {
            !p.is_empty()
        } else {
            t == p
        }
    })
}

/// Whether `pattern` (`/a/*/b`) matches `pointer` (`/a/0/b`).
fn pointer_matches(pattern: &str, pointer: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let pointer: Vec<&str> = pointer.split('/').collect();
    pattern.len() == pointer.len()
        && pattern
            .iter()
            .zip(&pointer)
            .all(|(a, b)| *a == "*" || a == b)
}

fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Where `placeholder` appears in `value`: whole string values (their pointers), and places it
/// may not be (inside a longer string, in a key), described.
fn find(
    value: &Value,
    placeholder: &str,
    pointer: &str,
    whole: &mut Vec<String>,
    bad: &mut Vec<String>,
) {
    match value {
        Value::String(s) if s == placeholder => whole.push(pointer.to_string()),
        Value::String(s) if s.contains(placeholder) => {
            bad.push(format!("inside a longer string at body field {pointer}"));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find(item, placeholder, &format!("{pointer}/{i}"), whole, bad);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let at = format!("{pointer}/{}", escape_token(key));
                if key.contains(placeholder) {
                    bad.push(format!("in the key of body field {at}"));
                }
                find(item, placeholder, &at, whole, bad);
            }
        }
        _ => {}
    }
}

impl Placements {
    /// The placements declared for input `name` on a request of `method` to `path`.
    fn declared(&self, name: &str, method: Method, path: &str) -> Vec<&SecretPlacement> {
        match self {
            Self::Declared(map) => map
                .get(name)
                .map(|all| {
                    all.iter()
                        .filter(|p| p.method == method && path_matches(&p.path, path))
                        .collect()
                })
                .unwrap_or_default(),
            Self::AnyBodyField => Vec::new(),
        }
    }

    /// Puts each secret input's value at its placeholders in `parts`, or says where a
    /// placeholder was found that is not a declared placement. Returns whether a header got a
    /// value (so it is marked sensitive).
    pub(super) fn place(&self, inputs: &SecretInputs, parts: Parts<'_>) -> Result<bool, String> {
        let mut in_header = false;
        let request = format!("{} {}", method_text(parts.method), parts.path);
        let found = |name: &str, place: &str| {
            format!("the placeholder of secret input {name:?} was found {place} of {request}")
        };
        for (name, value) in inputs.iter() {
            let marker = placeholder(name);
            let encoded: String = url::form_urlencoded::byte_serialize(marker.as_bytes()).collect();
            let url = parts.url.to_ascii_lowercase();
            if parts.url.contains(&marker)
                || url.contains(&encoded.to_ascii_lowercase())
                || url.contains(&marker.replace('{', "%7b").replace('}', "%7d"))
            {
                return Err(format!(
                    "{}; portico never puts a secret into a URL",
                    found(name, "in the URL")
                ));
            }
            let declared = self.declared(name, parts.method, parts.path);
            for (header, bytes) in parts.headers.iter_mut() {
                let text = String::from_utf8_lossy(bytes).into_owned();
                if !text.contains(&marker) {
                    continue;
                }
                let allowed = declared.iter().any(|p| {
                    matches!(&p.target, PlacementTarget::Header(h) if h.eq_ignore_ascii_case(header))
                });
                if !allowed {
                    return Err(format!(
                        "{}, which the adapter did not declare as a placement",
                        found(name, &format!("in header {header:?}"))
                    ));
                }
                *bytes = text.replace(&marker, value.expose()).into_bytes();
                in_header = true;
            }
            let Some(body) = parts.body.as_mut() else {
                continue;
            };
            let raw = String::from_utf8_lossy(body).into_owned();
            if !raw.contains(&marker) {
                continue;
            }
            let Ok(document) = serde_json::from_str::<Value>(&raw) else {
                return Err(format!(
                    "{}, which is not JSON (a placeholder may only be a JSON body field)",
                    found(name, "in the body")
                ));
            };
            let (mut whole, mut bad) = (Vec::new(), Vec::new());
            find(&document, &marker, "", &mut whole, &mut bad);
            if let Some(place) = bad.first() {
                return Err(found(name, place));
            }
            for pointer in &whole {
                let allowed = matches!(self, Self::AnyBodyField)
                    || declared.iter().any(|p| {
                        matches!(&p.target, PlacementTarget::BodyField(f) if pointer_matches(f, pointer))
                    });
                if !allowed {
                    return Err(format!(
                        "{}, which the adapter did not declare as a placement",
                        found(name, &format!("at body field {pointer}"))
                    ));
                }
            }
            // Every raw occurrence must be one of the whole string values found above (a
            // placeholder spelled with JSON escapes is not substituted, and not counted).
            if raw.matches(&marker).count() != whole.len() {
                return Err(found(name, "in the body, written with escapes,"));
            }
            *body = raw
                .replace(&marker, &json_escape(value.expose()))
                .into_bytes();
        }
        Ok(in_header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretString;

    fn declared() -> Placements {
        let post = |path: &str, target| SecretPlacement {
            method: Method::Post,
            path: path.into(),
            target,
        };
        Placements::Declared(BTreeMap::from([(
            "psk".to_string(),
            vec![
                post(
                    "/gateways/{id}/tunnels",
                    PlacementTarget::BodyField("/properties/psk/key".into()),
                ),
                post(
                    "/connections",
                    PlacementTarget::BodyField("/tunnels/*/psk".into()),
                ),
                post("/keys", PlacementTarget::Header("X-Key".into())),
            ],
        )]))
    }

    fn inputs() -> SecretInputs {
        let mut s = SecretInputs::default();
        s.insert("psk".into(), SecretString::new("s3cr\"et-value".into()));
        s
    }

    fn try_place(
        rule: &Placements,
        method: Method,
        url: &str,
        headers: &mut [(String, Vec<u8>)],
        body: &mut Option<Vec<u8>>,
    ) -> Result<bool, String> {
        let path = url::Url::parse(url).unwrap().path().to_string();
        rule.place(
            &inputs(),
            Parts {
                method,
                url,
                path: &path,
                headers,
                body,
            },
        )
    }

    #[test]
    fn a_declared_body_field_gets_the_value_json_escaped() {
        let mut body = Some(br#"{"properties":{"psk":{"key":"{{secret:psk}}"}}}"#.to_vec());
        let url = "https://api.example.com/v1/gateways/g1/tunnels";
        try_place(&declared(), Method::Post, url, &mut [], &mut body).unwrap();
        let sent: Value = serde_json::from_slice(body.as_ref().unwrap()).unwrap();
        assert_eq!(sent["properties"]["psk"]["key"], "s3cr\"et-value");
        let mut body =
            Some(br#"{"tunnels":[{"psk":"{{secret:psk}}"},{"psk":"{{secret:psk}}"}]}"#.to_vec());
        let url = "https://api.example.com/connections";
        try_place(&declared(), Method::Post, url, &mut [], &mut body).unwrap();
        assert!(
            !String::from_utf8(body.unwrap())
                .unwrap()
                .contains("{{secret")
        );
    }

    #[test]
    fn anywhere_else_is_refused_naming_the_input_and_the_place() {
        let rule = declared();
        type Case<'a> = (
            Method,
            &'a str,
            Vec<(String, Vec<u8>)>,
            Option<&'a str>,
            &'a str,
        );
        let cases: Vec<Case<'_>> = vec![
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels?k={{secret:psk}}",
                vec![],
                None,
                "in the URL",
            ),
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels?k=%7B%7Bsecret%3Apsk%7D%7D",
                vec![],
                None,
                "in the URL",
            ),
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels",
                vec![("x-other".into(), b"{{secret:psk}}".to_vec())],
                None,
                "in header \"x-other\"",
            ),
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels",
                vec![],
                Some(r#"{"name":"{{secret:psk}}"}"#),
                "at body field /name",
            ),
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels",
                vec![],
                Some(r#"{"properties":{"psk":{"key":"x{{secret:psk}}"}}}"#),
                "inside a longer string",
            ),
            (
                Method::Put,
                "https://a.example.com/gateways/g/tunnels",
                vec![],
                Some(r#"{"properties":{"psk":{"key":"{{secret:psk}}"}}}"#),
                "at body field /properties/psk/key",
            ),
            (
                Method::Post,
                "https://a.example.com/other",
                vec![],
                Some(r#"{"properties":{"psk":{"key":"{{secret:psk}}"}}}"#),
                "at body field",
            ),
            (
                Method::Post,
                "https://a.example.com/gateways/g/tunnels",
                vec![],
                Some("key={{secret:psk}}"),
                "not JSON",
            ),
        ];
        for (method, url, mut headers, body, place) in cases {
            let mut body = body.map(|b| b.as_bytes().to_vec());
            let err = try_place(&rule, method, url, &mut headers, &mut body).unwrap_err();
            assert!(
                err.contains("secret input \"psk\"") && err.contains(place),
                "{url}: {err}"
            );
            assert!(!err.contains("s3cr"), "{err}");
        }
    }

    #[test]
    fn a_declared_header_gets_the_value() {
        let mut headers = vec![("x-key".to_string(), b"Key {{secret:psk}}".to_vec())];
        let url = "https://a.example.com/keys";
        assert!(try_place(&declared(), Method::Post, url, &mut headers, &mut None).unwrap());
        assert_eq!(headers[0].1, b"Key s3cr\"et-value".to_vec());
    }

    #[test]
    fn version_0_1_0_allows_any_whole_body_field_and_nothing_else() {
        let rule = Placements::AnyBodyField;
        let url = "https://a.example.com/anything";
        let mut body = Some(br#"{"deep":[{"k":"{{secret:psk}}"}]}"#.to_vec());
        try_place(&rule, Method::Patch, url, &mut [], &mut body).unwrap();
        let mut headers = vec![("x-key".to_string(), b"{{secret:psk}}".to_vec())];
        assert!(try_place(&rule, Method::Post, url, &mut headers, &mut None).is_err());
    }

    #[test]
    fn templates_match_the_end_of_the_path() {
        assert!(path_matches(
            "/gateways/{id}/tunnels",
            "/base/v2/gateways/x/tunnels"
        ));
        assert!(!path_matches(
            "/gateways/{id}/tunnels",
            "/gateways/x/tunnels/y"
        ));
        assert!(!path_matches("/gateways/{id}", "/gateways/"));
        assert!(pointer_matches("/a/*/b", "/a/3/b"));
        assert!(!pointer_matches("/a/*/b", "/a/3/c"));
        assert!(!pointer_matches("/a", "/a/b"));
    }
}
