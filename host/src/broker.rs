//! The broker: the only way an adapter reaches the network or a credential.
//!
//! One [`Broker`] serves one CLI command. It knows what the user approved for the adapter
//! (granted hosts, allowed credentials), the profile (configured endpoint, credential names,
//! settings), the secret inputs given for this command, and the limits. Every request goes
//! through [`Broker::send`]: budget, egress policy, header policy, credential injection,
//! secret-input substitution, retries, size cap, response scrubbing and an audit record.
//!
//! The broker implements the WIT imports (`http`, `credentials`, `config`, `log`) on itself,
//! so the runtime links them with an accessor into its store data and the broker never names
//! the store type. What it decides is typed ([`failure::Failure`]) and becomes a contract
//! error only at that edge.

pub(crate) mod audit;
mod binding;
mod config;
mod credentials;
mod exchange;
pub(crate) mod failure;
mod headers;
mod http;
mod log;
mod network;
mod placement;
pub(crate) mod policy;
mod resolve;
pub(crate) mod roots;
pub(crate) mod scheme;
pub(crate) mod scrub;
pub(crate) mod secrets;
pub(crate) mod tape;
pub(crate) mod tokens;
mod wire;

pub(crate) use binding::{ProfileGrant, endpoint_origin};
pub(crate) use network::Network;

use crate::config::Limits;
use crate::credential_store::{Credential, CredentialStore};
use crate::secret::SecretString;
use crate::wit::adapter;
use audit::Audit;
use failure::{DenialReason, Failure};
use placement::Placements;
use policy::{Grants, HostPattern};
use scrub::{Scrubber, Secret};
use secrets::SecretInputs;
use std::collections::BTreeMap;
use tape::Tape;
use tokens::TokenCache;

/// A credential the adapter declared, as bound for this command.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    /// The adapter's declaration.
    pub spec: adapter::CredentialSpec,
    /// Stored credential name to use.
    pub stored: String,
    /// Hosts the credential may be sent to: its declared hosts that were granted, plus the
    /// profile's endpoint.
    pub hosts: Grants,
}

/// Everything a broker is built from (see [`BrokerConfig::for_profile`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct BrokerConfig {
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
    /// Other secret values of this command, scrubbed from responses but never placed.
    pub other_secrets: Vec<SecretString>,
    /// Where each secret input may be placed.
    pub placements: Placements,
    /// A cassette to record into or replay from.
    pub tape: Option<Tape>,
    /// Header names (lower case) the adapter's credential schemes fill; guests may not set them.
    pub credential_headers: Vec<String>,
    /// Limits.
    pub limits: Limits,
    /// The profile's CA file: the only roots its HTTPS requests trust.
    pub ca_file: Option<std::path::PathBuf>,
}

/// Per-command broker state.
pub(crate) struct Broker {
    config: BrokerConfig,
    store: Option<CredentialStore>,
    resolved: BTreeMap<String, Credential>,
    network: Network,
    audit: Option<Audit>,
    tokens: TokenCache,
    requests_this_call: u32,
    refusals: Vec<String>,
    scrubbed: usize,
    /// When the command started, for the retry deadline.
    started: std::time::Instant,
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
    pub(crate) fn closed(adapter: &str, network: Network, limits: Limits) -> Self {
        Self {
            config: BrokerConfig {
                adapter: adapter.to_string(),
                limits,
                ..BrokerConfig::default()
            },
            store: None,
            resolved: BTreeMap::new(),
            network,
            audit: None,
            tokens: TokenCache::default(),
            requests_this_call: 0,
            refusals: Vec::new(),
            scrubbed: 0,
            started: std::time::Instant::now(),
        }
    }

    /// Opens the broker for one profile's command (after `describe()` told the host what the
    /// adapter needs). The profile's endpoint, which the user named, may resolve to a private
    /// address; every other host name must resolve to public ones.
    pub(crate) fn configure(
        &mut self,
        config: BrokerConfig,
        store: CredentialStore,
        audit: Audit,
        tokens: TokenCache,
    ) {
        if let Some(endpoint) = config.grants.endpoint() {
            self.network
                .allow_private(endpoint.host.trim_matches(['[', ']']));
        }
        self.config = config;
        self.store = Some(store);
        self.audit = Some(audit);
        self.tokens = tokens;
    }

    /// Replaces the secret inputs of the calls that follow (`apply` gives each resource its
    /// own); the values of `others` (the other resources' inputs) stay in the scrubber, so no
    /// response hands one to the adapter.
    pub(crate) fn use_secrets(&mut self, current: SecretInputs, others: Vec<SecretString>) {
        self.config.secrets = current;
        self.config.other_secrets = others;
    }

    /// Resets per-call counters; called before every export call.
    pub(crate) fn begin_call(&mut self) {
        self.requests_this_call = 0;
    }

    /// Requests the host refused during this command, for the CLI to report even when the
    /// adapter swallowed the error.
    pub(crate) fn take_refusals(&mut self) -> Vec<String> {
        std::mem::take(&mut self.refusals)
    }

    /// Whether requests are answered from a cassette.
    fn replaying(&self) -> bool {
        self.config.tape.as_ref().is_some_and(Tape::is_replay)
    }

    /// The adapter name.
    pub(crate) fn adapter(&self) -> &str {
        &self.config.adapter
    }

    /// Records a refusal (for [`Broker::take_refusals`]) and returns it.
    fn refuse(&mut self, failure: Failure) -> Failure {
        tracing::debug!(adapter = %self.config.adapter, "refused: {failure}");
        if failure.is_refusal() {
            self.refusals.push(failure.message().to_string());
        }
        failure
    }

    fn deny(&mut self, reason: DenialReason, message: impl Into<String>) -> Failure {
        self.refuse(Failure::denied(reason, message))
    }

    /// The HTTP client of this profile (its CA file's, or the system roots').
    fn client(&self) -> Result<reqwest::Client, Failure> {
        self.network
            .client(self.config.ca_file.as_deref())
            .map_err(|e| {
                Failure::transport(failure::TransportKind::Connect, false, format!("{e:#}"))
            })
    }

    fn binding(&mut self, name: &str) -> Result<Binding, Failure> {
        match self.config.bindings.get(name) {
            Some(b) => Ok(b.clone()),
            None => Err(self.deny(
                DenialReason::CredentialNotBound,
                format!(
                    "adapter {} may not use credential {name:?}: it did not declare it, or it \
                     was not approved at install",
                    self.config.adapter
                ),
            )),
        }
    }

    /// Resolves (once per command) the stored credential behind an adapter credential name.
    fn credential(&mut self, binding: &Binding) -> Result<&Credential, Failure> {
        let key = binding.spec.name.clone();
        if !self.resolved.contains_key(&key) {
            let Some(store) = self.store.as_ref() else {
                return Err(self.deny(
                    DenialReason::CredentialNotBound,
                    "no credentials are available here",
                ));
            };
            let fields: Vec<String> = binding.spec.fields.iter().map(|f| f.name.clone()).collect();
            match store.resolve(&binding.stored, &fields) {
                Ok(credential) => {
                    self.resolved.insert(key.clone(), credential);
                }
                Err(err) => {
                    return Err(self.deny(DenialReason::CredentialNotBound, format!("{err:#}")));
                }
            }
        }
        Ok(&self.resolved[&key])
    }

    /// A scrubber of every secret value this command knows (secret inputs, credential secret
    /// fields, session tokens), plus `extra`.
    fn scrubber(&self, extra: &[Secret]) -> Scrubber {
        let mut secrets: Vec<Secret> = self
            .config
            .secrets
            .iter()
            .map(|(name, value)| Secret {
                value: value.expose().as_bytes().to_vec(),
                exact: secrets::placeholder(name),
                altered: format!("[redacted {name}]"),
            })
            .collect();
        for (name, credential) in &self.resolved {
            let Some(binding) = self.config.bindings.get(name) else {
                continue;
            };
            for field in binding.spec.fields.iter().filter(|f| f.secret) {
                if let Some(value) = credential.field(&field.name) {
                    secrets.push(Secret::named(
                        value,
                        format!("[redacted {name}.{}]", field.name),
                    ));
                }
            }
        }
        for value in self.tokens.values() {
            secrets.push(Secret::named(value, "[redacted session token]".to_string()));
        }
        for value in &self.config.other_secrets {
            secrets.push(Secret::named(value, "[redacted secret input]".to_string()));
        }
        secrets.extend_from_slice(extra);
        Scrubber::new(&secrets)
    }

    /// Every secret value this command knows, for the conformance suite's memory scan.
    #[cfg(feature = "memory-dump")]
    pub(crate) fn secret_values(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .config
            .secrets
            .iter()
            .map(|(_, v)| v.expose().as_bytes().to_vec())
            .collect();
        for (name, credential) in &self.resolved {
            if let Some(binding) = self.config.bindings.get(name) {
                for field in binding.spec.fields.iter().filter(|f| f.secret) {
                    if let Some(v) = credential.field(&field.name) {
                        out.push(v.expose().as_bytes().to_vec());
                    }
                }
            }
        }
        out.extend(self.tokens.values().map(|v| v.expose().as_bytes().to_vec()));
        out.extend(
            self.config
                .other_secrets
                .iter()
                .map(|v| v.expose().as_bytes().to_vec()),
        );
        out
    }

    /// Counts scrubbed places; the first time, says so at `-v`.
    fn note_scrubbed(&mut self, count: usize) {
        if count == 0 {
            return;
        }
        if self.scrubbed == 0 {
            tracing::info!(
                "portico removed secret values from a response to adapter {} before the \
                 adapter saw it",
                self.config.adapter
            );
        }
        self.scrubbed += count;
    }
}

impl crate::wit::types::Host for Broker {}

impl crate::wit::v0_1_0::types::Host for Broker {}
