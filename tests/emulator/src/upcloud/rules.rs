//! Building stored connections and tunnels from requests, the rules a whole gateway must
//! keep, and the metrics document.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

use super::ApiError;
use super::store::{self, Connection, Gateway, Tunnel};
use super::validate::{self, ConnectionInput, Invalid, TunnelInput};

/// `patch` over `target`: `authentication` merges key by key, everything else replaces.
fn merge_ipsec(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match (key.as_str(), target.get_mut(&key), value) {
            ("authentication", Some(Value::Object(current)), Value::Object(given)) => {
                current.extend(given);
            }
            (_, _, value) => {
                target.insert(key, value);
            }
        }
    }
}

pub(super) fn new_tunnel(
    input: TunnelInput,
    at: &str,
    now: SystemTime,
) -> Result<Tunnel, ApiError> {
    let mut ipsec = validate::ipsec_defaults();
    merge_ipsec(&mut ipsec, input.ipsec);
    let has_key = ipsec
        .get("authentication")
        .and_then(|a| a.get("psk"))
        .and_then(Value::as_str)
        .is_some();
    if !has_key {
        let name = if at.is_empty() {
            "ipsec.authentication.psk".to_owned()
        } else {
            format!("{at}.ipsec.authentication.psk")
        };
        return Err(Invalid::new(&name, "is required for a new tunnel").into());
    }
    Ok(Tunnel {
        uuid: store::new_uuid(),
        name: input.name.unwrap_or_default(),
        local_address: input.local_address.unwrap_or_default(),
        remote_address: input.remote_address.unwrap_or_default(),
        ipsec,
        created: now,
        modified: now,
    })
}

/// `current` with the parts `input` gives replaced; it keeps its UUID and, unless a new one is
/// given, its pre-shared key.
pub(super) fn changed_tunnel(mut current: Tunnel, input: TunnelInput, now: SystemTime) -> Tunnel {
    if let Some(name) = input.name {
        current.name = name;
    }
    if let Some(local) = input.local_address {
        current.local_address = local;
    }
    if let Some(remote) = input.remote_address {
        current.remote_address = remote;
    }
    merge_ipsec(&mut current.ipsec, input.ipsec);
    current.modified = now;
    current
}

pub(super) fn new_connection(
    input: ConnectionInput,
    now: SystemTime,
) -> Result<Connection, ApiError> {
    let tunnels = input
        .tunnels
        .into_iter()
        .enumerate()
        .map(|(i, t)| new_tunnel(t, &format!("tunnels[{i}]"), now))
        .collect::<Result<_, _>>()?;
    Ok(Connection {
        uuid: store::new_uuid(),
        name: input.name,
        kind: input.kind,
        local_routes: input.local_routes,
        remote_routes: input.remote_routes,
        tunnels,
        created: now,
        modified: now,
    })
}

/// Rules that span the whole gateway, checked after every change.
pub(super) fn check(gateway: &Gateway) -> Result<(), ApiError> {
    let plan = gateway.plan.as_deref().unwrap_or(validate::DEFAULT_PLAN);
    let (supported, allowance) = validate::plan_limits(plan).unwrap_or_default();
    if let Some(feature) = gateway.features.iter().find(|f| !supported.contains(f)) {
        return Err(Invalid::new(
            "plan",
            &format!("plan '{plan}' does not support '{feature}'"),
        )
        .into());
    }
    if !gateway.connections.is_empty() && !gateway.has_vpn() {
        return Err(Invalid::new("connections", "need the 'vpn' feature").into());
    }
    let mut connection_names: Vec<&str> = Vec::new();
    let mut tunnel_names: Vec<&str> = Vec::new();
    for (i, connection) in gateway.connections.iter().enumerate() {
        if connection_names.contains(&connection.name.as_str()) {
            return Err(Invalid::new(
                &format!("connections[{i}].name"),
                "duplicate connection name",
            )
            .into());
        }
        connection_names.push(&connection.name);
        for (j, tunnel) in connection.tunnels.iter().enumerate() {
            let at = format!("connections[{i}].tunnels[{j}]");
            if tunnel_names.contains(&tunnel.name.as_str()) {
                return Err(Invalid::new(
                    &format!("{at}.name"),
                    "tunnel names must be unique within the gateway",
                )
                .into());
            }
            tunnel_names.push(&tunnel.name);
            if !gateway
                .addresses
                .iter()
                .any(|a| a.name == tunnel.local_address)
            {
                return Err(Invalid::new(
                    &format!("{at}.local_address.name"),
                    "must name one of the gateway's addresses",
                )
                .into());
            }
        }
    }
    if tunnel_names.len() > allowance {
        return Err(Invalid::new(
            "tunnels",
            &format!("plan '{plan}' allows {allowance} VPN tunnels"),
        )
        .into());
    }
    Ok(())
}

/// Connection counters per gateway server and one IKE SA per tunnel; all quiet, no peers.
pub(super) fn metrics(gateway: &Gateway, now: SystemTime) -> Value {
    let plan = gateway.plan.as_deref().unwrap_or(validate::DEFAULT_PLAN);
    let servers = validate::plans()
        .as_array()
        .and_then(|plans| plans.iter().find(|p| p["name"] == plan))
        .and_then(|p| p["server_number"].as_u64())
        .unwrap_or(1);
    let stamp = store::timestamp(now);
    let gateways: Vec<Value> = (1..=servers)
        .map(|n| {
            json!({
                "name": format!("{}-{n}", gateway.name),
                "active_connections": 0,
                "total_accepted_connections": 0,
                "total_rejected_sessions": 0,
                "created_at": store::timestamp(gateway.created),
                "updated_at": stamp,
            })
        })
        .collect();
    let local = |name: &str| {
        gateway
            .addresses
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.address.clone())
            .unwrap_or_default()
    };
    let ike_sas: Vec<Value> = gateway
        .tunnels()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "name": t.name,
                "tunnel_id": t.uuid,
                "unique_id": i + 1,
                "version": 2,
                "established": 0,
                "initator": "yes",
                "local_host": local(&t.local_address),
                "local_id": local(&t.local_address),
                "remote_host": t.remote_address,
                "remote_id": t.remote_address,
                "rekey_time": 0,
                "reauth_time": 0,
                "operational_state": "idle",
                "internal_state": "CONNECTING",
                "heuristic_state": {
                    "tunnel_up": false,
                    "tunnel_healthy": false,
                    "last_down_message": "no answer from the peer",
                    "up_events": 0,
                    "down_events": 0,
                    "log_message_bad_events": 0,
                },
                "child_sas": [],
            })
        })
        .collect();
    json!({ "gateways": gateways, "ipsec_metrics": { "ike_sas": ike_sas } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ipsec_changes_keep_the_method_when_only_a_key_is_given() {
        let mut ipsec = validate::ipsec_defaults();
        let Value::Object(patch) = json!({"authentication": {"psk": "newkey123"}, "dpd_delay": 5})
        else {
            unreachable!()
        };
        merge_ipsec(&mut ipsec, patch);
        assert_eq!(
            ipsec["authentication"],
            json!({"authentication": "psk", "psk": "newkey123"})
        );
        assert_eq!(ipsec["dpd_delay"], 5);
    }
}
