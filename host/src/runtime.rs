//! Loading and running adapters: one engine, a compile cache, a reusable `InstancePre`, and a
//! fresh `Store` with limits for every command.

pub mod engine;
pub mod loader;
pub mod state;

use crate::broker::Broker;
use crate::broker::resolve::PublicOnly;
use crate::config::Limits;
use crate::error::AdapterError;
use crate::home::{Area, Home};
use crate::wit::{self, Provider, ProviderPre, meta, types};
use anyhow::{Context as _, Result};
use state::AdapterState;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store, StoreLimitsBuilder};

/// The runtime of one process.
pub struct Runtime {
    engine: Engine,
    linker: Linker<AdapterState>,
    cache_dir: std::path::PathBuf,
    client: reqwest::Client,
    resolver: PublicOnly,
    limits: Limits,
}

/// A compiled adapter, ready to instantiate.
pub struct Loaded {
    name: String,
    pre: ProviderPre<AdapterState>,
    /// WIT package version it targets.
    pub wit_version: String,
}

impl Runtime {
    /// The runtime for `home`, with `limits` for every call.
    pub fn new(home: &Home, limits: Limits) -> Result<Self> {
        let engine = engine::build()?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        Provider::add_to_linker::<_, HasSelf<AdapterState>>(&mut linker, |s| s)?;
        let resolver = PublicOnly::default();
        let client = reqwest::Client::builder()
            .dns_resolver(std::sync::Arc::new(resolver.clone()))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("portico/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("failed to build the HTTP client")?;
        Ok(Self {
            engine,
            linker,
            cache_dir: home.path(Area::Cache).join("compiled"),
            client,
            resolver,
            limits,
        })
    }

    /// Lets `host`, configured by the user as a profile's endpoint, resolve to loopback or
    /// private addresses (every other name may only lead to public ones).
    pub fn allow_private(&self, host: &str) {
        self.resolver.allow_private(host);
    }

    /// The limits every call gets.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Compiles (or loads from the cache) the component `bytes` whose sha256 is `sha256`.
    pub fn load(&self, name: &str, bytes: &[u8], sha256: &str) -> Result<Loaded> {
        let started = std::time::Instant::now();
        let (component, origin) = loader::load(&self.engine, &self.cache_dir, sha256, bytes)
            .with_context(|| format!("failed to load adapter {name}"))?;
        match origin {
            loader::Origin::Cache => tracing::debug!(
                adapter = name,
                "loaded adapter from compile cache in {:?}",
                started.elapsed()
            ),
            loader::Origin::Compiled => tracing::debug!(
                adapter = name,
                "compiled adapter in {:?} (compile cache miss)",
                started.elapsed()
            ),
        }
        let wit_version = check_version(name, &component)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("adapter {name} needs imports portico does not provide"))?;
        let pre = ProviderPre::new(pre)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("adapter {name} does not export the portico world"))?;
        Ok(Loaded {
            name: name.to_string(),
            pre,
            wit_version,
        })
    }

    /// A fresh store and instance of `loaded`, with a broker that refuses everything until
    /// [`Session::broker`] is configured.
    pub async fn instantiate(&self, loaded: &Loaded) -> Result<Session> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(usize::try_from(self.limits.memory_mib << 20).unwrap_or(usize::MAX))
            .instances(16)
            .tables(64)
            .memories(16)
            .trap_on_grow_failure(true)
            .build();
        let broker = Broker::closed(&loaded.name, self.client.clone(), self.limits);
        let mut store = Store::new(&self.engine, AdapterState::new(broker, limits));
        store.limiter(|s| &mut s.limits);
        store.epoch_deadline_trap();
        store.set_epoch_deadline(engine::ticks(self.limits.call_deadline()));
        let bindings = loaded
            .pre
            .instantiate_async(&mut store)
            .await
            .map_err(|err| trap_error(&loaded.name, "instantiate", &store, err, self.limits))?;
        Ok(Session {
            name: loaded.name.clone(),
            store,
            bindings,
            limits: self.limits,
        })
    }
}

fn check_version(name: &str, component: &Component) -> Result<String> {
    let Some(version) = wit::version_of(component) else {
        anyhow::bail!(
            "{name} is not a portico adapter: it exports no portico:adapter interface \
             (supported versions: {})",
            wit::SUPPORTED_VERSIONS.join(", ")
        );
    };
    if !wit::SUPPORTED_VERSIONS.contains(&version.as_str()) {
        anyhow::bail!(
            "adapter {name} targets portico:adapter@{version}, which this portico does not \
             support (supported versions: {})",
            wit::SUPPORTED_VERSIONS.join(", ")
        );
    }
    Ok(version)
}

/// One instance of an adapter serving one command.
pub struct Session {
    name: String,
    store: Store<AdapterState>,
    bindings: Provider,
    limits: Limits,
}

/// Most bytes one export call may return to the host: twice the response-size cap, so a call
/// can pass on what it fetched with room for its own fields, but a hostile adapter cannot hand
/// over (and have printed) a string as large as its whole memory.
fn returned_limit(limits: Limits) -> usize {
    usize::try_from(limits.max_response_bytes.saturating_mul(2)).unwrap_or(usize::MAX)
}

/// `Ok` when the value's contents (measured through its `Debug` form, which visits every
/// string, list and record) stay within `limit` bytes; otherwise `Err(limit)`. Measuring
/// stops as soon as the limit is passed.
fn within<T: std::fmt::Debug>(value: &T, limit: usize) -> std::result::Result<(), usize> {
    struct Counter {
        written: usize,
        limit: usize,
    }
    impl std::fmt::Write for Counter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.written += s.len();
            if self.written > self.limit {
                Err(std::fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut counter = Counter { written: 0, limit };
    std::fmt::write(&mut counter, format_args!("{value:?}")).map_err(|_| limit)
}

/// Turns a wasmtime error from a call into a message naming the adapter and what failed.
fn trap_error(
    adapter: &str,
    operation: &str,
    store: &Store<AdapterState>,
    err: wasmtime::Error,
    limits: Limits,
) -> anyhow::Error {
    let stderr = store.data().stderr_text();
    let detail = if stderr.is_empty() {
        String::new()
    } else {
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains("RUST_BACKTRACE"))
            .rev()
            .take(5)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("; adapter output: {}", tail.join(" | "))
    };
    let reason = match err.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => format!(
            "exceeded its call deadline of {}s",
            limits.call_deadline_secs
        ),
        Some(wasmtime::Trap::StackOverflow) => "overflowed its stack".to_string(),
        Some(wasmtime::Trap::AllocationTooLarge) => {
            format!("exceeded its memory limit of {} MiB", limits.memory_mib)
        }
        Some(wasmtime::Trap::UnreachableCodeReached) if stderr.contains("panicked") => {
            "panicked".to_string()
        }
        Some(wasmtime::Trap::MemoryOutOfBounds) => format!(
            "trapped: {} (most often the adapter overflowing the stack it keeps in its own \
             memory, or a bug in the adapter)",
            wasmtime::Trap::MemoryOutOfBounds
        ),
        Some(trap) => format!("trapped: {trap}"),
        None => {
            let text = format!("{err:#}");
            if text.contains("memory") && text.contains("limit")
                || text.contains("forcing trap when growing memory")
            {
                format!("exceeded its memory limit of {} MiB", limits.memory_mib)
            } else {
                format!("failed: {text}")
            }
        }
    };
    anyhow::anyhow!("adapter {adapter} {reason} during {operation}{detail}")
}

macro_rules! export_calls {
    ($( $(#[$doc:meta])* $fn:ident: $iface:ident . $call:ident ( $($arg:ident: $ty:ty),* ) -> $ret:ty, $op:literal; )*) => {
        impl Session {
            $(
                $(#[$doc])*
                pub async fn $fn(&mut self, $($arg: $ty),*) -> Result<$ret> {
                    self.begin_call();
                    let result = self.bindings.$iface().$call(&mut self.store, $($arg),*).await;
                    self.finish($op, result)
                }
            )*
        }
    };
}

export_calls! {
    /// `gateways.list`.
    gateways_list: portico_adapter_gateways.call_list(q: &types::Query) -> types::GatewayPage, "gateway.list";
    /// `gateways.get`.
    gateways_get: portico_adapter_gateways.call_get(l: &types::Locator) -> types::Gateway, "gateway.get";
    /// `gateways.create`.
    gateways_create: portico_adapter_gateways.call_create(s: &types::GatewaySpec) -> types::Gateway, "gateway.create";
    /// `gateways.update`.
    gateways_update: portico_adapter_gateways.call_update(l: &types::Locator, s: &types::GatewaySpec) -> types::Gateway, "gateway.update";
    /// `gateways.delete`.
    gateways_delete: portico_adapter_gateways.call_delete(l: &types::Locator) -> (), "gateway.delete";
    /// `tunnels.list`.
    tunnels_list: portico_adapter_tunnels.call_list(q: &types::Query) -> types::TunnelPage, "tunnel.list";
    /// `tunnels.get`.
    tunnels_get: portico_adapter_tunnels.call_get(l: &types::Locator) -> types::Tunnel, "tunnel.get";
    /// `tunnels.create`.
    tunnels_create: portico_adapter_tunnels.call_create(s: &types::TunnelSpec) -> types::Tunnel, "tunnel.create";
    /// `tunnels.update`.
    tunnels_update: portico_adapter_tunnels.call_update(l: &types::Locator, s: &types::TunnelSpec) -> types::Tunnel, "tunnel.update";
    /// `tunnels.delete`.
    tunnels_delete: portico_adapter_tunnels.call_delete(l: &types::Locator) -> (), "tunnel.delete";
    /// `peers.list`.
    peers_list: portico_adapter_peers.call_list(q: &types::Query) -> types::PeerPage, "peer.list";
    /// `peers.get`.
    peers_get: portico_adapter_peers.call_get(l: &types::Locator) -> types::Peer, "peer.get";
    /// `peers.create`.
    peers_create: portico_adapter_peers.call_create(s: &types::PeerSpec) -> types::Peer, "peer.create";
    /// `peers.update`.
    peers_update: portico_adapter_peers.call_update(l: &types::Locator, s: &types::PeerSpec) -> types::Peer, "peer.update";
    /// `peers.delete`.
    peers_delete: portico_adapter_peers.call_delete(l: &types::Locator) -> (), "peer.delete";
    /// `mappings.list`.
    mappings_list: portico_adapter_mappings.call_list(q: &types::Query) -> types::MappingPage, "mapping.list";
    /// `mappings.get`.
    mappings_get: portico_adapter_mappings.call_get(l: &types::Locator) -> types::Mapping, "mapping.get";
    /// `mappings.create`.
    mappings_create: portico_adapter_mappings.call_create(s: &types::MappingSpec) -> types::Mapping, "mapping.create";
    /// `mappings.update`.
    mappings_update: portico_adapter_mappings.call_update(l: &types::Locator, s: &types::MappingSpec) -> types::Mapping, "mapping.update";
    /// `mappings.delete`.
    mappings_delete: portico_adapter_mappings.call_delete(l: &types::Locator) -> (), "mapping.delete";
}

/// With the `memory-dump` feature (test builds only), the directory named by this variable
/// receives the adapter's linear memory when each session ends, so tests can scan it for
/// secrets.
#[cfg(feature = "memory-dump")]
pub const MEMORY_DUMP_ENV: &str = "PORTICO_MEMORY_DUMP_DIR";

#[cfg(feature = "memory-dump")]
impl Drop for Session {
    fn drop(&mut self) {
        if let Some(dir) = std::env::var_os(MEMORY_DUMP_ENV)
            && let Err(err) = self.dump_memory(std::path::Path::new(&dir))
        {
            tracing::warn!("no memory dump of adapter {}: {err:#}", self.name);
        }
    }
}

#[cfg(feature = "memory-dump")]
impl Session {
    /// Writes every linear memory of the instance to `dir/<adapter>-<pid>-<n>.mem`.
    ///
    /// Component instances do not export their core memories, so this forces a trap (an
    /// epoch deadline already reached) on a call into the guest: with `coredump_on_trap` the
    /// trap carries a core dump whose memories are the adapter's.
    fn dump_memory(&mut self, dir: &std::path::Path) -> Result<()> {
        use std::pin::pin;
        use std::task::{Context, Poll, Waker};
        self.store.set_epoch_deadline(0);
        let result = {
            let mut call = pin!(
                self.bindings
                    .portico_adapter_adapter()
                    .call_describe(&mut self.store)
            );
            let mut cx = Context::from_waker(Waker::noop());
            // The call traps at its first epoch check, before it could wait on anything.
            let mut polls = 0;
            loop {
                if let Poll::Ready(r) = call.as_mut().poll(&mut cx) {
                    break r;
                }
                polls += 1;
                anyhow::ensure!(polls < 1000, "the forced trap did not happen");
            }
        };
        let err = match result {
            Ok(_) => anyhow::bail!("the forced trap did not happen"),
            Err(err) => err,
        };
        let Some(dump) = err.downcast_ref::<wasmtime::WasmCoreDump>() else {
            anyhow::bail!("the trap carried no core dump: {err}");
        };
        let memories: Vec<wasmtime::Memory> = dump.memories().to_vec();
        std::fs::create_dir_all(dir)?;
        for (n, memory) in memories.iter().enumerate() {
            static SEQUENCE: std::sync::atomic::AtomicUsize =
                std::sync::atomic::AtomicUsize::new(0);
            let seq = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let file = dir.join(format!(
                "{}-{}-{seq}-{n}.mem",
                self.name,
                std::process::id()
            ));
            std::fs::write(&file, memory.data(&self.store))?;
        }
        Ok(())
    }
}

impl Session {
    /// The adapter's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The broker, to configure it after `describe()`.
    pub fn broker(&mut self) -> &mut Broker {
        &mut self.store.data_mut().broker
    }

    fn begin_call(&mut self) {
        self.store.data_mut().broker.begin_call();
        self.store
            .set_epoch_deadline(engine::ticks(self.limits.call_deadline()));
    }

    fn finish<T: std::fmt::Debug>(
        &mut self,
        operation: &str,
        result: wasmtime::Result<Result<T, types::Error>>,
    ) -> Result<T> {
        let refusals = self.store.data_mut().broker.take_refusals();
        // A refusal the adapter passed on is in its error; one it swallowed or replaced is
        // still worth telling the user about.
        let reported = match &result {
            Ok(Err(types::Error::Denied(message))) => Some(message.as_str()),
            _ => None,
        };
        // Identical refusals are reported once with a count, so an adapter that ignores them
        // and keeps trying cannot flood the terminal.
        let mut distinct: Vec<(&str, usize)> = Vec::new();
        for refusal in refusals.iter().filter(|r| Some(r.as_str()) != reported) {
            match distinct.iter_mut().find(|(r, _)| *r == refusal.as_str()) {
                Some((_, n)) => *n += 1,
                None => distinct.push((refusal.as_str(), 1)),
            }
        }
        const SHOWN: usize = 10;
        for (refusal, count) in distinct.iter().take(SHOWN) {
            let times = if *count > 1 {
                format!(" ({count} times)")
            } else {
                String::new()
            };
            tracing::warn!(
                "portico refused a request of adapter {}{times}: {}",
                self.name,
                crate::output::terminal_safe(refusal)
            );
        }
        if distinct.len() > SHOWN {
            let more: usize = distinct[SHOWN..].iter().map(|(_, n)| n).sum();
            tracing::warn!(
                "portico refused {more} more requests of adapter {} for other reasons (see the \
                 audit log)",
                self.name
            );
        }
        match result {
            Ok(Ok(value)) => {
                let limit = returned_limit(self.limits);
                if let Err(size) = within(&value, limit) {
                    return Err(anyhow::anyhow!(
                        "adapter {} returned more than {size} bytes from {operation}, over the \
                         limit of {} MiB for what one call may return",
                        self.name,
                        limit >> 20
                    ));
                }
                Ok(value)
            }
            Ok(Err(error)) => Err(AdapterError {
                adapter: self.name.clone(),
                operation: operation.to_string(),
                error,
            }
            .into()),
            Err(err) => Err(trap_error(
                &self.name,
                operation,
                &self.store,
                err,
                self.limits,
            )),
        }
    }

    /// `adapter.describe`.
    pub async fn describe(&mut self) -> Result<meta::Description> {
        self.begin_call();
        let result = self
            .bindings
            .portico_adapter_adapter()
            .call_describe(&mut self.store)
            .await;
        self.finish("describe", result.map(Ok))
    }

    /// `operations.catalog`.
    pub async fn catalog(&mut self) -> Result<Vec<wit::operations::Operation>> {
        self.begin_call();
        let result = self
            .bindings
            .portico_adapter_operations()
            .call_catalog(&mut self.store)
            .await;
        self.finish("op.catalog", result.map(Ok))
    }

    /// `operations.invoke`.
    pub async fn invoke(
        &mut self,
        name: &str,
        params: &[(String, String)],
        body: Option<&str>,
        cursor: Option<&str>,
        secrets: &[types::SecretInput],
    ) -> Result<wit::operations::Outcome> {
        self.begin_call();
        let body = body.map(str::to_string);
        let result = self
            .bindings
            .portico_adapter_operations()
            .call_invoke(
                &mut self.store,
                name,
                params,
                body.as_ref(),
                cursor,
                secrets,
            )
            .await;
        self.finish(&format!("op:{name}"), result)
    }
}
