//! Profiles, the adapter lock file and host limits, stored as TOML under `config/`.

use crate::home::{self, Area, Home};
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

const PROFILES: &str = "profiles.toml";
const LOCK: &str = "adapters.lock";
const SETTINGS: &str = "config.toml";

/// A profile: one adapter, the credentials it uses and its settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Profile {
    /// Installed adapter name.
    pub adapter: String,
    /// Adapter credential name → stored credential name.
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
    /// Non-secret settings (region, endpoint, ...).
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// A PEM file whose certificates are the only roots this profile's HTTPS requests trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<std::path::PathBuf>,
}

/// All profiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Profiles {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// What was approved for one installed adapter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct LockEntry {
    /// Adapter version as described.
    pub version: String,
    /// Provider as described.
    pub provider: String,
    /// WIT package version the component targets.
    pub wit: String,
    /// sha256 of the approved component, hex.
    pub sha256: String,
    /// File name under `adapters/`.
    pub file: String,
    /// Host patterns the user granted.
    pub hosts: Vec<String>,
    /// Credential names the user allowed the adapter to use.
    pub credentials: Vec<String>,
    /// When it was approved (RFC 3339).
    pub approved_at: String,
    /// What the signature check at install found (see [`crate::signature`]), e.g.
    /// `minisign key 1A2B3C4D5E6F7081` or `unsigned (allowed by --allow-unsigned)`.
    #[serde(default = "signature_not_recorded")]
    pub signature: String,
    /// The secret inputs the adapter declared, each with where its value may go; absent in
    /// entries approved before they were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_inputs: Option<Vec<String>>,
    /// Where the component came from when it was installed from an OCI registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistrySource>,
}

/// The registry reference an adapter was installed from, and the manifest digest pinned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct RegistrySource {
    /// The reference as installed: `REGISTRY/REPOSITORY:TAG` or `REGISTRY/REPOSITORY@DIGEST`.
    pub reference: String,
    /// The digest of the manifest that was installed (`sha256:...`).
    pub digest: String,
}

fn signature_not_recorded() -> String {
    "not recorded (approved before signature checks)".into()
}

/// The lock file: installed adapters pinned by sha256.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Lock {
    /// Entries by adapter name.
    #[serde(default)]
    pub adapters: BTreeMap<String, LockEntry>,
}

/// Resource limits applied to every adapter call. Defaults are documented in the README.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Limits {
    /// Linear memory an adapter may use, MiB.
    pub memory_mib: u64,
    /// Wall-clock deadline of one adapter call, seconds (epoch interruption).
    pub call_deadline_secs: u64,
    /// Requests one adapter call may send.
    pub requests_per_call: u32,
    /// Largest response body handed to an adapter, bytes.
    pub max_response_bytes: u64,
    /// Timeout of one HTTP request, seconds.
    pub request_timeout_secs: u64,
    /// Retries of a request: of any request on 429 or when its connection could not be made;
    /// of an idempotent one also on 502, 503, 504 and a broken connection.
    pub retries: u32,
    /// First backoff between retries, milliseconds; it doubles with each retry.
    pub retry_base_ms: u64,
    /// Longest time one command spends retrying, seconds, across all its requests.
    pub retry_deadline_secs: u64,
    /// Longest `Retry-After` honoured, seconds.
    pub max_retry_after_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_mib: 128,
            call_deadline_secs: 60,
            requests_per_call: 200,
            max_response_bytes: 16 * 1024 * 1024,
            request_timeout_secs: 30,
            retries: 3,
            retry_base_ms: 200,
            retry_deadline_secs: 60,
            max_retry_after_secs: 30,
        }
    }
}

impl Limits {
    /// The call deadline.
    pub(crate) fn call_deadline(&self) -> Duration {
        Duration::from_secs(self.call_deadline_secs)
    }
}

/// Keys trusted to sign adapter components (`[trust]` in `config.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Trust {
    /// Minisign public keys (the base64 line of a `minisign.pub`). When any is set, install
    /// refuses components without a valid signature by one of them unless `--allow-unsigned`.
    pub keys: Vec<String>,
}

/// How portico reaches one OCI registry (`[registries."HOST[:PORT]"]` in `config.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RegistryConfig {
    /// Stored credential to authenticate with (`username` and `password` fields, or `token`);
    /// none: anonymous.
    pub credential: Option<String>,
    /// A PEM file whose certificates are the only roots trusted for this registry.
    #[serde(alias = "ca-file")]
    pub ca_file: Option<std::path::PathBuf>,
    /// `true`: plain HTTP; `false`: HTTPS. Default: plain HTTP for a loopback registry without
    /// a CA file, HTTPS otherwise.
    pub insecure: Option<bool>,
}

/// Host settings (`config/config.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Settings {
    /// Resource limits.
    pub limits: Limits,
    /// Trusted signing keys.
    pub trust: Trust,
    /// OCI registries by host (with the port, when it is not the scheme's).
    pub registries: BTreeMap<String, RegistryConfig>,
}

/// Typed access to the files under `config/`.
#[derive(Debug, Clone)]
pub(crate) struct ConfigStore {
    home: Home,
}

impl ConfigStore {
    /// The config of `home`.
    pub(crate) fn new(home: Home) -> Self {
        Self { home }
    }

    /// Loads the profiles.
    pub(crate) fn profiles(&self) -> Result<Profiles> {
        self.load(PROFILES)
    }

    /// Saves the profiles.
    pub(crate) fn save_profiles(&self, profiles: &Profiles) -> Result<()> {
        self.save(PROFILES, profiles)
    }

    /// Loads the lock file.
    pub(crate) fn lock(&self) -> Result<Lock> {
        self.load(LOCK)
    }

    /// Saves the lock file.
    pub(crate) fn save_lock(&self, lock: &Lock) -> Result<()> {
        self.save(LOCK, lock)
    }

    /// Loads the host settings.
    pub(crate) fn settings(&self) -> Result<Settings> {
        self.load(SETTINGS)
    }

    fn load<T: for<'de> Deserialize<'de> + Default>(&self, name: &str) -> Result<T> {
        let dir = self.home.dir(Area::Config)?;
        let Some(bytes) = home::read_optional(&dir, name)? else {
            return Ok(T::default());
        };
        let path = self.home.path(Area::Config).join(name);
        let text =
            String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
        toml::from_str(&text).with_context(|| format!("failed to parse {}", path.display()))
    }

    fn save<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let dir = self.home.dir(Area::Config)?;
        let text = toml::to_string_pretty(value).context("failed to encode config")?;
        home::write_atomic(&dir, name, text.as_bytes(), 0o600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_defaults() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(Home::at(tmp.path().to_path_buf()));
        assert!(store.profiles().unwrap().profiles.is_empty());
        assert_eq!(store.settings().unwrap().limits, Limits::default());
        let mut profiles = Profiles::default();
        profiles.profiles.insert(
            "p".into(),
            Profile {
                adapter: "ionos-vpn".into(),
                credentials: BTreeMap::from([("ionos".into(), "mine".into())]),
                settings: BTreeMap::from([("region".into(), "de-fra".into())]),
                ca_file: Some("/etc/corp-ca.pem".into()),
            },
        );
        store.save_profiles(&profiles).unwrap();
        assert_eq!(
            store.profiles().unwrap().profiles["p"],
            profiles.profiles["p"]
        );
    }

    #[test]
    fn partial_limits_keep_defaults() {
        let s: Settings = toml::from_str("[limits]\nmemory_mib = 64\n").unwrap();
        assert_eq!(s.limits.memory_mib, 64);
        assert_eq!(
            s.limits.requests_per_call,
            Limits::default().requests_per_call
        );
        assert!(toml::from_str::<Settings>("[limits]\nbogus = 1\n").is_err());
        assert!(s.trust.keys.is_empty());
        let t: Settings = toml::from_str("[trust]\nkeys = [\"RWQabc\"]\n").unwrap();
        assert_eq!(t.trust.keys, ["RWQabc"]);
        assert!(toml::from_str::<Settings>("[trust]\nkey = \"x\"\n").is_err());
    }

    #[test]
    fn registries_are_keyed_by_host() {
        let s: Settings = toml::from_str(
            "[registries.\"127.0.0.1:5000\"]\ncredential = \"reg\"\n\
             [registries.\"registry.example.com\"]\nca-file = \"/etc/ca.pem\"\ninsecure = false\n",
        )
        .unwrap();
        assert_eq!(
            s.registries["127.0.0.1:5000"].credential.as_deref(),
            Some("reg")
        );
        let tls = &s.registries["registry.example.com"];
        assert_eq!(
            tls.ca_file.as_deref(),
            Some(std::path::Path::new("/etc/ca.pem"))
        );
        assert_eq!(tls.insecure, Some(false));
        assert!(toml::from_str::<Settings>("[registries.x]\npassword = \"p\"\n").is_err());
    }

    #[test]
    fn lock_entries_from_before_signatures_still_load() {
        let old = "[adapters.a]\nversion = \"1\"\nprovider = \"p\"\nwit = \"0.1.0\"\n\
                   sha256 = \"00\"\nfile = \"a.wasm\"\nhosts = []\ncredentials = []\n\
                   approved_at = \"2025-01-01T00:00:00Z\"\n";
        let lock: Lock = toml::from_str(old).unwrap();
        assert!(lock.adapters["a"].signature.starts_with("not recorded"));
        let text = toml::to_string_pretty(&lock).unwrap();
        let again: Lock = toml::from_str(&text).unwrap();
        assert_eq!(again.adapters["a"], lock.adapters["a"]);
    }
}
