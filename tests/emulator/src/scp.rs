//! The Samsung Cloud Platform VPN API (versions 1.1 and 1.0): VPN gateways and VPN tunnels,
//! served at the real paths (`/v1/vpn-gateways`, `/v1/vpn-tunnels`, ...).
//!
//! Every request must be signed ([`auth`]); `Scp-API-Version` picks the tunnel shape
//! (`remote_subnets` in 1.1, one `remote_subnet` in 1.0; 1.1 without the header). Creates,
//! tunnel updates and deletes answer 202 and finish in the background ([`store`]).
//!
//! Invented where SCP documents nothing (choices of this emulator):
//! - error body `{"errors": [{"status", "code", "title", "detail"}]}`, with `detail` a list of
//!   `field: message` lines for validation failures;
//! - paging: `page` defaults to 0, `size` to 20, at most 100; `count` is the total; `sort` takes
//!   `name` or `created_at` with `:asc`/`:desc` (default: creation order);
//! - quotas: 5 gateways per account, 10 tunnels per gateway, 409 beyond them;
//! - a tunnel needs an `ACTIVE` gateway, and updates need an `ACTIVE` resource (409 otherwise);
//!   deleting a gateway that still has tunnels is 409;
//! - `vpc_name` is derived from `vpc_id`; a 1.0 client sees the first of several remote subnets.

mod auth;
mod store;
mod validate;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::{Shared, lock};
use store::{Detail, Gateway, Phase, Tunnel};

pub(crate) use store::Store;

const DEFAULT_SIZE: usize = 20;
const MAX_SIZE: usize = 100;
const GATEWAY_QUOTA: usize = 5;
const TUNNEL_QUOTA: usize = 10;

/// The API version a request asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    V1_0,
    V1_1,
}

/// Whether `path` belongs to the SCP API (decides the dialect of error bodies).
pub(crate) fn owns(path: &str) -> bool {
    ["/v1/vpn-gateways", "/v1/vpn-tunnels"].iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn title(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

/// A failed request: rendered as `{"errors": [{status, code, title, detail}]}`.
#[derive(Debug)]
pub(crate) struct ScpError {
    status: StatusCode,
    code: String,
    detail: Value,
}

impl ScpError {
    pub(crate) fn new(status: StatusCode, code: &str, detail: &str) -> Self {
        ScpError {
            status,
            code: code.to_owned(),
            detail: json!(detail),
        }
    }

    /// A validation failure: 400 with every problem in `detail`.
    fn invalid(problems: Vec<String>) -> Self {
        ScpError {
            status: StatusCode::BAD_REQUEST,
            code: "SCP-VALIDATION".to_owned(),
            detail: json!(problems),
        }
    }
}

impl IntoResponse for ScpError {
    fn into_response(self) -> Response {
        let body = json!({ "errors": [{
            "status": self.status.as_u16(),
            "code": self.code,
            "title": title(self.status),
            "detail": self.detail,
        }]});
        (self.status, axum::Json(body)).into_response()
    }
}

/// An SCP error body for `status` (used for faults and unknown paths too).
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    ScpError::new(status, &format!("SCP-{}", status.as_u16()), message).into_response()
}

/// A validation failure response.
fn invalid(problems: Vec<String>) -> Response {
    ScpError::invalid(problems).into_response()
}

fn not_found(what: &str, id: &str) -> Response {
    error_response(StatusCode::NOT_FOUND, &format!("{what} {id} not found"))
}

fn conflict(message: &str) -> Response {
    error_response(StatusCode::CONFLICT, message)
}

/// Uses up one firing of the tamper switch, if any is left.
fn take_tamper(shared: &Shared) -> bool {
    let mut store = lock(&shared.scp);
    if store.tamper > 0 {
        store.tamper -= 1;
        true
    } else {
        false
    }
}

/// The thirteen operations, behind the signature check.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/vpn-gateways", get(list_gateways).post(create_gateway))
        .route("/v1/vpn-gateways/metrics/quotas", get(gateway_quotas))
        .route(
            "/v1/vpn-gateways/{id}",
            get(show_gateway).put(set_gateway).delete(delete_gateway),
        )
        .route("/v1/vpn-tunnels", get(list_tunnels).post(create_tunnel))
        .route("/v1/vpn-tunnels/metrics/quotas", get(tunnel_quotas))
        .route(
            "/v1/vpn-tunnels/vpn-tunnel-subnet-availabilities",
            get(subnet_availability),
        )
        .route(
            "/v1/vpn-tunnels/{id}",
            get(show_tunnel).put(set_tunnel).delete(delete_tunnel),
        )
        .route_layer(from_fn_with_state(shared, auth::authenticate))
}

type Params = Query<HashMap<String, String>>;

fn account(shared: &Shared) -> String {
    if shared.config.scp_account_id.is_empty() {
        store::DEFAULT_ACCOUNT.to_owned()
    } else {
        shared.config.scp_account_id.clone()
    }
}

fn parse_json(body: &Bytes) -> Result<Value, ScpError> {
    serde_json::from_slice(body)
        .map_err(|e| ScpError::invalid(vec![format!("body: not valid JSON ({e})")]))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// One page of `items` as SCP's envelope under `key`.
fn paged<T>(
    params: &HashMap<String, String>,
    mut items: Vec<&T>,
    key: &str,
    name: impl Fn(&T) -> &str,
    seq: impl Fn(&T) -> u64,
    render: impl Fn(&T) -> Value,
) -> Response {
    let number = |key: &str, default: usize| match params.get(key) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| format!("{key}: must be an integer >= 0")),
    };
    let (page, size) = match (number("page", 0), number("size", DEFAULT_SIZE)) {
        (Ok(page), Ok(size)) if size <= MAX_SIZE => (page, size),
        (Ok(_), Ok(_)) => return invalid(vec![format!("size: must be at most {MAX_SIZE}")]),
        (a, b) => return invalid([a.err(), b.err()].into_iter().flatten().collect()),
    };
    items.sort_by_key(|item| seq(item));
    let sort = params.get("sort").cloned();
    if let Some(sort) = &sort {
        let (field, order) = sort.split_once(':').unwrap_or((sort.as_str(), "asc"));
        match field {
            "name" => items.sort_by(|a, b| name(a).cmp(name(b))),
            "created_at" => {}
            _ => return invalid(vec![format!("sort: cannot sort by {field:?}")]),
        }
        match order {
            "asc" => {}
            "desc" => items.reverse(),
            _ => return invalid(vec![format!("sort: order must be asc or desc")]),
        }
    }
    let count = items.len();
    let page_items: Vec<Value> = items
        .into_iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(render)
        .collect();
    axum::Json(json!({
        "count": count,
        "page": page,
        "size": size,
        "sort": sort.map(|s| vec![s]),
        key: page_items,
    }))
    .into_response()
}

fn contains(filter: Option<&String>, value: &str) -> bool {
    filter.is_none_or(|f| value.contains(f.as_str()))
}

fn equals(filter: Option<&String>, value: &str) -> bool {
    filter.is_none_or(|f| value == f)
}

async fn list_gateways(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let now = shared.clock.now();
    let account = account(&shared);
    let mut store = lock(&shared.scp);
    store.settle(now);
    let items: Vec<&Gateway> = store
        .gateways
        .values()
        .filter(|g| {
            contains(params.get("name"), &g.name)
                && equals(params.get("ip_address"), &g.ip_address)
                && equals(params.get("vpc_id"), &g.vpc_id)
                && contains(params.get("vpc_name"), &store::vpc_name(&g.vpc_id))
        })
        .collect();
    paged(
        &params,
        items,
        "vpn_gateways",
        |g| &g.name,
        |g| g.life.seq,
        |g| store::gateway_doc(g, &account),
    )
}

async fn create_gateway(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let spec = match validate::gateway_create(&body) {
        Ok(spec) => spec,
        Err(problems) => return invalid(problems),
    };
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.scp);
    store.settle(now);
    if store.gateways.len() >= GATEWAY_QUOTA {
        return conflict(&format!(
            "the VPN gateway quota of {GATEWAY_QUOTA} is used up"
        ));
    }
    if store
        .gateways
        .values()
        .any(|g| g.ip_address == spec.ip_address)
    {
        return conflict(&format!(
            "public IP {} is already used by a VPN gateway",
            spec.ip_address
        ));
    }
    let life = store.life(now, delay);
    let gateway = Gateway {
        id: new_id(),
        name: spec.name,
        description: spec.description,
        ip_address: spec.ip_address,
        ip_id: spec.ip_id,
        ip_type: spec.ip_type,
        vpc_id: spec.vpc_id,
        life,
    };
    let doc = store::gateway_doc(&gateway, &account(&shared));
    store.gateways.insert(gateway.id.clone(), gateway);
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({ "vpn_gateway": doc })),
    )
        .into_response()
}

async fn gateway_quotas(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    let used = store
        .gateways
        .values()
        .filter(|g| equals(params.get("vpc_id"), &g.vpc_id))
        .count();
    axum::Json(json!({
        "vpn_gateway_max_quota": GATEWAY_QUOTA,
        "vpn_gateway_used_quota": used,
    }))
    .into_response()
}

async fn show_gateway(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    match store.gateways.get(&id) {
        Some(g) => axum::Json(json!({ "vpn_gateway": store::gateway_doc(g, &account(&shared)) }))
            .into_response(),
        None => not_found("VPN gateway", &id),
    }
}

async fn set_gateway(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.scp);
    store.settle(now);
    let Some(gateway) = store.gateways.get_mut(&id) else {
        return not_found("VPN gateway", &id);
    };
    let description = match validate::gateway_set(&body) {
        Ok(description) => description,
        Err(problems) => return invalid(problems),
    };
    if gateway.life.phase != Phase::Active {
        return conflict(&format!(
            "VPN gateway {id} is {} and cannot be changed now",
            gateway.life.phase.word()
        ));
    }
    if let Some(description) = description {
        gateway.description = description;
    }
    gateway.life.enter(Phase::Editing, now, delay);
    let doc = store::gateway_doc(gateway, &account(&shared));
    axum::Json(json!({ "vpn_gateway": doc })).into_response()
}

async fn delete_gateway(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.clock.now();
    let delay = shared.delays().delete;
    let mut store = lock(&shared.scp);
    store.settle(now);
    if !store.gateways.contains_key(&id) {
        return not_found("VPN gateway", &id);
    }
    let tunnels = store
        .tunnels
        .values()
        .filter(|t| t.gateway_id == id)
        .count();
    if tunnels > 0 {
        return conflict(&format!(
            "VPN gateway {id} still has {tunnels} VPN tunnel(s); delete them first"
        ));
    }
    if let Some(gateway) = store.gateways.get_mut(&id)
        && gateway.life.phase != Phase::Deleting
    {
        gateway.life.enter(Phase::Deleting, now, delay);
    }
    StatusCode::ACCEPTED.into_response()
}

fn tunnel_doc(
    store: &Store,
    shared: &Shared,
    tunnel: &Tunnel,
    version: ApiVersion,
    detail: Detail,
) -> Value {
    store::tunnel_doc(
        tunnel,
        store.gateways.get(&tunnel.gateway_id),
        &account(shared),
        version,
        detail,
    )
}

async fn list_tunnels(
    State(shared): State<Arc<Shared>>,
    Extension(version): Extension<ApiVersion>,
    Query(params): Params,
) -> Response {
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    let store = &*store;
    let items: Vec<&Tunnel> = store
        .tunnels
        .values()
        .filter(|t| {
            let gateway_name = store
                .gateways
                .get(&t.gateway_id)
                .map_or("", |g| g.name.as_str());
            contains(params.get("name"), &t.name)
                && equals(params.get("vpn_gateway_id"), &t.gateway_id)
                && contains(params.get("vpn_gateway_name"), gateway_name)
                && equals(params.get("peer_gateway_ip"), &t.phase1.peer_gateway_ip)
                && params
                    .get("remote_subnet")
                    .is_none_or(|s| t.phase2.remote_subnets.contains(s))
        })
        .collect();
    paged(
        &params,
        items,
        "vpn_tunnels",
        |t| &t.name,
        |t| t.life.seq,
        |t| tunnel_doc(store, &shared, t, version, Detail::Item),
    )
}

async fn create_tunnel(
    State(shared): State<Arc<Shared>>,
    Extension(version): Extension<ApiVersion>,
    body: Bytes,
) -> Response {
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let spec = match validate::tunnel_create(&body, version) {
        Ok(spec) => spec,
        Err(problems) => return invalid(problems),
    };
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.scp);
    store.settle(now);
    let Some(gateway) = store.gateways.get(&spec.gateway_id) else {
        return not_found("VPN gateway", &spec.gateway_id);
    };
    if gateway.life.phase != Phase::Active {
        return conflict(&format!(
            "VPN gateway {} is {}; tunnels need an ACTIVE gateway",
            gateway.id,
            gateway.life.phase.word()
        ));
    }
    let on_gateway = store
        .tunnels
        .values()
        .filter(|t| t.gateway_id == spec.gateway_id)
        .count();
    if on_gateway >= TUNNEL_QUOTA {
        return conflict(&format!(
            "the VPN tunnel quota of {TUNNEL_QUOTA} per gateway is used up"
        ));
    }
    let life = store.life(now, delay);
    let tunnel = Tunnel {
        id: new_id(),
        name: spec.name,
        description: spec.description,
        gateway_id: spec.gateway_id,
        phase1: spec.phase1,
        phase2: spec.phase2,
        life,
    };
    let doc = tunnel_doc(&store, &shared, &tunnel, version, Detail::Full);
    store.tunnels.insert(tunnel.id.clone(), tunnel);
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({ "vpn_tunnel": doc })),
    )
        .into_response()
}

async fn tunnel_quotas(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    if let Some(id) = params.get("vpn_gateway_id")
        && !store.gateways.contains_key(id)
    {
        return not_found("VPN gateway", id);
    }
    let used = store
        .tunnels
        .values()
        .filter(|t| equals(params.get("vpn_gateway_id"), &t.gateway_id))
        .count();
    axum::Json(json!({
        "vpn_tunnel_max_quota": TUNNEL_QUOTA,
        "vpn_tunnel_used_quota": used,
    }))
    .into_response()
}

async fn subnet_availability(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let (Some(gateway_id), Some(subnet)) =
        (params.get("vpn_gateway_id"), params.get("remote_subnet"))
    else {
        let missing = ["vpn_gateway_id", "remote_subnet"]
            .into_iter()
            .filter(|k| !params.contains_key(*k))
            .map(|k| format!("{k}: query parameter required"))
            .collect();
        return invalid(missing);
    };
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    if !store.gateways.contains_key(gateway_id) {
        return not_found("VPN gateway", gateway_id);
    }
    let availability = match validate::cidr(subnet) {
        None => "INVALID",
        Some(wanted) => {
            let used = store
                .tunnels
                .values()
                .filter(|t| &t.gateway_id == gateway_id)
                .flat_map(|t| t.phase2.remote_subnets.iter())
                .filter_map(|s| validate::cidr(s))
                .any(|have| validate::overlaps(have, wanted));
            if used { "DUPLICATE" } else { "AVAILABLE" }
        }
    };
    axum::Json(json!({ "vpn_tunnel_subnet_availability": {
        "vpn_gateway_id": gateway_id,
        "remote_subnet": subnet,
        "availability": availability,
    }}))
    .into_response()
}

async fn show_tunnel(
    State(shared): State<Arc<Shared>>,
    Extension(version): Extension<ApiVersion>,
    Path(id): Path<String>,
) -> Response {
    let now = shared.clock.now();
    let mut store = lock(&shared.scp);
    store.settle(now);
    match store.tunnels.get(&id) {
        Some(t) => {
            let doc = tunnel_doc(&store, &shared, t, version, Detail::WithStatus);
            axum::Json(json!({ "vpn_tunnel": doc })).into_response()
        }
        None => not_found("VPN tunnel", &id),
    }
}

async fn set_tunnel(
    State(shared): State<Arc<Shared>>,
    Extension(version): Extension<ApiVersion>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_json(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let now = shared.clock.now();
    let delay = shared.delays().provision;
    let mut store = lock(&shared.scp);
    store.settle(now);
    let Some(current) = store.tunnels.get(&id) else {
        return not_found("VPN tunnel", &id);
    };
    let (mut description, mut phase1, mut phase2) = (
        current.description.clone(),
        current.phase1.clone(),
        current.phase2.clone(),
    );
    if let Err(problems) =
        validate::tunnel_set(&body, version, &mut description, &mut phase1, &mut phase2)
    {
        return invalid(problems);
    }
    if current.life.phase != Phase::Active {
        return conflict(&format!(
            "VPN tunnel {id} is {} and cannot be changed now",
            current.life.phase.word()
        ));
    }
    let Some(tunnel) = store.tunnels.get_mut(&id) else {
        return not_found("VPN tunnel", &id);
    };
    tunnel.description = description;
    tunnel.phase1 = phase1;
    tunnel.phase2 = phase2;
    tunnel.life.enter(Phase::Editing, now, delay);
    let tunnel = tunnel.clone();
    let doc = tunnel_doc(&store, &shared, &tunnel, version, Detail::Full);
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({ "vpn_tunnel": doc })),
    )
        .into_response()
}

async fn delete_tunnel(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = shared.clock.now();
    let delay = shared.delays().delete;
    let mut store = lock(&shared.scp);
    store.settle(now);
    let Some(tunnel) = store.tunnels.get_mut(&id) else {
        return not_found("VPN tunnel", &id);
    };
    if tunnel.life.phase != Phase::Deleting {
        tunnel.life.enter(Phase::Deleting, now, delay);
    }
    StatusCode::ACCEPTED.into_response()
}
