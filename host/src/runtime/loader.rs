//! Compiling adapters, with an on-disk cache of compiled components.
//!
//! The cache key is the component's sha256 plus a hash of the engine's compatibility
//! settings (wasmtime version, target, epoch interruption, ...), so a compiled artifact is only
//! ever loaded by an engine that could have produced it.

use anyhow::{Context as _, Result};
use sha2::{Digest as _, Sha256};
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::Path;
use wasmtime::Engine;
use wasmtime::component::Component;

/// The sha256 of `bytes`, lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn compatibility_key(engine: &Engine) -> String {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Whether a component came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Loaded from a compiled artifact on disk.
    Cache,
    /// Compiled now (and written to the cache).
    Compiled,
}

/// Loads `bytes` (whose sha256 is `sha256`), from `cache_dir` when it holds a compiled copy.
pub(crate) fn load(
    engine: &Engine,
    cache_dir: &Path,
    sha256: &str,
    bytes: &[u8],
) -> Result<(Component, Source)> {
    anyhow::ensure!(
        sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()),
        "invalid sha256"
    );
    let file = cache_dir.join(format!("{sha256}-{}.cwasm", compatibility_key(engine)));
    if file.exists() {
        match deserialize(engine, &file) {
            Ok(component) => return Ok((component, Source::Cache)),
            Err(err) => tracing::debug!("ignoring unusable compile cache entry: {err:#}"),
        }
    }
    let compiled = engine
        .precompile_component(bytes)
        .map_err(anyhow::Error::from)
        .context("failed to compile the adapter")?;
    std::fs::create_dir_all(cache_dir)
        .with_context(|| format!("failed to create {}", cache_dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(cache_dir)?;
    std::fs::write(tmp.path(), &compiled)?;
    tmp.persist(&file)
        .with_context(|| format!("failed to write {}", file.display()))?;
    let component = deserialize(engine, &file)?;
    Ok((component, Source::Compiled))
}

#[expect(
    unsafe_code,
    reason = "loads native code that this host compiled into its own cache, keyed by the \
              approved component's sha256 and the engine's compatibility hash"
)]
fn deserialize(engine: &Engine, file: &Path) -> Result<Component> {
    // SAFETY: the file was produced by `Engine::precompile_component` of an engine with the
    // same compatibility hash and lives in the user's private (0700) cache directory.
    let component = unsafe { Component::deserialize_file(engine, file) }?;
    Ok(component)
}
