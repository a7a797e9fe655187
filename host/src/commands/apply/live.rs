//! Planning one profile: read what is live through its adapter (every page of every noun the
//! file names, and with `--prune` everything portico might own), match it against the file,
//! and check every change against the adapter's declared capabilities before anything runs.

use super::calls::list_all;
use super::diff::{self, Action, Diff, Live, Under};
use super::file::{Desired, Parent};
use super::owner::{self, Declared};
use crate::commands::Bound;
use crate::commands::resource::capability::{self, Call};
use crate::error::{AdapterError, input};
use crate::runtime::Session;
use crate::wit::adapter::{self as contract, Noun, ParentRule};
use anyhow::Result;
use std::collections::BTreeSet;

/// One profile's plan.
pub(crate) struct ProfilePlan {
    /// Profile name.
    pub profile: String,
    /// What its adapter said about itself.
    pub description: contract::Description,
    /// The file's resources for it.
    pub desired: Vec<Desired>,
    /// What would change.
    pub diff: Diff,
}

fn listable(b: &Bound, noun: Noun) -> Option<ParentRule> {
    b.description
        .nouns
        .iter()
        .find(|n| n.noun == noun && n.actions.contains(&contract::Action::List))
        .map(|n| n.parent)
}

/// Everything live that the file's resources could match, or `--prune` could delete.
async fn read(b: &mut Bound, desired: &[Desired], prune: bool) -> Result<Vec<Live>> {
    for d in desired {
        if listable(b, d.noun).is_none() {
            return Err(input(format!(
                "{}: adapter {} cannot list {}s, so portico cannot tell whether it exists",
                d.path,
                b.description.name,
                crate::wit::noun_name(d.noun)
            )));
        }
    }
    let mut live = Vec::new();
    if listable(b, Noun::Gateway).is_some() {
        live = list_all(&mut b.session, Noun::Gateway, None).await?;
    }
    let gateways: Vec<Live> = live.clone();
    for noun in [Noun::Tunnel, Noun::Peer, Noun::Mapping] {
        let Some(rule) = listable(b, noun) else {
            continue;
        };
        if !prune && !desired.iter().any(|d| d.noun == noun) {
            continue;
        }
        if rule != ParentRule::Required {
            live.extend(list_all(&mut b.session, noun, None).await?);
            continue;
        }
        let mut parents = BTreeSet::new();
        for d in desired.iter().filter(|d| d.noun == noun) {
            match &d.parent {
                Parent::Id(id) => {
                    parents.insert(id.clone());
                }
                Parent::Declared(g) => parents.extend(
                    gateways
                        .iter()
                        .filter(|l| diff::matches(&desired[*g], l))
                        .map(|l| l.id.clone()),
                ),
                Parent::None => {}
            }
        }
        if prune {
            parents.extend(
                gateways
                    .iter()
                    .filter(|g| owner::is_owned(&g.view))
                    .map(|g| g.id.clone()),
            );
        }
        for parent in parents {
            match list_all(&mut b.session, noun, Some(parent)).await {
                Ok(children) => live.extend(children),
                // A gateway of a kind without this noun (an IONOS WireGuard gateway has no
                // tunnels): none here.
                Err(err)
                    if err
                        .downcast_ref::<AdapterError>()
                        .is_some_and(AdapterError::is_not_found) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(live)
}

/// Secret inputs the adapter does not declare are an error before anything is read.
fn check_secret_names(b: &Bound, desired: &[Desired]) -> Result<()> {
    for d in desired {
        for s in &d.secrets {
            if !b.description.secret_inputs.iter().any(|i| i.name == s.name) {
                let names: Vec<&str> = b
                    .description
                    .secret_inputs
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect();
                return Err(input(format!(
                    "{}: adapter {} declares no secret input {:?} (it declares: {})",
                    d.path,
                    b.description.name,
                    s.name,
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        }
    }
    Ok(())
}

/// Each change against the noun's declared actions, kinds, parent rule, labels and
/// description.
fn check_capabilities(b: &Bound, desired: &[Desired], d: &Diff) -> Result<()> {
    for c in &d.changes {
        let action = match c.action {
            Action::Create => contract::Action::Create,
            Action::Update => contract::Action::Update,
            Action::Delete => contract::Action::Delete,
            Action::Unchanged => continue,
        };
        let ipsec = crate::ipsec::from_json(c.spec.get("ipsec"), &c.label)?;
        let call = Call {
            noun: c.noun,
            action,
            kind: c.kind.as_deref(),
            parent: (c.under != Under::None).then_some("parent"),
            filters: &[],
            labels: c.spec.get("labels").is_some(),
            description: c.spec.get("description").is_some()
                || c.spec["clear"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|f| f == "description")),
            ipsec: ipsec.as_ref(),
        };
        capability::check(&b.description, &b.contract, &call).map_err(|err| {
            let at = c.desired.map_or_else(
                || format!("{} {}", crate::wit::noun_name(c.noun), c.label),
                |i| desired[i].path.clone(),
            );
            input(format!("{at}: {err}"))
        })?;
    }
    Ok(())
}

/// Reads and plans one profile; gives back the session that read it, for `apply`.
pub(crate) async fn plan(
    mut bound: Bound,
    profile: String,
    desired: Vec<Desired>,
    prune: bool,
) -> Result<(ProfilePlan, Session)> {
    check_secret_names(&bound, &desired)?;
    let live = read(&mut bound, &desired, prune).await?;
    let rules = Declared {
        description: &bound.description,
        contract: &bound.contract,
    };
    let diff = diff::diff(&desired, &live, &rules, prune)?;
    check_capabilities(&bound, &desired, &diff)?;
    let plan = ProfilePlan {
        profile,
        description: bound.description,
        desired,
        diff,
    };
    Ok((plan, bound.session))
}
