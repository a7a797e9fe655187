//! Tokens obtained through a credential's token-exchange scheme, cached in memory for the
//! command and in `cache/sessions/` (0600) so consecutive commands reuse them until shortly
//! before they expire.
//!
//! A cached session is keyed by everything that decides which tokens an exchange would return:
//! the adapter, the stored credential name, the origin, the exchange request and the credential
//! field values (so a rotated key never reuses tokens of the old one). The file name is
//! `<credential>-<sha256 of that key>.json`; the file holds the header values to send and their
//! expiry. `portico credential remove NAME` deletes the sessions of `NAME`.

use crate::home::{self, Area, Home};
use crate::secret::SecretString;
use anyhow::{Context as _, Result};
use cap_std::fs::Dir;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// Directory under `cache/` holding session files.
pub(crate) const DIR: &str = "sessions";

/// Directory under `cache/` holding the (empty) lock files of sessions.
const LOCKS: &str = "session-locks";

/// Header values obtained by one exchange, and when they stop being valid.
#[derive(Clone)]
pub(crate) struct Tokens {
    /// `(header name, value)` pairs, prefix included.
    pub headers: Vec<(String, SecretString)>,
    /// When the provider said they expire.
    pub expires_at: SystemTime,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field(
                "headers",
                &self.headers.iter().map(|(h, _)| h).collect::<Vec<_>>(),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Tokens {
    /// Whether the tokens are still good for a request starting now: they are renewed a margin
    /// before expiry (a tenth of their lifetime, between 30 seconds and 5 minutes), so a
    /// request never leaves with a token about to lapse.
    pub(crate) fn fresh(&self, lifetime: Duration) -> bool {
        let margin = (lifetime / 10).clamp(Duration::from_secs(30), Duration::from_secs(300));
        SystemTime::now() + margin < self.expires_at
    }
}

#[derive(Serialize, Deserialize)]
struct File {
    expires_at: u64,
    lifetime: u64,
    headers: Vec<(String, String)>,
}

/// The token cache (sessions) of one command.
#[derive(Clone, Default)]
pub(crate) struct TokenCache {
    dir: Option<Arc<Dir>>,
    locks: Option<Arc<Dir>>,
    memory: BTreeMap<String, (Tokens, Duration)>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("cached", &self.memory.len())
            .finish_non_exhaustive()
    }
}

/// What identifies a session: see the module documentation.
pub(crate) struct Key {
    credential: String,
    digest: String,
}

impl Key {
    /// The key for `credential` of `adapter` at `origin`, exchanged with `request` (method,
    /// path and body template) from `fields` (name and value, in a stable order).
    pub(crate) fn new(
        adapter: &str,
        credential: &str,
        origin: &str,
        request: &[&str],
        fields: &[(&str, &SecretString)],
    ) -> Self {
        let mut hash = sha2::Sha256::new();
        for part in [adapter, credential, origin].iter().chain(request) {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
        for (name, value) in fields {
            hash.update((name.len() as u64).to_le_bytes());
            hash.update(name.as_bytes());
            hash.update((value.expose().len() as u64).to_le_bytes());
            hash.update(value.expose().as_bytes());
        }
        Self {
            credential: credential.to_string(),
            digest: hex::encode(hash.finalize()),
        }
    }

    fn file_name(&self) -> String {
        format!("{}-{}.json", self.credential, self.digest)
    }

    fn lock_name(&self) -> String {
        format!("{}-{}.lock", self.credential, self.digest)
    }
}

impl TokenCache {
    /// The sessions of `home`; `cache/sessions` is created (0700) on first use.
    pub(crate) fn open(home: &Home) -> Result<Self> {
        let cache = home.dir(Area::Cache)?;
        let mut builder = cap_std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        cap_std::fs::DirBuilderExt::mode(&mut builder, 0o700);
        cache
            .create_dir_with(DIR, &builder)
            .context("failed to create the session cache")?;
        let dir = cache
            .open_dir(DIR)
            .context("failed to open the session cache")?;
        cache
            .create_dir_with(LOCKS, &builder)
            .context("failed to create the session locks")?;
        let locks = cache
            .open_dir(LOCKS)
            .context("failed to open the session locks")?;
        Ok(Self {
            dir: Some(Arc::new(dir)),
            locks: Some(Arc::new(locks)),
            memory: BTreeMap::new(),
        })
    }

    /// Fresh tokens for `key`, from memory or from the session file.
    pub(crate) fn get(&mut self, key: &Key) -> Option<Tokens> {
        let name = key.file_name();
        if let Some((tokens, lifetime)) = self.memory.get(&name) {
            return tokens.fresh(*lifetime).then(|| tokens.clone());
        }
        let (tokens, lifetime) = self.read(&name)?;
        if !tokens.fresh(lifetime) {
            return None;
        }
        self.memory.insert(name, (tokens.clone(), lifetime));
        Some(tokens)
    }

    /// Remembers `tokens` for `key`, in memory and on disk. A failure to write the file only
    /// costs a later exchange, so it is logged, not returned.
    pub(crate) fn put(&mut self, key: &Key, tokens: Tokens, lifetime: Duration) {
        let name = key.file_name();
        if let Some(dir) = &self.dir {
            let file = File {
                expires_at: tokens
                    .expires_at
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
                lifetime: lifetime.as_secs(),
                headers: tokens
                    .headers
                    .iter()
                    .map(|(h, v)| (h.clone(), v.expose().to_string()))
                    .collect(),
            };
            let text = Zeroizing::new(serde_json::to_vec(&file).unwrap_or_default());
            zeroize_file(file);
            if let Err(err) = home::write_atomic(dir, &name, &text, 0o600) {
                tracing::warn!(
                    "failed to save the session of credential {}: {err:#}",
                    key.credential
                );
            }
        }
        self.memory.insert(name, (tokens, lifetime));
    }

    /// Holds the cross-process lock of `key` until the guard is dropped, so that of several
    /// processes that all miss the cache, one makes the exchange and the others read its result.
    /// Waits at most `patience`; `None` when there is no session directory or the lock could
    /// not be had (the caller then exchanges anyway: a spare exchange, never a failure).
    pub(crate) async fn lock(&self, key: &Key, patience: Duration) -> Option<SessionLock> {
        let dir = self.locks.as_ref()?;
        let mut options = cap_std::fs::OpenOptions::new();
        options.create(true).write(true);
        #[cfg(unix)]
        cap_std::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = dir.open_with(key.lock_name(), &options).ok()?.into_std();
        let started = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Some(SessionLock(file)),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < patience => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(err) => {
                    tracing::debug!("no session lock for credential {}: {err}", key.credential);
                    return None;
                }
            }
        }
    }

    /// Forgets the tokens of `key` (after the provider refused them).
    pub(crate) fn forget(&mut self, key: &Key) {
        let name = key.file_name();
        self.memory.remove(&name);
        if let Some(dir) = &self.dir {
            let _ = dir.remove_file(&name);
        }
    }

    /// Every token value held in memory, to scrub from responses.
    pub(crate) fn values(&self) -> impl Iterator<Item = &SecretString> {
        self.memory
            .values()
            .flat_map(|(tokens, _)| tokens.headers.iter().map(|(_, v)| v))
    }

    fn read(&self, name: &str) -> Option<(Tokens, Duration)> {
        let dir = self.dir.as_ref()?;
        let bytes = Zeroizing::new(home::read_optional(dir, name).ok()??);
        #[cfg(unix)]
        {
            use cap_std::fs::PermissionsExt as _;
            let mode = dir.metadata(name).ok()?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!("ignoring session file {name}: others can read it");
                return None;
            }
        }
        let file: File = serde_json::from_slice(&bytes).ok()?;
        let tokens = Tokens {
            headers: file
                .headers
                .iter()
                .map(|(h, v)| (h.clone(), SecretString::new(v.clone())))
                .collect(),
            expires_at: UNIX_EPOCH + Duration::from_secs(file.expires_at),
        };
        let lifetime = Duration::from_secs(file.lifetime);
        zeroize_file(file);
        Some((tokens, lifetime))
    }
}

fn zeroize_file(file: File) {
    for (_, value) in file.headers {
        drop(Zeroizing::new(value));
    }
}

/// The cross-process lock of one session, held until dropped.
pub(crate) struct SessionLock(std::fs::File);

impl Drop for SessionLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Deletes every session file of stored credential `credential`.
pub(crate) fn remove_all(home: &Home, credential: &str) -> Result<usize> {
    let cache = home.dir(Area::Cache)?;
    let Ok(dir) = cache.open_dir(DIR) else {
        return Ok(0);
    };
    let prefix = format!("{credential}-");
    let mut removed = 0;
    for entry in dir.entries().context("failed to list the session cache")? {
        let entry = entry.context("failed to list the session cache")?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Credential names cannot contain '-' followed by 64 hex digits and ".json" at the
        // end, so `a` never removes the sessions of `a-b`.
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let is_session = rest.len() == 64 + ".json".len()
            && rest.ends_with(".json")
            && rest[..64].bytes().all(|b| b.is_ascii_hexdigit());
        if is_session {
            dir.remove_file(name)
                .with_context(|| format!("failed to remove session {name}"))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(credential: &str, secret: &str) -> Key {
        let value = SecretString::new(secret.into());
        Key::new(
            "soracom-vpg",
            credential,
            "https://api.soracom.io",
            &["POST", "/v1/auth", "{}"],
            &[("auth-key", &value)],
        )
    }

    fn tokens(valid_for: Duration) -> Tokens {
        Tokens {
            headers: vec![("x-token".into(), SecretString::new("tok-123".into()))],
            expires_at: SystemTime::now() + valid_for,
        }
    }

    #[test]
    fn sessions_survive_across_commands_in_a_private_file() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().to_path_buf());
        let mut first = TokenCache::open(&home).unwrap();
        let day = Duration::from_secs(86_400);
        first.put(&key("a", "k1"), tokens(day), day);
        let mut second = TokenCache::open(&home).unwrap();
        let got = second.get(&key("a", "k1")).expect("cached");
        assert_eq!(got.headers[0].1.expose(), "tok-123");
        // A rotated key does not reuse the session.
        assert!(second.get(&key("a", "k2")).is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let dir = tmp.path().join("cache").join(DIR);
            assert_eq!(
                std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
            for entry in std::fs::read_dir(&dir).unwrap() {
                let mode = entry.unwrap().metadata().unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
        }
    }

    #[test]
    fn tokens_are_renewed_shortly_before_expiry() {
        let day = Duration::from_secs(86_400);
        assert!(tokens(day).fresh(day));
        // Four minutes left of a day-long token: inside the five-minute margin.
        assert!(!tokens(Duration::from_secs(240)).fresh(day));
        // Twenty seconds left of a one-minute token: inside the 30-second floor.
        assert!(!tokens(Duration::from_secs(20)).fresh(Duration::from_secs(60)));
        assert!(tokens(Duration::from_secs(50)).fresh(Duration::from_secs(60)));
    }

    #[test]
    fn forget_and_remove_all() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().to_path_buf());
        let mut sessions = TokenCache::open(&home).unwrap();
        let day = Duration::from_secs(86_400);
        sessions.put(&key("a", "k1"), tokens(day), day);
        sessions.forget(&key("a", "k1"));
        assert!(
            TokenCache::open(&home)
                .unwrap()
                .get(&key("a", "k1"))
                .is_none()
        );
        sessions.put(&key("a", "k1"), tokens(day), day);
        sessions.put(&key("a-b", "k1"), tokens(day), day);
        assert_eq!(remove_all(&home, "a").unwrap(), 1);
        let mut fresh = TokenCache::open(&home).unwrap();
        assert!(fresh.get(&key("a", "k1")).is_none());
        assert!(fresh.get(&key("a-b", "k1")).is_some());
    }

    #[test]
    fn group_readable_session_files_are_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().to_path_buf());
        let day = Duration::from_secs(86_400);
        TokenCache::open(&home)
            .unwrap()
            .put(&key("a", "k1"), tokens(day), day);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let dir = tmp.path().join("cache").join(DIR);
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
            assert!(
                TokenCache::open(&home)
                    .unwrap()
                    .get(&key("a", "k1"))
                    .is_none()
            );
        }
    }
}
