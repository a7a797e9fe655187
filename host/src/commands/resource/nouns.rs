//! The four nouns as the CLI shows them: table columns, the JSON view of each record (typed
//! fields plus the provider's document) and the calls of each noun's interface.

use super::state_word;
use crate::commands::paging::Page;
use crate::output::Column;
use crate::runtime::Session;
use crate::wit::adapter::Noun;
use crate::wit::types::{self, State};
use anyhow::Result;
use serde_json::{Value, json};

fn labels(labels: &[types::Label]) -> Value {
    Value::Object(
        labels
            .iter()
            .map(|l| (l.key.clone(), Value::String(l.value.clone())))
            .collect(),
    )
}

fn raw(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

macro_rules! resource {
    ($ty:ty, $spec:ty, $noun:literal, $cnoun:expr, $list:ident, $get:ident, $create:ident, $update:ident, $delete:ident,
     columns: $columns:expr, parent: |$pr:ident| $parent:expr, view: |$r:ident| $view:expr) => {
        impl super::Resource for $ty {
            const NOUN: &'static str = $noun;
            const CONTRACT_NOUN: Noun = $cnoun;
            const COLUMNS: &'static [Column] = $columns;
            type Spec = $spec;
            fn locator(&self) -> types::Locator {
                let $pr = self;
                types::Locator {
                    id: self.id.clone(),
                    parent_id: $parent,
                    kind: Some(self.kind.clone()),
                }
            }
            fn state(&self) -> State {
                self.state
            }
            fn view(&self) -> Value {
                let $r = self;
                $view
            }
            async fn list(s: &mut Session, q: &types::Query) -> Result<Page<Self>> {
                let page = s.$list(q).await?;
                Ok(Page {
                    items: page.items,
                    next: page.next,
                    ahead: page.ahead,
                })
            }
            async fn get(s: &mut Session, l: &types::Locator) -> Result<Self> {
                s.$get(l).await
            }
            async fn create(s: &mut Session, spec: &$spec) -> Result<Self> {
                s.$create(spec).await
            }
            async fn update(s: &mut Session, l: &types::Locator, spec: &$spec) -> Result<Self> {
                s.$update(l, spec).await
            }
            async fn delete(s: &mut Session, l: &types::Locator) -> Result<()> {
                s.$delete(l).await
            }
        }
    };
}

resource!(types::Gateway, types::GatewaySpec, "gateway", Noun::Gateway,
gateways_list, gateways_get, gateways_create, gateways_update, gateways_delete,
columns: &[Column::keep("ID", "id"), Column::keep("KIND", "kind"), Column::short("NAME", "name"),
           Column::state("STATE", "state"), Column::short("ADDRESS", "public_addresses"),
           Column::short("NETWORKS", "networks").wide(), Column::short("LABELS", "labels").wide(),
           Column::keep("CREATED", "created_at").wide()],
parent: |_r| None, view: |r| json!({
    "id": r.id, "kind": r.kind, "name": r.name, "description": r.description,
    "state": state_word(r.state), "provider_state": r.provider_state,
    "public_addresses": r.public_addresses, "networks": r.networks,
    "wireguard": r.wireguard.as_ref().map(|w| json!({"public_key": w.public_key, "listen_port": w.listen_port})),
    "labels": labels(&r.labels), "created_at": r.created_at, "provider": raw(&r.raw),
}));

resource!(types::Tunnel, types::TunnelSpec, "tunnel", Noun::Tunnel,
tunnels_list, tunnels_get, tunnels_create, tunnels_update, tunnels_delete,
columns: &[Column::keep("ID", "id"), Column::keep("GATEWAY", "gateway_id").wide(),
           Column::keep("KIND", "kind"), Column::short("NAME", "name"), Column::state("STATE", "state"),
           Column::short("REMOTE", "remote_address"),
           Column::short("LOCAL NETWORKS", "local_networks").wide(),
           Column::short("REMOTE NETWORKS", "remote_networks")],
parent: |r| r.parent_id.clone(), view: |r| json!({
    "id": r.id, "gateway_id": r.parent_id, "kind": r.kind, "name": r.name,
    "description": r.description, "state": state_word(r.state),
    "provider_state": r.provider_state, "remote_address": r.remote_address,
    "local_networks": r.local_networks, "remote_networks": r.remote_networks,
    "ipsec": r.ipsec.as_ref().map(crate::ipsec::view),
    "labels": labels(&r.labels), "created_at": r.created_at, "provider": raw(&r.raw),
}));

resource!(types::Peer, types::PeerSpec, "peer", Noun::Peer,
peers_list, peers_get, peers_create, peers_update, peers_delete,
columns: &[Column::keep("ID", "id"), Column::keep("GATEWAY", "gateway_id").wide(),
           Column::keep("KIND", "kind"), Column::short("NAME", "name"), Column::state("STATE", "state"),
           Column::short("ENDPOINT", "endpoint"),
           Column::short("ALLOWED NETWORKS", "allowed_networks"),
           Column::short("PUBLIC KEY", "public_key").wide()],
parent: |r| r.parent_id.clone(), view: |r| json!({
    "id": r.id, "gateway_id": r.parent_id, "kind": r.kind, "name": r.name,
    "description": r.description, "state": state_word(r.state),
    "provider_state": r.provider_state, "public_key": r.public_key, "endpoint": r.endpoint,
    "allowed_networks": r.allowed_networks, "labels": labels(&r.labels), "created_at": r.created_at,
    "provider": raw(&r.raw),
}));

resource!(types::Mapping, types::MappingSpec, "mapping", Noun::Mapping,
mappings_list, mappings_get, mappings_create, mappings_update, mappings_delete,
columns: &[Column::keep("ID", "id"), Column::keep("PARENT", "parent_id").wide(),
           Column::keep("KIND", "kind"), Column::short("NAME", "name"), Column::state("STATE", "state"),
           Column::short("SOURCE", "source"), Column::short("DESTINATION", "destination"),
           Column::keep("EXPIRES", "expires_at")],
parent: |r| r.parent_id.clone(), view: |r| json!({
    "id": r.id, "parent_id": r.parent_id, "kind": r.kind, "name": r.name,
    "state": state_word(r.state), "provider_state": r.provider_state, "source": r.source,
    "destination": r.destination, "allowed_networks": r.allowed_networks,
    "expires_at": r.expires_at, "labels": labels(&r.labels), "created_at": r.created_at, "provider": raw(&r.raw),
}));
