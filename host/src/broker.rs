//! The broker: the only way an adapter reaches the network or a credential.
//!
//! One [`Broker`] serves one CLI command. It knows what the user approved for the adapter
//! (granted hosts, allowed credentials), the profile (configured endpoint, credential names,
//! settings), the secret inputs given for this command, and the limits. Every request goes
//! through [`Broker::send`]: budget, egress policy, header policy, credential injection,
//! secret-input substitution, retries, size cap, response scrubbing and an audit record.

pub mod audit;
pub mod credentials;
pub mod exchange;
pub mod http;
pub mod policy;
pub mod resolve;
pub mod secrets;
pub mod session;

use crate::config::Limits;
use crate::credentials::{Credential, CredentialStore};
use crate::wit::{meta, types};
use audit::Audit;
use policy::{Grants, HostPattern, Origin};
use secrets::SecretInputs;
use session::Sessions;
use std::collections::BTreeMap;

/// A credential the adapter declared, as bound for this command.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The adapter's declaration.
    pub spec: meta::CredentialSpec,
    /// Stored credential name to use.
    pub stored: String,
    /// Hosts the credential may be sent to: its declared hosts that were granted, plus the
    /// profile's endpoint.
    pub hosts: Grants,
}

/// Everything a broker is built from.
#[derive(Debug, Clone, Default)]
pub struct BrokerConfig {
    /// Adapter name.
    pub adapter: String,
    /// Profile name, when a profile is active.
    pub profile: Option<String>,
    /// Hosts the adapter may reach.
    pub grants: Grants,
    /// Hosts the adapter declared (granted or not), to explain refusals.
    pub declared: Vec<HostPattern>,
    /// Declared credentials the user allowed, by the adapter's name for them.
    pub bindings: BTreeMap<String, Binding>,
    /// Settings visible through `config.get`.
    pub settings: BTreeMap<String, String>,
    /// Secret inputs given for this command.
    pub secrets: SecretInputs,
    /// Header names carrying credentials; guests may not set them.
    pub credential_headers: Vec<String>,
    /// Limits.
    pub limits: Limits,
}

/// Per-command broker state.
pub struct Broker {
    config: BrokerConfig,
    store: Option<CredentialStore>,
    resolved: BTreeMap<String, Credential>,
    client: reqwest::Client,
    audit: Option<Audit>,
    sessions: Sessions,
    requests_this_call: u32,
    refusals: Vec<String>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("adapter", &self.config.adapter)
            .field("profile", &self.config.profile)
            .finish_non_exhaustive()
    }
}

impl Broker {
    /// A broker that refuses everything (used while an adapter only describes itself).
    pub fn closed(adapter: &str, client: reqwest::Client, limits: Limits) -> Self {
        Self::new(
            BrokerConfig {
                adapter: adapter.to_string(),
                limits,
                ..BrokerConfig::default()
            },
            None,
            client,
            None,
        )
    }

    /// A broker for one command.
    pub fn new(
        config: BrokerConfig,
        store: Option<CredentialStore>,
        client: reqwest::Client,
        audit: Option<Audit>,
    ) -> Self {
        Self {
            config,
            store,
            resolved: BTreeMap::new(),
            client,
            audit,
            sessions: Sessions::default(),
            requests_this_call: 0,
            refusals: Vec::new(),
        }
    }

    /// Replaces the configuration (after `describe()` told the host what the adapter needs).
    pub fn configure(
        &mut self,
        config: BrokerConfig,
        store: CredentialStore,
        audit: Audit,
        sessions: Sessions,
    ) {
        self.config = config;
        self.store = Some(store);
        self.audit = Some(audit);
        self.sessions = sessions;
    }

    /// Resets per-call counters; called before every export call.
    pub fn begin_call(&mut self) {
        self.requests_this_call = 0;
    }

    /// Requests the host refused during this command, for the CLI to report even when the
    /// adapter swallowed the error.
    pub fn take_refusals(&mut self) -> Vec<String> {
        std::mem::take(&mut self.refusals)
    }

    /// A setting for `config.get`.
    pub fn setting(&self, key: &str) -> Option<String> {
        self.config.settings.get(key).cloned()
    }

    /// The adapter name.
    pub fn adapter(&self) -> &str {
        &self.config.adapter
    }

    fn refuse(&mut self, message: String) -> types::Error {
        tracing::debug!(adapter = %self.config.adapter, "refused: {message}");
        self.refusals.push(message.clone());
        types::Error::Denied(message)
    }

    fn binding(&mut self, name: &str) -> Result<Binding, types::Error> {
        match self.config.bindings.get(name) {
            Some(b) => Ok(b.clone()),
            None => Err(self.refuse(format!(
                "adapter {} may not use credential {name:?}: it did not declare it, or it was \
                 not approved at install",
                self.config.adapter
            ))),
        }
    }

    /// Resolves (once per command) the stored credential behind an adapter credential name.
    fn credential(&mut self, binding: &Binding) -> Result<&Credential, types::Error> {
        let key = binding.spec.name.clone();
        if !self.resolved.contains_key(&key) {
            let Some(store) = self.store.as_ref() else {
                return Err(self.refuse("no credentials are available here".into()));
            };
            let fields: Vec<String> = binding.spec.fields.iter().map(|f| f.name.clone()).collect();
            match store.resolve(&binding.stored, &fields) {
                Ok(credential) => {
                    self.resolved.insert(key.clone(), credential);
                }
                Err(err) => return Err(self.refuse(format!("{err:#}"))),
            }
        }
        Ok(&self.resolved[&key])
    }

    /// Every secret value this command knows (credential secret fields and secret inputs),
    /// to scrub from responses.
    fn known_secrets(&self) -> Vec<(Vec<u8>, String)> {
        let mut out = self.config.secrets.scrub_pairs();
        for (name, credential) in &self.resolved {
            let Some(binding) = self.config.bindings.get(name) else {
                continue;
            };
            for field in binding.spec.fields.iter().filter(|f| f.secret) {
                if let Some(value) = credential.field(&field.name) {
                    out.push((
                        value.expose().as_bytes().to_vec(),
                        format!("[redacted {name}.{}]", field.name),
                    ));
                }
            }
        }
        for value in self.sessions.values() {
            out.push((
                value.expose().as_bytes().to_vec(),
                "[redacted session token]".to_string(),
            ));
        }
        out
    }
}

/// Parses the host patterns of a description; invalid ones are an install error.
pub fn parse_patterns(patterns: &[String]) -> anyhow::Result<Vec<HostPattern>> {
    patterns
        .iter()
        .map(|p| HostPattern::parse(p).map_err(anyhow::Error::msg))
        .collect()
}

/// The origin of a profile's `endpoint` setting, if it has one.
pub fn endpoint_origin(settings: &BTreeMap<String, String>) -> anyhow::Result<Option<Origin>> {
    settings
        .get("endpoint")
        .map(|e| Origin::parse(e).map_err(|err| anyhow::anyhow!("invalid endpoint {e:?}: {err}")))
        .transpose()
}
