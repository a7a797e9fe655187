//! Running a plan: every change is a node; a create or update waits for the change that
//! creates its parent (which then polls until the parent is ready), a delete waits for the
//! deletes of its children (which poll until they are gone). Ready nodes run at once, up to
//! `--concurrency`, each on a free session of its profile (one adapter instance serves one
//! call at a time). A failure skips what depends on it and nothing else.

use super::calls::{self, Call, Op};
use super::diff::{Action, Under};
use super::live::ProfilePlan;
use super::render::Outcome;
use crate::broker::secrets::SecretInputs;
use crate::runtime::Session;
use crate::secret::SecretString;
use crate::wit::adapter as contract;
use crate::wit::{noun_name, types};
use anyhow::Result;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::task::JoinSet;

/// How to run.
pub(crate) struct Settings {
    /// Most calls in flight.
    pub concurrency: usize,
    /// How long a wait may take.
    pub timeout: Duration,
    /// Poll every change until ready or gone (`--wait`), not only parents.
    pub wait_all: bool,
}

/// The secret inputs of one profile's changes (by change index), and every value among them.
pub(crate) struct ProfileSecrets {
    /// Each change's inputs.
    pub per_change: Vec<SecretInputs>,
    /// All of the profile's values, scrubbed from every response.
    pub all: Vec<SecretString>,
}

struct Node {
    profile: usize,
    change: usize,
    waiting_for: usize,
    dependents: Vec<usize>,
    wait: bool,
}

fn can_get(plan: &ProfilePlan, noun: contract::Noun) -> bool {
    plan.description
        .nouns
        .iter()
        .any(|n| n.noun == noun && n.actions.contains(&contract::Action::Get))
}

fn nodes(plans: &[ProfilePlan], settings: &Settings) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut node_of: Vec<Vec<Option<usize>>> = Vec::new();
    for (p, plan) in plans.iter().enumerate() {
        let mut of = Vec::new();
        for (c, change) in plan.diff.changes.iter().enumerate() {
            if change.action == Action::Unchanged {
                of.push(None);
                continue;
            }
            of.push(Some(nodes.len()));
            nodes.push(Node {
                profile: p,
                change: c,
                waiting_for: 0,
                dependents: Vec::new(),
                wait: settings.wait_all,
            });
        }
        node_of.push(of);
    }
    for n in 0..nodes.len() {
        let (p, c) = (nodes[n].profile, nodes[n].change);
        let changes = &plans[p].diff.changes;
        let change = &changes[c];
        let needs: Vec<usize> = match (change.action, &change.under) {
            (Action::Create | Action::Update, Under::Change(parent)) => {
                node_of[p][*parent].into_iter().collect()
            }
            (Action::Delete, _) => {
                let id = change.id.as_deref();
                changes
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| {
                        k.action == Action::Delete
                            && matches!(&k.under, Under::Id(parent) if Some(parent.as_str()) == id)
                    })
                    .filter_map(|(k, _)| node_of[p][k])
                    .collect()
            }
            _ => Vec::new(),
        };
        for need in needs {
            nodes[n].waiting_for += 1;
            nodes[need].dependents.push(n);
            let noun = plans[p].diff.changes[nodes[need].change].noun;
            nodes[need].wait |= can_get(&plans[p], noun);
        }
    }
    for node in &mut nodes {
        let noun = plans[node.profile].diff.changes[node.change].noun;
        node.wait &= can_get(&plans[node.profile], noun);
    }
    nodes
}

fn call_of(
    plans: &[ProfilePlan],
    node: &Node,
    created: &[Vec<Option<String>>],
    timeout: Duration,
) -> Call {
    let plan = &plans[node.profile];
    let change = &plan.diff.changes[node.change];
    let parent = match &change.under {
        Under::None => None,
        Under::Id(id) => Some(id.clone()),
        Under::Change(k) => created[node.profile][*k].clone(),
    };
    let secrets: Vec<types::SecretInput> = change
        .desired
        .map(|d| &plan.desired[d].secrets)
        .into_iter()
        .flatten()
        .map(|s| types::SecretInput {
            name: s.name.clone(),
            placeholder: crate::broker::secrets::placeholder(&s.name),
        })
        .collect();
    let id = change.id.clone().unwrap_or_default();
    let kind = change.kind.clone().unwrap_or_default();
    let op = match change.action {
        Action::Create => Op::Create(change.spec.clone(), secrets),
        Action::Update => Op::Update(id, kind, change.spec.clone(), secrets),
        Action::Delete | Action::Unchanged => Op::Delete(id, kind),
    };
    Call {
        noun: change.noun,
        op,
        parent,
        wait: node.wait,
        timeout,
    }
}

fn progress(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Runs every change of `plans` on `pools` (each profile's sessions) and returns how each
/// ended (`None` for unchanged resources).
pub(crate) async fn run(
    plans: &[ProfilePlan],
    mut pools: Vec<Vec<Session>>,
    secrets: &[ProfileSecrets],
    settings: &Settings,
) -> Result<Vec<Vec<Option<Outcome>>>> {
    let mut nodes = nodes(plans, settings);
    let total = nodes.len();
    let mut outcomes: Vec<Vec<Option<Outcome>>> = plans
        .iter()
        .map(|p| vec![None; p.diff.changes.len()])
        .collect();
    let mut created: Vec<Vec<Option<String>>> = plans
        .iter()
        .map(|p| p.diff.changes.iter().map(|c| c.id.clone()).collect())
        .collect();
    let mut ready: VecDeque<usize> = (0..nodes.len())
        .filter(|&n| nodes[n].waiting_for == 0)
        .collect();
    let bar = progress(nodes.len());
    let (mut done, mut failed) = (0usize, 0usize);
    let mut running = JoinSet::new();
    let mut left = nodes.len();
    while left > 0 {
        // Start what can start: ready, a free session of its profile, under the limit.
        while running.len() < settings.concurrency {
            let Some(at) = ready
                .iter()
                .position(|&n| !pools[nodes[n].profile].is_empty())
            else {
                break;
            };
            let n = ready.remove(at).expect("found");
            let node = &nodes[n];
            let mut session = pools[node.profile].pop().expect("free session");
            let call = call_of(plans, node, &created, settings.timeout);
            let s = &secrets[node.profile];
            let (current, all) = (s.per_change[node.change].clone(), s.all.clone());
            running.spawn(async move {
                session.broker().use_secrets(current, all);
                let result = calls::run(&mut session, call).await;
                (n, session, result)
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (n, session, result) = joined?;
        let (p, c) = (nodes[n].profile, nodes[n].change);
        pools[p].push(session);
        left -= 1;
        match result {
            Ok(live) => {
                done += 1;
                let id = live.map(|l| l.id);
                if id.is_some() {
                    created[p][c] = id.clone();
                }
                outcomes[p][c] = Some(Outcome::Done(id));
                for d in std::mem::take(&mut nodes[n].dependents) {
                    nodes[d].waiting_for -= 1;
                    if nodes[d].waiting_for == 0 {
                        ready.push_back(d);
                    }
                }
            }
            Err(err) => {
                failed += 1;
                outcomes[p][c] = Some(Outcome::Failed(format!("{err:#}")));
                let change = &plans[p].diff.changes[c];
                let why = format!(
                    "{} {} {} failed",
                    change.action.word(),
                    noun_name(change.noun),
                    change.label
                );
                let mut stack = std::mem::take(&mut nodes[n].dependents);
                while let Some(d) = stack.pop() {
                    let (dp, dc) = (nodes[d].profile, nodes[d].change);
                    if outcomes[dp][dc].is_none() {
                        outcomes[dp][dc] = Some(Outcome::Skipped(why.clone()));
                        left -= 1;
                        stack.extend(std::mem::take(&mut nodes[d].dependents));
                    }
                }
            }
        }
        bar.set_position((total - left) as u64);
        bar.set_message(format!("done {done}, failed {failed}, left {left}"));
    }
    bar.finish_and_clear();
    Ok(outcomes)
}
