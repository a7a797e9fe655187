//! [`Record`] and [`Spec`]: what [`NounDef`](crate::NounDef) reads of the contract's four
//! records and their specs, so that it can check and reconcile any noun the same way.

use serde_json::{Map, Value};

use crate::{
    Gateway, GatewayPage, GatewaySpec, IpsecParams, Label, Mapping, MappingPage, MappingSpec, Noun,
    Peer, PeerPage, PeerSpec, SecretInput, State, Tunnel, TunnelPage, TunnelSpec,
};

/// A record of one noun (gateway, tunnel, peer, mapping), with its spec and page types.
pub trait Record: Sized + 'static {
    /// The noun.
    const NOUN: Noun;
    /// The input of create and update.
    type Spec: Spec;
    /// One page of records.
    type Page;
    /// A page of `items`.
    fn page(items: Vec<Self>, next: Option<String>) -> Self::Page;
    /// The items and `next` cursor of a page.
    fn into_parts(page: Self::Page) -> (Vec<Self>, Option<String>);
    /// The provider id.
    fn id(&self) -> &str;
    /// The display name.
    fn name(&self) -> Option<&str>;
    /// The normalised state.
    fn state(&self) -> State;
}

/// The fields of a spec the SDK's checks read.
pub trait Spec: Clone {
    /// The kebab-case names of the typed fields `clear` may name.
    const FIELDS: &'static [&'static str];
    /// `kind`.
    fn kind(&self) -> Option<&str>;
    /// `parent-id` (none for gateways).
    fn parent_id(&self) -> Option<&str>;
    /// `name`.
    fn name(&self) -> Option<&str>;
    /// `labels`.
    fn labels(&self) -> &[Label];
    /// `clear`.
    fn clear(&self) -> &[String];
    /// `properties`.
    fn properties(&self) -> &str;
    /// `secrets`.
    fn secrets(&self) -> &[SecretInput];
    /// Whether the typed field `field` (kebab-case) is set: a non-blank text or a non-empty list.
    fn is_set(&self, field: &str) -> bool;
    /// The spec an example (`description.examples`) describes: a JSON object with the spec's
    /// field names in kebab-case. An unknown field or a value of the wrong type is an error.
    fn from_example(value: &Value) -> core::result::Result<Self, String>;
    /// `ipsec` (tunnels only).
    fn ipsec(&self) -> Option<&IpsecParams> {
        None
    }
    /// Whether `clear` names `field`.
    fn clears(&self, field: &str) -> bool {
        self.clear().iter().any(|c| c.trim() == field)
    }
}

/// The noun's word in messages (`gateway`, ...).
pub fn noun_name(noun: Noun) -> &'static str {
    match noun {
        Noun::Gateway => "gateway",
        Noun::Tunnel => "tunnel",
        Noun::Peer => "peer",
        Noun::Mapping => "mapping",
    }
}

fn given(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

macro_rules! record {
    ($record:ident, $page:ident, $spec:ident, $noun:expr) => {
        impl Record for $record {
            const NOUN: Noun = $noun;
            type Spec = $spec;
            type Page = $page;

            fn page(items: Vec<Self>, next: Option<String>) -> $page {
                $page {
                    items,
                    next,
                    ahead: Vec::new(),
                }
            }
            fn into_parts(page: $page) -> (Vec<Self>, Option<String>) {
                (page.items, page.next)
            }
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
            fn state(&self) -> State {
                self.state
            }
        }
    };
}

record!(Gateway, GatewayPage, GatewaySpec, Noun::Gateway);
record!(Tunnel, TunnelPage, TunnelSpec, Noun::Tunnel);
record!(Peer, PeerPage, PeerSpec, Noun::Peer);
record!(Mapping, MappingPage, MappingSpec, Noun::Mapping);

fn text(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!("`{key}` must be a string, got {other}")),
    }
}

fn list(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(format!("`{key}` must hold strings, got {other}")),
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be a list, got {other}")),
    }
}

fn labels(map: &Map<String, Value>) -> Result<Vec<Label>, String> {
    match map.get("labels") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value @ Value::Array(items)) => {
            let labels = crate::spec::labels_from_array(Some(value));
            if labels.len() == items.len() {
                Ok(labels)
            } else {
                Err("`labels` must be a list of {key, value} objects".to_owned())
            }
        }
        Some(other) => Err(format!("`labels` must be a list, got {other}")),
    }
}

fn properties(map: &Map<String, Value>) -> Result<String, String> {
    match map.get("properties") {
        None | Some(Value::Null) => Ok("{}".to_owned()),
        Some(value @ Value::Object(_)) => Ok(value.to_string()),
        Some(other) => Err(format!("`properties` must be an object, got {other}")),
    }
}

/// `Spec` for a spec type: `$fixed` are its text fields `clear` cannot name (`kind`, and
/// `parent-id` where it has one), `$text` its other optional text fields and `$list` its list
/// fields, each with its kebab-case name; `$parent` reads its parent id.
macro_rules! spec {
    ($spec:ident, parent: $parent:expr, fixed: [$($f:ident = $fname:literal),*],
        text: [$($t:ident = $tn:literal),*], list: [$($l:ident = $ln:literal),*]
        $(, ipsec: $i:ident)?) => {
        impl Spec for $spec {
            const FIELDS: &'static [&'static str] = &[$($tn,)* $($ln,)* "labels"];

            fn kind(&self) -> Option<&str> {
                self.kind.as_deref()
            }
            fn parent_id(&self) -> Option<&str> {
                let parent: fn(&Self) -> Option<&str> = $parent;
                parent(self)
            }
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
            fn labels(&self) -> &[Label] {
                &self.labels
            }
            fn clear(&self) -> &[String] {
                &self.clear
            }
            fn properties(&self) -> &str {
                &self.properties
            }
            fn secrets(&self) -> &[SecretInput] {
                &self.secrets
            }
            fn is_set(&self, field: &str) -> bool {
                match field {
                    $($tn => given(&self.$t),)*
                    $($ln => self.$l.iter().any(|v| !v.trim().is_empty()),)*
                    "labels" => !self.labels.is_empty(),
                    _ => false,
                }
            }
            $(fn ipsec(&self) -> Option<&IpsecParams> {
                self.$i.as_ref()
            })?
            fn from_example(value: &Value) -> Result<Self, String> {
                let Value::Object(map) = value else {
                    return Err(format!("an example spec must be a JSON object, got {value}"));
                };
                let known = [$($fname,)* $($tn,)* $($ln,)* $(stringify!($i),)?
                    "labels", "clear", "properties"];
                if let Some(key) = map.keys().find(|key| !known.contains(&key.as_str())) {
                    return Err(format!(
                        "`{key}` is not a field of a {} (fields: {})",
                        stringify!($spec),
                        known.join(", ")
                    ));
                }
                Ok($spec {
                    $($f: text(map, $fname)?,)*
                    $($t: text(map, $tn)?,)*
                    $($l: list(map, $ln)?,)*
                    $($i: crate::ipsec::from_example(map.get(stringify!($i)))?,)?
                    labels: labels(map)?,
                    clear: list(map, "clear")?,
                    properties: properties(map)?,
                    secrets: Vec::new(),
                })
            }
        }
    };
}

spec!(GatewaySpec, parent: |_| None, fixed: [kind = "kind"],
    text: [name = "name", description = "description", public_address = "public-address"],
    list: [networks = "networks"]);
spec!(TunnelSpec, parent: |s| s.parent_id.as_deref(),
    fixed: [kind = "kind", parent_id = "parent-id"],
    text: [name = "name", description = "description", remote_address = "remote-address"],
    list: [local_networks = "local-networks", remote_networks = "remote-networks"], ipsec: ipsec);
spec!(PeerSpec, parent: |s| s.parent_id.as_deref(),
    fixed: [kind = "kind", parent_id = "parent-id"],
    text: [name = "name", description = "description", public_key = "public-key",
        endpoint = "endpoint"],
    list: [allowed_networks = "allowed-networks"]);
spec!(MappingSpec, parent: |s| s.parent_id.as_deref(),
    fixed: [kind = "kind", parent_id = "parent-id"],
    text: [name = "name", source = "source", destination = "destination"],
    list: [allowed_networks = "allowed-networks"]);
