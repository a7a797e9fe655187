//! `portico-emulator` binary: serves the provider emulator on a loopback address for demos and
//! out-of-process tests, printing its URL and demo credentials on stdout.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use portico_emulator::{Config, Emulator, RandomFaults};
use tracing_subscriber::EnvFilter;

/// Stateful loopback emulator of the provider APIs portico drives.
///
/// Serves IONOS Cloud VPN Gateway, Soracom VPG and Napter, Samsung Cloud Platform VPN and
/// UpCloud at their real paths (and the made-up Toy VPN API under /toy/v1), each with its own credential scheme, paging, resource states
/// and error bodies. The first line of output is `listening on http://127.0.0.1:PORT` (or
/// `https://` with --tls); the credentials follow, then the TLS, latency and random-fault
/// settings.
#[derive(Debug, Parser)]
#[command(version, after_long_help = ADMIN_HELP)]
struct Args {
    /// Loopback address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// IONOS bearer token with full access (random if omitted).
    #[arg(long)]
    ionos_token: Option<String>,
    /// IONOS bearer token that may only read (random if omitted).
    #[arg(long)]
    ionos_readonly_token: Option<String>,
    /// Also accept HTTP Basic with this username (needs --ionos-password).
    #[arg(long, requires = "ionos_password")]
    ionos_username: Option<String>,
    /// Password for --ionos-username.
    #[arg(long, requires = "ionos_username")]
    ionos_password: Option<String>,
    /// How long new or updated resources stay PROVISIONING, e.g. `2s`.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
    provision_delay: Duration,
    /// How long deleted resources stay DESTROYING, e.g. `1s`.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
    delete_delay: Duration,
    /// Soracom AuthKey id accepted by `POST /v1/auth` (random `keyId-...` if omitted).
    #[arg(long)]
    soracom_auth_key_id: Option<String>,
    /// Soracom AuthKey secret for --soracom-auth-key-id (random `secret-...` if omitted).
    #[arg(long)]
    soracom_auth_key: Option<String>,
    /// UpCloud API user name accepted as HTTP Basic (random `api-...` if omitted).
    #[arg(long)]
    upcloud_username: Option<String>,
    /// Password for --upcloud-username (random if omitted).
    #[arg(long)]
    upcloud_password: Option<String>,
    /// UpCloud API token accepted as a bearer token (random `ucat_...` if omitted).
    #[arg(long)]
    upcloud_token: Option<String>,
    /// SCP access key accepted on signed requests (random if omitted).
    #[arg(long)]
    scp_access_key: Option<String>,
    /// SCP secret key that signs requests of --scp-access-key (random if omitted).
    #[arg(long)]
    scp_secret_key: Option<String>,
    /// SCP account id requests must send in Scp-AccountId (default: any, as the SDK sends none).
    #[arg(long, default_value = "")]
    scp_account_id: String,
    /// Toy VPN bearer token (random `toy_...` if omitted).
    #[arg(long)]
    toy_token: Option<String>,
    /// Wait this long before every provider response (not the admin endpoints), e.g. `30ms`.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
    latency: Duration,
    /// Seeded random faults for every provider request: SEED:KIND=RATE,... with kinds 503,
    /// 429, drop (connection closed before the handler) and lost (handler runs, response
    /// lost), plus retry-after=SECS for the 429s and prefix=/PATH to narrow them, e.g.
    /// `42:503=0.2,429=0.1,retry-after=1,drop=0.05,lost=0.01`. Same seed, same requests,
    /// same faults.
    #[arg(long, value_name = "SPEC", value_parser = parse_random_faults)]
    random_faults: Option<RandomFaults>,
    /// Serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost from a test CA
    /// generated at start.
    #[arg(long)]
    tls: bool,
    /// Write the test CA's certificate (PEM) here (default: a temporary file, printed).
    #[arg(long, value_name = "PATH", requires = "tls")]
    tls_ca_out: Option<PathBuf>,
}

const ADMIN_HELP: &str = "\
Admin endpoints (unauthenticated, never recorded, faulted or delayed):
  GET|DELETE /_emulator/requests          recorded provider requests
  POST /_emulator/reset                   forget state, requests, faults and fault counts
  GET|POST|DELETE /_emulator/faults       fault rules, e.g. {\"path_prefix\": \"/\", \"status\": 503,
                                          \"count\": 2}, {\"path_prefix\": \"/\", \"lose_response\": true}
  GET|PUT|DELETE /_emulator/faults/random random faults, e.g. {\"seed\": 42, \"rates\":
                                          {\"status_503\": 0.2, \"drop\": 0.05}}
  GET|DELETE /_emulator/faults/stats      counts of injected faults by kind
  POST /_emulator/clock                   {\"advance_ms\": N} moves the clock forward
  GET|PUT /_emulator/delays               provision_delay_ms, delete_delay_ms, latency_ms

POST /_reflect/ANYTHING (unauthenticated, but recorded, faulted and delayed) answers each
string field of its JSON body in altered forms (upper, lower, halves, Base64, hex, percent,
reversed, an 8-character slice), one of them in the x-reflect header, and with ?fail=1 a
plain-text 400 quoting one.";

fn parse_random_faults(text: &str) -> Result<RandomFaults, String> {
    text.parse()
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run(args: Args) -> anyhow::Result<()> {
    let defaults = Config::default();
    let config = Config {
        listen: Some(args.listen),
        ionos_token: args.ionos_token.unwrap_or(defaults.ionos_token),
        ionos_readonly_token: args
            .ionos_readonly_token
            .unwrap_or(defaults.ionos_readonly_token),
        ionos_basic: args.ionos_username.zip(args.ionos_password),
        provision_delay: args.provision_delay,
        delete_delay: args.delete_delay,
        soracom_auth_key_id: args
            .soracom_auth_key_id
            .unwrap_or(defaults.soracom_auth_key_id),
        soracom_auth_key: args.soracom_auth_key.unwrap_or(defaults.soracom_auth_key),
        upcloud_basic: (
            args.upcloud_username.unwrap_or(defaults.upcloud_basic.0),
            args.upcloud_password.unwrap_or(defaults.upcloud_basic.1),
        ),
        upcloud_token: args.upcloud_token.unwrap_or(defaults.upcloud_token),
        scp_access_key: args.scp_access_key.unwrap_or(defaults.scp_access_key),
        scp_secret_key: args.scp_secret_key.unwrap_or(defaults.scp_secret_key),
        scp_account_id: args.scp_account_id,
        toy_token: args.toy_token.unwrap_or(defaults.toy_token),
        latency: args.latency,
        random_faults: args.random_faults,
        tls: args.tls,
        tls_ca_out: args.tls_ca_out,
    };
    let emulator = Emulator::start(config).await?;
    // Watching before announcing: a script may send SIGTERM as soon as it has read the URL.
    let shutdown = shutdown_signal()?;
    announce(&emulator).context("failed to write to stdout")?;
    shutdown.await?;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}

/// The first line is parsed by scripts and tests, so it is written and flushed on its own.
fn announce(emulator: &Emulator) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", emulator.url())?;
    out.flush()?;
    let config = emulator.config();
    writeln!(out, "ionos token: {}", config.ionos_token)?;
    writeln!(
        out,
        "ionos read-only token: {}",
        config.ionos_readonly_token
    )?;
    if let Some((user, password)) = &config.ionos_basic {
        writeln!(out, "ionos basic username: {user}")?;
        writeln!(out, "ionos basic password: {password}")?;
    }
    writeln!(out, "soracom auth key id: {}", config.soracom_auth_key_id)?;
    writeln!(out, "soracom auth key: {}", config.soracom_auth_key)?;
    writeln!(out, "upcloud basic username: {}", config.upcloud_basic.0)?;
    writeln!(out, "upcloud basic password: {}", config.upcloud_basic.1)?;
    writeln!(out, "upcloud token: {}", config.upcloud_token)?;
    writeln!(out, "scp access key: {}", config.scp_access_key)?;
    writeln!(out, "scp secret key: {}", config.scp_secret_key)?;
    writeln!(out, "toy token: {}", config.toy_token)?;
    if let (Some(ca), Some(wrong)) = (emulator.ca_path(), emulator.wrong_ca_path()) {
        writeln!(out, "tls ca: {}", ca.display())?;
        writeln!(out, "tls unrelated ca: {}", wrong.display())?;
    }
    if !config.latency.is_zero() {
        let latency = humantime::format_duration(config.latency);
        writeln!(out, "latency: {latency}")?;
    }
    if let Some(faults) = &config.random_faults {
        writeln!(out, "random faults: {faults}")?;
    }
    out.flush()
}

/// Registers the SIGINT and SIGTERM handlers at once and returns a future that ends when one
/// of them arrives.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = anyhow::Result<()>>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("failed to watch SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("failed to watch SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        Ok(())
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = anyhow::Result<()>>> {
    Ok(async {
        tokio::signal::ctrl_c()
            .await
            .context("failed to watch Ctrl-C")
    })
}
