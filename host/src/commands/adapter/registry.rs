//! `adapter publish`, `adapter install oci://REF`, `adapter outdated` and `adapter upgrade`:
//! adapters shipped through OCI registries ([`crate::registry`]).
//!
//! Install resolves a tag to a manifest digest first and reads everything pinned to that
//! digest, so what is shown, checked and approved is exactly what is recorded; the lock entry
//! keeps the reference and the digest. `outdated` reports newer semver tags in the installed
//! major and a tag that now names another digest (a moved tag); `upgrade` installs the one it
//! picks through the same approval as any install, so the approved digest keeps running until
//! the user says yes.

use super::install::{self, Approval, Candidate};
use crate::commands::Ctx;
use crate::config::{LockEntry, RegistrySource};
use crate::error::input;
use crate::output::Column;
use crate::registry::{AdapterRef, Registry, signature_tag};
use crate::runtime::loader;
use crate::secret::SecretString;
use crate::{broker::scheme, signature};
use anyhow::{Context as _, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Largest component read from a registry.
const MAX_COMPONENT_BYTES: u64 = 256 * 1024 * 1024;

/// The registry of `reference`, as `config.toml` configures it.
fn open(ctx: &Ctx, reference: &AdapterRef) -> Result<Registry> {
    let settings = ctx.config.settings()?;
    let timeout = Duration::from_secs(settings.limits.request_timeout_secs);
    Registry::open(&settings, &ctx.credentials, reference, timeout)
}

/// `adapter publish FILE REF [--sign KEY]`.
pub(super) async fn publish(
    ctx: &mut Ctx,
    file: &Path,
    reference: &str,
    sign: Option<&Path>,
) -> Result<()> {
    let reference = AdapterRef::parse(reference)?;
    let (Some(tag), None) = (reference.tag(), reference.digest()) else {
        return Err(input(format!(
            "publish to a tag that is the adapter's version, as in \
             {}:1.0.0",
            reference.repository()
        )));
    };
    let bytes =
        std::fs::read(file).with_context(|| format!("failed to read {}", file.display()))?;
    let sha256 = loader::sha256_hex(&bytes);
    let label = file.display().to_string();
    let loaded = ctx.runtime()?.load(&label, &bytes, &sha256)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    scheme::validate_description(&description)?;
    if tag != description.version {
        return Err(input(format!(
            "refusing to publish adapter {} {} as tag {tag}: the tag must be the version the \
             adapter describes ({}:{})",
            description.name,
            description.version,
            reference.repository(),
            description.version
        )));
    }
    let signed = match sign {
        Some(key) => {
            let comment = format!(
                "portico adapter {} {}",
                description.name, description.version
            );
            Some(signature::sign(&bytes, key, &comment, || {
                key_password(key)
            })?)
        }
        None => None,
    };
    let registry = open(ctx, &reference)?;
    let before = registry.resolve(&reference).await.ok();
    let annotations = BTreeMap::from([
        (
            "org.opencontainers.image.title".into(),
            description.name.clone(),
        ),
        (
            "org.opencontainers.image.version".into(),
            description.version.clone(),
        ),
        (
            "org.opencontainers.image.description".into(),
            description.summary.clone(),
        ),
    ]);
    let world = format!("portico:adapter/provider@{}", loaded.wit_version);
    let pushed = registry
        .push(&reference, bytes, &world, annotations)
        .await?;
    if let Some(old) = before.filter(|old| *old != pushed.digest) {
        eprintln!("note: tag {tag} moved from {old} to {}", pushed.digest);
    }
    let signature_at = match &signed {
        Some(text) => {
            let title = format!("{}.wasm.minisig", description.name);
            Some(
                registry
                    .push_signature(&reference, &pushed, text, &title)
                    .await?,
            )
        }
        None => None,
    };
    let view = json!({
        "name": description.name,
        "version": description.version,
        "reference": reference.to_string(),
        "digest": pushed.digest,
        "sha256": sha256,
        "signature": signature_at.as_ref().map(ToString::to_string),
    });
    if ctx.printer.is_human() {
        eprintln!(
            "published adapter {} {} (sha256 {sha256}){}",
            description.name,
            description.version,
            signature_at
                .map(|at| format!(", signature {at}"))
                .unwrap_or_default()
        );
        println!("oci://{}@{}", reference, pushed.digest);
        Ok(())
    } else {
        ctx.printer.document(&view)
    }
}

/// The password of minisign key `key`: asked on the terminal, or the first line of stdin.
fn key_password(key: &Path) -> Result<SecretString> {
    let prompt = format!("password of minisign key {}: ", key.display());
    if crate::commands::stdin_is_terminal() {
        let value = rpassword::prompt_password(prompt).context("failed to read the password")?;
        return Ok(SecretString::new(value));
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("failed to read the key's password from stdin")?;
    let value = SecretString::new(line.trim_end_matches(['\r', '\n']).to_string());
    zeroize::Zeroize::zeroize(&mut line);
    Ok(value)
}

/// `adapter install oci://REF`.
pub(super) async fn install(ctx: &mut Ctx, text: &str, approval: Approval<'_>) -> Result<()> {
    let reference = AdapterRef::parse(text)?;
    let registry = open(ctx, &reference)?;
    let digest = registry.resolve(&reference).await?;
    fetch_and_approve(ctx, &registry, &reference, &digest, approval).await
}

/// Reads `reference` pinned at `digest` and approves it.
async fn fetch_and_approve(
    ctx: &mut Ctx,
    registry: &Registry,
    reference: &AdapterRef,
    digest: &str,
    approval: Approval<'_>,
) -> Result<()> {
    let pulled = registry
        .pull(reference, digest, MAX_COMPONENT_BYTES)
        .await?;
    tracing::debug!(
        "pulled {reference} ({}), world {}",
        pulled.digest,
        pulled.world.as_deref().unwrap_or("not named")
    );
    let candidate = Candidate {
        label: format!("oci://{reference}"),
        bytes: pulled.bytes,
        signature: pulled.signature,
        explicit_signature: false,
        looked_for: format!(
            "a signature artifact tagged {} in {}",
            signature_tag(&pulled.digest),
            reference.repository()
        ),
        registry: Some(RegistrySource {
            reference: reference.to_string(),
            digest: pulled.digest,
        }),
    };
    install::approve(ctx, candidate, approval).await
}

/// The newest tag of `tags` that is a release with `installed`'s major and is newer than it.
fn newest_in_major(installed: &str, tags: &[String]) -> Option<String> {
    let installed = semver::Version::parse(installed).ok()?;
    tags.iter()
        .filter_map(|t| semver::Version::parse(t).ok().map(|v| (v, t)))
        .filter(|(v, _)| v.pre.is_empty() && v.major == installed.major && *v > installed)
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, t)| t.clone())
}

/// What `outdated` found for one adapter.
struct Report {
    latest: Option<String>,
    moved_to: Option<String>,
}

async fn check(
    registry: &Registry,
    reference: &AdapterRef,
    entry: &LockEntry,
    pinned: &str,
) -> Result<Report> {
    let tags = registry.tags(reference).await?;
    let moved_to = match reference.tag() {
        Some(_) if reference.digest().is_none() => {
            let now = registry.resolve(reference).await?;
            (now != pinned).then_some(now)
        }
        _ => None,
    };
    Ok(Report {
        latest: newest_in_major(&entry.version, &tags),
        moved_to,
    })
}

/// `adapter outdated`.
pub(super) async fn outdated(ctx: &mut Ctx) -> Result<()> {
    let lock = ctx.config.lock()?;
    let mut items = Vec::new();
    let mut checked = 0;
    for (name, entry) in &lock.adapters {
        let Some(source) = &entry.registry else {
            continue;
        };
        checked += 1;
        let reference = AdapterRef::parse(&source.reference)?;
        let registry = open(ctx, &reference)?;
        let report = check(&registry, &reference, entry, &source.digest)
            .await
            .with_context(|| format!("adapter {name}"))?;
        if report.latest.is_none() && report.moved_to.is_none() {
            continue;
        }
        items.push(json!({
            "name": name,
            "version": entry.version,
            "reference": source.reference,
            "digest": source.digest,
            "latest": report.latest,
            "tag": reference.tag(),
            "moved_to": report.moved_to,
        }));
    }
    if items.is_empty() && ctx.printer.is_human() {
        eprintln!("{checked} adapter(s) installed from a registry, all up to date");
        return Ok(());
    }
    ctx.printer.list(
        &[
            Column::keep("NAME", "name"),
            Column::keep("VERSION", "version"),
            Column::keep("LATEST", "latest"),
            Column::keep("TAG", "tag"),
            Column::digest("MOVED TO", "moved_to"),
            Column::short("REFERENCE", "reference").wide(),
        ],
        &items,
    )
}

/// `adapter upgrade NAME [--to VERSION]`.
pub(super) async fn upgrade(
    ctx: &mut Ctx,
    name: &str,
    to: Option<&str>,
    approval: Approval<'_>,
) -> Result<()> {
    crate::home::validate_name("adapter", name)?;
    let lock = ctx.config.lock()?;
    let Some(entry) = lock.adapters.get(name) else {
        let hint = crate::suggest::hint(name, lock.adapters.keys().map(String::as_str));
        return Err(input(format!("adapter {name:?} is not installed{hint}")));
    };
    let Some(source) = &entry.registry else {
        return Err(input(format!(
            "adapter {name} was installed from a file, not a registry: install the new \
             version with `portico adapter install FILE`"
        )));
    };
    let reference = AdapterRef::parse(&source.reference)?;
    let registry = open(ctx, &reference)?;
    let tag = match to {
        Some(version) => version.to_string(),
        None => {
            let tags = registry.tags(&reference).await?;
            newest_in_major(&entry.version, &tags)
                .or_else(|| reference.tag().map(String::from))
                .ok_or_else(|| {
                    input(format!(
                        "adapter {name} was installed by digest and {} has no newer version \
                         in its major: name one with --to VERSION",
                        reference.repository()
                    ))
                })?
        }
    };
    let target = reference.with_tag(&tag);
    let digest = registry.resolve(&target).await?;
    if digest == source.digest {
        eprintln!("adapter {name} is up to date: {target} is the installed {digest}");
        return Ok(());
    }
    fetch_and_approve(ctx, &registry, &target, &digest, approval).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_releases_of_the_same_major_only() {
        let tags: Vec<String> = [
            "1.2.0",
            "1.3.0",
            "1.10.1",
            "2.0.0",
            "1.11.0-rc.1",
            "latest",
            "v1.12.0",
            "1.1.9",
            "sha256-ab.sig",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(newest_in_major("1.2.0", &tags).as_deref(), Some("1.10.1"));
        assert_eq!(newest_in_major("1.10.1", &tags), None);
        assert_eq!(newest_in_major("2.0.0", &tags), None);
        assert_eq!(
            newest_in_major("0.1.0", &["0.2.0".into(), "1.0.0".into()]).as_deref(),
            Some("0.2.0")
        );
        assert_eq!(newest_in_major("not semver", &tags), None);
    }
}
