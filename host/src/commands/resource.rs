//! `portico gateway|tunnel|peer|mapping list|get|create|update|delete`.
//!
//! The four nouns share one implementation over the [`Resource`] trait: paging (`--all`
//! follows cursors), waiting (`--wait` polls until ready or gone, with a spinner on stderr and
//! a timeout), and output.

use super::inputs::{self, SecretArg};
use super::{Ctx, key_value};
use crate::broker::secrets::placeholder;
use crate::cli::{
    CommonSpecArgs, GatewayCommand, GatewaySpecArgs, ListArgs, MappingCommand, MappingSpecArgs,
    PeerCommand, PeerSpecArgs, TargetArgs, TunnelCommand, TunnelSpecArgs,
};
use crate::error::{AdapterError, input};
use crate::output::Column;
use crate::runtime::Session;
use crate::wit::types::{self, State};
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Most pages `--all` follows before it stops, as a guard against a cursor that never ends.
const MAX_PAGES: usize = 10_000;

/// A noun of the contract, as the CLI drives it.
trait Resource: Sized {
    /// `gateway`, `tunnel`, ...
    const NOUN: &'static str;
    /// Table columns.
    const COLUMNS: &'static [Column];
    /// Create/update input.
    type Spec;
    /// Id.
    fn id(&self) -> &str;
    /// Normalised state.
    fn state(&self) -> State;
    /// The JSON view printed for it.
    fn view(&self) -> Value;
    /// One page.
    async fn list(s: &mut Session, q: &types::Query) -> Result<(Vec<Self>, Option<String>)>;
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

fn raw(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

macro_rules! resource {
    ($ty:ty, $spec:ty, $noun:literal, $list:ident, $get:ident, $create:ident, $update:ident, $delete:ident,
     columns: $columns:expr, view: |$r:ident| $view:expr) => {
        impl Resource for $ty {
            const NOUN: &'static str = $noun;
            const COLUMNS: &'static [Column] = $columns;
            type Spec = $spec;
            fn id(&self) -> &str {
                &self.id
            }
            fn state(&self) -> State {
                self.state
            }
            fn view(&self) -> Value {
                let $r = self;
                $view
            }
            async fn list(
                s: &mut Session,
                q: &types::Query,
            ) -> Result<(Vec<Self>, Option<String>)> {
                let page = s.$list(q).await?;
                Ok((page.items, page.next))
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

resource!(types::Gateway, types::GatewaySpec, "gateway",
gateways_list, gateways_get, gateways_create, gateways_update, gateways_delete,
columns: &[("ID", "id"), ("KIND", "kind"), ("NAME", "name"), ("STATE", "state"),
           ("PUBLIC ADDRESS", "public_addresses"), ("NETWORKS", "networks")],
view: |r| json!({
    "id": r.id, "kind": r.kind, "name": r.name, "description": r.description,
    "state": state_word(r.state), "provider_state": r.provider_state,
    "public_addresses": r.public_addresses, "networks": r.networks,
    "created_at": r.created_at, "provider": raw(&r.raw),
}));

resource!(types::Tunnel, types::TunnelSpec, "tunnel",
tunnels_list, tunnels_get, tunnels_create, tunnels_update, tunnels_delete,
columns: &[("ID", "id"), ("GATEWAY", "gateway_id"), ("KIND", "kind"), ("NAME", "name"),
           ("STATE", "state"), ("REMOTE", "remote_address"), ("LOCAL NETWORKS", "local_networks"),
           ("REMOTE NETWORKS", "remote_networks")],
view: |r| json!({
    "id": r.id, "gateway_id": r.gateway_id, "kind": r.kind, "name": r.name,
    "description": r.description, "state": state_word(r.state),
    "provider_state": r.provider_state, "remote_address": r.remote_address,
    "local_networks": r.local_networks, "remote_networks": r.remote_networks,
    "created_at": r.created_at, "provider": raw(&r.raw),
}));

resource!(types::Peer, types::PeerSpec, "peer",
peers_list, peers_get, peers_create, peers_update, peers_delete,
columns: &[("ID", "id"), ("GATEWAY", "gateway_id"), ("KIND", "kind"), ("NAME", "name"),
           ("STATE", "state"), ("ENDPOINT", "endpoint"), ("ALLOWED NETWORKS", "allowed_networks")],
view: |r| json!({
    "id": r.id, "gateway_id": r.gateway_id, "kind": r.kind, "name": r.name,
    "description": r.description, "state": state_word(r.state),
    "provider_state": r.provider_state, "public_key": r.public_key, "endpoint": r.endpoint,
    "allowed_networks": r.allowed_networks, "created_at": r.created_at,
    "provider": raw(&r.raw),
}));

resource!(types::Mapping, types::MappingSpec, "mapping",
mappings_list, mappings_get, mappings_create, mappings_update, mappings_delete,
columns: &[("ID", "id"), ("PARENT", "parent_id"), ("KIND", "kind"), ("NAME", "name"),
           ("STATE", "state"), ("SOURCE", "source"), ("DESTINATION", "destination"),
           ("EXPIRES", "expires_at")],
view: |r| json!({
    "id": r.id, "parent_id": r.parent_id, "kind": r.kind, "name": r.name,
    "state": state_word(r.state), "provider_state": r.provider_state, "source": r.source,
    "destination": r.destination, "allowed_networks": r.allowed_networks,
    "expires_at": r.expires_at, "created_at": r.created_at, "provider": raw(&r.raw),
}));

/// One action on a noun, with the spec already built.
enum Action<S> {
    List(ListArgs),
    Get(TargetArgs),
    Create(S, Vec<SecretArg>),
    Update(types::Locator, S, Vec<SecretArg>),
    Delete(TargetArgs),
}

fn locator(t: &TargetArgs) -> types::Locator {
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
        pub async fn $fn(ctx: &mut Ctx, command: $cmd) -> Result<()> {
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
            run::<$ty>(ctx, action).await
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

async fn run<R: Resource>(ctx: &mut Ctx, action: Action<R::Spec>) -> Result<()> {
    let secret_args = match &action {
        Action::Create(_, a) | Action::Update(_, _, a) => a.clone(),
        _ => Vec::new(),
    };
    let mut bound = ctx.bind(&secret_args).await?;
    let s = &mut bound.session;
    let printer = ctx.printer;
    let (wait, timeout) = (ctx.global.wait, ctx.global.wait_timeout);
    match action {
        Action::List(a) => {
            let filters = a
                .filters
                .iter()
                .map(|f| key_value(f, "filter"))
                .collect::<Result<Vec<_>>>()?;
            let mut query = types::Query {
                parent_id: a.gateway.clone(),
                kind: a.kind.clone(),
                filters,
                page: types::Page {
                    limit: a.limit,
                    cursor: a.cursor.clone(),
                },
            };
            let mut items = Vec::new();
            let mut pages = 0;
            let next = loop {
                let (page, next) = R::list(s, &query).await?;
                items.extend(page.iter().map(Resource::view));
                pages += 1;
                match next {
                    Some(cursor) if ctx.global.all => {
                        if query.page.cursor.as_deref() == Some(cursor.as_str())
                            || pages >= MAX_PAGES
                        {
                            bail!(
                                "adapter {} returned a cursor that does not advance",
                                s.name()
                            );
                        }
                        query.page.cursor = Some(cursor);
                    }
                    other => break other,
                }
            };
            tracing::debug!("listed {} {}s in {pages} page(s)", items.len(), R::NOUN);
            printer.list(R::COLUMNS, &items)?;
            if let Some(cursor) = next {
                eprintln!(
                    "more {}s: add --all, or continue with --cursor {}",
                    R::NOUN,
                    crate::output::terminal_safe(&cursor)
                );
            }
        }
        Action::Get(t) => {
            let r = R::get(s, &locator(&t)).await?;
            printer.one(&r.view())?;
        }
        Action::Create(spec, _) => {
            let created = R::create(s, &spec).await?;
            let shown = if wait {
                let l = types::Locator {
                    id: created.id().to_string(),
                    parent_id: parent_of(&created.view()),
                    kind: created
                        .view()
                        .get("kind")
                        .and_then(Value::as_str)
                        .map(String::from),
                };
                wait_ready::<R>(s, &l, timeout).await?
            } else {
                created
            };
            printer.one(&shown.view())?;
        }
        Action::Update(l, spec, _) => {
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

fn parent_of(view: &Value) -> Option<String> {
    ["gateway_id", "parent_id"]
        .iter()
        .find_map(|k| view.get(*k).and_then(Value::as_str).map(String::from))
}

fn spinner(message: String) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(message);
    bar
}

fn next_interval(interval: Duration) -> Duration {
    (interval.mul_f32(1.5)).min(Duration::from_secs(5))
}

async fn wait_ready<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
) -> Result<R> {
    let started = Instant::now();
    let bar = spinner(format!("waiting for {} {}", R::NOUN, l.id));
    let mut interval = Duration::from_millis(200);
    loop {
        let r = R::get(s, l).await?;
        let state = r.state();
        bar.set_message(format!(
            "waiting for {} {}: {}",
            R::NOUN,
            l.id,
            state_word(state)
        ));
        match state {
            State::Provisioning | State::Updating | State::Deleting => {}
            State::Failed => {
                bar.finish_and_clear();
                return Err(input(format!(
                    "{} {} failed (provider state {})",
                    R::NOUN,
                    l.id,
                    r.view()
                        .get("provider_state")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                )));
            }
            State::Available | State::Inactive | State::Unknown => {
                bar.finish_and_clear();
                tracing::info!(
                    "{} {} is {} after {:?}",
                    R::NOUN,
                    l.id,
                    state_word(state),
                    started.elapsed()
                );
                return Ok(r);
            }
        }
        if started.elapsed() >= timeout {
            bar.finish_and_clear();
            bail!(
                "timed out after {} waiting for {} {} (still {})",
                humantime::format_duration(timeout),
                R::NOUN,
                l.id,
                state_word(state)
            );
        }
        tokio::time::sleep(interval).await;
        interval = next_interval(interval);
    }
}

async fn wait_gone<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
) -> Result<()> {
    let started = Instant::now();
    let bar = spinner(format!("waiting for {} {} to go", R::NOUN, l.id));
    let mut interval = Duration::from_millis(200);
    loop {
        match R::get(s, l).await {
            Ok(r) => bar.set_message(format!(
                "waiting for {} {} to go: {}",
                R::NOUN,
                l.id,
                state_word(r.state())
            )),
            Err(err)
                if err
                    .downcast_ref::<AdapterError>()
                    .is_some_and(AdapterError::is_not_found) =>
            {
                bar.finish_and_clear();
                return Ok(());
            }
            Err(err) => {
                bar.finish_and_clear();
                return Err(err);
            }
        }
        if started.elapsed() >= timeout {
            bar.finish_and_clear();
            bail!(
                "timed out after {} waiting for {} {} to be deleted",
                humantime::format_duration(timeout),
                R::NOUN,
                l.id
            );
        }
        tokio::time::sleep(interval).await;
        interval = next_interval(interval);
    }
}
