//! Command implementations, and the context they share.

pub mod adapter;
pub mod credential;
pub mod inputs;
pub mod op;
pub mod profile;
pub mod resource;

use crate::broker::audit::Audit;
use crate::broker::policy::Grants;
use crate::broker::{self, Binding, BrokerConfig, secrets::SecretInputs};

use crate::cli::{Command, GlobalArgs};
use crate::config::{ConfigStore, LockEntry, Profile};
use crate::credentials::CredentialStore;
use crate::error::input;
use crate::home::{self, Area, Home};
use crate::output::Printer;
use crate::runtime::{Loaded, Runtime, Session, loader};
use crate::wit::meta;
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;

/// What every command can reach.
pub struct Ctx {
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
}

/// An adapter session bound to a profile, ready for calls.
pub struct Bound {
    /// The instance.
    pub session: Session,
    /// What the adapter said about itself.
    pub description: meta::Description,
    /// Profile name.
    pub profile: String,
}

impl Ctx {
    /// The context for `home` and `global` options.
    pub fn new(home: Home, global: GlobalArgs) -> Self {
        Self {
            config: ConfigStore::new(home.clone()),
            credentials: CredentialStore::new(home.clone()),
            printer: Printer::new(global.output),
            home,
            global,
            runtime: None,
        }
    }

    /// The runtime, built on first use.
    pub fn runtime(&mut self) -> Result<&Runtime> {
        if self.runtime.is_none() {
            let limits = self.config.settings()?.limits;
            self.runtime = Some(Runtime::new(&self.home, limits)?);
        }
        Ok(self.runtime.as_ref().expect("just built"))
    }

    /// Loads an installed adapter after checking its file against the pinned sha256.
    pub fn load_installed(&mut self, name: &str) -> Result<(LockEntry, Loaded)> {
        home::validate_name("adapter", name)?;
        let lock = self.config.lock()?;
        let entry = lock
            .adapters
            .get(name)
            .cloned()
            .ok_or_else(|| input(format!("adapter {name:?} is not installed")))?;
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
    pub fn profile_name(&self) -> Result<String> {
        if let Some(name) = &self.global.profile {
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

    /// A session of the active profile's adapter with the broker configured for it.
    pub async fn bind(&mut self, secret_args: &[inputs::SecretArg]) -> Result<Bound> {
        let profile_name = self.profile_name()?;
        home::validate_name("profile", &profile_name)?;
        let profile = self
            .config
            .profiles()?
            .profiles
            .remove(&profile_name)
            .ok_or_else(|| input(format!("profile {profile_name:?} does not exist")))?;
        let (entry, loaded) = self.load_installed(&profile.adapter)?;
        let mut session = self.runtime()?.instantiate(&loaded).await?;
        let description = session.describe().await?;
        let secrets =
            inputs::read_secrets(secret_args, &description.secret_inputs, &self.credentials)?;
        let limits = self.runtime()?.limits();
        let config = broker_config(
            &profile_name,
            &profile,
            &entry,
            &description,
            secrets,
            limits,
        )?;
        if let Some(endpoint) = broker::endpoint_origin(&profile.settings)? {
            // The user named this host: it may resolve to a private address (an emulator, a
            // private API gateway). Every other name must resolve to public addresses.
            self.runtime()?
                .allow_private(endpoint.host.trim_matches(['[', ']']));
        }
        let audit = Audit::open(&self.home)?;
        let sessions = broker::session::Sessions::open(&self.home)?;
        session
            .broker()
            .configure(config, self.credentials.clone(), audit, sessions);
        Ok(Bound {
            session,
            description,
            profile: profile_name,
        })
    }
}

/// What the broker may do for `profile`: the approved hosts that the adapter still declares,
/// the profile's endpoint, and the approved credentials bound to their hosts.
fn broker_config(
    profile_name: &str,
    profile: &Profile,
    entry: &LockEntry,
    description: &meta::Description,
    secrets: SecretInputs,
    limits: crate::config::Limits,
) -> Result<BrokerConfig> {
    let declared = broker::parse_patterns(&description.hosts)?;
    let approved = broker::parse_patterns(&entry.hosts)?;
    let granted: Vec<_> = declared
        .iter()
        .filter(|p| approved.contains(p))
        .cloned()
        .collect();
    let endpoint = broker::endpoint_origin(&profile.settings)?;
    let grants = Grants::new(granted, endpoint);
    let mut bindings = BTreeMap::new();
    let mut credential_headers = Vec::new();
    for spec in &description.credentials {
        for scheme in &spec.schemes {
            match scheme {
                meta::CredentialScheme::Header(h) => {
                    credential_headers.push(h.header.to_ascii_lowercase());
                }
                meta::CredentialScheme::TokenExchange(t) => credential_headers
                    .extend(t.captures.iter().map(|c| c.header.to_ascii_lowercase())),
                _ => {}
            }
        }
        if !entry.credentials.contains(&spec.name) {
            continue;
        }
        let hosts = grants.restricted_to(&broker::parse_patterns(&spec.hosts)?);
        let stored = profile
            .credentials
            .get(&spec.name)
            .cloned()
            .unwrap_or_else(|| spec.name.clone());
        bindings.insert(
            spec.name.clone(),
            Binding {
                spec: spec.clone(),
                stored,
                hosts,
            },
        );
    }
    let mut settings: BTreeMap<String, String> = description
        .settings
        .iter()
        .filter_map(|s| s.default_value.clone().map(|d| (s.key.clone(), d)))
        .collect();
    settings.extend(profile.settings.clone());
    Ok(BrokerConfig {
        adapter: description.name.clone(),
        profile: Some(profile_name.to_string()),
        grants,
        declared,
        bindings,
        settings,
        secrets,
        credential_headers,
        limits,
    })
}

/// Runs one command.
pub async fn run(ctx: &mut Ctx, command: Command) -> Result<()> {
    match command {
        Command::Adapter(c) => adapter::run(ctx, c).await,
        Command::Profile(c) => profile::run(ctx, c).await,
        Command::Credential(c) => credential::run(ctx, c),
        Command::Gateway(c) => resource::gateway(ctx, c).await,
        Command::Tunnel(c) => resource::tunnel(ctx, c).await,
        Command::Peer(c) => resource::peer(ctx, c).await,
        Command::Mapping(c) => resource::mapping(ctx, c).await,
        Command::Op(c) => op::run(ctx, c).await,
    }
}

/// Splits `key=value`.
pub fn key_value(text: &str, what: &str) -> Result<(String, String)> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| input(format!("invalid {what} {text:?}: expected KEY=VALUE")))
}

/// Whether stdin is a terminal.
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdin().is_terminal()
}
