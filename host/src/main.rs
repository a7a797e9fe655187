//! The `portico` binary: parses the command line, sets up diagnostics on stderr, and runs.

use clap::Parser as _;
use portico::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    portico::complete_if_asked();
    let cli = Cli::parse();
    init_tracing(cli.verbosity());
    portico::run(cli)
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info,portico=info,adapter=info",
        _ => {
            "debug,portico=debug,adapter=debug,wasmtime=info,cranelift=warn,hyper=info,hyper_util=info,reqwest=info,h2=info,rustls=info"
        }
    };
    let filter = EnvFilter::try_from_env("PORTICO_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // The OCI client's debug output quotes registry tokens (the token exchange's answer), so
    // it stops at info whatever the filter says.
    let filter = match "oci_client=info".parse() {
        Ok(cap) => filter.add_directive(cap),
        Err(_) => filter,
    };
    use std::io::IsTerminal as _;
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
