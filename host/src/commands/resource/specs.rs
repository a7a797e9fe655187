//! Turning a noun command's arguments into the contract's specs and locators.

use super::{Action, Shape};
use crate::broker::secrets::placeholder;
use crate::cli::{
    CommonSpecArgs, GatewayCommand, GatewaySpecArgs, MappingCommand, MappingSpecArgs, PeerCommand,
    PeerSpecArgs, TargetArgs, TunnelCommand, TunnelSpecArgs,
};
use crate::commands::inputs::{self, SecretArg};
use crate::commands::remote_config::keys::{self, KeyPair};
use crate::commands::{Ctx, key_value};
use crate::error::input;
use crate::wit::types;
use anyhow::Result;

pub(super) fn locator(t: &TargetArgs) -> types::Locator {
    types::Locator {
        id: t.id.clone(),
        parent_id: t.gateway.clone(),
        kind: t.kind.clone(),
    }
}

/// What every spec has: properties, secret inputs (and their placeholders), labels, and the
/// fields to clear (checked against the noun's `clearable` fields).
struct Common {
    properties: String,
    args: Vec<SecretArg>,
    secrets: Vec<types::SecretInput>,
    labels: Vec<types::Label>,
    clear: Vec<String>,
}

fn common(c: &CommonSpecArgs, clearable: &[&str]) -> Result<Common> {
    let properties = match &c.properties {
        Some(p) => inputs::read_json(p, "--properties")?,
        None => "{}".to_string(),
    };
    let args = inputs::parse_secret_args(&c.secrets)?;
    let secrets = args
        .iter()
        .map(|a| types::SecretInput {
            name: a.name.clone(),
            placeholder: placeholder(&a.name),
        })
        .collect();
    let labels = c
        .labels
        .iter()
        .map(|l| key_value(l, "label").map(|(key, value)| types::Label { key, value }))
        .collect::<Result<Vec<_>>>()?;
    for field in &c.clear {
        if !clearable.contains(&field.as_str()) {
            return Err(input(format!(
                "--clear {field}: not a field of this noun (fields: {})",
                clearable.join(", ")
            )));
        }
    }
    Ok(Common {
        properties,
        args,
        secrets,
        labels,
        clear: c.clear.clone(),
    })
}

/// A spec, its secret arguments and the key pair `--generate-key` made.
type Built<S> = (S, Vec<SecretArg>, Option<KeyPair>);

fn gateway_spec(a: &GatewaySpecArgs) -> Result<Built<types::GatewaySpec>> {
    let c = common(
        &a.common,
        &[
            "name",
            "description",
            "public-address",
            "networks",
            "labels",
        ],
    )?;
    let spec = types::GatewaySpec {
        kind: a.common.kind.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        public_address: a.public_address.clone(),
        networks: a.networks.clone(),
        labels: c.labels,
        clear: c.clear,
        properties: c.properties,
        secrets: c.secrets,
    };
    Ok((spec, c.args, a.generate_key.then(keys::generate)))
}

fn tunnel_spec(a: &TunnelSpecArgs) -> Result<Built<types::TunnelSpec>> {
    let c = common(
        &a.common,
        &[
            "name",
            "description",
            "remote-address",
            "local-networks",
            "remote-networks",
            "labels",
        ],
    )?;
    let spec = types::TunnelSpec {
        kind: a.common.kind.clone(),
        parent_id: a.gateway.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        remote_address: a.remote_address.clone(),
        local_networks: a.local_networks.clone(),
        remote_networks: a.remote_networks.clone(),
        ipsec: crate::ipsec::from_flags(
            a.ipsec.ike_version,
            a.ipsec.ike.as_deref(),
            a.ipsec.esp.as_deref(),
            a.ipsec.ike_lifetime,
            a.ipsec.esp_lifetime,
            a.ipsec.dpd_interval,
        )?,
        labels: c.labels,
        clear: c.clear,
        properties: c.properties,
        secrets: c.secrets,
    };
    Ok((spec, c.args, None))
}

fn peer_spec(a: &PeerSpecArgs) -> Result<Built<types::PeerSpec>> {
    let c = common(
        &a.common,
        &[
            "name",
            "description",
            "public-key",
            "endpoint",
            "allowed-networks",
            "labels",
        ],
    )?;
    let key = a.generate_key.then(keys::generate);
    let spec = types::PeerSpec {
        kind: a.common.kind.clone(),
        parent_id: a.gateway.clone(),
        name: a.common.name.clone(),
        description: a.description.clone(),
        public_key: key
            .as_ref()
            .map(|k| k.public.clone())
            .or(a.public_key.clone()),
        endpoint: a.endpoint.clone(),
        allowed_networks: a.allowed_networks.clone(),
        labels: c.labels,
        clear: c.clear,
        properties: c.properties,
        secrets: c.secrets,
    };
    Ok((spec, c.args, key))
}

fn mapping_spec(a: &MappingSpecArgs) -> Result<Built<types::MappingSpec>> {
    let c = common(
        &a.common,
        &[
            "name",
            "source",
            "destination",
            "allowed-networks",
            "labels",
        ],
    )?;
    let spec = types::MappingSpec {
        kind: a.common.kind.clone(),
        parent_id: a.gateway.clone(),
        name: a.common.name.clone(),
        source: a.source.clone(),
        destination: a.destination.clone(),
        allowed_networks: a.allowed_networks.clone(),
        labels: c.labels,
        clear: c.clear,
        properties: c.properties,
        secrets: c.secrets,
    };
    Ok((spec, c.args, None))
}

/// Whether a spec sets (`set`) or clears the description, for the capability check.
fn described(c: &CommonSpecArgs, set: bool) -> bool {
    set || c.clear.iter().any(|f| f == "description")
}

macro_rules! dispatch {
    ($fn:ident, $cmd:ident, $ty:ty, $build:ident, $parent:expr, $described:expr
     $(, $extra:path => $run:path)?) => {
        #[doc = concat!("Runs a `", stringify!($fn), "` command.")]
        pub(crate) async fn $fn(ctx: &mut Ctx, command: $cmd) -> Result<()> {
            let action = match command {
                $cmd::List(a) => Action::List(a),
                $cmd::Get(t) => Action::Get(t),
                $cmd::Create(a) => {
                    if !a.common.clear.is_empty() {
                        return Err(input(
                            "--clear is for update; on create, leave the field out",
                        ));
                    }
                    let (spec, args, key) = $build(&a)?;
                    let parent: fn(&_) -> Option<String> = $parent;
                    let shape = Shape {
                        kind: a.common.kind.clone(),
                        parent: parent(&*a),
                        labels: !a.common.labels.is_empty(),
                        description: described(&a.common, $described(&*a)),
                        key,
                    };
                    Action::Create(spec, args, shape)
                }
                $cmd::Update { id, spec } => {
                    let (built, args, key) = $build(&spec)?;
                    if key.is_some() {
                        return Err(input(
                            "--generate-key is for create: a key pair is made once, with the \
                             resource",
                        ));
                    }
                    let parent: fn(&_) -> Option<String> = $parent;
                    let locator = types::Locator {
                        id,
                        parent_id: parent(&*spec),
                        kind: spec.common.kind.clone(),
                    };
                    let shape = Shape {
                        kind: spec.common.kind.clone(),
                        parent: parent(&*spec),
                        labels: !spec.common.labels.is_empty(),
                        description: described(&spec.common, $described(&*spec)),
                        key: None,
                    };
                    Action::Update(locator, built, args, shape)
                }
                $cmd::Delete(t) => Action::Delete(t),
                $($extra(a) => return $run(ctx, a).await,)?
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
    |_: &GatewaySpecArgs| None,
    |a: &GatewaySpecArgs| a.description.is_some()
);
dispatch!(
    tunnel,
    TunnelCommand,
    types::Tunnel,
    tunnel_spec,
    |a: &TunnelSpecArgs| a.gateway.clone(),
    |a: &TunnelSpecArgs| a.description.is_some(),
    TunnelCommand::Config => crate::commands::remote_config::tunnel_config
);
dispatch!(
    peer,
    PeerCommand,
    types::Peer,
    peer_spec,
    |a: &PeerSpecArgs| a.gateway.clone(),
    |a: &PeerSpecArgs| a.description.is_some(),
    PeerCommand::Config => crate::commands::remote_config::peer_config
);
dispatch!(
    mapping,
    MappingCommand,
    types::Mapping,
    mapping_spec,
    |a: &MappingSpecArgs| a.gateway.clone(),
    |_: &MappingSpecArgs| false
);
