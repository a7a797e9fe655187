//! A noun's spec from JSON: the typed fields in kebab-case (`name`, `public-address`,
//! `local-networks`, ...), `labels` as an object, `properties` as an object, `clear` as a list
//! of field names, as adapters' conformance examples (`describe().examples`) and `apply` write
//! them.

use crate::error::input;
use crate::wit::types;
use anyhow::Result;
use serde_json::{Map, Value};

/// Reads typed fields out of one JSON object, refusing keys it does not know.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: &'a str,
}

impl<'a> Fields<'a> {
    fn new(value: &'a Value, what: &'a str, known: &[&str]) -> Result<Self> {
        let Some(map) = value.as_object() else {
            return Err(input(format!("{what} is not a JSON object")));
        };
        if let Some(unknown) = map.keys().find(|k| {
            !known.contains(&k.as_str())
                && !matches!(k.as_str(), "kind" | "labels" | "properties" | "clear")
        }) {
            return Err(input(format!(
                "{what} has no field {unknown:?} (fields: kind, {}, labels, properties, clear)",
                known.join(", ")
            )));
        }
        Ok(Self { map, what })
    }

    fn text(&self, key: &str) -> Result<Option<String>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(input(format!("{}: {key} is not a string", self.what))),
        }
    }

    fn list(&self, key: &str) -> Result<Vec<String>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str().map(String::from).ok_or_else(|| {
                        input(format!("{}: {key} is not a list of strings", self.what))
                    })
                })
                .collect(),
            Some(_) => Err(input(format!("{}: {key} is not a list", self.what))),
        }
    }

    /// Labels as an object (`{"team": "net"}`) or as the contract's list of `{key, value}`.
    fn labels(&self) -> Result<Vec<types::Label>> {
        match self.map.get("labels") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match (item.get("key"), item.get("value")) {
                    (Some(Value::String(key)), Some(Value::String(value))) => Ok(types::Label {
                        key: key.clone(),
                        value: value.clone(),
                    }),
                    _ => Err(input(format!(
                        "{}: a label is not {{\"key\": ..., \"value\": ...}}",
                        self.what
                    ))),
                })
                .collect(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(key, value)| match value {
                    Value::String(v) => Ok(types::Label {
                        key: key.clone(),
                        value: v.clone(),
                    }),
                    _ => Err(input(format!("{}: label {key} is not a string", self.what))),
                })
                .collect(),
            Some(_) => Err(input(format!(
                "{}: labels is not an object or a list",
                self.what
            ))),
        }
    }

    fn properties(&self) -> Result<String> {
        match self.map.get("properties") {
            None | Some(Value::Null) => Ok("{}".to_string()),
            Some(value @ Value::Object(_)) => Ok(value.to_string()),
            Some(_) => Err(input(format!("{}: properties is not an object", self.what))),
        }
    }
}

/// A spec read from JSON.
pub(crate) trait SpecJson: Sized {
    /// The typed fields, in kebab-case, besides `kind`, `labels` and `properties`.
    const FIELDS: &'static [&'static str];

    /// Its IPSec parameters (tunnels only).
    fn ipsec(&self) -> Option<&types::IpsecParams> {
        None
    }

    /// Adds a secret input the host supplies (a generated key).
    fn push_secret(&mut self, secret: types::SecretInput);

    /// The spec `value` describes, under `parent`, with `secrets` as its secret inputs.
    fn from_json(
        value: &Value,
        what: &str,
        parent: Option<String>,
        secrets: Vec<types::SecretInput>,
    ) -> Result<Self>;
}

impl SpecJson for types::GatewaySpec {
    fn push_secret(&mut self, secret: types::SecretInput) {
        self.secrets.push(secret);
    }

    const FIELDS: &'static [&'static str] = &["name", "description", "public-address", "networks"];

    fn from_json(
        value: &Value,
        what: &str,
        _parent: Option<String>,
        secrets: Vec<types::SecretInput>,
    ) -> Result<Self> {
        let f = Fields::new(value, what, Self::FIELDS)?;
        Ok(Self {
            kind: f.text("kind")?,
            name: f.text("name")?,
            description: f.text("description")?,
            public_address: f.text("public-address")?,
            networks: f.list("networks")?,
            labels: f.labels()?,
            clear: f.list("clear")?,
            properties: f.properties()?,
            secrets,
        })
    }
}

impl SpecJson for types::TunnelSpec {
    fn push_secret(&mut self, secret: types::SecretInput) {
        self.secrets.push(secret);
    }

    fn ipsec(&self) -> Option<&types::IpsecParams> {
        self.ipsec.as_ref()
    }

    const FIELDS: &'static [&'static str] = &[
        "name",
        "description",
        "remote-address",
        "local-networks",
        "remote-networks",
        "ipsec",
    ];

    fn from_json(
        value: &Value,
        what: &str,
        parent: Option<String>,
        secrets: Vec<types::SecretInput>,
    ) -> Result<Self> {
        let f = Fields::new(value, what, Self::FIELDS)?;
        Ok(Self {
            kind: f.text("kind")?,
            parent_id: parent,
            name: f.text("name")?,
            description: f.text("description")?,
            remote_address: f.text("remote-address")?,
            local_networks: f.list("local-networks")?,
            remote_networks: f.list("remote-networks")?,
            ipsec: crate::ipsec::from_json(f.map.get("ipsec"), what)?,
            labels: f.labels()?,
            clear: f.list("clear")?,
            properties: f.properties()?,
            secrets,
        })
    }
}

impl SpecJson for types::PeerSpec {
    fn push_secret(&mut self, secret: types::SecretInput) {
        self.secrets.push(secret);
    }

    const FIELDS: &'static [&'static str] = &[
        "name",
        "description",
        "public-key",
        "endpoint",
        "allowed-networks",
    ];

    fn from_json(
        value: &Value,
        what: &str,
        parent: Option<String>,
        secrets: Vec<types::SecretInput>,
    ) -> Result<Self> {
        let f = Fields::new(value, what, Self::FIELDS)?;
        Ok(Self {
            kind: f.text("kind")?,
            parent_id: parent,
            name: f.text("name")?,
            description: f.text("description")?,
            public_key: f.text("public-key")?,
            endpoint: f.text("endpoint")?,
            allowed_networks: f.list("allowed-networks")?,
            labels: f.labels()?,
            clear: f.list("clear")?,
            properties: f.properties()?,
            secrets,
        })
    }
}

impl SpecJson for types::MappingSpec {
    fn push_secret(&mut self, secret: types::SecretInput) {
        self.secrets.push(secret);
    }

    const FIELDS: &'static [&'static str] = &["name", "source", "destination", "allowed-networks"];

    fn from_json(
        value: &Value,
        what: &str,
        parent: Option<String>,
        secrets: Vec<types::SecretInput>,
    ) -> Result<Self> {
        let f = Fields::new(value, what, Self::FIELDS)?;
        Ok(Self {
            kind: f.text("kind")?,
            parent_id: parent,
            name: f.text("name")?,
            source: f.text("source")?,
            destination: f.text("destination")?,
            allowed_networks: f.list("allowed-networks")?,
            labels: f.labels()?,
            clear: f.list("clear")?,
            properties: f.properties()?,
            secrets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_fields_labels_and_properties_are_read() {
        let spec = types::TunnelSpec::from_json(
            &json!({"name": "t", "remote-address": "198.51.100.1",
                    "remote-networks": ["10.0.0.0/8"], "labels": {"team": "net"},
                    "properties": {"ike": {"version": 2}}}),
            "example",
            Some("g1".into()),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(spec.parent_id.as_deref(), Some("g1"));
        assert_eq!(spec.remote_networks, ["10.0.0.0/8"]);
        assert_eq!(spec.labels[0].value, "net");
        assert_eq!(spec.properties, r#"{"ike":{"version":2}}"#);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused() {
        let err = types::GatewaySpec::from_json(&json!({"nmae": "x"}), "example", None, vec![])
            .unwrap_err();
        assert!(format!("{err}").contains("has no field \"nmae\""), "{err}");
        let err = types::PeerSpec::from_json(&json!({"allowed-networks": "x"}), "p", None, vec![])
            .unwrap_err();
        assert!(format!("{err}").contains("is not a list"), "{err}");
    }
}
