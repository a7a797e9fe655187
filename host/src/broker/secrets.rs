//! Secret inputs: values the user gives for one command (a pre-shared key, a private key).
//!
//! The guest only sees a placeholder such as `{{secret:pre-shared-key}}`. The broker puts the
//! value in place of the placeholder on the wire (after the egress check, so only towards hosts
//! the adapter may reach) and turns the value back into the placeholder in every response.

use crate::secret::SecretString;

/// The placeholder text for a secret input.
pub(crate) fn placeholder(name: &str) -> String {
    format!("{{{{secret:{name}}}}}")
}

/// The secret inputs of one command.
#[derive(Debug, Clone, Default)]
pub(crate) struct SecretInputs {
    items: Vec<(String, SecretString)>,
}

impl SecretInputs {
    /// Adds a value.
    pub(crate) fn insert(&mut self, name: String, value: SecretString) {
        self.items.retain(|(n, _)| *n != name);
        self.items.push((name, value));
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Replaces placeholders in `bytes` with values. In JSON, values are escaped as JSON
    /// string content, since adapters put placeholders inside string literals.
    pub(crate) fn substitute(&self, bytes: &[u8], json: bool) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for (name, value) in &self.items {
            let replacement = if json {
                json_escape(value.expose())
            } else {
                value.expose().to_string()
            };
            out = replace_all(&out, placeholder(name).as_bytes(), replacement.as_bytes());
        }
        out
    }

    /// (value bytes, placeholder) pairs for scrubbing, including the JSON-escaped form.
    pub(crate) fn scrub_pairs(&self) -> Vec<(Vec<u8>, String)> {
        let mut out = Vec::new();
        for (name, value) in &self.items {
            out.push((value.expose().as_bytes().to_vec(), placeholder(name)));
            let escaped = json_escape(value.expose());
            if escaped != value.expose() {
                out.push((escaped.into_bytes(), placeholder(name)));
            }
        }
        out
    }
}

fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// Replaces every occurrence of `needle` in `haystack`.
pub(crate) fn replace_all(haystack: &[u8], needle: &[u8], replacement: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(replacement);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Replaces every known secret in `bytes` by its placeholder.
pub(crate) fn scrub(bytes: &[u8], secrets: &[(Vec<u8>, String)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (value, replacement) in secrets {
        if value.len() >= 4 {
            out = replace_all(&out, value, replacement.as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> SecretInputs {
        let mut s = SecretInputs::default();
        s.insert(
            "pre-shared-key".into(),
            SecretString::new("p\"sk-42\\x".into()),
        );
        s
    }

    #[test]
    fn substitutes_json_escaped_and_scrubs_back() {
        let s = inputs();
        let body = br#"{"auth":{"psk":{"key":"{{secret:pre-shared-key}}"}}}"#;
        let wire = s.substitute(body, true);
        let parsed: serde_json::Value = serde_json::from_slice(&wire).unwrap();
        assert_eq!(parsed["auth"]["psk"]["key"], "p\"sk-42\\x");
        let scrubbed = scrub(&wire, &s.scrub_pairs());
        assert_eq!(scrubbed, body.to_vec());
        let raw = scrub(b"echo p\"sk-42\\x", &s.scrub_pairs());
        assert_eq!(raw, b"echo {{secret:pre-shared-key}}".to_vec());
    }

    #[test]
    fn unknown_placeholders_stay() {
        let s = inputs();
        let body = b"{{secret:other}}";
        assert_eq!(s.substitute(body, false), body.to_vec());
    }

    #[test]
    fn replace_all_edges() {
        assert_eq!(replace_all(b"aaa", b"aa", b"b"), b"ba".to_vec());
        assert_eq!(replace_all(b"", b"a", b"b"), b"".to_vec());
        assert_eq!(replace_all(b"abc", b"", b"x"), b"abc".to_vec());
    }
}
