//! `portico gateway|tunnel|peer|mapping list|get|create|update|delete`.
//!
//! The four nouns share one implementation over the [`Resource`] trait: paging (`--all`
//! follows cursors), waiting (`--wait` polls until ready or gone, with a spinner on stderr and
//! a timeout), and output. The nouns' views are in `nouns.rs`, the specs built from arguments
//! in `specs.rs`, the waiting in `wait.rs`.

pub(crate) mod capability;
mod generated;
mod listing;
mod many;
mod nouns;
mod spec_json;
mod specs;
mod wait;

pub(crate) use spec_json::SpecJson;
pub(crate) use wait::{poll_gone, poll_ready, wait_gone, wait_ready};

pub(crate) use specs::{gateway, mapping, peer, tunnel};

use super::inputs::SecretArg;
use super::paging::Page;
use super::{Ctx, key_value};
use crate::cli::{ListArgs, TargetArgs};
use crate::output::Column;
use crate::runtime::Session;
use crate::wit::adapter as contract;
use crate::wit::types::{self, State};
use anyhow::Result;
use capability::Call;
use serde_json::Value;
use specs::locator;

/// A noun of the contract, as the CLI drives it.
pub(crate) trait Resource: Sized {
    /// `gateway`, `tunnel`, ...
    const NOUN: &'static str;
    /// The same, as the contract names it.
    const CONTRACT_NOUN: contract::Noun;
    /// Table columns.
    const COLUMNS: &'static [Column];
    /// Create/update input.
    type Spec: SpecJson;
    /// The locator that finds this resource again (its id, parent and kind).
    fn locator(&self) -> types::Locator;
    /// Normalised state.
    fn state(&self) -> State;
    /// The JSON view printed for it.
    fn view(&self) -> Value;
    /// One page.
    async fn list(s: &mut Session, q: &types::Query) -> Result<Page<Self>>;
    /// One resource.
    async fn get(s: &mut Session, l: &types::Locator) -> Result<Self>;
    /// Create.
    async fn create(s: &mut Session, spec: &Self::Spec) -> Result<Self>;
    /// Update.
    async fn update(s: &mut Session, l: &types::Locator, spec: &Self::Spec) -> Result<Self>;
    /// Delete.
    async fn delete(s: &mut Session, l: &types::Locator) -> Result<()>;
}

fn state_word(state: State) -> &'static str {
    match state {
        State::Provisioning => "provisioning",
        State::Available => "available",
        State::Updating => "updating",
        State::Deleting => "deleting",
        State::Inactive => "inactive",
        State::Failed => "failed",
        State::Unknown => "unknown",
    }
}

/// One action on a noun, with the spec already built.
enum Action<S> {
    List(ListArgs),
    Get(TargetArgs),
    Create(S, Vec<SecretArg>, Shape),
    Update(types::Locator, S, Vec<SecretArg>, Shape),
    Delete(TargetArgs),
}

/// `--all` on a terminal: a page counter on stderr (hidden when stderr is not a terminal).
fn page_counter(noun: &str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} listing {msg}s: page {pos} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(noun.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// What a create or update spec asks of the noun, for the capability check.
struct Shape {
    kind: Option<String>,
    parent: Option<String>,
    labels: bool,
    description: bool,
    /// The key pair `--generate-key` made (create only).
    key: Option<crate::commands::remote_config::keys::KeyPair>,
}

impl<S: SpecJson> Action<S> {
    /// The call about to be made, for [`capability::check`].
    fn call<'a>(&'a self, noun: contract::Noun, filters: &'a [(String, String)]) -> Call<'a> {
        let ipsec = match self {
            Action::Create(spec, ..) | Action::Update(_, spec, ..) => spec.ipsec(),
            _ => None,
        };
        let none = (false, false);
        let (action, kind, parent, (labels, description)) = match self {
            Action::List(a) => (contract::Action::List, &a.kind, &a.gateway, none),
            Action::Get(t) => (contract::Action::Get, &t.kind, &t.gateway, none),
            Action::Delete(t) => (contract::Action::Delete, &t.kind, &t.gateway, none),
            Action::Create(_, _, s) => (
                contract::Action::Create,
                &s.kind,
                &s.parent,
                (s.labels, s.description),
            ),
            Action::Update(_, _, _, s) => (
                contract::Action::Update,
                &s.kind,
                &s.parent,
                (s.labels, s.description),
            ),
        };
        Call {
            noun,
            action,
            kind: kind.as_deref(),
            parent: parent.as_deref(),
            filters,
            labels,
            description,
            ipsec,
        }
    }
}

async fn run<R: Resource>(ctx: &mut Ctx, action: Action<R::Spec>) -> Result<()> {
    let secret_args = match &action {
        Action::Create(_, a, _) | Action::Update(_, _, a, _) => a.clone(),
        _ => Vec::new(),
    };
    let filters = match &action {
        Action::List(a) => a
            .filters
            .iter()
            .map(|f| key_value(f, "filter"))
            .collect::<Result<Vec<_>>>()?,
        _ => Vec::new(),
    };
    if let Action::List(a) = action {
        if let Some(names) = ctx.list_profiles()? {
            return many::list::<R>(ctx, names, a, filters).await;
        }
        return run_one::<R>(ctx, Action::List(a), secret_args, filters).await;
    }
    run_one::<R>(ctx, action, secret_args, filters).await
}

async fn run_one<R: Resource>(
    ctx: &mut Ctx,
    mut action: Action<R::Spec>,
    secret_args: Vec<SecretArg>,
    filters: Vec<(String, String)>,
) -> Result<()> {
    let key = match &mut action {
        Action::Create(_, _, shape) => shape.key.take(),
        _ => None,
    };
    let (mut bound, key_input) =
        generated::bind(ctx, R::CONTRACT_NOUN, key.as_ref(), &secret_args).await?;
    if let (Some(named), Action::Create(spec, ..)) = (key_input, &mut action) {
        spec.push_secret(named);
    }
    capability::check(
        &bound.description,
        &bound.contract,
        &action.call(R::CONTRACT_NOUN, &filters),
    )?;
    if ctx.global.wait
        && matches!(
            action,
            Action::Create(..) | Action::Update(..) | Action::Delete(_)
        )
    {
        let mut get = action.call(R::CONTRACT_NOUN, &[]);
        get.action = contract::Action::Get;
        get.labels = false;
        get.description = false;
        get.ipsec = None;
        capability::check(&bound.description, &bound.contract, &get)
            .map_err(|e| e.context("--wait polls with get"))?;
    }
    if let Action::List(a) = action {
        return listing::one::<R>(ctx, bound, a, filters).await;
    }
    let s = &mut bound.session;
    let printer = ctx.printer;
    let (wait, timeout) = (ctx.global.wait, ctx.global.wait_timeout);
    match action {
        Action::List(_) => unreachable!("listed above"),
        Action::Get(t) => {
            let r = R::get(s, &locator(&t)).await?;
            printer.one(&r.view())?;
        }
        Action::Create(spec, _, _) => {
            let created = R::create(s, &spec).await?;
            if let Some(key) = &key {
                generated::keep(ctx, R::NOUN, &created.locator().id, key)?;
            }
            let shown = if wait {
                wait_ready::<R>(s, &created.locator(), timeout).await?
            } else {
                created
            };
            printer.one(&shown.view())?;
        }
        Action::Update(l, spec, _, _) => {
            let updated = R::update(s, &l, &spec).await?;
            let shown = if wait {
                wait_ready::<R>(s, &l, timeout).await?
            } else {
                updated
            };
            printer.one(&shown.view())?;
        }
        Action::Delete(t) => {
            let l = locator(&t);
            R::delete(s, &l).await?;
            if wait {
                wait_gone::<R>(s, &l, timeout).await?;
                eprintln!("{} {} deleted", R::NOUN, l.id);
            } else {
                eprintln!("{} {} is being deleted", R::NOUN, l.id);
            }
        }
    }
    Ok(())
}
