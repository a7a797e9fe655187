//! Secret inputs: values the user gives for one command (a pre-shared key, a private key).
//!
//! The guest only sees a placeholder such as `{{secret:pre-shared-key}}`. The broker puts the
//! value in place of the placeholder on the wire, only at a placement the adapter declared
//! (`placement.rs`), and scrubs the value and its altered forms from every response
//! (`scrub.rs`).

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

    /// Every input: name and value.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.items.iter().map(|(n, v)| (n.as_str(), v))
    }
}

/// `value` as the content of a JSON string literal (without the quotes).
pub(crate) fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}
