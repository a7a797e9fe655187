//! 0.1.0 records, pages and errors in the newest form, and the newest arguments in 0.1.0's.

use super::Down;
use super::types;
use crate::wit::types as t2;

pub(super) fn problem(p: types::Problem) -> t2::Problem {
    t2::Problem {
        message: p.message,
        status: p.status,
        code: p.code,
        field: None,
    }
}

impl From<types::Error> for t2::Error {
    fn from(e: types::Error) -> Self {
        use types::Error as E1;
        match e {
            E1::NotFound(p) => Self::NotFound(problem(p)),
            E1::InvalidInput(p) => Self::InvalidInput(problem(p)),
            E1::Unauthorized(p) => Self::Unauthorized(problem(p)),
            E1::Forbidden(p) => Self::Forbidden(problem(p)),
            E1::Conflict(p) => Self::Conflict(problem(p)),
            E1::RateLimited(r) => Self::RateLimited(t2::RateLimit {
                retry_after_secs: r.retry_after_secs,
                problem: problem(r.problem),
            }),
            E1::Unsupported(m) => Self::Unsupported(m),
            E1::Provider(p) => Self::Provider(problem(p)),
            // 0.1.0 does not say why; the broker reported the refusal itself when it made it.
            E1::Denied(message) => Self::Host(t2::HostError::Denied(t2::Denial {
                reason: t2::DenialReason::HostNotGranted,
                message,
            })),
            E1::Transport(message) => Self::Host(t2::HostError::Transport(t2::TransportFailure {
                kind: t2::TransportKind::Broken,
                maybe_processed: true,
                message,
            })),
        }
    }
}

fn state(s: types::State) -> t2::State {
    use types::State as S;
    match s {
        S::Provisioning => t2::State::Provisioning,
        S::Available => t2::State::Available,
        S::Updating => t2::State::Updating,
        S::Deleting => t2::State::Deleting,
        S::Inactive => t2::State::Inactive,
        S::Failed => t2::State::Failed,
        S::Unknown => t2::State::Unknown,
    }
}

impl From<types::Gateway> for t2::Gateway {
    fn from(g: types::Gateway) -> Self {
        Self {
            id: g.id,
            kind: g.kind,
            name: g.name,
            description: g.description,
            state: state(g.state),
            provider_state: g.provider_state,
            public_addresses: g.public_addresses,
            networks: g.networks,
            wireguard: None,
            labels: Vec::new(),
            created_at: g.created_at,
            raw: g.raw,
        }
    }
}

impl From<types::Tunnel> for t2::Tunnel {
    fn from(t: types::Tunnel) -> Self {
        Self {
            id: t.id,
            parent_id: t.gateway_id,
            kind: t.kind,
            name: t.name,
            description: t.description,
            state: state(t.state),
            provider_state: t.provider_state,
            remote_address: t.remote_address,
            local_networks: t.local_networks,
            remote_networks: t.remote_networks,
            ipsec: None,
            labels: Vec::new(),
            created_at: t.created_at,
            raw: t.raw,
        }
    }
}

impl From<types::Peer> for t2::Peer {
    fn from(p: types::Peer) -> Self {
        Self {
            id: p.id,
            parent_id: p.gateway_id,
            kind: p.kind,
            name: p.name,
            description: p.description,
            state: state(p.state),
            provider_state: p.provider_state,
            public_key: p.public_key,
            endpoint: p.endpoint,
            allowed_networks: p.allowed_networks,
            labels: Vec::new(),
            created_at: p.created_at,
            raw: p.raw,
        }
    }
}

impl From<types::Mapping> for t2::Mapping {
    fn from(m: types::Mapping) -> Self {
        Self {
            id: m.id,
            parent_id: m.parent_id,
            kind: m.kind,
            name: m.name,
            state: state(m.state),
            provider_state: m.provider_state,
            source: m.source,
            destination: m.destination,
            allowed_networks: m.allowed_networks,
            labels: Vec::new(),
            expires_at: m.expires_at,
            created_at: m.created_at,
            raw: m.raw,
        }
    }
}

macro_rules! page {
    ($from:ident, $to:ident) => {
        impl From<types::$from> for t2::$to {
            fn from(p: types::$from) -> Self {
                Self {
                    items: p.items.into_iter().map(Into::into).collect(),
                    next: p.next,
                    ahead: Vec::new(),
                }
            }
        }
    };
}
page!(GatewayPage, GatewayPage);
page!(TunnelPage, TunnelPage);
page!(PeerPage, PeerPage);
page!(MappingPage, MappingPage);

impl Down<types::Query> for t2::Query {
    fn down(&self) -> Result<types::Query, t2::Error> {
        Ok(types::Query {
            parent_id: self.parent_id.clone(),
            kind: self.kind.clone(),
            filters: self.filters.clone(),
            page: types::Page {
                limit: self.page.limit,
                cursor: self.page.cursor.clone(),
            },
        })
    }
}

impl Down<types::Locator> for t2::Locator {
    fn down(&self) -> Result<types::Locator, t2::Error> {
        Ok(types::Locator {
            id: self.id.clone(),
            parent_id: self.parent_id.clone(),
            kind: self.kind.clone(),
        })
    }
}

fn secrets(s: &[t2::SecretInput]) -> Vec<types::SecretInput> {
    s.iter()
        .map(|s| types::SecretInput {
            name: s.name.clone(),
            placeholder: s.placeholder.clone(),
        })
        .collect()
}

/// 0.1.0 has neither labels nor a way to clear a field.
fn expressible(labels: &[t2::Label], clear: &[String]) -> Result<(), t2::Error> {
    if !labels.is_empty() {
        return Err(t2::Error::Unsupported(
            "labels (the adapter is built for portico:adapter@0.1.0, which has none)".into(),
        ));
    }
    if !clear.is_empty() {
        return Err(t2::Error::Unsupported(format!(
            "clearing {} (the adapter is built for portico:adapter@0.1.0, which cannot clear \
             a field)",
            clear.join(", ")
        )));
    }
    Ok(())
}

impl Down<types::GatewaySpec> for t2::GatewaySpec {
    fn down(&self) -> Result<types::GatewaySpec, t2::Error> {
        expressible(&self.labels, &self.clear)?;
        Ok(types::GatewaySpec {
            kind: self.kind.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            public_address: self.public_address.clone(),
            networks: self.networks.clone(),
            properties: self.properties.clone(),
            secrets: secrets(&self.secrets),
        })
    }
}

impl Down<types::TunnelSpec> for t2::TunnelSpec {
    fn down(&self) -> Result<types::TunnelSpec, t2::Error> {
        expressible(&self.labels, &self.clear)?;
        if self.ipsec.is_some() {
            return Err(t2::Error::Unsupported(
                "typed IPSec parameters (the adapter is built for portico:adapter@0.1.0,                  which passes them only in properties)"
                    .into(),
            ));
        }
        Ok(types::TunnelSpec {
            kind: self.kind.clone(),
            gateway_id: self.parent_id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            remote_address: self.remote_address.clone(),
            local_networks: self.local_networks.clone(),
            remote_networks: self.remote_networks.clone(),
            properties: self.properties.clone(),
            secrets: secrets(&self.secrets),
        })
    }
}

impl Down<types::PeerSpec> for t2::PeerSpec {
    fn down(&self) -> Result<types::PeerSpec, t2::Error> {
        expressible(&self.labels, &self.clear)?;
        Ok(types::PeerSpec {
            kind: self.kind.clone(),
            gateway_id: self.parent_id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            public_key: self.public_key.clone(),
            endpoint: self.endpoint.clone(),
            allowed_networks: self.allowed_networks.clone(),
            properties: self.properties.clone(),
            secrets: secrets(&self.secrets),
        })
    }
}

impl Down<types::MappingSpec> for t2::MappingSpec {
    fn down(&self) -> Result<types::MappingSpec, t2::Error> {
        expressible(&self.labels, &self.clear)?;
        Ok(types::MappingSpec {
            kind: self.kind.clone(),
            parent_id: self.parent_id.clone(),
            name: self.name.clone(),
            source: self.source.clone(),
            destination: self.destination.clone(),
            allowed_networks: self.allowed_networks.clone(),
            properties: self.properties.clone(),
            secrets: secrets(&self.secrets),
        })
    }
}

impl Down<Vec<types::SecretInput>> for Vec<t2::SecretInput> {
    fn down(&self) -> Result<Vec<types::SecretInput>, t2::Error> {
        Ok(secrets(self))
    }
}
