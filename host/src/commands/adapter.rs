//! `portico adapter install|list|inspect|remove`.

use super::Ctx;
use crate::broker::{self, policy::HostPattern};
use crate::cli::AdapterCommand;
use crate::config::LockEntry;
use crate::error::input;
use crate::home::{self, Area};
use crate::runtime::loader;
use crate::wit::meta;
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::io::BufRead as _;

/// Runs an `adapter` command.
pub async fn run(ctx: &mut Ctx, command: AdapterCommand) -> Result<()> {
    match command {
        AdapterCommand::Install { path, yes, grant } => install(ctx, &path, yes, &grant).await,
        AdapterCommand::List => list(ctx),
        AdapterCommand::Inspect { name } => inspect(ctx, &name).await,
        AdapterCommand::Remove { name } => remove(ctx, &name),
    }
}

fn scheme_text(s: &meta::CredentialScheme) -> String {
    match s {
        meta::CredentialScheme::Bearer(f) => format!("bearer({f})"),
        meta::CredentialScheme::Basic(b) => {
            format!("basic({}, {})", b.username_field, b.password_field)
        }
        meta::CredentialScheme::Header(h) => format!("header {}({})", h.header, h.field),
        meta::CredentialScheme::TokenExchange(t) => format!(
            "token exchange {} {} ({}) into {}",
            t.method,
            t.path,
            broker::credentials::template_fields(&t.body).join(", "),
            t.captures
                .iter()
                .map(|c| c.header.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        meta::CredentialScheme::Signed => "signed by the adapter via credentials.sign".into(),
    }
}

fn description_view(d: &meta::Description) -> Value {
    json!({
        "name": d.name,
        "version": d.version,
        "provider": d.provider,
        "summary": d.summary,
        "nouns": d.nouns.iter().map(|n| format!("{n:?}").to_lowercase()).collect::<Vec<_>>(),
        "kinds": d.kinds.iter().map(|k| format!("{}/{}", format!("{:?}", k.noun).to_lowercase(), k.kind)).collect::<Vec<_>>(),
        "hosts": d.hosts,
        "credentials": d.credentials.iter().map(|c| json!({
            "name": c.name,
            "description": c.description,
            "fields": c.fields.iter().map(|f| if f.secret { format!("{} (secret)", f.name) } else { f.name.clone() }).collect::<Vec<_>>(),
            "schemes": c.schemes.iter().map(scheme_text).collect::<Vec<_>>(),
            "hosts": c.hosts,
        })).collect::<Vec<_>>(),
        "settings": d.settings.iter().map(|s| json!({
            "key": s.key, "description": s.description, "required": s.required,
            "default": s.default_value, "allowed": s.allowed,
        })).collect::<Vec<_>>(),
        "secret_inputs": d.secret_inputs.iter().map(|s| json!({
            "name": s.name, "description": s.description, "used_by": s.used_by,
        })).collect::<Vec<_>>(),
    })
}

/// A token exchange must be a plain request to an absolute path that captures at least one
/// value into a valid header.
fn validate_exchange(adapter: &str, credential: &str, t: &meta::TokenExchangeScheme) -> Result<()> {
    let what = format!("adapter {adapter} credential {credential}: token exchange");
    if !matches!(
        t.method.to_ascii_uppercase().as_str(),
        "GET" | "POST" | "PUT"
    ) {
        bail!("{what} uses method {:?}; GET, POST or PUT only", t.method);
    }
    if !t.path.starts_with('/') || t.path.starts_with("//") {
        bail!("{what} path {:?} is not an absolute path", t.path);
    }
    if t.captures.is_empty() {
        bail!("{what} captures nothing");
    }
    for c in &t.captures {
        let ok = reqwest::header::HeaderName::from_bytes(c.header.as_bytes()).is_ok()
            && !matches!(
                c.header.to_ascii_lowercase().as_str(),
                "host" | "content-length" | "transfer-encoding" | "connection" | "te" | "upgrade"
            );
        if !ok {
            bail!("{what} captures into invalid header {:?}", c.header);
        }
        if !(c.pointer.is_empty() || c.pointer.starts_with('/')) {
            bail!("{what} capture {:?} is not a JSON pointer", c.pointer);
        }
    }
    Ok(())
}

fn validate_description(d: &meta::Description) -> Result<Vec<HostPattern>> {
    home::validate_name("adapter", &d.name)?;
    let declared = broker::parse_patterns(&d.hosts)
        .with_context(|| format!("adapter {} declares an invalid host", d.name))?;
    for c in &d.credentials {
        for h in broker::parse_patterns(&c.hosts)? {
            if !declared.contains(&h) {
                bail!(
                    "adapter {} binds credential {} to host {h}, which it does not declare",
                    d.name,
                    c.name
                );
            }
        }
        for s in &c.schemes {
            let fields: Vec<String> = match s {
                meta::CredentialScheme::Bearer(f) => vec![f.clone()],
                meta::CredentialScheme::Basic(b) => {
                    vec![b.username_field.clone(), b.password_field.clone()]
                }
                meta::CredentialScheme::Header(h) => vec![h.field.clone()],
                meta::CredentialScheme::TokenExchange(t) => {
                    validate_exchange(&d.name, &c.name, t)?;
                    broker::credentials::template_fields(&t.body)
                }
                meta::CredentialScheme::Signed => vec![],
            };
            for f in fields {
                if !c.fields.iter().any(|x| x.name == f) {
                    bail!(
                        "adapter {} credential {} uses undeclared field {f}",
                        d.name,
                        c.name
                    );
                }
            }
        }
    }
    Ok(declared)
}

fn difference(label: &str, old: &[String], new: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for n in new.iter().filter(|n| !old.contains(n)) {
        out.push(format!("  + {label} {n}"));
    }
    for o in old.iter().filter(|o| !new.contains(o)) {
        out.push(format!("  - {label} {o}"));
    }
    out
}

async fn install(ctx: &mut Ctx, path: &std::path::Path, yes: bool, grant: &[String]) -> Result<()> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    let sha256 = loader::sha256_hex(&bytes);
    let label = path.display().to_string();
    let loaded = ctx.runtime()?.load(&label, &bytes, &sha256)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    let declared = validate_description(&description)?;
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
                .map(scheme_text)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let lock = ctx.config.lock()?;
    let credentials: Vec<String> = description
        .credentials
        .iter()
        .map(|c| c.name.clone())
        .collect();
    if let Some(old) = lock.adapters.get(&name) {
        let mut diff = difference("host", &old.hosts, &granted);
        diff.extend(difference("credential", &old.credentials, &credentials));
        if old.sha256 != sha256 {
            diff.push(format!("  ~ sha256 {} -> {sha256}", old.sha256));
        }
        if diff.is_empty() {
            lines.push("  already installed with the same file and grants".into());
        } else {
            lines.push(format!(
                "  changes since the approved version {}:",
                old.version
            ));
            lines.extend(diff);
        }
    }
    for line in &lines {
        eprintln!("{line}");
    }
    if !yes {
        if !super::stdin_is_terminal() {
            return Err(input(format!(
                "approving adapter {name} needs confirmation: run in a terminal or pass --yes"
            )));
        }
        eprint!("approve adapter {name} with these grants? [y/N] ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(input("not approved"));
        }
    }
    let file = format!("{name}.wasm");
    let dir = ctx.home.dir(Area::Adapters)?;
    home::write_atomic(&dir, &file, &bytes, 0o600)?;
    let entry = LockEntry {
        version: description.version.clone(),
        provider: description.provider.clone(),
        wit: loaded.wit_version.clone(),
        sha256,
        file,
        hosts: granted,
        credentials,
        approved_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
    };
    let mut lock = lock;
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
                "approved_at": e.approved_at,
            })
        })
        .collect();
    ctx.printer.list(
        &[
            ("NAME", "name"),
            ("VERSION", "version"),
            ("PROVIDER", "provider"),
            ("WIT", "wit"),
            ("SHA256", "sha256"),
        ],
        &items,
    )
}

async fn inspect(ctx: &mut Ctx, name: &str) -> Result<()> {
    let (entry, loaded) = ctx.load_installed(name)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let description = session.describe().await?;
    let operations = session.catalog().await?.len();
    let mut view = description_view(&description);
    if let Value::Object(map) = &mut view {
        map.insert("wit".into(), json!(entry.wit));
        map.insert("sha256".into(), json!(entry.sha256));
        map.insert("granted_hosts".into(), json!(entry.hosts));
        map.insert("operations".into(), json!(operations));
        map.insert("approved_at".into(), json!(entry.approved_at));
    }
    ctx.printer.one(&view)
}

fn remove(ctx: &mut Ctx, name: &str) -> Result<()> {
    home::validate_name("adapter", name)?;
    let mut lock = ctx.config.lock()?;
    let Some(entry) = lock.adapters.remove(name) else {
        return Err(input(format!("adapter {name:?} is not installed")));
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
