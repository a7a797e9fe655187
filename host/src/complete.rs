//! Shell completions and man pages, both generated from the clap definitions in `cli.rs`.
//!
//! Completion is dynamic (clap_complete's `CompleteEnv`): `portico completion SHELL` prints a
//! registration script that calls back into `portico` for each completion, so subcommands and
//! flags come from the parser and the value completers below offer the names in the user's
//! home: profiles, adapters, credentials, and the active profile's operations.

use crate::config::ConfigStore;
use crate::credential_store::CredentialStore;
use crate::home::Home;
use anyhow::{Context as _, Result};
use clap::CommandFactory as _;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;
use std::path::Path;

/// The environment variable the registration scripts set when they call back.
pub(crate) const VAR: &str = "COMPLETE";

/// The clap command of the whole CLI.
pub(crate) fn command() -> clap::Command {
    crate::cli::Cli::command()
}

/// Prints the registration script of `shell` (bash, zsh, fish, powershell, elvish).
pub(crate) fn registration(shell: &str) -> Result<()> {
    let shells = clap_complete::env::Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        let known: Vec<&str> = shells.names().collect();
        return Err(crate::error::input(format!(
            "no completions for shell {shell:?} (shells: {})",
            known.join(", ")
        )));
    };
    let exe = std::env::current_exe().context("failed to find the portico binary")?;
    let mut out = Vec::new();
    completer.write_registration(VAR, "portico", "portico", &exe.to_string_lossy(), &mut out)?;
    use std::io::Write as _;
    std::io::stdout().write_all(&out)?;
    Ok(())
}

/// Writes one man page per command and subcommand into `dir`.
pub(crate) fn man_pages(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let mut cmd = command();
    cmd.build();
    write_page(&cmd, "portico", dir)
}

fn write_page(cmd: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let page = cmd.clone().name(name.to_string());
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    std::fs::write(dir.join(format!("{name}.1")), out)?;
    for sub in cmd.get_subcommands() {
        if sub.get_name() != "help" {
            write_page(sub, &format!("{name}-{}", sub.get_name()), dir)?;
        }
    }
    Ok(())
}

fn candidates(
    names: impl IntoIterator<Item = String>,
    current: &OsStr,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    names
        .into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

fn config() -> Option<ConfigStore> {
    Home::from_env().ok().map(ConfigStore::new)
}

/// Profile names.
pub(crate) fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = config()
        .and_then(|c| c.profiles().ok())
        .map(|p| p.profiles.into_keys().collect::<Vec<_>>())
        .unwrap_or_default();
    candidates(names, current)
}

/// Installed adapter names.
pub(crate) fn adapters(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = config()
        .and_then(|c| c.lock().ok())
        .map(|l| l.adapters.into_keys().collect::<Vec<_>>())
        .unwrap_or_default();
    candidates(names, current)
}

/// Stored credential names.
pub(crate) fn credentials(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = Home::from_env()
        .ok()
        .and_then(|h| CredentialStore::new(h).list().ok())
        .map(|l| l.into_iter().map(|s| s.name).collect::<Vec<_>>())
        .unwrap_or_default();
    candidates(names, current)
}

/// The operation names of the active profile's adapter (`PORTICO_PROFILE`, or the only one).
pub(crate) fn operations(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = catalog_names().unwrap_or_default();
    candidates(names, current)
}

fn catalog_names() -> Result<Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let home = Home::from_env()?;
        let global = crate::cli::GlobalArgs::for_completion();
        let mut ctx = crate::commands::Ctx::new(home, global)?;
        let mut bound = ctx.bind(&[]).await?;
        let catalog = bound.session.catalog().await?;
        Ok(catalog.into_iter().map(|o| o.name).collect())
    })
}
