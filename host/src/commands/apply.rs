//! `portico plan`, `portico apply` and `portico schema`: a topology file (`file.rs`) is matched
//! against what each profile's adapter lists (`live.rs`, `diff.rs`), shown (`render.rs`), and
//! converged (`converge.rs`) through noun-generic calls (`calls.rs`). What portico creates
//! carries its ownership marker (`owner.rs`), so `--prune` deletes only that.

mod calls;
mod compare;
mod converge;
mod diff;
mod expand;
mod file;
mod links;
mod live;
pub(super) mod owner;
mod remote;
mod render;

use super::{Ctx, inputs};
use crate::broker::secrets::SecretInputs;
use crate::cli::{ApplyArgs, PlanArgs};
use crate::error::{exit, exit_with, input};
use crate::runtime::Session;
use anyhow::{Context as _, Result};
use expand::{LinkPlan, Psk};
use live::ProfilePlan;
use render::{Counts, Outcome};

/// A planned file: each profile's plan and session, and the links.
struct Planned {
    plans: Vec<ProfilePlan>,
    sessions: Vec<Session>,
    links: Vec<LinkPlan>,
}

impl Planned {
    /// Changes pending, counting tunnels that wait for a second round.
    fn pending(&self) -> usize {
        Counts::of(&self.plans).pending()
            + self.links.iter().map(|l| l.deferred.len()).sum::<usize>()
    }
}

/// Binds every profile of the file (one after another: loading needs the context), turns the
/// links into tunnels, then reads and plans every profile at once.
async fn planned(ctx: &mut Ctx, args: &PlanArgs) -> Result<Planned> {
    let desired = file::read(&args.file)?;
    if desired.profiles.is_empty() {
        return Err(input(format!("{} names no profiles", args.file.display())));
    }
    let store = ctx.credentials.clone();
    let mut bound = Vec::new();
    for d in desired.profiles {
        let b = ctx
            .bind_profile(
                &d.profile,
                |_, _| Ok(SecretInputs::default()),
                store.clone(),
            )
            .await
            .with_context(|| format!("profile {}", d.profile))?;
        bound.push((d, b));
    }
    let links = expand::expand(&desired.links, &mut bound, &store).await?;
    let plans = futures_util::future::join_all(bound.into_iter().map(|(d, b)| async move {
        let profile = d.profile.clone();
        live::plan(b, d.profile, d.items, args.prune)
            .await
            .with_context(|| format!("profile {profile}"))
    }))
    .await;
    let mut out = Planned {
        plans: Vec::new(),
        sessions: Vec::new(),
        links,
    };
    for plan in plans {
        let (plan, session) = plan?;
        out.plans.push(plan);
        out.sessions.push(session);
    }
    Ok(out)
}

/// `portico plan`: exit 0 when nothing would change, 2 when something would, 1 on errors.
pub(crate) async fn plan(ctx: &mut Ctx, args: PlanArgs) -> Result<()> {
    let p = planned(ctx, &args).await.map_err(|e| exit_with(1, e))?;
    render::plan(&ctx.printer, &p.plans, &p.links).map_err(|e| exit_with(1, e))?;
    if p.pending() > 0 {
        return Err(exit(2));
    }
    Ok(())
}

/// Asks on the terminal whether to go ahead.
fn confirm(pending: usize, profiles: usize) -> Result<()> {
    if !super::stdin_is_terminal() {
        return Err(input(
            "refusing to apply without confirmation: stdin is not a terminal; add --yes",
        ));
    }
    eprint!("Apply {pending} change(s) to {profiles} profile(s)? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(input("not applied"))
    }
}

/// Each change's secret inputs, read from their sources (prompts name the resource).
fn secrets(ctx: &Ctx, plans: &[ProfilePlan]) -> Result<Vec<converge::ProfileSecrets>> {
    let mut out = Vec::new();
    for plan in plans {
        let mut per_change = Vec::new();
        let mut all = Vec::new();
        for change in &plan.diff.changes {
            let inputs = match change.desired.map(|d| &plan.desired[d]) {
                Some(d) if !d.secrets.is_empty() && change.action != diff::Action::Unchanged => {
                    inputs::read_secrets_of(
                        &d.secrets,
                        &plan.description.secret_inputs,
                        &ctx.credentials,
                        Some(&d.path),
                    )?
                }
                _ => SecretInputs::default(),
            };
            all.extend(inputs.iter().map(|(_, v)| v.clone()));
            per_change.push(inputs);
        }
        out.push(converge::ProfileSecrets { per_change, all });
    }
    Ok(out)
}

/// Generates the pre-shared key of each link that needs one and has none yet, and keeps it in
/// the credential store.
fn generate_psks(ctx: &Ctx, links: &[LinkPlan]) -> Result<()> {
    for l in links {
        if let Psk::Generated {
            credential,
            exists: false,
        } = &l.psk
        {
            let (_, field) = links::psk_credential(&l.name);
            let psk = crate::secret::SecretString::from(links::generate_psk());
            ctx.credentials
                .set(credential, std::collections::BTreeMap::from([(field, psk)]))?;
            eprintln!(
                "Generated the pre-shared key of link {} (credential {credential}).",
                l.name
            );
        }
    }
    Ok(())
}

/// Converges one planned round; whether every change succeeded.
async fn converge_round(ctx: &mut Ctx, args: &ApplyArgs, p: Planned) -> Result<bool> {
    let secrets = secrets(ctx, &p.plans)?;
    let settings = converge::Settings {
        concurrency: usize::from(args.concurrency),
        timeout: ctx.global.wait_timeout,
        wait_all: ctx.global.wait,
    };
    let mut pools = Vec::new();
    let store = ctx.credentials.clone();
    for (plan, session) in p.plans.iter().zip(p.sessions) {
        let work = plan
            .diff
            .changes
            .iter()
            .filter(|c| c.action != diff::Action::Unchanged)
            .count();
        let mut pool = vec![session];
        while pool.len() < work.min(settings.concurrency) {
            let b = ctx
                .bind_profile(
                    &plan.profile,
                    |_, _| Ok(SecretInputs::default()),
                    store.clone(),
                )
                .await?;
            pool.push(b.session);
        }
        pools.push(pool);
    }
    let outcomes = converge::run(&p.plans, pools, &secrets, &settings).await?;
    render::outcome(&ctx.printer, &p.plans, &outcomes)?;
    Ok(!outcomes
        .iter()
        .flatten()
        .any(|o| matches!(o, Some(Outcome::Failed(_) | Outcome::Skipped(_)))))
}

/// `portico apply`: plan, ask, converge, report; non-zero when any change failed. Tunnels of
/// links that waited for a gateway's address are planned and converged in a second round.
pub(crate) async fn apply(ctx: &mut Ctx, args: ApplyArgs) -> Result<()> {
    let p = planned(ctx, &args.plan).await?;
    if ctx.printer.is_human() {
        render::plan(&ctx.printer, &p.plans, &p.links)?;
    }
    let links = p.links.clone();
    if p.pending() == 0 {
        eprintln!("Nothing to change.");
        if !ctx.printer.is_human() {
            ctx.printer
                .document(&render::outcome_json(&p.plans, &Vec::new()))?;
        }
        remote::write(ctx, &args, &links)?;
        return Ok(());
    }
    if !args.yes {
        confirm(p.pending(), p.plans.len())?;
    }
    generate_psks(ctx, &links)?;
    let deferred = links.iter().any(|l| !l.deferred.is_empty());
    let mut ok = converge_round(ctx, &args, p).await?;
    if ok && deferred {
        eprintln!("Second round: the link tunnels that waited for a gateway's address.");
        let again = planned(ctx, &args.plan).await?;
        if again.links.iter().any(|l| !l.deferred.is_empty()) {
            return Err(exit_with(
                1,
                input("a linked gateway still has no public address after it was created"),
            ));
        }
        ok = converge_round(ctx, &args, again).await?;
    }
    remote::write(ctx, &args, &links)?;
    if !ok {
        return Err(exit(1));
    }
    Ok(())
}

/// `portico schema`: the topology file's JSON Schema.
pub(crate) fn schema(ctx: &Ctx) -> Result<()> {
    let schema = file::schema();
    match ctx.printer.format() {
        crate::output::Format::Yaml => ctx.printer.document(&schema),
        _ => ctx
            .printer
            .text(&format!("{}\n", serde_json::to_string_pretty(&schema)?)),
    }
}
