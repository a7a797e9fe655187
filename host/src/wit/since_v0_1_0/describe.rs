//! A 0.1.0 description and catalogue in the newest form: nouns become `noun-support` with
//! every action, methods become the method enum.

use super::{adapter, operations};
use crate::wit::{self as latest, adapter as a2, operations as o2, types as t2};

/// A 0.1.0 method string, which must name a method the newest contract has.
pub(super) fn method(text: &str) -> Result<t2::Method, String> {
    latest::parse_method(text)
        .ok_or_else(|| format!("{text:?} is not an HTTP method portico sends"))
}

fn noun(n: adapter::Noun) -> a2::Noun {
    match n {
        adapter::Noun::Gateway => a2::Noun::Gateway,
        adapter::Noun::Tunnel => a2::Noun::Tunnel,
        adapter::Noun::Peer => a2::Noun::Peer,
        adapter::Noun::Mapping => a2::Noun::Mapping,
    }
}

fn scheme(s: adapter::CredentialScheme) -> Result<a2::CredentialScheme, String> {
    use adapter::CredentialScheme as S;
    Ok(match s {
        S::Bearer(f) => a2::CredentialScheme::Bearer(f),
        S::Basic(b) => a2::CredentialScheme::Basic(a2::BasicScheme {
            username_field: b.username_field,
            password_field: b.password_field,
        }),
        S::Header(h) => a2::CredentialScheme::Header(a2::HeaderScheme {
            header: h.header,
            field: h.field,
            prefix: h.prefix,
        }),
        S::TokenExchange(t) => a2::CredentialScheme::TokenExchange(a2::TokenExchangeScheme {
            method: method(&t.method).map_err(|e| format!("token exchange method {e}"))?,
            path: t.path,
            content_type: t.content_type,
            body: t.body,
            captures: t
                .captures
                .into_iter()
                .map(|c| a2::TokenCapture {
                    pointer: c.pointer,
                    header: c.header,
                    prefix: c.prefix,
                })
                .collect(),
            lifetime_seconds: t.lifetime_seconds,
            lifetime_pointer: t.lifetime_pointer,
        }),
        S::Signed => a2::CredentialScheme::Signed,
    })
}

impl TryFrom<adapter::Description> for a2::Description {
    type Error = String;

    fn try_from(d: adapter::Description) -> Result<Self, String> {
        let all = vec![
            a2::Action::List,
            a2::Action::Get,
            a2::Action::Create,
            a2::Action::Update,
            a2::Action::Delete,
        ];
        let mut credentials = Vec::new();
        for c in d.credentials {
            credentials.push(a2::CredentialSpec {
                name: c.name,
                description: c.description,
                fields: c
                    .fields
                    .into_iter()
                    .map(|f| a2::CredentialField {
                        name: f.name,
                        description: f.description,
                        secret: f.secret,
                    })
                    .collect(),
                schemes: c
                    .schemes
                    .into_iter()
                    .map(scheme)
                    .collect::<Result<_, _>>()?,
                hosts: c.hosts,
            });
        }
        Ok(Self {
            name: d.name,
            version: d.version,
            provider: d.provider,
            summary: d.summary,
            nouns: d
                .nouns
                .into_iter()
                .map(|n| a2::NounSupport {
                    noun: noun(n),
                    actions: all.clone(),
                    parent: match n {
                        adapter::Noun::Gateway => a2::ParentRule::None,
                        _ => a2::ParentRule::Optional,
                    },
                    filters: Vec::new(),
                    labels: false,
                    unique_names: false,
                })
                .collect(),
            kinds: d
                .kinds
                .into_iter()
                .map(|k| a2::KindInfo {
                    // 0.1.0 passed a description through wherever the noun has the field.
                    descriptions: !matches!(k.noun, adapter::Noun::Mapping),
                    ipsec: None,
                    noun: noun(k.noun),
                    kind: k.kind,
                    description: k.description,
                })
                .collect(),
            hosts: d.hosts,
            credentials,
            settings: d
                .settings
                .into_iter()
                .map(|s| a2::Setting {
                    key: s.key,
                    description: s.description,
                    required: s.required,
                    default_value: s.default_value,
                    allowed: s.allowed,
                })
                .collect(),
            secret_inputs: d
                .secret_inputs
                .into_iter()
                .map(|s| a2::SecretInputSpec {
                    name: s.name,
                    description: s.description,
                    used_by: s.used_by,
                    placements: Vec::new(),
                    form: None,
                })
                .collect(),
            examples: Vec::new(),
        })
    }
}

impl TryFrom<operations::Operation> for o2::Operation {
    type Error = String;

    fn try_from(o: operations::Operation) -> Result<Self, String> {
        Ok(Self {
            method: method(&o.method).map_err(|e| format!("operation {}: method {e}", o.name))?,
            name: o.name,
            path: o.path,
            summary: o.summary,
            parameters: o
                .parameters
                .into_iter()
                .map(|p| o2::Parameter {
                    name: p.name,
                    location: match p.location {
                        operations::Location::Path => o2::Location::Path,
                        operations::Location::Query => o2::Location::Query,
                        operations::Location::Header => o2::Location::Header,
                    },
                    required: p.required,
                    description: p.description,
                })
                .collect(),
            takes_body: o.takes_body,
            paginated: o.paginated,
        })
    }
}

impl From<operations::Outcome> for o2::Outcome {
    /// 0.1.0 says only "JSON as text, or the raw text otherwise": a body that parses is JSON.
    fn from(o: operations::Outcome) -> Self {
        Self {
            status: o.status,
            body: o.body.map(|b| {
                if serde_json::from_str::<serde_json::Value>(&b).is_ok() {
                    o2::Body::Json(b)
                } else {
                    o2::Body::Text(b)
                }
            }),
            next: o.next,
        }
    }
}
