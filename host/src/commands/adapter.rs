//! `portico adapter install|list|inspect|remove`.
//!
//! Install checks the component's signature ([`crate::signature`]) before compiling it, shows
//! what the adapter asks for and, for a re-install, exactly what changed since the approved
//! lock entry; nothing is written until the user approves, so the approved version keeps
//! working until then.

mod changes;

use super::Ctx;
use crate::broker::{policy::HostPattern, scheme};
use crate::cli::AdapterCommand;
use crate::config::LockEntry;
use crate::error::input;
use crate::home::{self, Area};
use crate::output::Column;
use crate::runtime::loader;
use crate::signature;
use crate::wit::adapter::{Description, ParentRule, PlacementTarget, SecretPlacement};
use crate::wit::{action_name, method_text, noun_name};
use anyhow::{Context as _, Result};
use changes::Changes;
use serde_json::{Value, json};
use std::io::BufRead as _;

/// Runs an `adapter` command.
pub(crate) async fn run(ctx: &mut Ctx, command: AdapterCommand) -> Result<()> {
    match command {
        AdapterCommand::Install {
            path,
            yes,
            grant,
            signature,
            allow_unsigned,
        } => {
            let request = Install {
                path: &path,
                yes,
                grant: &grant,
                signature: signature.as_deref(),
                allow_unsigned,
            };
            install(ctx, request).await
        }
        command @ AdapterCommand::New { .. } => super::scaffold::run(ctx, command),
        AdapterCommand::List => list(ctx),
        AdapterCommand::Test { name } => super::conformance::run(ctx, &name).await,
        AdapterCommand::Inspect { name } => inspect(ctx, &name).await,
        AdapterCommand::Remove { name } => remove(ctx, &name),
    }
}

/// Where a secret input may go, as install and inspect show it:
/// `POST /gateways/{id}/tunnels body /properties/psk` or `... header X-Key`.
fn placement_text(p: &SecretPlacement) -> String {
    let target = match &p.target {
        PlacementTarget::BodyField(pointer) => format!("body {pointer}"),
        PlacementTarget::Header(name) => format!("header {name}"),
    };
    format!("{} {} {target}", method_text(p.method), p.path)
}

fn description_view(d: &Description, contract: &str) -> Value {
    let owner = crate::commands::apply::owner::Declared {
        description: d,
        contract,
    };
    json!({
        "name": d.name,
        "version": d.version,
        "provider": d.provider,
        "summary": d.summary,
        "nouns": d.nouns.iter().map(|n| noun_name(n.noun)).collect::<Vec<_>>(),
        "kinds": d.kinds.iter().map(|k| format!("{}/{}", noun_name(k.noun), k.kind)).collect::<Vec<_>>(),
        "capabilities": d.nouns.iter().map(|n| json!({
            "noun": noun_name(n.noun),
            "actions": n.actions.iter().map(|a| action_name(*a)).collect::<Vec<_>>(),
            "parent": match n.parent {
                ParentRule::None => "none",
                ParentRule::Optional => "optional",
                ParentRule::Required => "required",
            },
            "filters": n.filters.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
            "labels": n.labels,
            "ownership": owner.marker_of(n.noun).text(),
            "descriptions": d.kinds.iter().filter(|k| k.noun == n.noun && k.descriptions).map(|k| k.kind.as_str()).collect::<Vec<_>>(),
            "unique_names": n.unique_names,
        })).collect::<Vec<_>>(),
        "hosts": d.hosts,
        "credentials": d.credentials.iter().map(|c| json!({
            "name": c.name,
            "description": c.description,
            "fields": c.fields.iter().map(|f| if f.secret { format!("{} (secret)", f.name) } else { f.name.clone() }).collect::<Vec<_>>(),
            "schemes": c.schemes.iter().map(scheme::text).collect::<Vec<_>>(),
            "hosts": c.hosts,
        })).collect::<Vec<_>>(),
        "settings": d.settings.iter().map(|s| json!({
            "key": s.key, "description": s.description, "required": s.required,
            "default": s.default_value, "allowed": s.allowed,
        })).collect::<Vec<_>>(),
        "secret_inputs": d.secret_inputs.iter().map(|s| json!({
            "name": s.name, "description": s.description, "used_by": s.used_by,
            "placements": s.placements.iter().map(placement_text).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The arguments of `adapter install`.
struct Install<'a> {
    path: &'a std::path::Path,
    yes: bool,
    grant: &'a [String],
    signature: Option<&'a std::path::Path>,
    allow_unsigned: bool,
}

/// Checks the component's signature (before it is compiled) and returns the lock record and
/// the line to show.
fn signature_verdict(ctx: &Ctx, request: &Install<'_>, bytes: &[u8]) -> Result<(String, String)> {
    let keys = signature::trusted_keys(&ctx.config.settings()?.trust.keys)?;
    let sig_path = signature::signature_path(request.path, request.signature);
    let text = sig_path
        .as_deref()
        .map(signature::read_signature)
        .transpose()?;
    match signature::decide(
        &keys,
        bytes,
        text.as_deref(),
        request.signature.is_some(),
        request.allow_unsigned,
    ) {
        signature::Verdict::Accept { record, shown } => Ok((record, shown)),
        signature::Verdict::Refuse(why) => Err(input(format!(
            "refusing to install {}: {why}; pass --allow-unsigned to install it anyway",
            request.path.display()
        ))),
    }
}

async fn install(ctx: &mut Ctx, request: Install<'_>) -> Result<()> {
    let Install {
        path, yes, grant, ..
    } = request;
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    let sha256 = loader::sha256_hex(&bytes);
    let (signature, signature_shown) = signature_verdict(ctx, &request, &bytes)?;
    let label = path.display().to_string();
    let loaded = ctx.runtime()?.load(&label, &bytes, &sha256)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    let declared = scheme::validate_description(&description)?;
    let granted: Vec<String> = if grant.is_empty() {
        declared.iter().map(ToString::to_string).collect()
    } else {
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
        out
    };
    let name = description.name.clone();
    let printer = ctx.printer;
    let mut lines = vec![
        format!(
            "adapter {} {} ({})",
            name, description.version, description.provider
        ),
        format!("  sha256 {sha256}, portico:adapter@{}", loaded.wit_version),
        format!("  signature: {signature_shown}"),
        "  network access (HTTPS):".to_string(),
    ];
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
    if !description.secret_inputs.is_empty() {
        lines.push(
            "  secret inputs (portico puts the value only where shown; the adapter sees a \
             placeholder):"
                .into(),
        );
        for input in &description.secret_inputs {
            let places: Vec<String> = input.placements.iter().map(placement_text).collect();
            let places = if places.is_empty() {
                "the whole value of a JSON body field (a portico:adapter@0.1.0 adapter declares \
                 no placements)"
                    .to_string()
            } else {
                places.join("; ")
            };
            lines.push(format!("    {}: {places}", input.name));
        }
    }
    let mut lock = ctx.config.lock()?;
    let credentials: Vec<String> = description
        .credentials
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let file = format!("{name}.wasm");
    let entry = LockEntry {
        version: description.version.clone(),
        provider: description.provider.clone(),
        wit: loaded.wit_version.clone(),
        sha256,
        file,
        hosts: granted,
        credentials,
        approved_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        signature,
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
    if !yes {
        if !super::stdin_is_terminal() {
            let what = match &changes {
                Some((_, c)) if !c.is_empty() => format!(
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
    }
    let dir = ctx.home.dir(Area::Adapters)?;
    home::write_atomic(&dir, &entry.file, &bytes, 0o600)?;
    lock.adapters.insert(name.clone(), entry.clone());
    ctx.config.save_lock(&lock)?;
    if printer.is_human() {
        println!("installed adapter {name} {}", description.version);
        Ok(())
    } else {
        printer.document(&serde_json::to_value(&entry)?)
    }
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let lock = ctx.config.lock()?;
    let items: Vec<Value> = lock
        .adapters
        .iter()
        .map(|(name, e)| {
            json!({
                "name": name, "version": e.version, "provider": e.provider, "wit": e.wit,
                "sha256": e.sha256, "hosts": e.hosts, "credentials": e.credentials,
                "approved_at": e.approved_at, "signature": e.signature,
            })
        })
        .collect();
    ctx.printer.list(
        &[
            Column::keep("NAME", "name"),
            Column::keep("VERSION", "version"),
            Column::short("PROVIDER", "provider"),
            Column::keep("WIT", "wit"),
            Column::digest("SHA256", "sha256"),
            Column::free("SIGNATURE", "signature"),
            Column::free("HOSTS", "hosts").wide(),
        ],
        &items,
    )
}

async fn inspect(ctx: &mut Ctx, name: &str) -> Result<()> {
    let (entry, loaded) = ctx.load_installed(name)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    let operations = session.catalog().await?.len();
    let mut view = description_view(&description, &loaded.wit_version);
    if let Value::Object(map) = &mut view {
        map.insert("wit".into(), json!(entry.wit));
        map.insert("sha256".into(), json!(entry.sha256));
        map.insert("granted_hosts".into(), json!(entry.hosts));
        map.insert("operations".into(), json!(operations));
        map.insert("approved_at".into(), json!(entry.approved_at));
        map.insert("signature".into(), json!(entry.signature));
    }
    ctx.printer.one(&view)
}

fn remove(ctx: &mut Ctx, name: &str) -> Result<()> {
    home::validate_name("adapter", name)?;
    let mut lock = ctx.config.lock()?;
    let Some(entry) = lock.adapters.remove(name) else {
        let hint = crate::suggest::hint(name, lock.adapters.keys().map(String::as_str));
        return Err(input(format!("adapter {name:?} is not installed{hint}")));
    };
    let dir = ctx.home.dir(Area::Adapters)?;
    match dir.remove_file(&entry.file) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).context("failed to remove the adapter file"),
    }
    ctx.config.save_lock(&lock)?;
    let users: Vec<String> = ctx
        .config
        .profiles()?
        .profiles
        .into_iter()
        .filter(|(_, p)| p.adapter == name)
        .map(|(n, _)| n)
        .collect();
    if !users.is_empty() {
        eprintln!(
            "note: profiles {} still name adapter {name}",
            users.join(", ")
        );
    }
    eprintln!("removed adapter {name}");
    Ok(())
}
