//! `portico adapter install|publish|outdated|upgrade|list|inspect|remove`.
//!
//! Install checks the component's signature ([`crate::signature`]) before compiling it, shows
//! what the adapter asks for and, for a re-install, exactly what changed since the approved
//! lock entry; nothing is written until the user approves, so the approved version keeps
//! working until then ([`install`]). A component comes from a file or from an OCI registry
//! ([`registry`]).

mod changes;
mod install;
mod registry;

use super::Ctx;
use crate::broker::scheme;
use crate::cli::AdapterCommand;
use crate::error::input;
use crate::home::{self, Area};
use crate::output::Column;
use crate::wit::adapter::{Description, ParentRule, PlacementTarget, SecretPlacement};
use crate::wit::{action_name, method_text, noun_name};
use anyhow::{Context as _, Result};
use install::Approval;
use serde_json::{Value, json};

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
            let approval = Approval {
                yes,
                grant: &grant,
                allow_unsigned,
            };
            match path
                .to_str()
                .filter(|p| p.starts_with(crate::registry::SCHEME))
            {
                Some(reference) => {
                    if signature.is_some() {
                        return Err(input(
                            "--signature is for a file: an adapter from a registry is checked \
                             against the signature published beside it",
                        ));
                    }
                    registry::install(ctx, reference, approval).await
                }
                None => install::file(ctx, &path, signature.as_deref(), approval).await,
            }
        }
        AdapterCommand::Publish {
            file,
            reference,
            sign,
        } => registry::publish(ctx, &file, &reference, sign.as_deref()).await,
        AdapterCommand::Outdated => registry::outdated(ctx).await,
        AdapterCommand::Upgrade {
            name,
            to,
            yes,
            grant,
            allow_unsigned,
        } => {
            let approval = Approval {
                yes,
                grant: &grant,
                allow_unsigned,
            };
            registry::upgrade(ctx, &name, to.as_deref(), approval).await
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
pub(super) fn placement_text(p: &SecretPlacement) -> String {
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
                "source": e.registry.as_ref().map_or_else(
                    || "file".to_string(),
                    |r| format!("oci://{}", r.reference),
                ),
                "registry": e.registry,
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
            Column::short("SOURCE", "source").wide(),
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
        if let Some(registry) = &entry.registry {
            map.insert("registry".into(), json!(registry));
        }
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
