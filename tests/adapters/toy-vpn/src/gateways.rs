//! The gateway noun: list, get, create and delete against the Toy VPN API.
//!
//! Toy VPN answers pages as `{"gateways": [...], "next_cursor": ...}` and errors as
//! `{"error": {"code", "message", "field"}}`. Before these functions run, the SDK has checked
//! the kind, the filters and `parent-id` against the declaration below; when a create's
//! outcome is unknown (the connection broke), it looks the gateway up by its unique name.

use portico_adapter_sdk::http::{Api, Request, Response};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Error, Result, config, error, json, url};
use portico_adapter_sdk::{Gateway, GatewayPage, GatewaySpec, Locator, NounDef, Query, State};

use crate::describe::{CREDENTIAL, HOST};

/// The gateway noun: top-level, one kind, unique names. Its actions are the functions given.
pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
    .kinds(&[("standard", "a Toy VPN gateway")])
    .unique_names()
    .on_list(list)
    .on_get(get)
    .on_create(create)
    .on_delete(delete);

/// The API of the active profile: its `endpoint` origin, or the production host.
fn api() -> Api {
    let origin = config::get("endpoint").unwrap_or_else(|| format!("https://{HOST}"));
    Api::new(format!("{}/toy/v1", origin.trim_end_matches('/')))
        .with_credential(CREDENTIAL)
        .with_error_mapper(api_error)
}

/// Toy VPN's error body as the contract's error, with its code and the field at fault.
fn api_error(response: &Response) -> Error {
    let said = response.json().unwrap_or_default()["error"].take();
    let text = |key: &str| said[key].as_str().map(str::to_owned);
    let message = text("message").unwrap_or_else(|| response.text_excerpt());
    let mut err = error::from_status(response.status, message, text("code"), None);
    if let Error::InvalidInput(problem) = &mut err {
        problem.field = text("field");
    }
    err
}

/// A gateway's path: the id is percent-encoded, so it cannot name another resource.
fn path(id: &str) -> String {
    format!("/gateways/{}", url::encode(id))
}

/// Sends `request` and reads the gateway it answers with.
fn gateway(request: Request) -> Result<Gateway> {
    Ok(record(&api().fetch_json(request)?))
}

fn list(query: Query) -> Result<GatewayPage> {
    let limit = query.page.limit.unwrap_or(20).clamp(1, 100);
    let mut request = api().get("/gateways").query("limit", limit.to_string());
    if let Some(cursor) = query.page.cursor {
        request = request.query("cursor", cursor);
    }
    let page = api().fetch_json(request)?;
    let items = json::array(page["gateways"].clone(), "gateway list")?;
    let items = items.iter().map(record).collect();
    let next = page["next_cursor"].as_str().map(str::to_owned);
    // Toy VPN pages by cursor: no page can be named ahead of `next`.
    let ahead = Vec::new();
    Ok(GatewayPage { items, next, ahead })
}

fn get(target: Locator) -> Result<Gateway> {
    gateway(api().get(&path(&target.id)))
}

/// `name` and `networks` are Toy VPN fields; `properties` may add others (`region`).
fn create(spec: GatewaySpec) -> Result<Gateway> {
    if spec.description.is_some() || spec.public_address.is_some() {
        let why = "Toy VPN gateways have no description, and Toy VPN picks the address";
        return Err(error::invalid_input(why));
    }
    let mut body = json::patched(Default::default(), &spec.properties)?;
    json::set_str(&mut body, "name", spec.name.as_deref());
    json::set_strings(&mut body, "networks", &spec.networks);
    gateway(api().post("/gateways").json(&Value::Object(body)))
}

fn delete(target: Locator) -> Result<()> {
    api().execute(api().delete(&path(&target.id))).map(drop)
}

/// A Toy VPN gateway document as the contract's record (`raw` keeps all of it).
fn record(doc: &Value) -> Gateway {
    let text = |key: &str| doc[key].as_str().map(str::to_owned);
    let provider_state = text("state").unwrap_or_default();
    let state = match provider_state.as_str() {
        "provisioning" => State::Provisioning,
        "updating" => State::Updating,
        "available" => State::Available,
        "deleting" => State::Deleting,
        _ => State::Unknown,
    };
    Gateway {
        id: text("id").unwrap_or_default(),
        kind: "standard".into(),
        name: text("name"),
        description: None,
        state,
        provider_state,
        public_addresses: text("public_ip").into_iter().collect(),
        networks: json::strings_at(doc, "/networks"),
        wireguard: None,
        labels: Vec::new(),
        created_at: text("created_at"),
        raw: doc.to_string(),
    }
}
