//! The portico home directory: config, data and cache, all under one root.
//!
//! `PORTICO_HOME` selects the root (tests point it at a temporary directory); otherwise it is
//! `~/.portico`. Every file the host opens under it goes through a [`cap_std::fs::Dir`] and a
//! validated name, so a name that came from a guest or a config file cannot escape its directory.

use anyhow::{Context as _, Result};
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The directories of one portico installation.
#[derive(Debug, Clone)]
pub(crate) struct Home {
    root: PathBuf,
}

/// The sub-directories of [`Home`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    /// Profiles, the adapter lock file, credentials.
    Config,
    /// The audit log.
    Data,
    /// Compiled components and session caches.
    Cache,
    /// Installed adapter components.
    Adapters,
}

impl Area {
    fn dir_name(self) -> &'static str {
        match self {
            Area::Config => "config",
            Area::Data => "data",
            Area::Cache => "cache",
            Area::Adapters => "adapters",
        }
    }
}

impl Home {
    /// The home named by `PORTICO_HOME`, or `~/.portico`.
    pub(crate) fn from_env() -> Result<Self> {
        if let Some(root) = std::env::var_os("PORTICO_HOME").filter(|v| !v.is_empty()) {
            return Ok(Self::at(PathBuf::from(root)));
        }
        let home = std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .context("neither PORTICO_HOME nor HOME is set")?;
        Ok(Self::at(Path::new(&home).join(".portico")))
    }

    /// A home rooted at `root`.
    pub(crate) fn at(root: PathBuf) -> Self {
        Self { root }
    }

    /// The path of an area.
    pub(crate) fn path(&self, area: Area) -> PathBuf {
        self.root.join(area.dir_name())
    }

    /// Where compiled adapters are cached: `PORTICO_COMPILE_CACHE` when set (homes that share
    /// one, such as a CI run's test homes, compile each component once; entries are keyed by
    /// the component's sha256 and the engine's compatibility hash, so sharing is safe), else
    /// `cache/compiled` of this home.
    pub(crate) fn compile_cache(&self) -> PathBuf {
        std::env::var_os("PORTICO_COMPILE_CACHE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.path(Area::Cache).join("compiled"))
    }

    /// Opens (creating if needed, mode 0700) one area as a capability.
    pub(crate) fn dir(&self, area: Area) -> Result<Dir> {
        let path = self.path(area);
        create_private_dir(&path)?;
        Dir::open_ambient_dir(&path, ambient_authority())
            .with_context(|| format!("failed to open {}", path.display()))
    }
}

fn create_private_dir(path: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("failed to create {}", path.display()))
}

/// Checks that `name` is a plain name (adapter, profile, credential): lower-case letters,
/// digits, `-` and `_`, starting with a letter or digit, at most 64 characters. Rejects `..`,
/// separators and absolute paths by construction.
pub(crate) fn validate_name(kind: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        return Err(crate::error::input(format!(
            "invalid {kind} name {name:?}: use lower-case letters, digits, '-' and '_' (at most 64)"
        )));
    }
    Ok(())
}

/// Writes `contents` to `name` in `dir` atomically (temporary file + rename), with `mode`.
pub(crate) fn write_atomic(dir: &Dir, name: &str, contents: &[u8], mode: u32) -> Result<()> {
    let tmp = format!(".{name}.tmp-{}", std::process::id());
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    cap_std::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = dir
        .open_with(&tmp, &options)
        .with_context(|| format!("failed to write {name}"))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("failed to write {name}"))?;
    drop(file);
    dir.rename(&tmp, dir, name)
        .with_context(|| format!("failed to replace {name}"))?;
    Ok(())
}

/// Reads `name` from `dir`, `None` when it does not exist.
pub(crate) fn read_optional(dir: &Dir, name: &str) -> Result<Option<Vec<u8>>> {
    match dir.read(name) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("failed to read {name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_contained() {
        for good in ["ionos-vpn", "prod_1", "a", "0x"] {
            validate_name("profile", good).unwrap();
        }
        for bad in [
            "", "../etc", "/abs", "a/b", "A", "-x", ".hidden", "x y", "a\\b", "..",
        ] {
            assert!(validate_name("profile", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn cap_std_refuses_escape() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().to_path_buf());
        let dir = home.dir(Area::Config).unwrap();
        assert!(dir.read("../../etc/passwd").is_err());
        write_atomic(&dir, "x.toml", b"a = 1", 0o600).unwrap();
        assert_eq!(read_optional(&dir, "x.toml").unwrap().unwrap(), b"a = 1");
        assert!(read_optional(&dir, "missing").unwrap().is_none());
    }
}
