//! Soracom Napter On-Demand Remote Access entries (`/v1/port_mappings`).
//!
//! An entry lives until its `expiredTime` on the emulator clock and then disappears from every
//! list. Invented where the provider documents nothing: `duration` defaults to 3600 seconds and
//! must be a whole number of 1 to 28800; `destination.port` must be 1..=65535; without
//! `source.ipRanges` (or with an empty list) the entry allows `0.0.0.0/0`; entries get an address
//! in 203.0.113.0/24 and a port from 40000 up, a `p-<address>.napter.soracom.invalid` hostname
//! and placement `default`. Validation failures answer 400 (code `NPT0001`). A SIM ID given
//! without `service` yields strategy `DYNAMIC`; an IMSI is used only when no SIM ID is given.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::{Value, json};

use super::net::Cidr;
use super::{ApiError, ApiResult, Paging, Store, body, millis, ok, with_status};
use crate::{Shared, lock};

const DEFAULT_DURATION_SECS: u64 = 3600;
const MAX_DURATION_SECS: u64 = 8 * 3600;
const FIRST_PORT: u64 = 40_000;
const PORTS: u64 = 20_000;
const ADDRESSES: u64 = 254;
const IMSI_PRIORITIZED: &str = "IMSI_PRIORITIZED";

/// Live entries by public address and port.
#[derive(Default)]
pub(super) struct Mappings {
    items: BTreeMap<(Ipv4Addr, u16), Mapping>,
    allocated: u64,
}

struct Mapping {
    /// The `PortMapping` object, complete but for `expired`.
    fields: Value,
    expires: SystemTime,
    sim_id: Option<String>,
    imsi: Option<String>,
}

impl Mappings {
    fn purge(&mut self, now: SystemTime) {
        self.items.retain(|_, mapping| mapping.expires > now);
    }

    /// The next free public address and port.
    fn allocate(&mut self) -> Option<(Ipv4Addr, u16)> {
        for _ in 0..ADDRESSES * PORTS {
            self.allocated += 1;
            let n = self.allocated;
            let host = u8::try_from(1 + n % ADDRESSES).ok()?;
            let port = u16::try_from(FIRST_PORT + (n / ADDRESSES) % PORTS).ok()?;
            let candidate = (Ipv4Addr::new(203, 0, 113, host), port);
            if !self.items.contains_key(&candidate) {
                return Some(candidate);
            }
        }
        None
    }
}

impl Mapping {
    fn render(&self) -> Value {
        let mut fields = self.fields.clone();
        fields["expired"] = false.into();
        fields
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/port_mappings", get(list).post(create))
        .route("/port_mappings/{ip_address}/{port}", delete(delete_one))
        .route(
            "/port_mappings/sims/{sim_id}",
            get(list_for_sim).post(create_for_sim),
        )
        .route("/port_mappings/subscribers/{imsi}", get(list_for_imsi))
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "NPT0001", message)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    destination: Option<Destination>,
    duration: Option<f64>,
    source: Option<Source>,
    tls_required: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Destination {
    port: Option<f64>,
    sim_id: Option<String>,
    imsi: Option<String>,
    service: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    ip_ranges: Option<Vec<String>>,
}

/// A whole number in `range`, or a 400 naming `field`.
fn whole(value: f64, range: std::ops::RangeInclusive<u64>, field: &str) -> Result<u64, ApiError> {
    let ok = value.is_finite() && value.fract() == 0.0 && value >= 0.0;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked finite, whole and non-negative just above"
    )]
    let number = value as u64;
    if ok && range.contains(&number) {
        Ok(number)
    } else {
        Err(invalid(format!(
            "{field} must be a whole number from {} to {}",
            range.start(),
            range.end()
        )))
    }
}

async fn create(State(shared): State<Arc<Shared>>, bytes: Bytes) -> ApiResult {
    let request: CreateRequest = body(&bytes)?;
    create_entry(&shared, request, None)
}

async fn create_for_sim(
    State(shared): State<Arc<Shared>>,
    Path(sim_id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreateRequest = body(&bytes)?;
    create_entry(&shared, request, Some(sim_id))
}

fn create_entry(shared: &Shared, request: CreateRequest, path_sim: Option<String>) -> ApiResult {
    let destination = request
        .destination
        .ok_or_else(|| invalid("destination is required"))?;
    let port = destination
        .port
        .ok_or_else(|| invalid("destination.port is required"))?;
    let port = whole(port, 1..=65_535, "destination.port")?;
    let sim_id = path_sim
        .or(destination.sim_id)
        .filter(|sim| !sim.is_empty());
    let imsi = destination.imsi.filter(|imsi| !imsi.is_empty());
    let (strategy, sim_id, imsi) = match (sim_id, imsi) {
        (Some(sim), _) => {
            let strategy = match destination.service.as_deref() {
                None => "DYNAMIC",
                Some("air") => "AIR_PRIORITIZED",
                Some("arc") => "ARC_PRIORITIZED",
                Some(other) => {
                    return Err(invalid(format!(
                        "destination.service must be air or arc, got '{other}'"
                    )));
                }
            };
            (strategy, Some(sim), None)
        }
        (None, Some(imsi)) => (IMSI_PRIORITIZED, None, Some(imsi)),
        (None, None) => return Err(invalid("destination needs simId or imsi")),
    };
    let duration = request.duration.map_or(Ok(DEFAULT_DURATION_SECS), |d| {
        whole(d, 1..=MAX_DURATION_SECS, "duration")
    })?;
    let ranges = request
        .source
        .and_then(|s| s.ip_ranges)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| vec!["0.0.0.0/0".to_owned()]);
    for range in &ranges {
        Cidr::parse(range)
            .ok_or_else(|| invalid(format!("source.ipRanges: '{range}' is not an IPv4 CIDR")))?;
    }

    let now = shared.clock.now();
    let expires = now + Duration::from_secs(duration);
    let mut store = lock(&shared.soracom);
    let Store {
        operator_id,
        napter,
        ..
    } = &mut *store;
    napter.purge(now);
    let (address, public_port) = napter
        .allocate()
        .ok_or_else(|| ApiError::state("no free Napter address and port left"))?;
    let mut target = json!({ "port": port, "destinationChoosingStrategy": strategy });
    let mut fields = json!({
        "ipAddress": address.to_string(),
        "port": public_port,
        "endpoint": format!("{address}:{public_port}"),
        "hostname": format!("p-{}.napter.soracom.invalid", address.to_string().replace('.', "-")),
        "destination": {},
        "source": { "ipRanges": ranges },
        "duration": duration,
        "tlsRequired": request.tls_required.unwrap_or(false),
        "createdTime": millis(now),
        "expiredTime": millis(expires),
        "expired": false,
        "operatorId": operator_id.as_str(),
        "placement": "default",
    });
    if let Some(sim) = &sim_id {
        target["simId"] = sim.clone().into();
        fields["simId"] = sim.clone().into();
    }
    if let Some(imsi) = &imsi {
        target["imsi"] = imsi.clone().into();
        fields["imsi"] = imsi.clone().into();
    }
    fields["destination"] = target;
    let mapping = Mapping {
        fields,
        expires,
        sim_id,
        imsi,
    };
    let rendered = mapping.render();
    napter.items.insert((address, public_port), mapping);
    Ok(with_status(StatusCode::CREATED, rendered))
}

/// The live entries matching `keep`, oldest address first.
fn live(shared: &Shared, keep: impl Fn(&Mapping) -> bool) -> Vec<((Ipv4Addr, u16), Value)> {
    let mut store = lock(&shared.soracom);
    store.napter.purge(shared.clock.now());
    store
        .napter
        .items
        .iter()
        .filter(|(_, mapping)| keep(mapping))
        .map(|(key, mapping)| (*key, mapping.render()))
        .collect()
}

fn parse_endpoint(text: &str) -> Option<(Ipv4Addr, u16)> {
    let (address, port) = text.rsplit_once(':')?;
    Some((address.parse().ok()?, port.parse().ok()?))
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let paging = Paging::parse(&query)?;
    let after = paging
        .after
        .as_deref()
        .map(|key| {
            parse_endpoint(key).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "last_evaluated_key must be an endpoint such as 203.0.113.1:40000, got '{key}'"
                ))
            })
        })
        .transpose()?;
    let items = live(&shared, |_| true)
        .into_iter()
        .map(|((address, port), value)| ((address, port), format!("{address}:{port}"), value))
        .collect();
    Ok(paging.respond(items, after.as_ref()))
}

fn some_or_404(entries: Vec<Value>, what: String) -> ApiResult {
    if entries.is_empty() {
        return Err(ApiError::not_found(format!(
            "no On-Demand Remote Access entries exist for {what}"
        )));
    }
    Ok(ok(Value::Array(entries)))
}

async fn list_for_sim(State(shared): State<Arc<Shared>>, Path(sim_id): Path<String>) -> ApiResult {
    let entries = live(&shared, |m| m.sim_id.as_deref() == Some(sim_id.as_str()));
    some_or_404(
        entries.into_iter().map(|(_, v)| v).collect(),
        format!("SIM ID {sim_id}"),
    )
}

async fn list_for_imsi(State(shared): State<Arc<Shared>>, Path(imsi): Path<String>) -> ApiResult {
    let entries = live(&shared, |m| m.imsi.as_deref() == Some(imsi.as_str()));
    some_or_404(
        entries.into_iter().map(|(_, v)| v).collect(),
        format!("IMSI {imsi}"),
    )
}

async fn delete_one(
    State(shared): State<Arc<Shared>>,
    Path((address, port)): Path<(String, String)>,
) -> ApiResult {
    let now = shared.clock.now();
    let mut store = lock(&shared.soracom);
    store.napter.purge(now);
    let key = parse_endpoint(&format!("{address}:{port}"));
    if key
        .and_then(|key| store.napter.items.remove(&key))
        .is_none()
    {
        return Err(ApiError::not_found(format!(
            "On-Demand Remote Access entry {address}:{port} does not exist"
        )));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_range() {
        assert_eq!(whole(3600.0, 1..=28_800, "d").ok(), Some(3600));
        for bad in [0.0, 28_801.0, 1.5, -3.0, f64::NAN] {
            assert!(whole(bad, 1..=28_800, "d").is_err(), "{bad}");
        }
    }

    #[test]
    fn allocation_skips_taken_pairs() {
        let mut mappings = Mappings::default();
        let first = mappings.allocate().expect("free");
        assert_eq!(first.0.octets()[..3], [203, 0, 113]);
        assert!(first.1 >= 40_000);
        assert_eq!(
            parse_endpoint("203.0.113.9:40001"),
            Some((Ipv4Addr::new(203, 0, 113, 9), 40_001))
        );
        assert_eq!(parse_endpoint("nope"), None);
    }
}
