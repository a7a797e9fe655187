//! Test adapter `compat-v0-1-0`: WireGuard gateways of the IONOS VPN API (list, get, create,
//! delete), written with `wit-bindgen` straight from the frozen `wit/since_v0.1.0`, as an
//! outside author would have written it before 0.2.0. The tests expect the host to install it,
//! show contract 0.1.0 for it, and run a whole lifecycle against the emulator through the
//! host's 0.1.0 conversions, secret input (the gateway's private key) included.

wit_bindgen::generate!({
    path: "../../../wit/since_v0.1.0",
    world: "provider",
    generate_all,
});

use exports::portico::adapter::adapter::{
    CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun,
    SecretInputSpec, Setting,
};
use exports::portico::adapter::operations::{Operation, Outcome};
use portico::adapter::http::{Request, send};
use portico::adapter::types::{
    Error, Gateway, GatewayPage, GatewaySpec, Json, Locator, Mapping, MappingPage, MappingSpec,
    Peer, PeerPage, PeerSpec, Problem, Query, SecretInput, State, Tunnel, TunnelPage, TunnelSpec,
};
use serde_json::{Value, json};

struct Compat;

const CREDENTIAL: &str = "ionos";
const PRIVATE_KEY: &str = "private-key";

fn problem(message: impl Into<String>, status: Option<u16>) -> Problem {
    Problem {
        message: message.into(),
        status,
        code: None,
    }
}

fn base() -> String {
    portico::adapter::config::get("endpoint")
        .unwrap_or_else(|| "https://vpn.de-fra.ionos.com".into())
        .trim_end_matches('/')
        .to_string()
}

/// Sends a request with the `ionos` credential and returns the JSON answer.
fn call(method: &str, path: &str, body: Option<Value>) -> Result<Value, Error> {
    let response = send(&Request {
        method: method.into(),
        url: format!("{}{path}", base()),
        headers: vec![
            ("accept".into(), "application/json".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: body.map(|b| b.to_string().into_bytes()),
        credential: Some(CREDENTIAL.into()),
        signatures: Vec::new(),
    })?;
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let message = value["messages"][0]["message"]
        .as_str()
        .unwrap_or(&text)
        .to_string();
    match response.status {
        200..=299 => Ok(value),
        401 => Err(Error::Unauthorized(problem(message, Some(401)))),
        404 => Err(Error::NotFound(problem(message, Some(404)))),
        400 | 422 => Err(Error::InvalidInput(problem(message, Some(response.status)))),
        status => Err(Error::Provider(problem(message, Some(status)))),
    }
}

fn gateway(item: &Value) -> Gateway {
    let props = &item["properties"];
    let word = item["metadata"]["status"]
        .as_str()
        .unwrap_or("")
        .to_string();
    Gateway {
        id: item["id"].as_str().unwrap_or_default().into(),
        kind: "wireguard".into(),
        name: props["name"].as_str().map(String::from),
        description: props["description"].as_str().map(String::from),
        state: match word.as_str() {
            "AVAILABLE" => State::Available,
            "PROVISIONING" => State::Provisioning,
            "DESTROYING" => State::Deleting,
            "FAILED" => State::Failed,
            _ => State::Unknown,
        },
        provider_state: word,
        public_addresses: props["gatewayIP"]
            .as_str()
            .map(String::from)
            .into_iter()
            .collect(),
        networks: props["interfaceIPv4CIDR"]
            .as_str()
            .map(String::from)
            .into_iter()
            .collect(),
        created_at: item["metadata"]["createdDate"].as_str().map(String::from),
        raw: item.to_string(),
    }
}

impl exports::portico::adapter::adapter::Guest for Compat {
    fn describe() -> Description {
        Description {
            name: "compat-v0-1-0".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            provider: "IONOS Cloud VPN Gateway (0.1.0 fixture)".into(),
            summary: "WireGuard gateways, built from portico:adapter@0.1.0".into(),
            nouns: vec![Noun::Gateway],
            kinds: vec![KindInfo {
                noun: Noun::Gateway,
                kind: "wireguard".into(),
                description: "WireGuard gateway".into(),
            }],
            hosts: vec!["vpn.de-fra.ionos.com".into()],
            credentials: vec![CredentialSpec {
                name: CREDENTIAL.into(),
                description: "IONOS API token".into(),
                fields: vec![CredentialField {
                    name: "token".into(),
                    description: "API token".into(),
                    secret: true,
                }],
                schemes: vec![CredentialScheme::Bearer("token".into())],
                hosts: vec!["vpn.de-fra.ionos.com".into()],
            }],
            settings: vec![Setting {
                key: "endpoint".into(),
                description: "Base URL instead of the regional endpoint".into(),
                required: false,
                default_value: None,
                allowed: Vec::new(),
            }],
            secret_inputs: vec![SecretInputSpec {
                name: PRIVATE_KEY.into(),
                description: "WireGuard private key of a new gateway".into(),
                used_by: vec!["gateway.create".into()],
            }],
        }
    }
}

impl exports::portico::adapter::gateways::Guest for Compat {
    fn list(_query: Query) -> Result<GatewayPage, Error> {
        let page = call("GET", "/wireguardgateways?depth=1&limit=100", None)?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        Ok(GatewayPage {
            items: items.iter().map(gateway).collect(),
            next: None,
        })
    }

    fn get(target: Locator) -> Result<Gateway, Error> {
        call("GET", &format!("/wireguardgateways/{}", target.id), None).map(|g| gateway(&g))
    }

    fn create(spec: GatewaySpec) -> Result<Gateway, Error> {
        let Some(key) = spec.secrets.iter().find(|s| s.name == PRIVATE_KEY) else {
            return Err(Error::InvalidInput(problem(
                "a WireGuard gateway needs --secret private-key=SOURCE",
                None,
            )));
        };
        let mut properties: Value = serde_json::from_str(&spec.properties).unwrap_or(json!({}));
        properties["name"] = json!(spec.name.unwrap_or_default());
        properties["gatewayIP"] = json!(spec.public_address.unwrap_or_default());
        properties["interfaceIPv4CIDR"] = json!(spec.networks.first().cloned().unwrap_or_default());
        properties["privateKey"] = json!(key.placeholder);
        let created = call(
            "POST",
            "/wireguardgateways",
            Some(json!({ "properties": properties })),
        )?;
        Ok(gateway(&created))
    }

    fn update(_target: Locator, _spec: GatewaySpec) -> Result<Gateway, Error> {
        Err(Error::Unsupported("gateway.update".into()))
    }

    fn delete(target: Locator) -> Result<(), Error> {
        call("DELETE", &format!("/wireguardgateways/{}", target.id), None).map(drop)
    }
}

/// A noun this fixture does not serve.
macro_rules! unsupported_noun {
    ($iface:ident, $item:ty, $page:ty, $spec:ty, $noun:literal) => {
        impl exports::portico::adapter::$iface::Guest for Compat {
            fn list(_query: Query) -> Result<$page, Error> {
                Err(Error::Unsupported(concat!($noun, ".list").into()))
            }
            fn get(_target: Locator) -> Result<$item, Error> {
                Err(Error::Unsupported(concat!($noun, ".get").into()))
            }
            fn create(_spec: $spec) -> Result<$item, Error> {
                Err(Error::Unsupported(concat!($noun, ".create").into()))
            }
            fn update(_target: Locator, _spec: $spec) -> Result<$item, Error> {
                Err(Error::Unsupported(concat!($noun, ".update").into()))
            }
            fn delete(_target: Locator) -> Result<(), Error> {
                Err(Error::Unsupported(concat!($noun, ".delete").into()))
            }
        }
    };
}

unsupported_noun!(tunnels, Tunnel, TunnelPage, TunnelSpec, "tunnel");
unsupported_noun!(peers, Peer, PeerPage, PeerSpec, "peer");
unsupported_noun!(mappings, Mapping, MappingPage, MappingSpec, "mapping");

impl exports::portico::adapter::operations::Guest for Compat {
    fn catalog() -> Vec<Operation> {
        Vec::new()
    }

    fn invoke(
        name: String,
        _params: Vec<(String, String)>,
        _body: Option<Json>,
        _cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome, Error> {
        Err(Error::Unsupported(format!("operation {name}")))
    }
}

export!(Compat);
