//! Test adapter `broker-probe`: expects the host to refuse whatever the policy does not allow.
//!
//! Operation `fetch` sends the request the test describes (`url`, `method`, `credential`,
//! `header` as `Name: value`, and the call body) and returns the status and body it got;
//! operation `identity` reads a credential field through `credentials.identity`. Errors from
//! the host are passed back unchanged, so tests see exactly what the broker said. Operation
//! `panic` panics, which traps the instance.

use portico_adapter_sdk::{
    self as sdk, Adapter, CredentialField, CredentialScheme, CredentialSpec, Description, Gateways,
    Json, Location, Mappings, Operation, Operations, Outcome, Parameter, Peers, SecretInput,
    SecretInputSpec, Setting, Tunnels,
};

struct Probe;

fn param(name: &str, required: bool) -> Parameter {
    Parameter {
        name: name.into(),
        location: Location::Query,
        required,
        description: format!("the {name} to use"),
    }
}

impl Adapter for Probe {
    fn describe() -> Description {
        Description {
            name: "broker-probe".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            provider: "test".into(),
            summary: "sends the requests a test asks for".into(),
            nouns: vec![],
            kinds: vec![],
            hosts: vec!["allowed.example.com".into(), "other.example.com".into()],
            credentials: vec![CredentialSpec {
                name: "probe".into(),
                description: "a bearer token".into(),
                fields: vec![
                    CredentialField {
                        name: "token".into(),
                        description: "the token".into(),
                        secret: true,
                    },
                    CredentialField {
                        name: "account".into(),
                        description: "an account id".into(),
                        secret: false,
                    },
                ],
                schemes: vec![CredentialScheme::Bearer("token".into())],
                hosts: vec!["allowed.example.com".into()],
            }],
            settings: vec![Setting {
                key: "endpoint".into(),
                description: "where requests go in tests".into(),
                required: false,
                default_value: None,
                allowed: vec![],
            }],
            secret_inputs: vec![SecretInputSpec {
                name: "probe-secret".into(),
                description: "a value to send".into(),
                used_by: vec!["op:fetch".into()],
            }],
        }
    }
}

impl Gateways for Probe {}
impl Tunnels for Probe {}
impl Peers for Probe {}
impl Mappings for Probe {}

impl Operations for Probe {
    fn catalog() -> Vec<Operation> {
        vec![
            Operation {
                name: "fetch".into(),
                method: "ANY".into(),
                path: "{url}".into(),
                summary: "send one request".into(),
                parameters: ["url", "method", "credential", "header"]
                    .iter()
                    .map(|n| param(n, *n == "url"))
                    .collect(),
                takes_body: true,
                paginated: false,
            },
            Operation {
                name: "identity".into(),
                method: "-".into(),
                path: "-".into(),
                summary: "read a credential field".into(),
                parameters: vec![param("credential", true), param("field", true)],
                takes_body: false,
                paginated: false,
            },
        ]
    }

    fn invoke(
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        _cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> sdk::Result<Outcome> {
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        match name.as_str() {
            "fetch" => {
                let url = get("url").ok_or_else(|| sdk::error::invalid_input("url is required"))?;
                let mut request =
                    sdk::http::Request::new(&get("method").unwrap_or_else(|| "GET".into()), url);
                if let Some(credential) = get("credential") {
                    request = request.credential(credential);
                }
                if let Some((name, value)) =
                    get("header").as_deref().and_then(|h| h.split_once(':'))
                {
                    request = request.header(name.trim(), value.trim());
                }
                if let Some(body) = body {
                    request = request.json_text(body);
                }
                let response = request.send()?;
                Ok(Outcome {
                    status: response.status,
                    body: Some(sdk::serde_json::json!({ "body": response.text() }).to_string()),
                    next: None,
                })
            }
            "identity" => {
                let credential = get("credential").unwrap_or_default();
                let field = get("field").unwrap_or_default();
                let value = sdk::credentials::identity(&credential, &field)?;
                Ok(Outcome {
                    status: 200,
                    body: Some(sdk::serde_json::Value::String(value).to_string()),
                    next: None,
                })
            }
            "panic" => panic!("the probe was asked to panic"),
            other => Err(sdk::error::unsupported(&format!("operation {other}"))),
        }
    }
}

sdk::export!(Probe);
