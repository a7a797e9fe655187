//! The other end's configuration: `portico tunnel config` (a strongSwan `swanctl.conf` for the
//! remote site of an IPSec tunnel) and `portico peer config` (a wg-quick file for a WireGuard
//! peer). The generators are plain functions of the records ([`swanctl::swanctl`],
//! [`wg_quick::wg_quick`]) so `apply` can reuse them; `--generate-key`'s keys are in [`keys`].

pub(crate) mod keys;
pub(crate) mod swanctl;
pub(crate) mod wg_quick;

use super::Ctx;
use super::inputs::{parse_source, read_source};
use super::resource::Resource;
use super::resource::capability::{self, Call};
use crate::cli::{PeerConfigArgs, TunnelConfigArgs, TunnelConfigFormat};
use crate::error::input;
use crate::secret::SecretString;
use crate::wit::adapter::{Action, Noun};
use crate::wit::types::{self, Gateway, Locator};
use anyhow::Result;
use std::io::Write as _;

/// Reads `--FLAG SOURCE` (never a literal value).
fn secret_flag(
    ctx: &Ctx,
    flag: &str,
    source: Option<&str>,
    of: &str,
) -> Result<Option<SecretString>> {
    let Some(source) = source else {
        return Ok(None);
    };
    let parsed = parse_source(source, flag).map_err(|_| {
        input(format!(
            "--{flag}: values are never taken from the command line; give stdin, prompt, \
             env:VAR, file:PATH or credential:CRED.FIELD"
        ))
    })?;
    let value = read_source(&parsed, flag, &format!("{of}: "), &ctx.credentials)?;
    if value.trim().is_empty() {
        return Err(input(format!("--{flag}: the value is empty")));
    }
    Ok(Some(SecretString::new(value)))
}

/// The `get` of `noun`, checked against what the adapter declares.
fn can_get(
    bound: &super::Bound,
    noun: Noun,
    kind: Option<&str>,
    parent: Option<&str>,
) -> Result<()> {
    capability::check(
        &bound.description,
        &bound.contract,
        &Call {
            noun,
            action: Action::Get,
            kind,
            parent,
            filters: &[],
            labels: false,
            description: false,
            ipsec: None,
        },
    )
}

async fn gateway_of(bound: &mut super::Bound, id: &str) -> Result<Gateway> {
    can_get(bound, Noun::Gateway, None, None)?;
    let l = Locator {
        id: id.to_string(),
        parent_id: None,
        kind: None,
    };
    Gateway::get(&mut bound.session, &l).await
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// `portico tunnel config`.
pub(crate) async fn tunnel_config(ctx: &mut Ctx, a: TunnelConfigArgs) -> Result<()> {
    if a.psk.is_some() && a.format == TunnelConfigFormat::Text {
        return Err(input(
            "--psk goes with --format swanctl: the text summary never shows the key",
        ));
    }
    let psk = secret_flag(ctx, "psk", a.psk.as_deref(), &a.id)?;
    let mut bound = ctx.bind(&[]).await?;
    can_get(&bound, Noun::Tunnel, a.kind.as_deref(), Some(&a.gateway))?;
    let l = Locator {
        id: a.id.clone(),
        parent_id: Some(a.gateway.clone()),
        kind: a.kind.clone(),
    };
    let mut tunnel = types::Tunnel::get(&mut bound.session, &l).await?;
    if !a.cloud_networks.is_empty() {
        tunnel.local_networks = a.cloud_networks;
    }
    let gateway = gateway_of(&mut bound, &a.gateway).await?;
    match a.format {
        TunnelConfigFormat::Swanctl => print(&swanctl::swanctl(&tunnel, &gateway, psk.as_ref())?),
        TunnelConfigFormat::Text => print(&swanctl::text(&swanctl::Site::of(&tunnel, &gateway)?)),
    }
}

/// `portico peer config`.
pub(crate) async fn peer_config(ctx: &mut Ctx, a: PeerConfigArgs) -> Result<()> {
    let given = secret_flag(ctx, "private-key", a.private_key.as_deref(), &a.id)?;
    let mut bound = ctx.bind(&[]).await?;
    can_get(&bound, Noun::Peer, a.kind.as_deref(), Some(&a.gateway))?;
    let l = Locator {
        id: a.id.clone(),
        parent_id: Some(a.gateway.clone()),
        kind: a.kind.clone(),
    };
    let peer = types::Peer::get(&mut bound.session, &l).await?;
    let gateway = gateway_of(&mut bound, &a.gateway).await?;
    let key = given.or_else(|| keys::load(&ctx.credentials, "peer", &peer.id));
    if let (Some(k), Some(public)) = (&key, &peer.public_key)
        && keys::public_of(k).ok().as_ref() != Some(public)
    {
        return Err(input(format!(
            "the private key does not belong to peer {}: its public key is {public}",
            peer.id
        )));
    }
    let conf = wg_quick::wg_quick(&peer, &gateway, key.as_ref())?;
    if key.is_none() {
        eprintln!(
            "note: no private key for peer {} (give --private-key SOURCE); the file leaves it \
             to fill in",
            peer.id
        );
    }
    if a.qr {
        print(&wg_quick::qr(&conf)?)
    } else {
        print(&conf)
    }
}
