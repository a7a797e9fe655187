//! `portico plan`, `portico apply` and `portico schema`: a topology file (`file.rs`) is matched
//! against what each profile's adapter lists (`live.rs`, `diff.rs`), shown (`render.rs`), and
//! converged (`converge.rs`) through noun-generic calls (`calls.rs`). What portico creates
//! carries its ownership marker (`owner.rs`), so `--prune` deletes only that.

mod calls;
mod compare;
mod converge;
mod diff;
mod file;
mod live;
pub(super) mod owner;
mod render;

use super::{Ctx, inputs};
use crate::broker::secrets::SecretInputs;
use crate::cli::{ApplyArgs, PlanArgs};
use crate::error::{exit, exit_with, input};
use crate::runtime::Session;
use anyhow::{Context as _, Result};
use live::ProfilePlan;
use render::{Counts, Outcome};

/// Binds every profile of the file (one after another: loading needs the context), then reads
/// and plans them all at once.
async fn planned(ctx: &mut Ctx, args: &PlanArgs) -> Result<(Vec<ProfilePlan>, Vec<Session>)> {
    let desired = file::read(&args.file)?;
    if desired.is_empty() {
        return Err(input(format!("{} names no profiles", args.file.display())));
    }
    let store = ctx.credentials.clone();
    let mut bound = Vec::new();
    for d in desired {
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
    let plans = futures_util::future::join_all(bound.into_iter().map(|(d, b)| async move {
        let profile = d.profile.clone();
        live::plan(b, d.profile, d.items, args.prune)
            .await
            .with_context(|| format!("profile {profile}"))
    }))
    .await;
    let mut out = (Vec::new(), Vec::new());
    for plan in plans {
        let (plan, session) = plan?;
        out.0.push(plan);
        out.1.push(session);
    }
    Ok(out)
}

/// `portico plan`: exit 0 when nothing would change, 2 when something would, 1 on errors.
pub(crate) async fn plan(ctx: &mut Ctx, args: PlanArgs) -> Result<()> {
    let (plans, _) = planned(ctx, &args).await.map_err(|e| exit_with(1, e))?;
    render::plan(&ctx.printer, &plans).map_err(|e| exit_with(1, e))?;
    if Counts::of(&plans).pending() > 0 {
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

/// `portico apply`: plan, ask, converge, report; non-zero when any change failed.
pub(crate) async fn apply(ctx: &mut Ctx, args: ApplyArgs) -> Result<()> {
    let (plans, sessions) = planned(ctx, &args.plan).await?;
    let counts = Counts::of(&plans);
    if ctx.printer.is_human() {
        render::plan(&ctx.printer, &plans)?;
    }
    if counts.pending() == 0 {
        eprintln!("Nothing to change.");
        if !ctx.printer.is_human() {
            ctx.printer
                .document(&render::outcome_json(&plans, &Vec::new()))?;
        }
        return Ok(());
    }
    if !args.yes {
        confirm(counts.pending(), plans.len())?;
    }
    let secrets = secrets(ctx, &plans)?;
    let settings = converge::Settings {
        concurrency: usize::from(args.concurrency),
        timeout: ctx.global.wait_timeout,
        wait_all: ctx.global.wait,
    };
    let mut pools = Vec::new();
    let store = ctx.credentials.clone();
    for (plan, session) in plans.iter().zip(sessions) {
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
    let outcomes = converge::run(&plans, pools, &secrets, &settings).await?;
    render::outcome(&ctx.printer, &plans, &outcomes)?;
    let failed = outcomes
        .iter()
        .flatten()
        .any(|o| matches!(o, Some(Outcome::Failed(_) | Outcome::Skipped(_))));
    if failed {
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
