//! Command implementations, and the context they share.

mod adapter;
mod apply;
mod conformance;
mod credential;
mod inputs;
mod op;
pub(crate) mod paging;
mod profile;
pub(crate) mod remote_config;
pub(crate) mod resource;
mod scaffold;

use crate::broker::audit::Audit;
use crate::broker::secrets::SecretInputs;
use crate::broker::tape::{Cassette, Tape};
use crate::broker::tokens::TokenCache;
use crate::broker::{BrokerConfig, Network, ProfileGrant};
use crate::cli::{Command, GlobalArgs};
use crate::config::{ConfigStore, LockEntry};
use crate::credential_store::CredentialStore;
use crate::error::input;
use crate::home::{self, Area, Home};
use crate::output::{Format, Printer};
use crate::runtime::{Loaded, Runtime, Session, loader};
use crate::wit::adapter as contract;
use anyhow::{Context as _, Result, bail};
use std::sync::{Arc, Mutex};

/// What every command can reach.
pub(crate) struct Ctx {
    /// The home directory.
    pub home: Home,
    /// Profiles, lock file, settings.
    pub config: ConfigStore,
    /// Credentials.
    pub credentials: CredentialStore,
    /// Global options.
    pub global: GlobalArgs,
    /// Output.
    pub printer: Printer,
    runtime: Option<Runtime>,
    tape: Option<Tape>,
}

/// An adapter session bound to a profile, ready for calls.
pub(crate) struct Bound {
    /// The instance.
    pub session: Session,
    /// What makes another instance with the same grants ([`Ctx::sibling`]).
    pub spare: Spare,
    /// What the adapter said about itself.
    pub description: contract::Description,
    /// The contract version the adapter was built against.
    pub contract: String,
}

/// The component and broker configuration of a [`Bound`] session, for more like it.
pub(crate) struct Spare {
    loaded: Loaded,
    config: BrokerConfig,
}

impl Ctx {
    /// Another instance of `spare`'s adapter with the same grants and no secret inputs, for
    /// pages fetched at once.
    pub(crate) async fn sibling(&self, spare: &Spare) -> Result<Session> {
        let runtime = self
            .runtime
            .as_ref()
            .context("the runtime is built when a profile is bound")?;
        let mut session = runtime.instantiate(&spare.loaded).await?;
        session.describe().await?;
        let mut config = spare.config.clone();
        config.secrets = SecretInputs::default();
        let (audit, tokens) = (Audit::open(&self.home)?, TokenCache::open(&self.home)?);
        let store = self.credentials.clone();
        session.broker().configure(config, store, audit, tokens);
        Ok(session)
    }

    /// The context for `home` and `global` options.
    pub(crate) fn new(home: Home, global: GlobalArgs) -> Result<Self> {
        let tape = match (&global.record, &global.replay) {
            (Some(path), _) => Some(Tape::Record(Arc::new(Mutex::new(Cassette::new(path))))),
            (None, Some(path)) => Some(Tape::Replay(Arc::new(Mutex::new(Cassette::load(path)?)))),
            (None, None) => None,
        };
        Ok(Self {
            config: ConfigStore::new(home.clone()),
            credentials: CredentialStore::new(home.clone()),
            printer: Printer::new(
                if global.quiet {
                    Format::Name
                } else {
                    global.output
                },
                global.show_provider,
            ),
            home,
            global,
            runtime: None,
            tape,
        })
    }

    /// The cassette of this command, if it records or replays.
    pub(crate) fn tape(&self) -> Option<Tape> {
        self.tape.clone()
    }

    /// The runtime, built on first use.
    pub(crate) fn runtime(&mut self) -> Result<&Runtime> {
        if self.runtime.is_none() {
            let limits = self.config.settings()?.limits;
            self.runtime = Some(Runtime::new(&self.home, limits, Network::new()?)?);
        }
        Ok(self.runtime.as_ref().expect("just built"))
    }

    /// Loads an installed adapter after checking its file against the pinned sha256.
    pub(crate) fn load_installed(&mut self, name: &str) -> Result<(LockEntry, Loaded)> {
        home::validate_name("adapter", name)?;
        let lock = self.config.lock()?;
        let entry = lock.adapters.get(name).cloned().ok_or_else(|| {
            let hint = crate::suggest::hint(name, lock.adapters.keys().map(String::as_str));
            input(format!(
                "adapter {name:?} is not installed{hint}; install one with `portico adapter \
                     install FILE`"
            ))
        })?;
        home::validate_name("adapter file", entry.file.trim_end_matches(".wasm"))?;
        let dir = self.home.dir(Area::Adapters)?;
        let bytes = dir
            .read(&entry.file)
            .with_context(|| format!("failed to read adapter {name}"))?;
        let actual = loader::sha256_hex(&bytes);
        if actual != entry.sha256 {
            bail!(
                "adapter {name} was modified after it was approved (sha256 {actual}, approved \
                 {}); refusing to run it. Re-approve it with `portico adapter install`",
                entry.sha256
            );
        }
        let loaded = self.runtime()?.load(name, &bytes, &entry.sha256)?;
        Ok((entry, loaded))
    }

    /// The active profile's name: `-p`/`PORTICO_PROFILE`, or the only profile there is.
    pub(crate) fn profile_name(&self) -> Result<String> {
        if self.global.all_profiles || self.global.profile.len() > 1 {
            return Err(input(
                "several profiles were given: only `list` commands take more than one",
            ));
        }
        if let Some(name) = self.global.profile.first() {
            return Ok(name.clone());
        }
        let profiles = self.config.profiles()?;
        let mut names = profiles.profiles.keys();
        match (names.next(), names.next()) {
            (Some(only), None) => Ok(only.clone()),
            (None, _) => Err(input(
                "no profile: create one with `portico profile add NAME --adapter ADAPTER`",
            )),
            _ => Err(input(
                "several profiles exist: choose one with -p/--profile",
            )),
        }
    }

    /// The profiles a `list` runs over, when more than one was asked for (`-p a -p b`, or
    /// `--all-profiles` with more than one profile); `None` for the usual single profile.
    pub(crate) fn list_profiles(&self) -> Result<Option<Vec<String>>> {
        let names = if self.global.all_profiles {
            self.config.profiles()?.profiles.into_keys().collect()
        } else {
            let mut names = self.global.profile.clone();
            names.dedup();
            names
        };
        Ok((names.len() > 1 || self.global.all_profiles && !names.is_empty()).then_some(names))
    }

    /// A session of the active profile's adapter with the broker configured for it.
    pub(crate) async fn bind(&mut self, secret_args: &[inputs::SecretArg]) -> Result<Bound> {
        let store = self.credentials.clone();
        self.bind_with(
            |description, credentials| {
                inputs::read_secrets(secret_args, &description.secret_inputs, credentials)
            },
            store,
        )
        .await
    }

    /// [`Ctx::bind`] with the secret inputs from `secrets` (given the description and the
    /// credential store) and credentials from `store`.
    pub(crate) async fn bind_with(
        &mut self,
        secrets: impl FnOnce(&contract::Description, &CredentialStore) -> Result<SecretInputs>,
        store: CredentialStore,
    ) -> Result<Bound> {
        let profile_name = self.profile_name()?;
        self.bind_profile(&profile_name, secrets, store).await
    }

    /// [`Ctx::bind_with`] for the profile `profile_name`.
    pub(crate) async fn bind_profile(
        &mut self,
        profile_name: &str,
        secrets: impl FnOnce(&contract::Description, &CredentialStore) -> Result<SecretInputs>,
        store: CredentialStore,
    ) -> Result<Bound> {
        let prepared = self.prepare_profile(profile_name, &mut Vec::new())?;
        self.bind_prepared(prepared, secrets, store).await
    }

    /// The part of binding `profile_name` that needs `&mut self`: its profile, and its adapter
    /// checked and loaded (once per adapter across the calls that share `loaded`), so that
    /// [`Ctx::bind_prepared`] can run for several profiles at once.
    pub(crate) fn prepare_profile(
        &mut self,
        profile_name: &str,
        loaded: &mut Vec<(String, LockEntry, Loaded)>,
    ) -> Result<Prepared> {
        let name = profile_name.to_string();
        home::validate_name("profile", &name)?;
        let mut profiles = self.config.profiles()?.profiles;
        let profile = profiles
            .remove(&name)
            .ok_or_else(|| no_profile(&name, profiles.keys().map(String::as_str)))?;
        let (entry, component) = match loaded.iter().find(|(a, ..)| *a == profile.adapter) {
            Some((_, entry, component)) => (entry.clone(), component.clone()),
            None => {
                let (entry, component) = self.load_installed(&profile.adapter)?;
                loaded.push((profile.adapter.clone(), entry.clone(), component.clone()));
                (entry, component)
            }
        };
        Ok(Prepared {
            name,
            profile,
            entry,
            loaded: component,
        })
    }

    /// A session of a [`Prepared`] profile with the broker configured for it.
    pub(crate) async fn bind_prepared(
        &self,
        prepared: Prepared,
        secrets: impl FnOnce(&contract::Description, &CredentialStore) -> Result<SecretInputs>,
        store: CredentialStore,
    ) -> Result<Bound> {
        let Prepared {
            name,
            profile,
            entry,
            loaded,
        } = prepared;
        let runtime = self
            .runtime
            .as_ref()
            .context("the runtime is built when a profile is prepared")?;
        let mut session = runtime.instantiate(&loaded).await?;
        let description = session.describe().await?;
        let secrets = secrets(&description, &self.credentials)?;
        let config = BrokerConfig::for_profile(ProfileGrant {
            name: &name,
            profile: &profile,
            entry: &entry,
            description: &description,
            secrets,
            limits: runtime.limits(),
            contract: &loaded.wit_version,
            tape: self.tape(),
        })?;
        let audit = Audit::open(&self.home)?;
        let tokens = TokenCache::open(&self.home)?;
        let spare = Spare {
            loaded: loaded.clone(),
            config: config.clone(),
        };
        session.broker().configure(config, store, audit, tokens);
        Ok(Bound {
            session,
            spare,
            description,
            contract: loaded.wit_version.clone(),
        })
    }
}

/// A profile ready to bind ([`Ctx::prepare_profile`]).
pub(crate) struct Prepared {
    name: String,
    profile: crate::config::Profile,
    entry: LockEntry,
    loaded: Loaded,
}

/// Runs one command, then writes its recording (even when the command failed: what it saw is
/// what an author wants to replay).
pub(crate) async fn run(ctx: &mut Ctx, command: Command) -> Result<()> {
    let result = dispatch(ctx, command).await;
    if let Some(tape) = &ctx.tape {
        tape.finish()?;
    }
    result
}

async fn dispatch(ctx: &mut Ctx, command: Command) -> Result<()> {
    match command {
        Command::Adapter(c) => adapter::run(ctx, c).await,
        Command::Profile(c) => profile::run(ctx, c).await,
        Command::Credential(c) => credential::run(ctx, c),
        Command::Gateway(c) => resource::gateway(ctx, c).await,
        Command::Tunnel(c) => resource::tunnel(ctx, c).await,
        Command::Peer(c) => resource::peer(ctx, c).await,
        Command::Mapping(c) => resource::mapping(ctx, c).await,
        Command::Op(c) => op::run(ctx, c).await,
        Command::Plan(a) => apply::plan(ctx, a).await,
        Command::Apply(a) => apply::apply(ctx, a).await,
        Command::Schema => apply::schema(ctx),
        Command::Completion { shell } => crate::complete::registration(&shell),
        Command::Man { dir } => crate::complete::man_pages(&dir),
    }
}

/// "profile X does not exist", with the closest names and the command that creates it.
pub(crate) fn no_profile<'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> anyhow::Error {
    let hint = crate::suggest::hint(name, known);
    input(format!(
        "profile {name:?} does not exist{hint}; create it with `portico profile add {name} \
         --adapter ADAPTER`"
    ))
}

/// Splits `key=value`.
pub(crate) fn key_value(text: &str, what: &str) -> Result<(String, String)> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| input(format!("invalid {what} {text:?}: expected KEY=VALUE")))
}

/// Whether stdin is a terminal.
pub(crate) fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdin().is_terminal()
}
