//! Turning a noun command's arguments into the contract's specs and locators.

use super::Action;
use crate::broker::secrets::placeholder;
use crate::cli::{
    CommonSpecArgs, GatewayCommand, GatewaySpecArgs, MappingCommand, MappingSpecArgs, PeerCommand,
    PeerSpecArgs, TargetArgs, TunnelCommand, TunnelSpecArgs,
};
use crate::commands::Ctx;
use crate::commands::inputs::{self, SecretArg};
use crate::wit::types;
use anyhow::Result;

pub(super) fn locator(t: &TargetArgs) -> types::Locator {
    types::Locator {
        id: t.id.clone(),
        parent_id: t.gateway.clone(),
        kind: t.kind.clone(),
    }
}

fn common(c: &CommonSpecArgs) -> Result<(String, Vec<SecretArg>, Vec<types::SecretInput>)> {
    let properties = match &c.properties {
        Some(p) => inputs::read_json(p, "--properties")?,
        None => "{}".to_string(),
    };
    let args = inputs::parse_secret_args(&c.secrets)?;
    let placeholders = args
        .iter()
        .map(|a| types::SecretInput {
            name: a.name.clone(),
            placeholder: placeholder(&a.name),
        })
        .collect();
    Ok((properties, args, placeholders))
}

fn gateway_spec(a: &GatewaySpecArgs) -> Result<(types::GatewaySpec, Vec<SecretArg>)> {
    let (properties, args, secrets) = common(&a.common)?;
    let spec = types::GatewaySpec {
        kind: a.common.kind.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        public_address: a.public_address.clone(),
        networks: a.networks.clone(),
        properties,
        secrets,
    };
    Ok((spec, args))
}

fn tunnel_spec(a: &TunnelSpecArgs) -> Result<(types::TunnelSpec, Vec<SecretArg>)> {
    let (properties, args, secrets) = common(&a.common)?;
    let spec = types::TunnelSpec {
        kind: a.common.kind.clone(),
        gateway_id: a.gateway.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        remote_address: a.remote_address.clone(),
        local_networks: a.local_networks.clone(),
        remote_networks: a.remote_networks.clone(),
        properties,
        secrets,
    };
    Ok((spec, args))
}

fn peer_spec(a: &PeerSpecArgs) -> Result<(types::PeerSpec, Vec<SecretArg>)> {
    let (properties, args, secrets) = common(&a.common)?;
    let spec = types::PeerSpec {
        kind: a.common.kind.clone(),
        gateway_id: a.gateway.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        public_key: a.public_key.clone(),
        endpoint: a.endpoint.clone(),
        allowed_networks: a.allowed_networks.clone(),
        properties,
        secrets,
    };
    Ok((spec, args))
}

fn mapping_spec(a: &MappingSpecArgs) -> Result<(types::MappingSpec, Vec<SecretArg>)> {
    let (properties, args, secrets) = common(&a.common)?;
    let spec = types::MappingSpec {
        kind: a.common.kind.clone(),
        parent_id: a.gateway.clone(),
        name: a.common.name.clone(),
        source: a.source.clone(),
        destination: a.destination.clone(),
        allowed_networks: a.allowed_networks.clone(),
        properties,
        secrets,
    };
    Ok((spec, args))
}

macro_rules! dispatch {
    ($fn:ident, $cmd:ident, $ty:ty, $build:ident, $parent:expr) => {
        #[doc = concat!("Runs a `", stringify!($fn), "` command.")]
        pub(crate) async fn $fn(ctx: &mut Ctx, command: $cmd) -> Result<()> {
            let action = match command {
                $cmd::List(a) => Action::List(a),
                $cmd::Get(t) => Action::Get(t),
                $cmd::Create(a) => {
                    let (spec, args) = $build(&a)?;
                    Action::Create(spec, args)
                }
                $cmd::Update { id, spec } => {
                    let (built, args) = $build(&spec)?;
                    let parent: fn(&_) -> Option<String> = $parent;
                    let locator = types::Locator {
                        id,
                        parent_id: parent(&*spec),
                        kind: spec.common.kind.clone(),
                    };
                    Action::Update(locator, built, args)
                }
                $cmd::Delete(t) => Action::Delete(t),
            };
            super::run::<$ty>(ctx, action).await
        }
    };
}

dispatch!(
    gateway,
    GatewayCommand,
    types::Gateway,
    gateway_spec,
    |_: &GatewaySpecArgs| None
);
dispatch!(
    tunnel,
    TunnelCommand,
    types::Tunnel,
    tunnel_spec,
    |a: &TunnelSpecArgs| a.gateway.clone()
);
dispatch!(
    peer,
    PeerCommand,
    types::Peer,
    peer_spec,
    |a: &PeerSpecArgs| a.gateway.clone()
);
dispatch!(
    mapping,
    MappingCommand,
    types::Mapping,
    mapping_spec,
    |a: &MappingSpecArgs| a.gateway.clone()
);
