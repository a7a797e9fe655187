//! In-memory UpCloud network gateways with their VPN connections and IPSec tunnels, their
//! lifecycle (computed lazily from timestamps whenever a gateway is read) and their JSON form.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};
use uuid::Uuid;

/// `operational_state` while a gateway is set up (after a create or a change), in order.
const SETUP_STEPS: [&str; 8] = [
    "pending",
    "setup-agent",
    "setup-link-network",
    "setup-server",
    "setup-network",
    "setup-gw",
    "setup-dns",
    "checkup",
];

/// `operational_state` while a deleted gateway is torn down, in order.
const DELETE_STEPS: [&str; 5] = [
    "delete-dns",
    "delete-network",
    "delete-server",
    "delete-link-network",
    "delete-service",
];

/// A UUID shaped like UpCloud's service UUIDs, which start with `10`.
pub(crate) fn new_uuid() -> Uuid {
    let mut bytes = *Uuid::new_v4().as_bytes();
    bytes[0] = 0x10;
    Uuid::from_bytes(bytes)
}

/// RFC 3339 with microseconds, as UpCloud writes timestamps.
pub(crate) fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_micros(time).to_string()
}

/// A named public address of a gateway.
#[derive(Clone, Debug)]
pub(crate) struct Address {
    pub(crate) name: String,
    pub(crate) address: String,
    /// Added by the service because the create named none; shown once allocated.
    pub(crate) defaulted: bool,
}

/// One IPSec tunnel; `ipsec` holds every setting, the pre-shared key included.
#[derive(Clone, Debug)]
pub(crate) struct Tunnel {
    pub(crate) uuid: Uuid,
    pub(crate) name: String,
    pub(crate) local_address: String,
    pub(crate) remote_address: String,
    pub(crate) ipsec: Map<String, Value>,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
}

/// One VPN connection.
#[derive(Clone, Debug)]
pub(crate) struct Connection {
    pub(crate) uuid: Uuid,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) local_routes: Vec<Value>,
    pub(crate) remote_routes: Vec<Value>,
    pub(crate) tunnels: Vec<Tunnel>,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
}

/// One network gateway.
#[derive(Clone, Debug)]
pub(crate) struct Gateway {
    pub(crate) uuid: Uuid,
    pub(crate) name: String,
    pub(crate) zone: String,
    pub(crate) plan: Option<String>,
    pub(crate) features: Vec<String>,
    pub(crate) labels: Vec<Value>,
    pub(crate) configured_status: String,
    pub(crate) routers: Vec<Uuid>,
    pub(crate) addresses: Vec<Address>,
    pub(crate) connections: Vec<Connection>,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
    /// When the current setup started (creation or the last change) and when it ends.
    setup: (SystemTime, SystemTime),
    /// When the first setup ended: addresses are allocated from then on.
    allocated_at: SystemTime,
    /// When the teardown started and when the gateway disappears.
    deleting: Option<(SystemTime, SystemTime)>,
}

/// Which step of `steps` a process running from `start` to `end` is at, at `now`.
fn step(
    steps: &[&'static str],
    (start, end): (SystemTime, SystemTime),
    now: SystemTime,
) -> &'static str {
    let total = end.duration_since(start).unwrap_or_default();
    let done = now.duration_since(start).unwrap_or_default();
    let index = if total.is_zero() {
        steps.len() - 1
    } else {
        let at = done.as_secs_f64() / total.as_secs_f64() * steps.len() as f64;
        (at as usize).min(steps.len() - 1)
    };
    steps[index]
}

impl Gateway {
    /// A new gateway, set up for `delay` from `now`.
    #[expect(clippy::too_many_arguments, reason = "one field per create attribute")]
    pub(crate) fn new(
        name: String,
        zone: String,
        plan: Option<String>,
        features: Vec<String>,
        labels: Vec<Value>,
        configured_status: String,
        routers: Vec<Uuid>,
        addresses: Vec<Address>,
        connections: Vec<Connection>,
        now: SystemTime,
        delay: Duration,
    ) -> Self {
        Gateway {
            uuid: new_uuid(),
            name,
            zone,
            plan,
            features,
            labels,
            configured_status,
            routers,
            addresses,
            connections,
            created: now,
            modified: now,
            setup: (now, now + delay),
            allocated_at: now + delay,
            deleting: None,
        }
    }

    /// The gateway's `operational_state` at `now`.
    pub(crate) fn operational_state(&self, now: SystemTime) -> &'static str {
        if let Some(teardown) = self.deleting {
            return step(&DELETE_STEPS, teardown, now);
        }
        if now < self.setup.1 {
            return step(&SETUP_STEPS, self.setup, now);
        }
        "running"
    }

    pub(crate) fn is_deleting(&self) -> bool {
        self.deleting.is_some()
    }

    fn is_gone(&self, now: SystemTime) -> bool {
        self.deleting.is_some_and(|(_, end)| now >= end)
    }

    /// Records a change: the gateway is set up again (`pending`) for `delay`.
    pub(crate) fn changed(&mut self, now: SystemTime, delay: Duration) {
        self.modified = now;
        self.setup = (now, now + delay);
    }

    /// Starts the teardown; a second delete keeps the first deadline.
    pub(crate) fn delete(&mut self, now: SystemTime, delay: Duration) {
        if self.deleting.is_none() {
            self.deleting = Some((now, now + delay));
            self.modified = now;
        }
    }

    pub(crate) fn has_vpn(&self) -> bool {
        self.features.iter().any(|f| f == "vpn")
    }

    pub(crate) fn connection(&self, id: Uuid) -> Option<&Connection> {
        self.connections.iter().find(|c| c.uuid == id)
    }

    pub(crate) fn connection_mut(&mut self, id: Uuid) -> Option<&mut Connection> {
        self.connections.iter_mut().find(|c| c.uuid == id)
    }

    /// Every tunnel of every connection.
    pub(crate) fn tunnels(&self) -> impl Iterator<Item = &Tunnel> {
        self.connections.iter().flat_map(|c| c.tunnels.iter())
    }

    /// The JSON document at `now`. A create or change answers `pending` whatever the delay, as
    /// the service does (`just_changed`).
    pub(crate) fn render(&self, now: SystemTime, just_changed: bool) -> Value {
        let state = if just_changed && self.deleting.is_none() {
            "pending"
        } else {
            self.operational_state(now)
        };
        let allocated =
            !(just_changed && self.created == self.modified) && now >= self.allocated_at;
        let updated = if state == "running" {
            self.modified.max(self.setup.1)
        } else {
            self.modified
        };
        let addresses: Vec<Value> = self
            .addresses
            .iter()
            .filter(|a| allocated || !a.defaulted)
            .map(|a| {
                if allocated {
                    json!({ "address": a.address, "name": a.name })
                } else {
                    json!({ "name": a.name })
                }
            })
            .collect();
        let mut doc = Map::new();
        doc.insert("addresses".into(), addresses.into());
        doc.insert(
            "configured_status".into(),
            self.configured_status.clone().into(),
        );
        // Only gateways with the VPN feature carry a `connections` list.
        if self.has_vpn() {
            let connections: Vec<Value> = self.connections.iter().map(Connection::render).collect();
            doc.insert("connections".into(), connections.into());
        }
        doc.insert("created_at".into(), timestamp(self.created).into());
        doc.insert("features".into(), self.features.clone().into());
        doc.insert("labels".into(), self.labels.clone().into());
        doc.insert("name".into(), self.name.clone().into());
        doc.insert("operational_state".into(), state.into());
        if let Some(plan) = &self.plan {
            doc.insert("plan".into(), plan.clone().into());
        }
        let routers: Vec<Value> = self
            .routers
            .iter()
            .map(|r| json!({ "created_at": timestamp(self.created), "uuid": r }))
            .collect();
        doc.insert("routers".into(), routers.into());
        doc.insert("updated_at".into(), timestamp(updated).into());
        doc.insert("uuid".into(), self.uuid.to_string().into());
        doc.insert("zone".into(), self.zone.clone().into());
        Value::Object(doc)
    }
}

impl Connection {
    pub(crate) fn render(&self) -> Value {
        let tunnels: Vec<Value> = self.tunnels.iter().map(Tunnel::render).collect();
        json!({
            "created_at": timestamp(self.created),
            "local_routes": self.local_routes,
            "name": self.name,
            "remote_routes": self.remote_routes,
            "tunnels": tunnels,
            "type": self.kind,
            "updated_at": timestamp(self.modified),
            "uuid": self.uuid,
        })
    }
}

impl Tunnel {
    /// The tunnel without its pre-shared key, which the service never returns. A tunnel with no
    /// live peer is `idle`; the emulator has no peers.
    pub(crate) fn render(&self) -> Value {
        let mut ipsec = self.ipsec.clone();
        if let Some(auth) = ipsec
            .get_mut("authentication")
            .and_then(Value::as_object_mut)
        {
            auth.shift_remove("psk");
        }
        json!({
            "created_at": timestamp(self.created),
            "ipsec": ipsec,
            "local_address": { "name": self.local_address },
            "name": self.name,
            "operational_state": "idle",
            "remote_address": { "address": self.remote_address },
            "updated_at": timestamp(self.modified),
            "uuid": self.uuid,
        })
    }
}

/// Every gateway, in creation order (also the listing order), plus the address counter.
#[derive(Debug, Default)]
pub(crate) struct Store {
    gateways: Vec<Gateway>,
    next_address: u32,
}

impl Store {
    pub(crate) fn clear(&mut self) {
        self.gateways.clear();
    }

    /// Forgets gateways whose teardown has finished; call before every lookup.
    pub(crate) fn purge(&mut self, now: SystemTime) {
        self.gateways.retain(|g| !g.is_gone(now));
    }

    pub(crate) fn list(&self) -> &[Gateway] {
        &self.gateways
    }

    pub(crate) fn get(&self, id: Uuid) -> Option<&Gateway> {
        self.gateways.iter().find(|g| g.uuid == id)
    }

    pub(crate) fn get_mut(&mut self, id: Uuid) -> Option<&mut Gateway> {
        self.gateways.iter_mut().find(|g| g.uuid == id)
    }

    pub(crate) fn insert(&mut self, gateway: Gateway) -> &Gateway {
        self.gateways.push(gateway);
        &self.gateways[self.gateways.len() - 1]
    }

    /// A fresh public IPv4 address from the documentation range 203.0.113.0/24 (then onwards
    /// through 198.18.0.0/15, which is never routed either).
    pub(crate) fn allocate_address(&mut self) -> String {
        self.next_address += 1;
        let n = self.next_address;
        if n < 255 {
            format!("203.0.113.{n}")
        } else {
            format!("198.18.{}.{}", (n / 254) % 256, n % 254 + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(now: SystemTime, delay: Duration) -> Gateway {
        Gateway::new(
            "gw".into(),
            "fi-hel1".into(),
            None,
            vec!["nat".into()],
            Vec::new(),
            "started".into(),
            vec![Uuid::nil()],
            vec![Address {
                name: "public-ip-1".into(),
                address: "203.0.113.1".into(),
                defaulted: true,
            }],
            Vec::new(),
            now,
            delay,
        )
    }

    #[test]
    fn setup_and_teardown_walk_their_steps() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let secs = Duration::from_secs;
        let mut gw = gateway(t0, secs(80));
        assert_eq!(gw.operational_state(t0), "pending");
        assert_eq!(gw.operational_state(t0 + secs(35)), "setup-server");
        assert_eq!(gw.operational_state(t0 + secs(79)), "checkup");
        assert_eq!(gw.operational_state(t0 + secs(80)), "running");
        gw.changed(t0 + secs(100), secs(10));
        assert_eq!(gw.operational_state(t0 + secs(100)), "pending");
        gw.delete(t0 + secs(200), secs(50));
        assert_eq!(gw.operational_state(t0 + secs(200)), "delete-dns");
        assert_eq!(gw.operational_state(t0 + secs(249)), "delete-service");
        let mut store = Store::default();
        store.insert(gw);
        store.purge(t0 + secs(249));
        assert_eq!(store.list().len(), 1);
        store.purge(t0 + secs(250));
        assert!(store.list().is_empty());
    }

    #[test]
    fn render_hides_unallocated_default_addresses_and_nat_connections() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let gw = gateway(t0, Duration::from_secs(10));
        let created = gw.render(t0, true);
        assert_eq!(created["addresses"], json!([]));
        assert_eq!(created["operational_state"], "pending");
        assert!(created.get("connections").is_none() && created.get("plan").is_none());
        let later = gw.render(t0 + Duration::from_secs(10), false);
        assert_eq!(
            later["addresses"],
            json!([{"address": "203.0.113.1", "name": "public-ip-1"}])
        );
        assert_eq!(later["operational_state"], "running");
        assert_eq!(later["updated_at"], timestamp(t0 + Duration::from_secs(10)));
        assert!(later["created_at"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn uuids_start_like_upcloud_ones() {
        assert!(new_uuid().to_string().starts_with("10"));
    }
}
