//! Loading and running adapters: one engine, a compile cache, a reusable `InstancePre`, and a
//! fresh `Store` with limits for every command.
//!
//! The runtime is the only place that knows the store type ([`state::AdapterState`]); the
//! broker implements the WIT imports on itself and is linked with an accessor into the store.

mod engine;
pub(crate) mod loader;
#[cfg(feature = "memory-dump")]
mod memory_dump;
mod session;
mod state;
mod trap;

use session::Bindings;
pub(crate) use session::Session;

use crate::broker::{Broker, Network};
use crate::config::Limits;
use crate::home::Home;
use crate::wit::{self, Provider, ProviderPre};
use anyhow::{Context as _, Result};
use state::AdapterState;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Engine, Store, StoreLimitsBuilder};

/// The runtime of one process.
pub(crate) struct Runtime {
    engine: Engine,
    linker: Linker<AdapterState>,
    cache_dir: std::path::PathBuf,
    network: Network,
    limits: Limits,
}

/// An adapter's `InstancePre`, for the contract version it was built against.
#[derive(Clone)]
enum Pre {
    Latest(ProviderPre<AdapterState>),
    V0_1_0(wit::v0_1_0::ProviderPre<AdapterState>),
}

/// A compiled adapter, ready to instantiate.
#[derive(Clone)]
pub(crate) struct Loaded {
    name: String,
    pre: Pre,
    /// WIT package version it targets.
    pub wit_version: String,
}

impl Runtime {
    /// The runtime for `home`: every broker it makes sends through `network`, and every call
    /// gets `limits`.
    pub(crate) fn new(home: &Home, limits: Limits, network: Network) -> Result<Self> {
        let engine = engine::build()?;
        let mut linker: Linker<AdapterState> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        Provider::add_to_linker::<_, HasSelf<Broker>>(&mut linker, |s| &mut s.broker)?;
        wit::v0_1_0::Provider::add_to_linker::<_, HasSelf<Broker>>(&mut linker, |s| &mut s.broker)?;
        Ok(Self {
            engine,
            linker,
            cache_dir: home.compile_cache(),
            network,
            limits,
        })
    }

    /// The limits every call gets.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Compiles (or loads from the cache) the component `bytes` whose sha256 is `sha256`.
    pub(crate) fn load(&self, name: &str, bytes: &[u8], sha256: &str) -> Result<Loaded> {
        let started = std::time::Instant::now();
        let (component, source) = loader::load(&self.engine, &self.cache_dir, sha256, bytes)
            .with_context(|| format!("failed to load adapter {name}"))?;
        match source {
            loader::Source::Cache => tracing::debug!(
                adapter = name,
                "loaded adapter from compile cache in {:?}",
                started.elapsed()
            ),
            loader::Source::Compiled => tracing::debug!(
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
        let exported = || format!("adapter {name} does not export the portico world");
        let pre = if wit_version == wit::LATEST {
            Pre::Latest(
                ProviderPre::new(pre)
                    .map_err(anyhow::Error::from)
                    .with_context(exported)?,
            )
        } else {
            Pre::V0_1_0(
                wit::v0_1_0::ProviderPre::new(pre)
                    .map_err(anyhow::Error::from)
                    .with_context(exported)?,
            )
        };
        Ok(Loaded {
            name: name.to_string(),
            pre,
            wit_version,
        })
    }

    /// A fresh store and instance of `loaded`, with a broker that refuses everything until
    /// [`Session::broker`] is configured.
    pub(crate) async fn instantiate(&self, loaded: &Loaded) -> Result<Session> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(usize::try_from(self.limits.memory_mib << 20).unwrap_or(usize::MAX))
            .instances(16)
            .tables(64)
            .memories(16)
            .trap_on_grow_failure(true)
            .build();
        let broker = Broker::closed(&loaded.name, self.network.clone(), self.limits);
        let mut store = Store::new(&self.engine, AdapterState::new(broker, limits));
        store.limiter(|s| &mut s.limits);
        store.epoch_deadline_trap();
        store.set_epoch_deadline(engine::ticks(self.limits.call_deadline()));
        let bindings = match &loaded.pre {
            Pre::Latest(pre) => pre
                .instantiate_async(&mut store)
                .await
                .map(Bindings::Latest),
            Pre::V0_1_0(pre) => pre
                .instantiate_async(&mut store)
                .await
                .map(Bindings::V0_1_0),
        }
        .map_err(|err| trap::trap_error(&loaded.name, "instantiate", &store, err, self.limits))?;
        Ok(Session {
            name: loaded.name.clone(),
            store,
            bindings,
            limits: self.limits,
            refused: Vec::new(),
            #[cfg(feature = "memory-dump")]
            memory_taken: false,
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
