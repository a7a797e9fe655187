//! Test adapter `broker-probe`: expects the host to refuse whatever the policy does not allow.
//!
//! Operation `fetch` sends the request the test describes (`url`, `method`, `credential`,
//! `header` as `Name: value`, and the call body) and returns the status and body it got;
//! operation `identity` reads a credential field through `credentials.identity`. Errors from
//! the host are passed back unchanged, so tests see exactly what the broker said. Operation
//! `panic` panics, which traps the instance.
//!
//! The secret input `probe-secret` may be placed in the JSON body field `/value` of a
//! `POST .../echo` and in `/k` of a `PUT .../from-credential`, the two requests the broker tests
//! send with it.

use portico_adapter_sdk::describe::{
    adapter, bearer, credential, endpoint_setting, field, placement, secret_field, secret_input,
};
use portico_adapter_sdk::{
    self as sdk, Description, Json, Location, Method, Operation, Operations, Outcome, Parameter,
    SecretInput,
};

/// The probe's catalogue: `fetch` and `identity`.
struct Probe;

fn param(name: &str, required: bool) -> Parameter {
    Parameter {
        name: name.into(),
        location: Location::Query,
        required,
        description: format!("the {name} to use"),
    }
}

fn description() -> Description {
    adapter(
        "broker-probe",
        env!("CARGO_PKG_VERSION"),
        "test",
        "sends the requests a test asks for",
    )
    .with_hosts(&["allowed.example.com", "other.example.com"])
    .with_credential(
        credential("probe", "a bearer token", &["allowed.example.com"])
            .with_field(secret_field("token", "the token"))
            .with_field(field("account", "an account id"))
            .with_scheme(bearer("token")),
    )
    .with_setting(endpoint_setting("where requests go in tests"))
    .with_secret_input(
        secret_input("probe-secret", "a value to send")
            .used_by(&["op:fetch"])
            .with_placement(placement(Method::Post, "/echo", "/value"))
            .with_placement(placement(Method::Put, "/from-credential", "/k")),
    )
}

impl Operations for Probe {
    fn catalog(&self) -> Vec<Operation> {
        vec![
            Operation {
                name: "fetch".into(),
                method: Method::Post,
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
                method: Method::Get,
                path: "-".into(),
                summary: "read a credential field".into(),
                parameters: vec![param("credential", true), param("field", true)],
                takes_body: false,
                paginated: false,
            },
        ]
    }

    fn invoke(
        &self,
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
                let method = get("method").unwrap_or_else(|| "GET".into());
                let method = Method::parse(&method).ok_or_else(|| {
                    sdk::error::invalid_input_field("param:method", format!("no method {method}"))
                })?;
                let mut request = sdk::http::Request::new(method, url);
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
                    body: Some(sdk::Body::Json(
                        sdk::serde_json::json!({ "body": response.text() }).to_string(),
                    )),
                    next: None,
                })
            }
            "identity" => {
                let credential = get("credential").unwrap_or_default();
                let field = get("field").unwrap_or_default();
                let value = sdk::credentials::identity(&credential, &field)?;
                Ok(Outcome {
                    status: 200,
                    body: Some(sdk::Body::Json(
                        sdk::serde_json::Value::String(value).to_string(),
                    )),
                    next: None,
                })
            }
            "panic" => panic!("the probe was asked to panic"),
            other => Err(sdk::error::unsupported(&format!("operation {other}"))),
        }
    }
}

sdk::export!(BrokerProbe {
    describe: description,
    operations: Probe,
});
