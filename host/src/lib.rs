//! portico: a command-line host that manages cloud VPN gateways, tunnels, peers and port
//! mappings through provider adapters that run as sandboxed WebAssembly components.
//!
//! The doors open one way: `cli` (what the user typed) → `commands` (what to do) → `runtime`
//! (loading and calling adapters) → `broker` (every request and credential an adapter uses)
//! → `wit` (the contract's types). `output`, `config`, `credential_store`, `home` and `secret`
//! are leaves any layer may use. `registry` (adapters in OCI registries) serves `commands` and
//! uses only leaves and the broker's TLS roots. The library exists for the binary: it exports [`Cli`] and
//! [`run`], and everything else is internal.

#![deny(missing_docs)]

mod broker;
mod cli;
mod commands;
mod complete;
mod config;
mod credential_store;
mod error;
mod home;
mod ipsec;
mod output;
mod registry;
mod runtime;
mod secret;
mod signature;
mod suggest;
mod wit;

pub use cli::Cli;

/// Answers a shell's completion request and exits, when the shell's registration script
/// called (`COMPLETE=bash portico -- ...`); otherwise returns and the command runs.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(complete::command)
        .var(complete::VAR)
        .complete();
}

use std::process::ExitCode;

/// Runs a parsed command line to completion and returns the process's exit code: 0 on
/// success, 1 when the provider or the input said no, 2 on a host or adapter failure. A
/// broken pipe (output piped into `head`) counts as success.
pub fn run(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: failed to start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        let home = home::Home::from_env()?;
        let mut ctx = commands::Ctx::new(home, cli.global)?;
        commands::run(&mut ctx, cli.command).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err)
            if err
                .downcast_ref::<error::Exit>()
                .is_some_and(|e| e.error.is_none()) =>
        {
            ExitCode::from(error::exit_code(&err))
        }
        Err(err) => {
            // Errors can carry adapter- or provider-supplied text.
            eprintln!("error: {}", output::terminal_safe(&format!("{err:#}")));
            ExitCode::from(error::exit_code(&err))
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
