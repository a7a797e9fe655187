//! Virtual Private Gateways themselves: create, list (tag filters, paging), get, terminate,
//! tags and fixed public IP addresses. The features hanging off a gateway live in
//! [`super::filter`], [`super::gate`], [`super::junction`], [`super::peek`] and [`super::canal`];
//! they reach a gateway through [`read()`] and [`write()`].
//!
//! Invented where the provider documents nothing:
//! - A new gateway is `running` at once. `terminate` starts a termination that lasts the
//!   configured delete delay: meanwhile the gateway is listed with status `terminating` and
//!   refuses changes (400), then it disappears (404). With no delete delay it disappears at once.
//! - `deviceSubnetCidrRange` must be a block of /8 to /28. `vpgSubnetCidrRange` is
//!   `100.64.<n>.0/24`; fixed public addresses come from 192.0.2.0/24.
//! - Deleting an unknown tag answers 404; deleting `name` empties it (the tag set always has it).
//! - `placement.region` defaults to `ap-northeast-1` (the Japan coverage default).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::canal::Canal;
use super::filter::TrafficFiltering;
use super::gate::Gate;
use super::junction::Junction;
use super::net::Cidr;
use super::peek::Captures;
use super::{ApiError, ApiResult, Paging, Store, body, millis, ok, with_status};
use crate::{Shared, lock};

const REGIONS: [&str; 4] = [
    "ap-northeast-1",
    "eu-central-1",
    "us-west-2",
    "ap-southeast-2",
];
pub(super) const CREATABLE_TYPES: [u16; 3] = [14, 15, 242];
const DEFAULT_DEVICE_SUBNET: &str = "10.128.0.0/9";

/// One gateway and everything configured on it.
pub(super) struct Vpg {
    pub(super) id: String,
    pub(super) kind: u16,
    region: String,
    created: SystemTime,
    modified: SystemTime,
    pub(super) device_subnet: Cidr,
    pub(super) vpg_subnet: Cidr,
    use_internet_gateway: bool,
    pub(super) gate: Gate,
    pub(super) junction: Junction,
    pub(super) canal: Canal,
    pub(super) captures: Captures,
    fixed_ips: Vec<String>,
    pub(super) routing_filter: Vec<Value>,
    tags: BTreeMap<String, String>,
    pub(super) traffic: TrafficFiltering,
    terminating_until: Option<SystemTime>,
}

/// All gateways, by id (ids sort in creation order).
#[derive(Default)]
pub(super) struct Gateways {
    items: BTreeMap<String, Vpg>,
}

impl Gateways {
    /// Drops gateways whose termination has finished.
    fn purge(&mut self, now: SystemTime) {
        self.items
            .retain(|_, vpg| vpg.terminating_until.is_none_or(|until| until > now));
    }
}

/// One request's view of a gateway, under the store lock.
pub(super) struct Ctx<'a> {
    pub(super) vpg: &'a mut Vpg,
    pub(super) now: SystemTime,
    sequence: &'a mut u64,
    operator_id: &'a str,
}

impl Ctx<'_> {
    /// A fresh id that sorts after every earlier one.
    pub(super) fn next_id(&mut self) -> String {
        super::next_id(self.sequence)
    }

    /// The gateway as the API shows it.
    pub(super) fn render(&self) -> Value {
        render(self.vpg, self.operator_id, self.now)
    }
}

/// Runs `f` on gateway `id` (404 when there is none).
pub(super) fn read<T>(
    shared: &Shared,
    id: &str,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    access(shared, id, false, f)
}

/// Runs `f` on gateway `id` to change it: 404 when there is none, 400 while it is being
/// terminated; a successful change updates `lastModifiedTime`.
pub(super) fn write<T>(
    shared: &Shared,
    id: &str,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    access(shared, id, true, f)
}

fn access<T>(
    shared: &Shared,
    id: &str,
    writing: bool,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = shared.clock.now();
    let mut store = lock(&shared.soracom);
    let Store {
        operator_id,
        vpgs,
        sequence,
        ..
    } = &mut *store;
    vpgs.purge(now);
    let vpg = vpgs.items.get_mut(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "VPG0001",
            format!("VPG {id} does not exist"),
        )
    })?;
    if writing && vpg.terminating_until.is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VPG0003",
            format!("VPG {id} is being terminated"),
        ));
    }
    let mut ctx = Ctx {
        vpg,
        now,
        sequence,
        operator_id,
    };
    let result = f(&mut ctx)?;
    if writing {
        ctx.vpg.modified = now;
    }
    Ok(result)
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let vpg = "/virtual_private_gateways/{vpg_id}";
    Router::new()
        .route("/virtual_private_gateways", get(list).post(create))
        .route(vpg, get(get_one))
        .route(&format!("{vpg}/terminate"), post(terminate))
        .route(&format!("{vpg}/tags"), put(put_tags))
        .route(
            &format!("{vpg}/tags/{{tag_name}}"),
            axum::routing::delete(delete_tag),
        )
        .route(
            &format!("{vpg}/fixed_public_ip_addresses"),
            post(assign_fixed_ips).delete(release_fixed_ips),
        )
}

fn render(vpg: &Vpg, operator_id: &str, now: SystemTime) -> Value {
    let status = if vpg.terminating_until.is_some() {
        "terminating"
    } else {
        "running"
    };
    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_owned(), value);
    };
    put("vpgId", vpg.id.clone().into());
    put("operatorId", operator_id.into());
    put("type", vpg.kind.into());
    put("status", status.into());
    put(
        "placement",
        json!({ "infrastructureProvider": "aws", "region": vpg.region }),
    );
    put("createdTime", millis(vpg.created).into());
    put("lastModifiedTime", millis(vpg.modified).into());
    put(
        "deviceSubnetCidrRange",
        vpg.device_subnet.to_string().into(),
    );
    put("ueSubnetCidrRange", vpg.device_subnet.to_string().into());
    put("vpgSubnetCidrRange", vpg.vpg_subnet.to_string().into());
    put("useInternetGateway", vpg.use_internet_gateway.into());
    put(
        "fixedIpAddressesEnabled",
        (!vpg.fixed_ips.is_empty()).into(),
    );
    put("fixedPublicIpAddresses", json!(vpg.fixed_ips));
    put(
        "routingFilterEntries",
        Value::Array(vpg.routing_filter.clone()),
    );
    put("virtualInterfaces", json!({}));
    put("vpnConnections", json!({}));
    put(
        "sessionStats",
        json!({ "online": 0, "lastUpdatedAt": millis(vpg.created) }),
    );
    put("tags", json!(vpg.tags));
    put("allowedOperators", json!([]));
    put("implicitTerminationProtected", false.into());
    vpg.traffic.render(&mut out);
    vpg.gate.render(&mut out);
    vpg.junction.render(&mut out);
    vpg.canal.render(&mut out, now);
    Value::Object(out)
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let paging = Paging::parse(&query)?;
    let tag_name = query.get("tag_name");
    let tag_value = query.get("tag_value");
    let prefix = match query.get("tag_value_match_mode").map(String::as_str) {
        None | Some("exact") => false,
        Some("prefix") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "tag_value_match_mode must be exact or prefix, got '{other}'"
            )));
        }
    };
    let filter = match (tag_name, tag_value) {
        (None, None) => None,
        (Some(name), Some(value)) => Some((name, value)),
        _ => {
            return Err(ApiError::bad_request(
                "tag_name and tag_value must be given together",
            ));
        }
    };
    let now = shared.clock.now();
    let mut store = lock(&shared.soracom);
    store.vpgs.purge(now);
    let items = store
        .vpgs
        .items
        .values()
        .filter(|vpg| {
            filter.is_none_or(|(name, value)| {
                vpg.tags.get(name).is_some_and(|actual| {
                    if prefix {
                        actual.starts_with(value.as_str())
                    } else {
                        actual == value
                    }
                })
            })
        })
        .map(|vpg| (vpg.id.clone(), render(vpg, &store.operator_id, now)))
        .collect();
    Ok(paging.respond_by_key(items))
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    #[serde(rename = "type")]
    kind: Option<i64>,
    placement: Option<PlacementRequest>,
    use_internet_gateway: Option<bool>,
    device_subnet_cidr_range: Option<String>,
    soracom_transit_gateway: Option<TransitGatewayRequest>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Default, Deserialize)]
struct PlacementRequest {
    region: Option<String>,
}

#[derive(Default, Deserialize)]
struct TransitGatewayRequest {
    asn: Option<u32>,
}

async fn create(State(shared): State<Arc<Shared>>, bytes: Bytes) -> ApiResult {
    let request: CreateRequest = body(&bytes)?;
    let kind = request
        .kind
        .and_then(|k| u16::try_from(k).ok())
        .filter(|k| CREATABLE_TYPES.contains(k))
        .ok_or_else(|| ApiError::bad_request("type is required and must be 14, 15 or 242"))?;
    let region = request
        .placement
        .and_then(|p| p.region)
        .unwrap_or_else(|| REGIONS[0].to_owned());
    if !REGIONS.contains(&region.as_str()) {
        return Err(ApiError::bad_request(format!(
            "placement.region must be one of {}, got '{region}'",
            REGIONS.join(", ")
        )));
    }
    let subnet_text = request
        .device_subnet_cidr_range
        .unwrap_or_else(|| DEFAULT_DEVICE_SUBNET.to_owned());
    let device_subnet = Cidr::require(&subnet_text, "deviceSubnetCidrRange")?;
    if !(8..=28).contains(&device_subnet.prefix()) {
        return Err(ApiError::bad_request(
            "deviceSubnetCidrRange must be a block of /8 to /28",
        ));
    }
    let mut tags = request.tags.unwrap_or_default();
    tags.entry("name".to_owned()).or_default();
    let asn = request.soracom_transit_gateway.and_then(|t| t.asn);

    let now = shared.clock.now();
    let mut store = lock(&shared.soracom);
    store.vpgs.purge(now);
    let id = super::next_id(&mut store.sequence);
    let octet = store.sequence % 256;
    let vpg_subnet = Cidr::parse(&format!("100.64.{octet}.0/24"))
        .ok_or_else(|| ApiError::bad_request("internal: bad VPG subnet"))?;
    let vpg = Vpg {
        id: id.clone(),
        kind,
        canal: Canal::new(&region, asn),
        region,
        created: now,
        modified: now,
        device_subnet,
        vpg_subnet,
        use_internet_gateway: request.use_internet_gateway.unwrap_or(true),
        gate: Gate::default(),
        junction: Junction::default(),
        captures: Captures::default(),
        fixed_ips: Vec::new(),
        routing_filter: Vec::new(),
        tags,
        traffic: TrafficFiltering::default(),
        terminating_until: None,
    };
    let rendered = render(&vpg, &store.operator_id, now);
    store.vpgs.items.insert(id, vpg);
    Ok(with_status(StatusCode::CREATED, rendered))
}

async fn get_one(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    read(&shared, &id, |ctx| Ok(ok(ctx.render())))
}

async fn terminate(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    let delay = shared.delays().delete;
    write(&shared, &id, |ctx| {
        ctx.vpg.terminating_until = Some(ctx.now + delay);
        Ok(())
    })?;
    // A zero delay ends the termination at once; purge on the next access removes it.
    lock(&shared.soracom).vpgs.purge(shared.clock.now());
    Ok(StatusCode::OK.into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TagUpdate {
    tag_name: String,
    tag_value: String,
}

async fn put_tags(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let updates: Vec<TagUpdate> = body(&bytes)?;
    write(&shared, &id, |ctx| {
        for update in updates {
            ctx.vpg.tags.insert(update.tag_name, update.tag_value);
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

async fn delete_tag(
    State(shared): State<Arc<Shared>>,
    Path((id, tag)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        if tag == "name" {
            ctx.vpg.tags.insert(tag, String::new());
        } else if ctx.vpg.tags.remove(&tag).is_none() {
            return Err(ApiError::not_found(format!("tag '{tag}' does not exist")));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

async fn assign_fixed_ips(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    write(&shared, &id, |ctx| {
        if !ctx.vpg.fixed_ips.is_empty() {
            return Err(ApiError::state(
                "the fixed global IP address option is already enabled",
            ));
        }
        let first: u8 = rand::random_range(1..=253);
        ctx.vpg.fixed_ips = vec![format!("192.0.2.{first}"), format!("192.0.2.{}", first + 1)];
        Ok(ok(ctx.render()))
    })
}

async fn release_fixed_ips(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    write(&shared, &id, |ctx| {
        if ctx.vpg.fixed_ips.is_empty() {
            return Err(ApiError::state(
                "the fixed global IP address option is already disabled",
            ));
        }
        ctx.vpg.fixed_ips.clear();
        Ok(ok(ctx.render()))
    })
}
