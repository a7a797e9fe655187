//! `portico profile add|list|show|remove`.

use super::{Ctx, key_value};
use crate::broker;
use crate::cli::ProfileCommand;
use crate::config::Profile;
use crate::error::input;
use crate::home;
use crate::output::Column;
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs a `profile` command.
pub(crate) async fn run(ctx: &mut Ctx, command: ProfileCommand) -> Result<()> {
    match command {
        ProfileCommand::Add {
            name,
            adapter,
            credential,
            set,
            ca_file,
        } => add(ctx, &name, &adapter, &credential, &set, ca_file.as_deref()).await,
        ProfileCommand::List => {
            let items: Vec<Value> = ctx
                .config
                .profiles()?
                .profiles
                .iter()
                .map(|(n, p)| view(n, p))
                .collect();
            ctx.printer.list(
                &[
                    Column::keep("NAME", "name"),
                    Column::keep("ADAPTER", "adapter"),
                    Column::short("CREDENTIALS", "credential_list"),
                    Column::free("SETTINGS", "setting_list"),
                ],
                &items,
            )
        }
        ProfileCommand::Show { name } => {
            let profiles = ctx.config.profiles()?;
            let p = profiles.profiles.get(&name).ok_or_else(|| {
                super::no_profile(&name, profiles.profiles.keys().map(String::as_str))
            })?;
            let mut v = view(&name, p);
            if let Value::Object(m) = &mut v {
                m.remove("credential_list");
                m.remove("setting_list");
            }
            ctx.printer.one(&v)
        }
        ProfileCommand::Remove { name } => {
            let mut profiles = ctx.config.profiles()?;
            if profiles.profiles.remove(&name).is_none() {
                return Err(super::no_profile(
                    &name,
                    profiles.profiles.keys().map(String::as_str),
                ));
            }
            ctx.config.save_profiles(&profiles)?;
            eprintln!("removed profile {name}");
            Ok(())
        }
    }
}

fn view(name: &str, p: &Profile) -> Value {
    let mut v = json!({
        "name": name,
        "adapter": p.adapter,
        "credentials": p.credentials,
        "settings": p.settings,
        "credential_list": p.credentials.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
        "setting_list": p.settings.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
    });
    if let (Some(ca), Value::Object(m)) = (&p.ca_file, &mut v) {
        m.insert("ca_file".into(), json!(ca.display().to_string()));
    }
    v
}

async fn add(
    ctx: &mut Ctx,
    name: &str,
    adapter: &str,
    credential: &[String],
    set: &[String],
    ca_file: Option<&Path>,
) -> Result<()> {
    home::validate_name("profile", name)?;
    let ca_file = ca_file
        .map(|path| {
            broker::roots::check_ca_file(path).map_err(input)?;
            std::path::absolute(path).map_err(|e| input(format!("CA file {}: {e}", path.display())))
        })
        .transpose()?;
    let (_, loaded) = ctx.load_installed(adapter)?;
    let mut session = ctx.runtime()?.instantiate(&loaded).await?;
    let d = session.describe().await?;
    let mut settings = BTreeMap::new();
    for s in set {
        let (key, value) = key_value(s, "setting")?;
        let Some(decl) = d.settings.iter().find(|x| x.key == key) else {
            let known: Vec<&str> = d.settings.iter().map(|x| x.key.as_str()).collect();
            return Err(input(format!(
                "adapter {adapter} has no setting {key:?} (it has: {})",
                known.join(", ")
            )));
        };
        if !decl.allowed.is_empty() && !decl.allowed.contains(&value) {
            return Err(input(format!(
                "setting {key}={value} is not allowed (allowed: {})",
                decl.allowed.join(", ")
            )));
        }
        settings.insert(key, value);
    }
    broker::endpoint_origin(&settings).map_err(|e| input(format!("{e:#}")))?;
    for decl in d
        .settings
        .iter()
        .filter(|x| x.required && x.default_value.is_none())
    {
        if !settings.contains_key(&decl.key) {
            return Err(input(format!(
                "adapter {adapter} needs setting {} (--set {}=...)",
                decl.key, decl.key
            )));
        }
    }
    let mut credentials = BTreeMap::new();
    for c in credential {
        let (adapter_name, stored) = match c.split_once('=') {
            Some((a, s)) => (a.to_string(), s.to_string()),
            None if d.credentials.len() == 1 => (d.credentials[0].name.clone(), c.clone()),
            None => {
                return Err(input(format!(
                    "adapter {adapter} uses several credentials: give --credential ADAPTER-CREDENTIAL=NAME"
                )));
            }
        };
        if !d.credentials.iter().any(|x| x.name == adapter_name) {
            return Err(input(format!(
                "adapter {adapter} declares no credential {adapter_name:?}"
            )));
        }
        home::validate_name("credential", &stored)?;
        credentials.insert(adapter_name, stored);
    }
    let mut profiles = ctx.config.profiles()?;
    let profile = Profile {
        adapter: adapter.to_string(),
        credentials,
        settings,
        ca_file,
    };
    profiles.profiles.insert(name.to_string(), profile.clone());
    ctx.config.save_profiles(&profiles)?;
    if ctx.printer.is_human() {
        println!("saved profile {name} (adapter {adapter})");
        Ok(())
    } else {
        ctx.printer.document(&view(name, &profile))
    }
}
