//! A gateway's outbound routing filter and its traffic filtering (FQDN and uplink IP rules).
//!
//! Invented where the provider documents nothing: traffic filtering state is shown on the
//! gateway in an extra `trafficFiltering` field (`{enabled, fqdnRules, uplinkRules}`, rules with
//! their port defaults filled in); the legacy types 12 and 13 do not support it, every type that
//! can be created does; rules may be replaced while filtering is disabled.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{post, put};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::net::Cidr;
use super::vpg::{CREATABLE_TYPES, write};
use super::{ApiError, ApiResult, body};
use crate::Shared;

/// Traffic filtering settings of one gateway.
#[derive(Default)]
pub(super) struct TrafficFiltering {
    enabled: bool,
    fqdn_rules: Vec<Value>,
    uplink_rules: Vec<Value>,
}

impl TrafficFiltering {
    pub(super) fn render(&self, out: &mut Map<String, Value>) {
        let shown = json!({
            "enabled": self.enabled,
            "fqdnRules": self.fqdn_rules,
            "uplinkRules": self.uplink_rules,
        });
        out.insert("trafficFiltering".into(), shown);
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let vpg = "/virtual_private_gateways/{vpg_id}";
    Router::new()
        .route(
            &format!("{vpg}/set_routing_filter"),
            post(set_routing_filter),
        )
        .route(
            &format!("{vpg}/traffic_filtering/enable"),
            post(enable_traffic_filtering),
        )
        .route(
            &format!("{vpg}/traffic_filtering/disable"),
            post(disable_traffic_filtering),
        )
        .route(
            &format!("{vpg}/traffic_filtering/fqdn_rules"),
            put(put_fqdn_rules),
        )
        .route(
            &format!("{vpg}/traffic_filtering/uplink_rules"),
            put(put_uplink_rules),
        )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoutingFilterEntry {
    action: String,
    ip_range: String,
}

async fn set_routing_filter(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let entries: Vec<RoutingFilterEntry> = body(&bytes)?;
    let mut validated = Vec::with_capacity(entries.len());
    for entry in entries {
        if !["allow", "deny"].contains(&entry.action.as_str()) {
            return Err(ApiError::bad_request(format!(
                "action must be allow or deny, got '{}'",
                entry.action
            )));
        }
        Cidr::require(&entry.ip_range, "ipRange")?;
        validated.push(json!({ "action": entry.action, "ipRange": entry.ip_range }));
    }
    write(&shared, &id, |ctx| {
        ctx.vpg.routing_filter = validated;
        Ok(StatusCode::OK.into_response())
    })
}

async fn enable_traffic_filtering(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        if !CREATABLE_TYPES.contains(&ctx.vpg.kind) {
            return Err(ApiError::state(format!(
                "VPG type {} does not support traffic filtering",
                ctx.vpg.kind
            )));
        }
        ctx.vpg.traffic.enabled = true;
        Ok(StatusCode::CREATED.into_response())
    })
}

async fn disable_traffic_filtering(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.traffic.enabled = false;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

#[derive(Deserialize)]
struct RulesRequest {
    rules: Vec<FilterRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterRule {
    #[serde(rename = "type")]
    kind: Option<String>,
    protocol: Option<i64>,
    action: Option<String>,
    fqdn_pattern: Option<String>,
    cidr: Option<String>,
    from_port: Option<i64>,
    to_port: Option<i64>,
}

impl FilterRule {
    /// Checks the fields both rule kinds share; returns (protocol, fromPort, toPort).
    fn common(&self, kind: &str) -> Result<(i64, i64, i64), ApiError> {
        if self.kind.as_deref() != Some(kind) {
            return Err(ApiError::bad_request(format!("type must be '{kind}'")));
        }
        let protocol = self
            .protocol
            .filter(|p| (0..=255).contains(p))
            .ok_or_else(|| ApiError::bad_request("protocol must be between 0 and 255"))?;
        let from = self.from_port.unwrap_or(0);
        let to = self.to_port.unwrap_or(0);
        let port = 0..=65_535;
        if !port.contains(&from) || !port.contains(&to) || to < from {
            return Err(ApiError::bad_request(
                "fromPort and toPort must be 0..=65535 with toPort >= fromPort",
            ));
        }
        Ok((protocol, from, to))
    }

    fn fqdn(&self) -> Result<Value, ApiError> {
        let (protocol, from, to) = self.common("fqdn")?;
        if self.action.as_deref() != Some("allow") {
            return Err(ApiError::bad_request(
                "FQDN rules only support action 'allow'",
            ));
        }
        let pattern = self.fqdn_pattern.as_deref().unwrap_or_default();
        if !valid_fqdn_pattern(pattern) {
            return Err(ApiError::bad_request(format!(
                "fqdnPattern must be a domain name with at most one leading '*.', got '{pattern}'"
            )));
        }
        Ok(
            json!({ "type": "fqdn", "protocol": protocol, "action": "allow",
                   "fqdnPattern": pattern, "fromPort": from, "toPort": to }),
        )
    }

    fn uplink(&self) -> Result<Value, ApiError> {
        let (protocol, from, to) = self.common("ip")?;
        let action = self.action.as_deref().unwrap_or_default();
        if !["allow", "deny"].contains(&action) {
            return Err(ApiError::bad_request("action must be allow or deny"));
        }
        let cidr = self.cidr.as_deref().unwrap_or_default();
        Cidr::require(cidr, "cidr")?;
        Ok(
            json!({ "type": "ip", "protocol": protocol, "action": action,
                   "cidr": cidr, "fromPort": from, "toPort": to }),
        )
    }
}

fn valid_fqdn_pattern(pattern: &str) -> bool {
    let name = pattern.strip_prefix("*.").unwrap_or(pattern);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    name.len() <= 253 && name.contains('.') && name.split('.').all(label_ok)
}

async fn put_fqdn_rules(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: RulesRequest = body(&bytes)?;
    let rules = request
        .rules
        .iter()
        .map(FilterRule::fqdn)
        .collect::<Result<Vec<_>, _>>()?;
    write(&shared, &id, |ctx| {
        ctx.vpg.traffic.fqdn_rules = rules;
        Ok(StatusCode::OK.into_response())
    })
}

async fn put_uplink_rules(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: RulesRequest = body(&bytes)?;
    let rules = request
        .rules
        .iter()
        .map(FilterRule::uplink)
        .collect::<Result<Vec<_>, _>>()?;
    write(&shared, &id, |ctx| {
        ctx.vpg.traffic.uplink_rules = rules;
        Ok(StatusCode::OK.into_response())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fqdn_patterns() {
        for good in ["api.example.com", "*.example.com", "a-b.example.co.jp"] {
            assert!(valid_fqdn_pattern(good), "{good}");
        }
        for bad in [
            "",
            "*.*.example.com",
            "example",
            "ex ample.com",
            "*example.com",
        ] {
            assert!(!valid_fqdn_pattern(bad), "{bad}");
        }
    }
}
