//! Soracom Junction on a gateway: mirroring peers, inspection and redirection.
//!
//! Invented where the provider documents nothing: creating a mirroring peer that exists
//! replaces it ("added/updated"); `ipAddress` is required and must be IPv4, `protocol` defaults
//! to `gre`; an update takes `description`, `enabled` (`true`/`false`) and `protocol` (`gre`)
//! attributes (400 for anything else). Unset inspection or redirection shows as
//! `{"enabled": false}`. `junctionEnabled` is true while an enabled mirroring peer, inspection or
//! redirection exists. A redirection `gateway`, when given, must be an IPv4 address.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::net::require_ip;
use super::vpg::write;
use super::{ApiError, ApiResult, body};
use crate::Shared;

/// Junction settings of one gateway.
#[derive(Default)]
pub(super) struct Junction {
    /// By IP address.
    mirroring: BTreeMap<String, MirroringPeer>,
    inspection: Option<Value>,
    redirection: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MirroringPeer {
    ip_address: Option<String>,
    protocol: Option<String>,
    enabled: Option<bool>,
    description: Option<String>,
}

impl MirroringPeer {
    fn render(&self) -> Value {
        json!({
            "ipAddress": self.ip_address,
            "protocol": self.protocol.as_deref().unwrap_or("gre"),
            "enabled": self.enabled.unwrap_or(false),
            "description": self.description.as_deref().unwrap_or_default(),
        })
    }
}

fn enabled(config: Option<&Value>) -> bool {
    config
        .and_then(|c| c.get("enabled"))
        .and_then(Value::as_bool)
        == Some(true)
}

impl Junction {
    pub(super) fn render(&self, out: &mut Map<String, Value>) {
        let active = self.mirroring.values().any(|p| p.enabled == Some(true))
            || enabled(self.inspection.as_ref())
            || enabled(self.redirection.as_ref());
        let peers: Map<String, Value> = self
            .mirroring
            .iter()
            .map(|(ip, peer)| (ip.clone(), peer.render()))
            .collect();
        let unset = || json!({ "enabled": false });
        out.insert("junctionEnabled".into(), active.into());
        out.insert("mirroring".into(), json!({ "peers": peers }));
        out.insert(
            "inspection".into(),
            self.inspection.clone().unwrap_or_else(unset),
        );
        out.insert(
            "redirection".into(),
            self.redirection.clone().unwrap_or_else(unset),
        );
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let junction = "/virtual_private_gateways/{vpg_id}/junction";
    Router::new()
        .route(&format!("{junction}/mirroring/peers"), post(create_peer))
        .route(
            &format!("{junction}/mirroring/peers/{{ipaddr}}"),
            axum::routing::put(update_peer).delete(delete_peer),
        )
        .route(&format!("{junction}/set_inspection"), post(set_inspection))
        .route(
            &format!("{junction}/unset_inspection"),
            post(unset_inspection),
        )
        .route(
            &format!("{junction}/set_redirection"),
            post(set_redirection),
        )
        .route(
            &format!("{junction}/unset_redirection"),
            post(unset_redirection),
        )
}

fn check_protocol(protocol: Option<&str>) -> Result<(), ApiError> {
    match protocol {
        None | Some("gre") => Ok(()),
        Some(other) => Err(ApiError::bad_request(format!(
            "protocol must be gre, got '{other}'"
        ))),
    }
}

async fn create_peer(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let peer: MirroringPeer = body(&bytes)?;
    let address = peer
        .ip_address
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("ipAddress is required"))?;
    let address = require_ip(address, "ipAddress")?.to_string();
    check_protocol(peer.protocol.as_deref())?;
    write(&shared, &id, |ctx| {
        ctx.vpg.junction.mirroring.insert(address, peer);
        Ok(StatusCode::CREATED.into_response())
    })
}

#[derive(Deserialize)]
struct AttributeUpdate {
    key: String,
    value: String,
}

async fn update_peer(
    State(shared): State<Arc<Shared>>,
    Path((id, address)): Path<(String, String)>,
    bytes: Bytes,
) -> ApiResult {
    let updates: Vec<AttributeUpdate> = body(&bytes)?;
    write(&shared, &id, |ctx| {
        let peer = ctx
            .vpg
            .junction
            .mirroring
            .get_mut(&address)
            .ok_or_else(|| ApiError::not_found(format!("no mirroring peer {address}")))?;
        let mut updated = MirroringPeer {
            ip_address: peer.ip_address.clone(),
            protocol: peer.protocol.clone(),
            enabled: peer.enabled,
            description: peer.description.clone(),
        };
        for AttributeUpdate { key, value } in updates {
            match key.as_str() {
                "description" => updated.description = Some(value),
                "enabled" => {
                    let flag = value
                        .parse()
                        .map_err(|_| ApiError::bad_request("enabled must be 'true' or 'false'"))?;
                    updated.enabled = Some(flag);
                }
                "protocol" => {
                    check_protocol(Some(&value))?;
                    updated.protocol = Some(value);
                }
                other => {
                    return Err(ApiError::bad_request(format!(
                        "unknown mirroring peer attribute '{other}'"
                    )));
                }
            }
        }
        *peer = updated;
        Ok(StatusCode::OK.into_response())
    })
}

async fn delete_peer(
    State(shared): State<Arc<Shared>>,
    Path((id, address)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        if ctx.vpg.junction.mirroring.remove(&address).is_none() {
            return Err(ApiError::not_found(format!("no mirroring peer {address}")));
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

/// A configuration object with `enabled` defaulting to false.
fn configuration(bytes: &[u8]) -> Result<Value, ApiError> {
    let mut config: Map<String, Value> = body(bytes)?;
    match config.get("enabled") {
        None => {
            config.insert("enabled".into(), false.into());
        }
        Some(Value::Bool(_)) => {}
        Some(_) => return Err(ApiError::bad_request("enabled must be a boolean")),
    }
    Ok(Value::Object(config))
}

async fn set_inspection(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let config = configuration(&bytes)?;
    write(&shared, &id, |ctx| {
        ctx.vpg.junction.inspection = Some(config);
        Ok(StatusCode::OK.into_response())
    })
}

async fn unset_inspection(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.junction.inspection = None;
        Ok(StatusCode::OK.into_response())
    })
}

async fn set_redirection(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let config = configuration(&bytes)?;
    match config.get("gateway") {
        None | Some(Value::Null) => {}
        Some(Value::String(gateway)) => {
            require_ip(gateway, "gateway")?;
        }
        Some(_) => return Err(ApiError::bad_request("gateway must be a string")),
    }
    write(&shared, &id, |ctx| {
        ctx.vpg.junction.redirection = Some(config);
        Ok(StatusCode::OK.into_response())
    })
}

async fn unset_redirection(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.junction.redirection = None;
        Ok(StatusCode::OK.into_response())
    })
}
