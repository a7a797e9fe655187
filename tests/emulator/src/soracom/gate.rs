//! Soracom Gate on a gateway: open/close, privacy separator, VXLAN id, Gate peers, SIM-based
//! routing, and the IP address map (static entries by IMSI plus the Gate peers' entries).
//!
//! Invented where the provider documents nothing:
//! - Opening the Gate gives the gateway one peer of its own (`ownedByCustomer: false`): outer
//!   address from the gateway's `vpgSubnetCidrRange`, inner address the first free one of the
//!   device subnet. Closing the Gate removes every peer (the gateway's and the customer's) and
//!   turns SIM-based routing off; the routes are kept.
//! - Registering a Gate peer needs the Gate open (400 otherwise), an outer address not yet
//!   registered and, if given, an inner address inside the device subnet that nothing else
//!   uses; without one the first free address is allocated. The gateway's own peer cannot be
//!   unregistered (400).
//! - The IP address map lists the gateway's own peer as `gatePeer` and customer peers as
//!   `customerGatePeer` (the spec's meaning of the two types); both are read-only there (400 on
//!   put or delete). A put key must be an IMSI (5 to 15 digits) and its address a free host
//!   address of the device subnet. With the Gate closed the peer list is empty; static entries
//!   stay in the map.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::net::{Cidr, require_ip};
use super::vpg::{Vpg, read, write};
use super::{ApiError, ApiResult, Paging, body, millis, ok, optional_body};
use crate::Shared;

const DEFAULT_VXLAN_ID: u32 = 10;
const MAX_VXLAN_ID: u32 = 16_777_215;

/// Gate settings and the IP address map of one gateway.
pub(super) struct Gate {
    opened: bool,
    privacy_separator: bool,
    vxlan_id: u32,
    /// By outer address.
    peers: BTreeMap<Ipv4Addr, Peer>,
    sim_routing: bool,
    sim_routes: BTreeMap<String, String>,
    /// Static entries by IMSI.
    static_map: BTreeMap<String, MapEntry>,
}

struct Peer {
    inner: Ipv4Addr,
    by_customer: bool,
    updated: SystemTime,
}

struct MapEntry {
    address: Ipv4Addr,
    updated: SystemTime,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            opened: false,
            privacy_separator: false,
            vxlan_id: DEFAULT_VXLAN_ID,
            peers: BTreeMap::new(),
            sim_routing: false,
            sim_routes: BTreeMap::new(),
            static_map: BTreeMap::new(),
        }
    }
}

impl Gate {
    pub(super) fn render(&self, out: &mut Map<String, Value>) {
        out.insert("gateOpened".into(), self.opened.into());
        out.insert(
            "gatePrivacySeparatorEnabled".into(),
            self.privacy_separator.into(),
        );
        out.insert("gateVxlanId".into(), self.vxlan_id.into());
        out.insert("enableSimBasedRouting".into(), self.sim_routing.into());
        out.insert("simBasedRoutingConfig".into(), json!(self.sim_routes));
    }

    /// Whether `address` is a peer's inner address or a static entry's (other than `except`).
    fn address_taken(&self, address: Ipv4Addr, except: Option<&str>) -> bool {
        self.peers.values().any(|peer| peer.inner == address)
            || self
                .static_map
                .iter()
                .any(|(key, entry)| entry.address == address && Some(key.as_str()) != except)
    }

    fn free_inner(&self, subnet: Cidr) -> Result<Ipv4Addr, ApiError> {
        subnet
            .first_free(|address| self.address_taken(address, None))
            .ok_or_else(|| ApiError::state("the device subnet has no free address left"))
    }

    fn peer_with_inner(&self, key: &str) -> bool {
        self.peers
            .values()
            .any(|peer| peer.inner.to_string() == key)
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let gate = "/virtual_private_gateways/{vpg_id}/gate";
    let map = "/virtual_private_gateways/{vpg_id}/ip_address_map";
    Router::new()
        .route(&format!("{gate}/open"), post(open))
        .route(&format!("{gate}/close"), post(close))
        .route(
            &format!("{gate}/enable_privacy_separator"),
            post(enable_privacy_separator),
        )
        .route(
            &format!("{gate}/disable_privacy_separator"),
            post(disable_privacy_separator),
        )
        .route(&format!("{gate}/set_vxlan_id"), post(set_vxlan_id))
        .route(
            &format!("{gate}/peers"),
            get(list_peers).post(register_peer),
        )
        .route(
            &format!("{gate}/peers/{{outer_ip_address}}"),
            delete(unregister_peer),
        )
        .route(
            &format!("{gate}/routing/static/sims/enable"),
            post(enable_sim_routing),
        )
        .route(
            &format!("{gate}/routing/static/sims/disable"),
            post(disable_sim_routing),
        )
        .route(
            &format!("{gate}/routing/static/sims/routes"),
            put(put_sim_routes),
        )
        .route(map, get(list_map).post(put_map_entry))
        .route(&format!("{map}/{{key}}"), delete(delete_map_entry))
}

fn check_vxlan_id(id: i64) -> Result<u32, ApiError> {
    u32::try_from(id)
        .ok()
        .filter(|id| (1..=MAX_VXLAN_ID).contains(id))
        .ok_or_else(|| ApiError::bad_request(format!("vxlanId must be 1..={MAX_VXLAN_ID}")))
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenRequest {
    vxlan_id: Option<i64>,
    privacy_separator_enabled: Option<bool>,
}

async fn open(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: OpenRequest = optional_body(&bytes)?;
    let vxlan_id = request
        .vxlan_id
        .map_or(Ok(DEFAULT_VXLAN_ID), check_vxlan_id)?;
    write(&shared, &id, |ctx| {
        let vpg = &mut *ctx.vpg;
        if vpg.gate.opened {
            return Err(ApiError::state("Soracom Gate is already open on this VPG"));
        }
        let inner = vpg.gate.free_inner(vpg.device_subnet)?;
        let outer = vpg
            .vpg_subnet
            .first_free(|_| false)
            .ok_or_else(|| ApiError::state("the VPG subnet has no address"))?;
        let gate = &mut vpg.gate;
        gate.opened = true;
        gate.vxlan_id = vxlan_id;
        gate.privacy_separator = request.privacy_separator_enabled.unwrap_or(false);
        let peer = Peer {
            inner,
            by_customer: false,
            updated: ctx.now,
        };
        gate.peers.insert(outer, peer);
        Ok(StatusCode::OK.into_response())
    })
}

async fn close(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    write(&shared, &id, |ctx| {
        let gate = &mut ctx.vpg.gate;
        if !gate.opened {
            return Err(ApiError::state("Soracom Gate is not open on this VPG"));
        }
        gate.opened = false;
        gate.peers.clear();
        gate.sim_routing = false;
        Ok(StatusCode::OK.into_response())
    })
}

async fn enable_privacy_separator(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.gate.privacy_separator = true;
        Ok(ok(ctx.render()))
    })
}

async fn disable_privacy_separator(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.gate.privacy_separator = false;
        Ok(ok(ctx.render()))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VxlanRequest {
    vxlan_id: i64,
}

async fn set_vxlan_id(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: VxlanRequest = body(&bytes)?;
    let vxlan_id = check_vxlan_id(request.vxlan_id)?;
    write(&shared, &id, |ctx| {
        ctx.vpg.gate.vxlan_id = vxlan_id;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

fn render_peer(vpg: &Vpg, outer: Ipv4Addr, peer: &Peer) -> Value {
    json!({
        "outerIpAddress": outer.to_string(),
        "innerIpAddress": peer.inner.to_string(),
        "netmask": vpg.device_subnet.netmask(),
        "ownedByCustomer": peer.by_customer,
    })
}

async fn list_peers(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    read(&shared, &id, |ctx| {
        let vpg = &*ctx.vpg;
        let peers: Vec<Value> = vpg
            .gate
            .peers
            .iter()
            .map(|(outer, peer)| render_peer(vpg, *outer, peer))
            .collect();
        Ok(ok(Value::Array(peers)))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterPeerRequest {
    outer_ip_address: String,
    inner_ip_address: Option<String>,
}

async fn register_peer(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: RegisterPeerRequest = body(&bytes)?;
    let outer = require_ip(&request.outer_ip_address, "outerIpAddress")?;
    let inner = request
        .inner_ip_address
        .as_deref()
        .map(|text| require_ip(text, "innerIpAddress"))
        .transpose()?;
    write(&shared, &id, |ctx| {
        let vpg = &mut *ctx.vpg;
        if !vpg.gate.opened {
            return Err(ApiError::state(
                "Soracom Gate must be open to register a Gate peer",
            ));
        }
        if vpg.gate.peers.contains_key(&outer) {
            return Err(ApiError::state(format!(
                "a Gate peer with outer address {outer} is already registered"
            )));
        }
        let inner = match inner {
            Some(address) if !vpg.device_subnet.contains_host(address) => {
                return Err(ApiError::bad_request(format!(
                    "innerIpAddress {address} is not a host address of the device subnet {}",
                    vpg.device_subnet
                )));
            }
            Some(address) if vpg.gate.address_taken(address, None) => {
                return Err(ApiError::state(format!(
                    "innerIpAddress {address} is already in use"
                )));
            }
            Some(address) => address,
            None => vpg.gate.free_inner(vpg.device_subnet)?,
        };
        let peer = Peer {
            inner,
            by_customer: true,
            updated: ctx.now,
        };
        let rendered = render_peer(vpg, outer, &peer);
        vpg.gate.peers.insert(outer, peer);
        Ok(ok(rendered))
    })
}

async fn unregister_peer(
    State(shared): State<Arc<Shared>>,
    Path((id, outer)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        let gate = &mut ctx.vpg.gate;
        let address: Option<Ipv4Addr> = outer.parse().ok();
        let peer = address.and_then(|a| gate.peers.get(&a).map(|p| (a, p.by_customer)));
        match peer {
            None => Err(ApiError::not_found(format!(
                "no Gate peer with outer address {outer}"
            ))),
            Some((_, false)) => Err(ApiError::state(
                "the VPG's own Gate peer cannot be unregistered",
            )),
            Some((address, true)) => {
                gate.peers.remove(&address);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
        }
    })
}

async fn enable_sim_routing(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        if !ctx.vpg.gate.opened {
            return Err(ApiError::state("Soracom Gate is not enabled"));
        }
        ctx.vpg.gate.sim_routing = true;
        Ok(StatusCode::CREATED.into_response())
    })
}

async fn disable_sim_routing(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.gate.sim_routing = false;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

async fn put_sim_routes(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let routes: BTreeMap<String, String> = body(&bytes)?;
    for (sim_id, range) in &routes {
        if sim_id.is_empty() {
            return Err(ApiError::bad_request("SIM IDs must not be empty"));
        }
        Cidr::require(range, &format!("the range of SIM {sim_id}"))?;
    }
    write(&shared, &id, |ctx| {
        ctx.vpg.gate.sim_routes = routes;
        Ok(StatusCode::OK.into_response())
    })
}

fn map_entry(key: &str, address: Ipv4Addr, kind: &str, updated: SystemTime) -> Value {
    json!({
        "key": key,
        "ipAddress": address.to_string(),
        "type": kind,
        "hostId": key,
        "lastUpdatedAt": millis(updated),
    })
}

async fn list_map(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let paging = Paging::parse(&query)?;
    read(&shared, &id, |ctx| {
        let gate = &ctx.vpg.gate;
        let peers = gate.peers.values().map(|peer| {
            let kind = if peer.by_customer {
                "customerGatePeer"
            } else {
                "gatePeer"
            };
            let key = peer.inner.to_string();
            let entry = map_entry(&key, peer.inner, kind, peer.updated);
            (key, entry)
        });
        let statics = gate.static_map.iter().map(|(key, entry)| {
            let value = map_entry(key, entry.address, "static", entry.updated);
            (key.clone(), value)
        });
        Ok(paging.respond_by_key(peers.chain(statics).collect()))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutMapEntry {
    key: String,
    ip_address: String,
}

fn check_imsi(key: &str) -> Result<(), ApiError> {
    if (5..=15).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "key must be the IMSI of a SIM, got '{key}'"
        )))
    }
}

async fn put_map_entry(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: PutMapEntry = body(&bytes)?;
    let address = require_ip(&request.ip_address, "ipAddress")?;
    write(&shared, &id, |ctx| {
        let vpg = &mut *ctx.vpg;
        if vpg.gate.peer_with_inner(&request.key) {
            return Err(ApiError::state(
                "entries of Gate peers are managed through the Gate peer operations",
            ));
        }
        check_imsi(&request.key)?;
        if !vpg.device_subnet.contains_host(address) {
            return Err(ApiError::bad_request(format!(
                "ipAddress {address} is not a host address of the device subnet {}",
                vpg.device_subnet
            )));
        }
        if vpg.gate.address_taken(address, Some(&request.key)) {
            return Err(ApiError::state(format!(
                "ipAddress {address} is already in use"
            )));
        }
        let entry = MapEntry {
            address,
            updated: ctx.now,
        };
        let rendered = map_entry(&request.key, address, "static", ctx.now);
        vpg.gate.static_map.insert(request.key, entry);
        Ok(ok(rendered))
    })
}

async fn delete_map_entry(
    State(shared): State<Arc<Shared>>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        let gate = &mut ctx.vpg.gate;
        if gate.peer_with_inner(&key) {
            return Err(ApiError::state(
                "entries of Gate peers cannot be deleted from the IP address map",
            ));
        }
        if gate.static_map.remove(&key).is_none() {
            return Err(ApiError::not_found(format!(
                "no IP address map entry with key {key}"
            )));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
