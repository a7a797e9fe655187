//! Constructors for the parts of an adapter's description, so that `describe.rs` files list what
//! the adapter needs instead of spelling out records.
//!
//! ```
//! use portico_adapter_sdk::{Method, describe, describe::*, serde_json::json};
//!
//! let d = adapter("example", "0.1.0", "Example Cloud", "Gateways of Example Cloud")
//!     .with_hosts(&["api.example.com"])
//!     .with_credential(
//!         credential("example", "API access", &["api.example.com"])
//!             .with_field(secret_field("token", "API token"))
//!             .with_scheme(bearer("token")),
//!     )
//!     .with_setting(setting("region", "Region").with_default("eu").with_allowed(&["eu", "us"]))
//!     .with_setting(endpoint_setting("Base URL used instead of the API (an emulator)"))
//!     .with_secret_input(
//!         secret_input("pre-shared-key", "IPSec key")
//!             .used_by(&["tunnel.create"])
//!             .with_placement(placement(Method::Post, "/gateways/{id}/tunnels", "/psk")),
//!     )
//!     .with_example(example(portico_adapter_sdk::Noun::Gateway, Some("edge"),
//!         json!({"name": "gw"}), json!({"description": "changed"})));
//! assert_eq!(d.settings[0].default_value.as_deref(), Some("eu"));
//! assert_eq!(d.settings[1].key, "endpoint");
//! assert!(d.nouns.is_empty(), "nouns and kinds come from the exported nouns");
//! ```

use serde_json::Value;

use crate::{
    BasicScheme, CredentialField, CredentialScheme, CredentialSpec, Description, Example, KindInfo,
    Method, Noun, PlacementTarget, PrepareStep, SecretForm, SecretInputSpec, SecretPlacement,
    Setting,
};

/// Owned strings.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A description with identity only; add the rest with the `with_*` methods. Its `nouns` and
/// `kinds` stay empty: [`crate::Adapter::describe`] derives them from the exported nouns.
pub fn adapter(name: &str, version: &str, provider: &str, summary: &str) -> Description {
    Description {
        name: name.to_owned(),
        version: version.to_owned(),
        provider: provider.to_owned(),
        summary: summary.to_owned(),
        nouns: Vec::new(),
        kinds: Vec::new(),
        hosts: Vec::new(),
        credentials: Vec::new(),
        settings: Vec::new(),
        secret_inputs: Vec::new(),
        examples: Vec::new(),
    }
}

impl Description {
    /// Add host patterns the adapter may reach.
    pub fn with_hosts(mut self, hosts: &[&str]) -> Self {
        self.hosts.extend(strings(hosts));
        self
    }

    /// Add a credential.
    pub fn with_credential(mut self, credential: CredentialSpec) -> Self {
        self.credentials.push(credential);
        self
    }

    /// Add a profile setting.
    pub fn with_setting(mut self, setting: Setting) -> Self {
        self.settings.push(setting);
        self
    }

    /// Add several profile settings.
    pub fn with_settings(mut self, settings: impl IntoIterator<Item = Setting>) -> Self {
        self.settings.extend(settings);
        self
    }

    /// Add a secret input.
    pub fn with_secret_input(mut self, input: SecretInputSpec) -> Self {
        self.secret_inputs.push(input);
        self
    }

    /// Add an example for the conformance suite.
    pub fn with_example(mut self, example: Example) -> Self {
        self.examples.push(example);
        self
    }
}

/// A kind of a noun whose resources carry no free-text description.
pub fn kind(noun: Noun, kind: &str, description: &str) -> KindInfo {
    KindInfo {
        noun,
        kind: kind.to_owned(),
        description: description.to_owned(),
        descriptions: false,
        ipsec: None,
    }
}

/// A non-secret credential field (readable with `credentials.identity`).
pub fn field(name: &str, description: &str) -> CredentialField {
    CredentialField {
        name: name.to_owned(),
        description: description.to_owned(),
        secret: false,
    }
}

/// A secret credential field: it never reaches the guest.
pub fn secret_field(name: &str, description: &str) -> CredentialField {
    CredentialField {
        secret: true,
        ..field(name, description)
    }
}

/// A credential bound to `hosts`, without fields or schemes yet.
pub fn credential(name: &str, description: &str, hosts: &[&str]) -> CredentialSpec {
    CredentialSpec {
        name: name.to_owned(),
        description: description.to_owned(),
        fields: Vec::new(),
        schemes: Vec::new(),
        hosts: strings(hosts),
    }
}

impl CredentialSpec {
    /// Add a field.
    pub fn with_field(mut self, field: CredentialField) -> Self {
        self.fields.push(field);
        self
    }

    /// Add a scheme (schemes are tried in the order added).
    pub fn with_scheme(mut self, scheme: CredentialScheme) -> Self {
        self.schemes.push(scheme);
        self
    }
}

/// `Authorization: Bearer <field>`.
pub fn bearer(field: &str) -> CredentialScheme {
    CredentialScheme::Bearer(field.to_owned())
}

/// HTTP basic authentication from two fields.
pub fn basic(username_field: &str, password_field: &str) -> CredentialScheme {
    CredentialScheme::Basic(BasicScheme {
        username_field: username_field.to_owned(),
        password_field: password_field.to_owned(),
    })
}

/// An optional setting without default or allowed values.
pub fn setting(key: &str, description: &str) -> Setting {
    Setting {
        key: key.to_owned(),
        description: description.to_owned(),
        required: false,
        default_value: None,
        allowed: Vec::new(),
    }
}

/// The reserved `endpoint` setting: a base URL that replaces the provider's hosts for the
/// profile (the host grants it and binds the approved credentials to it).
pub fn endpoint_setting(description: &str) -> Setting {
    setting("endpoint", description)
}

impl Setting {
    /// The value used when the profile sets none.
    pub fn with_default(mut self, value: &str) -> Self {
        self.default_value = Some(value.to_owned());
        self
    }

    /// The only values allowed.
    pub fn with_allowed(mut self, values: &[&str]) -> Self {
        self.allowed = strings(values);
        self
    }

    /// A profile must set it.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A secret input, not yet used by anything and placed nowhere.
pub fn secret_input(name: &str, description: &str) -> SecretInputSpec {
    SecretInputSpec {
        name: name.to_owned(),
        description: description.to_owned(),
        used_by: Vec::new(),
        placements: Vec::new(),
        form: None,
    }
}

impl SecretInputSpec {
    /// The form of its value, so that portico can generate one (`--generate-key`, links).
    pub fn with_form(mut self, form: SecretForm) -> Self {
        self.form = Some(form);
        self
    }

    /// The CLI actions that accept it: `noun.action` or `op:NAME`.
    pub fn used_by(mut self, actions: &[&str]) -> Self {
        self.used_by.extend(strings(actions));
        self
    }

    /// A request position the value may be sent to.
    pub fn with_placement(mut self, placement: SecretPlacement) -> Self {
        self.placements.push(placement);
        self
    }
}

/// A body placement: requests with `method` whose URL path ends with `path` (`{name}` for one
/// variable segment) may carry the placeholder as the whole value of the JSON string at
/// `pointer` (`*` for any one array element or member).
pub fn placement(method: Method, path: &str, pointer: &str) -> SecretPlacement {
    SecretPlacement {
        method,
        path: path.to_owned(),
        target: PlacementTarget::BodyField(pointer.to_owned()),
    }
}

/// A header placement: requests with `method` and `path` may carry the placeholder inside
/// header `header`.
pub fn header_placement(method: Method, path: &str, header: &str) -> SecretPlacement {
    SecretPlacement {
        method,
        path: path.to_owned(),
        target: PlacementTarget::Header(header.to_owned()),
    }
}

/// An example create and update of one noun and kind, as JSON objects with the spec's field
/// names in kebab-case.
pub fn example(noun: Noun, kind: Option<&str>, create: Value, update: Value) -> Example {
    Example {
        noun,
        kind: kind.map(str::to_owned),
        parent_kind: None,
        create: create.to_string(),
        update: update.to_string(),
        secrets: Vec::new(),
        prepare: Vec::new(),
    }
}

impl Example {
    /// For a child noun: the kind of the parent to create first.
    pub fn with_parent_kind(mut self, kind: &str) -> Self {
        self.parent_kind = Some(kind.to_owned());
        self
    }

    /// The secret inputs the create and update need.
    pub fn with_secrets(mut self, names: &[&str]) -> Self {
        self.secrets = strings(names);
        self
    }

    /// A catalogue operation to invoke on the parent before the create: `operation` with the
    /// parent's id as path parameter `parent_param`, and `body`.
    pub fn with_prepare(
        mut self,
        operation: &str,
        parent_param: &str,
        body: Option<Value>,
    ) -> Self {
        self.prepare.push(PrepareStep {
            operation: operation.to_owned(),
            parent_param: parent_param.to_owned(),
            params: Vec::new(),
            body: body.map(|b| b.to_string()),
        });
        self
    }
}
