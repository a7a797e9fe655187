//! Approving a component, wherever it came from (a file, a registry, an upgrade): check its
//! signature before compiling it, show what it asks for and what changed since the approved
//! lock entry, ask, and only then write the component and the lock entry.

use super::changes::Changes;
use super::placement_text;
use crate::broker::{policy::HostPattern, scheme};
use crate::commands::Ctx;
use crate::config::{LockEntry, RegistrySource};
use crate::error::input;
use crate::home::{self, Area};
use crate::runtime::loader;
use crate::signature;
use crate::wit::adapter::Description;
use anyhow::{Context as _, Result};
use std::io::BufRead as _;
use std::path::Path;

/// A component to approve.
pub(super) struct Candidate {
    /// What the user named (a path, `oci://...`), for messages.
    pub label: String,
    /// The component.
    pub bytes: Vec<u8>,
    /// The text of the signature found for it.
    pub signature: Option<String>,
    /// Whether the user named the signature (`--signature`).
    pub explicit_signature: bool,
    /// Where a signature was looked for.
    pub looked_for: String,
    /// The registry it came from, pinned.
    pub registry: Option<RegistrySource>,
}

/// What the user said about approving it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Approval<'a> {
    /// Approve without asking.
    pub yes: bool,
    /// Grant only these of the declared hosts (all when empty).
    pub grant: &'a [String],
    /// Install even when the signature does not satisfy the trusted keys.
    pub allow_unsigned: bool,
}

/// `adapter install FILE`: the file, and its signature from `--signature` or beside it.
pub(super) async fn file(
    ctx: &mut Ctx,
    path: &Path,
    signature: Option<&Path>,
    approval: Approval<'_>,
) -> Result<()> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    let text = signature::signature_path(path, signature)
        .as_deref()
        .map(signature::read_signature)
        .transpose()?;
    let candidate = Candidate {
        label: path.display().to_string(),
        bytes,
        signature: text,
        explicit_signature: signature.is_some(),
        looked_for: signature::FILE_SIGNATURE_PLACES.to_string(),
        registry: None,
    };
    approve(ctx, candidate, approval).await
}

/// Checks the component's signature (before it is compiled) and returns the lock record and
/// the line to show.
fn signature_verdict(
    ctx: &Ctx,
    candidate: &Candidate,
    allow_unsigned: bool,
) -> Result<(String, String)> {
    let keys = signature::trusted_keys(&ctx.config.settings()?.trust.keys)?;
    match signature::decide(
        &keys,
        &candidate.bytes,
        candidate.signature.as_deref(),
        candidate.explicit_signature,
        allow_unsigned,
        &candidate.looked_for,
    ) {
        signature::Verdict::Accept { record, shown } => Ok((record, shown)),
        signature::Verdict::Refuse(why) => Err(input(format!(
            "refusing to install {}: {why}; pass --allow-unsigned to install it anyway",
            candidate.label
        ))),
    }
}

/// Each secret input and where its value may go, as shown and recorded.
fn secret_input_lines(description: &Description) -> Vec<String> {
    description
        .secret_inputs
        .iter()
        .map(|input| {
            let places: Vec<String> = input.placements.iter().map(placement_text).collect();
            let places = if places.is_empty() {
                "the whole value of a JSON body field (a portico:adapter@0.1.0 adapter declares \
                 no placements)"
                    .to_string()
            } else {
                places.join("; ")
            };
            format!("{}: {places}", input.name)
        })
        .collect()
}

/// The hosts granted: all declared ones, or the `--grant` subset of them.
fn granted(
    description: &Description,
    declared: &[HostPattern],
    grant: &[String],
) -> Result<Vec<String>> {
    if grant.is_empty() {
        return Ok(declared.iter().map(ToString::to_string).collect());
    }
    let mut out = Vec::new();
    for g in grant {
        let p = HostPattern::parse(g).map_err(input)?;
        if !declared.contains(&p) {
            return Err(input(format!(
                "--grant {g}: adapter {} does not declare that host",
                description.name
            )));
        }
        out.push(p.to_string());
    }
    Ok(out)
}

/// Shows what `candidate` asks for, asks (unless `--yes`), and installs it.
pub(super) async fn approve(
    ctx: &mut Ctx,
    candidate: Candidate,
    approval: Approval<'_>,
) -> Result<()> {
    let sha256 = loader::sha256_hex(&candidate.bytes);
    let (signature, signature_shown) = signature_verdict(ctx, &candidate, approval.allow_unsigned)?;
    let loaded = ctx
        .runtime()?
        .load(&candidate.label, &candidate.bytes, &sha256)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    let declared = scheme::validate_description(&description)?;
    let granted = granted(&description, &declared, approval.grant)?;
    let name = description.name.clone();
    let printer = ctx.printer;
    let mut lines = vec![
        format!(
            "adapter {} {} ({})",
            name, description.version, description.provider
        ),
        format!("  sha256 {sha256}, portico:adapter@{}", loaded.wit_version),
    ];
    if let Some(source) = &candidate.registry {
        lines.push(format!(
            "  from oci://{}, manifest {}",
            source.reference, source.digest
        ));
    }
    lines.push(format!("  signature: {signature_shown}"));
    lines.push("  network access (HTTPS):".to_string());
    for h in &declared {
        let mark = if granted.contains(&h.to_string()) {
            "grant"
        } else {
            "deny "
        };
        lines.push(format!("    [{mark}] {h}"));
    }
    lines.push("  credentials (applied by portico; the adapter never sees secret fields):".into());
    for c in &description.credentials {
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| {
                if f.secret {
                    format!("{} (secret)", f.name)
                } else {
                    f.name.clone()
                }
            })
            .collect();
        lines.push(format!(
            "    {}: {} via {}",
            c.name,
            fields.join(", "),
            c.schemes
                .iter()
                .map(scheme::text)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let secret_inputs = secret_input_lines(&description);
    if !secret_inputs.is_empty() {
        lines.push(
            "  secret inputs (portico puts the value only where shown; the adapter sees a \
             placeholder):"
                .into(),
        );
        lines.extend(secret_inputs.iter().map(|l| format!("    {l}")));
    }
    let mut lock = ctx.config.lock()?;
    let entry = LockEntry {
        version: description.version.clone(),
        provider: description.provider.clone(),
        wit: loaded.wit_version.clone(),
        sha256,
        file: format!("{name}.wasm"),
        hosts: granted,
        credentials: description
            .credentials
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        approved_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        signature,
        secret_inputs: Some(secret_inputs),
        registry: candidate.registry,
    };
    let changes = lock
        .adapters
        .get(&name)
        .map(|old| (old.version.clone(), Changes::between(old, &entry)));
    match &changes {
        Some((_, c)) if c.is_empty() => {
            lines.push("  already installed with the same file and grants".into());
        }
        Some((old_version, c)) => {
            lines.push(format!(
                "  changes since the approved version {old_version}:"
            ));
            lines.extend(c.lines());
        }
        None => {}
    }
    for line in &lines {
        eprintln!("{line}");
    }
    if !approval.yes {
        confirm(&name, changes.as_ref().map(|(_, c)| c))?;
    }
    let dir = ctx.home.dir(Area::Adapters)?;
    home::write_atomic(&dir, &entry.file, &candidate.bytes, 0o600)?;
    lock.adapters.insert(name.clone(), entry.clone());
    ctx.config.save_lock(&lock)?;
    if printer.is_human() {
        println!("installed adapter {name} {}", description.version);
        Ok(())
    } else {
        printer.document(&serde_json::to_value(&entry)?)
    }
}

/// Asks on the terminal; refuses without one.
fn confirm(name: &str, changes: Option<&Changes>) -> Result<()> {
    if !crate::commands::stdin_is_terminal() {
        let what = match changes {
            Some(c) if !c.is_empty() => format!(
                "re-approving adapter {name} ({}) needs confirmation: run in a terminal or \
                 pass --yes; the approved version stays installed until then",
                c.summary()
            ),
            _ => format!(
                "approving adapter {name} needs confirmation: run in a terminal or pass --yes"
            ),
        };
        return Err(input(what));
    }
    eprint!("approve adapter {name} with these grants? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes") {
        return Err(input("not approved"));
    }
    Ok(())
}
