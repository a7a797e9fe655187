//! Stored SCP VPN gateways and tunnels, their lifecycle and their JSON documents.
//!
//! Lifecycle (inferred from the state enums): a create is `CREATING`, an update `EDITING`, both
//! `ACTIVE` once the provisioning delay has passed on the emulator's clock; a delete is
//! `DELETING` and disappears after the deletion delay. A tunnel's link `status` is `UP` while it
//! is `ACTIVE`, `DOWN` otherwise.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::ApiVersion;

/// The account every resource belongs to when the emulator is configured without one.
pub(super) const DEFAULT_ACCOUNT: &str = "0e3dffc50eb247a1adf4f2e5c82c4f99";
/// The user every resource is attributed to.
pub(super) const USER: &str = "90dddfc2b1e04edba54ba2b41539a9ac";

/// Where a resource is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Creating,
    Active,
    Editing,
    Deleting,
}

impl Phase {
    pub(super) fn word(self) -> &'static str {
        match self {
            Phase::Creating => "CREATING",
            Phase::Active => "ACTIVE",
            Phase::Editing => "EDITING",
            Phase::Deleting => "DELETING",
        }
    }
}

/// Lifecycle bookkeeping shared by both resource types.
#[derive(Clone, Debug)]
pub(super) struct Life {
    pub(super) phase: Phase,
    /// When the current phase ends (`Creating`/`Editing` → `Active`, `Deleting` → gone).
    pub(super) due: SystemTime,
    pub(super) created_at: SystemTime,
    pub(super) modified_at: SystemTime,
    /// Creation order, for the default sort.
    pub(super) seq: u64,
}

impl Life {
    pub(super) fn enter(&mut self, phase: Phase, now: SystemTime, delay: Duration) {
        self.phase = phase;
        self.due = now + delay;
        self.modified_at = now;
    }
}

/// A VPN gateway.
#[derive(Clone, Debug)]
pub(super) struct Gateway {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ip_address: String,
    pub(super) ip_id: String,
    pub(super) ip_type: String,
    pub(super) vpc_id: String,
    pub(super) life: Life,
}

/// IKE phase 1 settings. The pre-shared key is kept (as SCP must) but never rendered.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Phase1 {
    pub(super) peer_gateway_ip: String,
    pub(super) ike_version: u64,
    pub(super) pre_shared_key: String,
    pub(super) dpd_retry_interval: u64,
    pub(super) life_time: u64,
    pub(super) diffie_hellman_groups: Vec<u64>,
    pub(super) encryptions: Vec<String>,
}

/// IKE phase 2 settings; 1.0 clients see only the first remote subnet.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Phase2 {
    pub(super) perfect_forward_secrecy: String,
    pub(super) life_time: u64,
    pub(super) diffie_hellman_groups: Vec<u64>,
    pub(super) encryptions: Vec<String>,
    pub(super) remote_subnets: Vec<String>,
}

/// A VPN tunnel.
#[derive(Clone, Debug)]
pub(super) struct Tunnel {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) gateway_id: String,
    pub(super) phase1: Phase1,
    pub(super) phase2: Phase2,
    pub(super) life: Life,
}

/// Everything the SCP API has stored, plus the tamper switch.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(super) gateways: BTreeMap<String, Gateway>,
    pub(super) tunnels: BTreeMap<String, Tunnel>,
    next_seq: u64,
    /// How many of the next signed requests are altered before the signature check.
    pub(super) tamper: u32,
}

impl Store {
    /// Alters the next `requests` signed requests before their signature is checked.
    pub(crate) fn set_tamper(&mut self, requests: u32) {
        self.tamper = requests;
    }

    /// Forgets every resource and the tamper switch.
    pub(crate) fn clear(&mut self) {
        *self = Store::default();
    }

    /// A new lifecycle, `CREATING` until `delay` has passed.
    pub(super) fn life(&mut self, now: SystemTime, delay: Duration) -> Life {
        self.next_seq += 1;
        Life {
            phase: Phase::Creating,
            due: now + delay,
            created_at: now,
            modified_at: now,
            seq: self.next_seq,
        }
    }

    /// Finishes every phase whose time has come.
    pub(super) fn settle(&mut self, now: SystemTime) {
        let finish = |life: &mut Life| -> bool {
            if life.due > now {
                return true;
            }
            match life.phase {
                Phase::Creating | Phase::Editing => {
                    life.phase = Phase::Active;
                    true
                }
                Phase::Deleting => false,
                Phase::Active => true,
            }
        };
        self.tunnels.retain(|_, t| finish(&mut t.life));
        self.gateways.retain(|_, g| finish(&mut g.life));
    }
}

fn time(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The VPC name the emulator reports for a VPC id (SCP looks it up; there are no VPCs here).
pub(super) fn vpc_name(vpc_id: &str) -> String {
    format!("vpc-{}", vpc_id.get(..8).unwrap_or(vpc_id))
}

/// A gateway document (`VpnGateway`).
pub(super) fn gateway_doc(gw: &Gateway, account: &str) -> Value {
    json!({
        "account_id": account,
        "created_at": time(gw.life.created_at),
        "created_by": USER,
        "description": gw.description,
        "id": gw.id,
        "ip_address": gw.ip_address,
        "ip_id": gw.ip_id,
        "ip_type": gw.ip_type,
        "modified_at": time(gw.life.modified_at),
        "modified_by": USER,
        "name": gw.name,
        "state": gw.life.phase.word(),
        "vpc_id": gw.vpc_id,
        "vpc_name": vpc_name(&gw.vpc_id),
    })
}

/// How much of a tunnel to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Detail {
    /// A list item: reduced phase 1/2.
    Item,
    /// Create/set answers: full phase 1/2.
    Full,
    /// Show: full, plus the link status.
    WithStatus,
}

/// A tunnel document in the shape of `version`; `gateway` denormalises the gateway's fields.
pub(super) fn tunnel_doc(
    t: &Tunnel,
    gateway: Option<&Gateway>,
    account: &str,
    version: ApiVersion,
    detail: Detail,
) -> Value {
    let (phase1, mut phase2) = if detail == Detail::Item {
        (
            json!({
                "dpd_retry_interval": t.phase1.dpd_retry_interval,
                "ike_version": t.phase1.ike_version,
                "life_time": t.phase1.life_time,
                "peer_gateway_ip": t.phase1.peer_gateway_ip,
            }),
            json!({
                "life_time": t.phase2.life_time,
                "perfect_forward_secrecy": t.phase2.perfect_forward_secrecy,
            }),
        )
    } else {
        (
            json!({
                "peer_gateway_ip": t.phase1.peer_gateway_ip,
                "ike_version": t.phase1.ike_version,
                "dpd_retry_interval": t.phase1.dpd_retry_interval,
                "life_time": t.phase1.life_time,
                "diffie_hellman_groups": t.phase1.diffie_hellman_groups,
                "encryptions": t.phase1.encryptions,
            }),
            json!({
                "perfect_forward_secrecy": t.phase2.perfect_forward_secrecy,
                "life_time": t.phase2.life_time,
                "diffie_hellman_groups": t.phase2.diffie_hellman_groups,
                "encryptions": t.phase2.encryptions,
            }),
        )
    };
    if let Some(map) = phase2.as_object_mut() {
        match version {
            ApiVersion::V1_1 => {
                map.insert("remote_subnets".into(), json!(t.phase2.remote_subnets));
            }
            ApiVersion::V1_0 => {
                map.insert(
                    "remote_subnet".into(),
                    json!(t.phase2.remote_subnets.first()),
                );
            }
        }
    }
    let mut doc = json!({
        "account_id": account,
        "created_at": time(t.life.created_at),
        "created_by": USER,
        "description": t.description,
        "id": t.id,
        "modified_at": time(t.life.modified_at),
        "modified_by": USER,
        "name": t.name,
        "phase1": phase1,
        "phase2": phase2,
        "state": t.life.phase.word(),
        "vpc_id": gateway.map(|g| g.vpc_id.clone()),
        "vpc_name": gateway.map(|g| vpc_name(&g.vpc_id)),
        "vpn_gateway_id": t.gateway_id,
        "vpn_gateway_ip_address": gateway.map(|g| g.ip_address.clone()),
        "vpn_gateway_name": gateway.map(|g| g.name.clone()),
    });
    if detail == Detail::WithStatus
        && let Some(map) = doc.as_object_mut()
    {
        let status = if t.life.phase == Phase::Active {
            "UP"
        } else {
            "DOWN"
        };
        map.insert("status".into(), json!(status));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(life: Life) -> Gateway {
        Gateway {
            id: "g".into(),
            name: "gw".into(),
            description: None,
            ip_address: "123.0.0.1".into(),
            ip_id: "ip".into(),
            ip_type: "PUBLIC".into(),
            vpc_id: "vpc".into(),
            life,
        }
    }

    #[test]
    fn phases_end_when_their_time_comes() {
        let mut store = Store::default();
        let start = SystemTime::now();
        let delay = Duration::from_secs(2);
        let life = store.life(start, delay);
        store.gateways.insert("g".into(), gateway(life));
        store.settle(start + Duration::from_secs(1));
        assert_eq!(store.gateways["g"].life.phase, Phase::Creating);
        store.settle(start + delay);
        assert_eq!(store.gateways["g"].life.phase, Phase::Active);
        let later = start + Duration::from_secs(10);
        if let Some(g) = store.gateways.get_mut("g") {
            g.life.enter(Phase::Deleting, later, delay);
        }
        store.settle(later);
        assert_eq!(store.gateways["g"].life.phase, Phase::Deleting);
        store.settle(later + delay);
        assert!(store.gateways.is_empty());
        let doc = gateway_doc(&gateway(store.life(later, delay)), DEFAULT_ACCOUNT);
        assert_eq!(doc["state"], "CREATING");
        assert_eq!(doc["vpc_name"], "vpc-vpc");
    }
}
