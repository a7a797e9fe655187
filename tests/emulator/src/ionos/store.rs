//! In-memory IONOS VPN resources (gateways, peers, tunnels) and their lifecycle, which is
//! computed lazily from timestamps whenever a resource is read.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};
use uuid::Uuid;

/// The four resource kinds of the VPN Gateway API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    WireguardGateway,
    WireguardPeer,
    IpsecGateway,
    IpsecTunnel,
}

impl Kind {
    pub(crate) const ALL: [Kind; 4] = [
        Kind::WireguardGateway,
        Kind::WireguardPeer,
        Kind::IpsecGateway,
        Kind::IpsecTunnel,
    ];

    /// The envelope's `type` field.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Kind::WireguardGateway => "wireguardgateway",
            Kind::WireguardPeer => "wireguardpeer",
            Kind::IpsecGateway => "ipsecgateway",
            Kind::IpsecTunnel => "ipsectunnel",
        }
    }

    /// Human name for error messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::WireguardGateway => "WireGuard gateway",
            Kind::WireguardPeer => "WireGuard peer",
            Kind::IpsecGateway => "IPSec gateway",
            Kind::IpsecTunnel => "IPSec tunnel",
        }
    }

    /// The gateway kind a peer or tunnel belongs to.
    pub(crate) fn parent(self) -> Option<Kind> {
        match self {
            Kind::WireguardPeer => Some(Kind::WireguardGateway),
            Kind::IpsecTunnel => Some(Kind::IpsecGateway),
            Kind::WireguardGateway | Kind::IpsecGateway => None,
        }
    }

    fn segment(self) -> &'static str {
        match self {
            Kind::WireguardGateway => "wireguardgateways",
            Kind::WireguardPeer => "peers",
            Kind::IpsecGateway => "ipsecgateways",
            Kind::IpsecTunnel => "tunnels",
        }
    }

    /// `/wireguardgateways` or `/wireguardgateways/{parent}/peers`.
    pub(crate) fn collection_path(self, parent: Option<Uuid>) -> String {
        match (self.parent(), parent) {
            (Some(parent_kind), Some(parent)) => {
                format!("/{}/{parent}/{}", parent_kind.segment(), self.segment())
            }
            _ => format!("/{}", self.segment()),
        }
    }

    /// Route patterns (collection, item) in axum syntax.
    pub(crate) fn routes(self) -> (String, String) {
        let collection = match self.parent() {
            Some(parent) => format!("/{}/{{gatewayId}}/{}", parent.segment(), self.segment()),
            None => format!("/{}", self.segment()),
        };
        let item = format!("{collection}/{{id}}");
        (collection, item)
    }
}

/// `metadata.status`. FAILED is never produced by the emulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Provisioning,
    Available,
    Destroying,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Provisioning => "PROVISIONING",
            Status::Available => "AVAILABLE",
            Status::Destroying => "DESTROYING",
        }
    }
}

/// One stored resource; `properties` are normalised and still hold write-only secrets.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    pub(crate) id: Uuid,
    pub(crate) kind: Kind,
    pub(crate) parent: Option<Uuid>,
    pub(crate) properties: Map<String, Value>,
    pub(crate) created: SystemTime,
    pub(crate) modified: SystemTime,
    ready_at: SystemTime,
    gone_at: Option<SystemTime>,
}

impl Resource {
    pub(crate) fn status(&self, now: SystemTime) -> Status {
        if self.gone_at.is_some() {
            Status::Destroying
        } else if now < self.ready_at {
            Status::Provisioning
        } else {
            Status::Available
        }
    }

    pub(crate) fn href(&self) -> String {
        format!("{}/{}", self.kind.collection_path(self.parent), self.id)
    }

    fn is_gone(&self, now: SystemTime) -> bool {
        self.gone_at.is_some_and(|gone| now >= gone)
    }
}

/// All IONOS resources in creation order (which is also the listing order).
#[derive(Debug, Default)]
pub(crate) struct Store {
    items: Vec<Resource>,
}

impl Store {
    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }

    /// Forgets resources whose deletion has completed; call before every lookup.
    pub(crate) fn purge(&mut self, now: SystemTime) {
        self.items.retain(|r| !r.is_gone(now));
    }

    /// Any resource with this id, whatever its kind or parent.
    pub(crate) fn find(&self, id: Uuid) -> Option<&Resource> {
        self.items.iter().find(|r| r.id == id)
    }

    /// The resource `id` of `kind` below `parent`.
    pub(crate) fn get(&self, kind: Kind, parent: Option<Uuid>, id: Uuid) -> Option<&Resource> {
        self.find(id)
            .filter(|r| r.kind == kind && r.parent == parent)
    }

    pub(crate) fn list(&self, kind: Kind, parent: Option<Uuid>) -> Vec<&Resource> {
        self.items
            .iter()
            .filter(|r| r.kind == kind && r.parent == parent)
            .collect()
    }

    /// Stores a new resource that becomes AVAILABLE after `delay`.
    pub(crate) fn insert(
        &mut self,
        (kind, parent, id): (Kind, Option<Uuid>, Uuid),
        properties: Map<String, Value>,
        now: SystemTime,
        delay: Duration,
    ) -> &Resource {
        self.items.push(Resource {
            id,
            kind,
            parent,
            properties,
            created: now,
            modified: now,
            ready_at: now + delay,
            gone_at: None,
        });
        &self.items[self.items.len() - 1]
    }

    /// Replaces the properties of `id` and sends it back to PROVISIONING for `delay`.
    pub(crate) fn replace(
        &mut self,
        id: Uuid,
        properties: Map<String, Value>,
        now: SystemTime,
        delay: Duration,
    ) -> Option<&Resource> {
        let resource = self.items.iter_mut().find(|r| r.id == id)?;
        resource.properties = properties;
        resource.modified = now;
        resource.ready_at = now + delay;
        Some(resource)
    }

    /// Marks `id` and everything below it DESTROYING; they vanish after `delay`.
    pub(crate) fn delete(&mut self, id: Uuid, now: SystemTime, delay: Duration) {
        let gone = now + delay;
        for resource in &mut self.items {
            if resource.id == id || resource.parent == Some(id) {
                // A child already being deleted keeps its earlier deadline.
                resource.gone_at = Some(resource.gone_at.map_or(gone, |g| g.min(gone)));
                resource.modified = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_follows_the_deadlines() {
        let mut store = Store::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let secs = Duration::from_secs;
        let gw = Uuid::new_v4();
        let peer = Uuid::new_v4();
        store.insert((Kind::WireguardGateway, None, gw), Map::new(), t0, secs(10));
        store.insert(
            (Kind::WireguardPeer, Some(gw), peer),
            Map::new(),
            t0,
            secs(0),
        );
        let status = |s: &Store, id, now| s.find(id).map(|r: &Resource| r.status(now));
        assert_eq!(status(&store, gw, t0 + secs(9)), Some(Status::Provisioning));
        assert_eq!(status(&store, gw, t0 + secs(10)), Some(Status::Available));
        assert_eq!(status(&store, peer, t0), Some(Status::Available));

        store.delete(gw, t0 + secs(20), secs(5));
        assert_eq!(
            status(&store, peer, t0 + secs(21)),
            Some(Status::Destroying)
        );
        store.purge(t0 + secs(24));
        assert_eq!(store.list(Kind::WireguardPeer, Some(gw)).len(), 1);
        store.purge(t0 + secs(25));
        assert!(store.find(gw).is_none() && store.find(peer).is_none());
    }

    #[test]
    fn paths_nest_children_under_their_gateway() {
        let gw = Uuid::nil();
        assert_eq!(
            Kind::IpsecTunnel.collection_path(Some(gw)),
            format!("/ipsecgateways/{gw}/tunnels")
        );
        assert_eq!(
            Kind::WireguardPeer.routes().1,
            "/wireguardgateways/{gatewayId}/peers/{id}"
        );
    }
}
