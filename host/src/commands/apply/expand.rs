//! Turning `links` into tunnels: each managed end gets a tunnel named after the link, under
//! its gateway (declared in the file, or live), with the other end's public address, mirrored
//! networks, the chosen parameters and the link's pre-shared key by reference.
//!
//! An end whose peer gateway has no public address yet (it is created by this apply and the
//! provider assigns the address) is deferred: `apply` creates it in a second round, once the
//! address is known.

use super::calls::list_all;
use super::diff::{Live, matches};
use super::file::{Desired, Field, Parent, ProfileDesired};
use super::links::{self, GatewayEnd, LinkDecl, RemoteSite};
use crate::commands::Bound;
use crate::commands::inputs::{SecretArg, SecretSource};
use crate::credential_store::CredentialStore;
use crate::error::input;
use crate::wit::adapter::Noun;
use crate::wit::types::IpsecParams;
use anyhow::Result;
use std::collections::BTreeMap;

/// Where a link's pre-shared key comes from.
#[derive(Debug, Clone)]
pub(crate) enum Psk {
    /// The file names it.
    Given(SecretSource),
    /// Kept in this credential (field `psk`); `exists` is false until `apply` generates it.
    Generated { credential: String, exists: bool },
}

impl Psk {
    /// The source the tunnels read it from.
    pub(crate) fn source(&self) -> SecretSource {
        match self {
            Psk::Given(s) => s.clone(),
            Psk::Generated { credential, .. } => {
                SecretSource::Credential(credential.clone(), links::PSK_FIELD.into())
            }
        }
    }
}

/// A link as planned.
#[derive(Debug, Clone)]
pub(crate) struct LinkPlan {
    /// The link's name.
    pub name: String,
    /// Its ends, as `profile/gateway` or `remote ADDRESS`.
    pub ends: Vec<String>,
    /// The parameters both tunnels use.
    pub params: IpsecParams,
    /// The pre-shared key's source.
    pub psk: Psk,
    /// Ends left for a second round, and why.
    pub deferred: Vec<String>,
    /// For a link to an unmanaged site: the site, and the gateway end's address.
    pub remote: Option<(RemoteSite, Option<String>, GatewayEnd)>,
}

/// A managed end, resolved.
struct Resolved {
    profile: usize,
    parent: Parent,
    address: Option<String>,
    label: String,
}

fn address_of(view: &serde_json::Value) -> Option<String> {
    view["public_addresses"][0].as_str().map(String::from)
}

async fn resolve(
    end: &GatewayEnd,
    at: &str,
    profiles: &mut [(ProfileDesired, Bound)],
    live: &mut BTreeMap<usize, Vec<Live>>,
) -> Result<Resolved> {
    let p = profiles
        .iter()
        .position(|(d, _)| d.profile == end.profile)
        .ok_or_else(|| input(format!("{at}: profile {} is not bound", end.profile)))?;
    if let std::collections::btree_map::Entry::Vacant(slot) = live.entry(p) {
        slot.insert(list_all(&mut profiles[p].1.session, Noun::Gateway, None).await?);
    }
    let listed = &live[&p];
    let items = &profiles[p].0.items;
    let label = format!("{}/{}", end.profile, end.gateway);
    let declared = items
        .iter()
        .position(|d| d.noun == Noun::Gateway && d.name.as_deref() == Some(end.gateway.as_str()));
    if let Some(g) = declared {
        let given = items[g].fields.iter().find_map(|(k, f)| match (k, f) {
            (&"public-address", Field::Text(a)) => Some(a.clone()),
            _ => None,
        });
        let found = listed.iter().find(|l| matches(&items[g], l));
        let address = given.or_else(|| found.and_then(|l| address_of(&l.view)));
        return Ok(Resolved {
            profile: p,
            parent: Parent::Declared(g),
            address,
            label,
        });
    }
    let found = listed
        .iter()
        .find(|l| l.name.as_deref() == Some(end.gateway.as_str()))
        .ok_or_else(|| {
            input(format!(
                "{at}: profile {} has no gateway named {:?}, in the file or live",
                end.profile, end.gateway
            ))
        })?;
    Ok(Resolved {
        profile: p,
        parent: Parent::Id(found.id.clone()),
        address: address_of(&found.view),
        label,
    })
}

/// The tunnel kind and PSK input of a profile's adapter, or why it cannot hold a link.
fn tunnel_of<'a>(
    b: &'a Bound,
    at: &str,
) -> Result<(&'a str, &'a crate::wit::adapter::IpsecSupport, &'a str)> {
    let d = &b.description;
    let (kind, support) = links::tunnel_support(d).ok_or_else(|| {
        input(format!(
            "{at}: adapter {} has no tunnel kind with IPSec parameters",
            d.name
        ))
    })?;
    let psk = links::psk_input(d).ok_or_else(|| {
        input(format!(
            "{at}: adapter {} declares no pre-shared key input for tunnels",
            d.name
        ))
    })?;
    Ok((kind, support, psk))
}

fn psk_of(link: &LinkDecl, at: &str, store: &CredentialStore) -> Result<Psk> {
    if let Some(source) = link.psk_source(at)? {
        return Ok(Psk::Given(source));
    }
    let (credential, _) = links::psk_credential(&link.name);
    let exists = store.list()?.iter().any(|s| s.name == credential);
    Ok(Psk::Generated { credential, exists })
}

/// Adds each link's tunnels to the profiles' desired resources; returns the links as planned.
pub(crate) async fn expand(
    links_: &[LinkDecl],
    profiles: &mut [(ProfileDesired, Bound)],
    store: &CredentialStore,
) -> Result<Vec<LinkPlan>> {
    let mut live = BTreeMap::new();
    let mut out = Vec::new();
    for (i, link) in links_.iter().enumerate() {
        let at = format!("links[{i}] ({})", link.name);
        let a = resolve(&link.a, &at, profiles, &mut live).await?;
        let b = match &link.b {
            Some(end) => Some(resolve(end, &at, profiles, &mut live).await?),
            None => None,
        };
        let (a_kind, a_support, a_psk) = tunnel_of(&profiles[a.profile].1, &at)?;
        let a_name = profiles[a.profile].1.description.provider.clone();
        let b_tunnel = match &b {
            Some(b) => Some(tunnel_of(&profiles[b.profile].1, &at)?),
            None => None,
        };
        let b_name = b
            .as_ref()
            .map(|b| profiles[b.profile].1.description.provider.clone());
        let params = links::params(
            link,
            (&a_name, a_support),
            b_tunnel.zip(b_name.as_deref()).map(|((_, s, _), n)| (n, s)),
            &at,
        )?;
        let psk = psk_of(link, &at, store)?;
        let field = links::ipsec_field(&params);
        let (a_kind, a_psk, a_local) = (
            a_kind.to_string(),
            a_psk.to_string(),
            a_support.local_networks,
        );
        let b_tunnel = b_tunnel.map(|(k, s, p)| (k.to_string(), p.to_string(), s.local_networks));
        let mut plan = LinkPlan {
            name: link.name.clone(),
            ends: vec![a.label.clone()],
            params,
            psk: psk.clone(),
            deferred: Vec::new(),
            remote: None,
        };
        // Where the provider always uses the gateway's own network, only the remote side's
        // networks are set.
        let tunnel = |end: &Resolved,
                      (kind, psk_name, takes_local): (&str, &str, bool),
                      other: Option<&String>,
                      local: &[String],
                      remote: &[String]| Desired {
            noun: Noun::Tunnel,
            path: format!("{at} at {}", end.label),
            kind: Some(kind.to_string()),
            name: Some(link.name.clone()),
            fields: [
                Some((
                    "remote-address",
                    Field::Text(other.cloned().unwrap_or_default()),
                )),
                takes_local.then(|| ("local-networks", Field::List(local.to_vec()))),
                Some(("remote-networks", Field::List(remote.to_vec()))),
                Some(("ipsec", field.clone())),
            ]
            .into_iter()
            .flatten()
            .collect(),
            labels: None,
            properties: None,
            secrets: vec![SecretArg {
                name: psk_name.to_string(),
                source: psk.source(),
            }],
            parent: end.parent.clone(),
        };
        match (&b, &link.b, &link.remote, b_tunnel) {
            (Some(b), Some(b_end), _, Some((b_kind, b_psk, b_local))) => {
                plan.ends.push(b.label.clone());
                let ta = tunnel(
                    &a,
                    (&a_kind, &a_psk, a_local),
                    b.address.as_ref(),
                    &link.a.networks,
                    &b_end.networks,
                );
                let tb = tunnel(
                    b,
                    (&b_kind, &b_psk, b_local),
                    a.address.as_ref(),
                    &b_end.networks,
                    &link.a.networks,
                );
                for (end, t, other) in [(&a, ta, b), (b, tb, &a)] {
                    if other.address.is_some() {
                        profiles[end.profile].0.items.push(t);
                    } else {
                        plan.deferred.push(format!(
                            "the tunnel at {} waits for the public address of {}",
                            end.label, other.label
                        ));
                    }
                }
            }
            (_, _, Some(site), _) => {
                plan.ends.push(format!("remote {}", site.address));
                let t = tunnel(
                    &a,
                    (&a_kind, &a_psk, a_local),
                    Some(&site.address),
                    &link.a.networks,
                    &site.networks,
                );
                profiles[a.profile].0.items.push(t);
                plan.remote = Some((site.clone(), a.address.clone(), link.a.clone()));
            }
            _ => unreachable!("links::check asks for exactly one other end"),
        }
        out.push(plan);
    }
    Ok(out)
}
