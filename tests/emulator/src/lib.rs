//! `portico-emulator`: a stateful stand-in for the provider HTTP APIs that portico's adapters
//! drive, served on a loopback address for integration tests, benchmarks and demos.
//!
//! Every provider is served at its real paths from the root of a single server, each in its
//! own module with its own credential scheme, paging, resource states and error dialect:
//! IONOS Cloud VPN Gateway (`/wireguardgateways`, `/ipsecgateways`), Soracom VPG and Napter
//! (`/v1/...`), Samsung Cloud Platform VPN (`/v1/vpn-gateways`, ...) and UpCloud
//! (`/1.3/gateway`); beside them, Toy VPN (`/toy/v1/gateways`), a small made-up API that
//! `portico adapter new` projects and the example adapter `tests/adapters/toy-vpn` talk to. Around them sit the provider-independent pieces, each reachable through
//! [`Emulator`] and the unauthenticated `/_emulator/*` admin endpoints (never recorded,
//! faulted or delayed):
//!
//! - **Recording** ([`record`]): every provider request, headers and body included
//!   ([`Emulator::requests`], `GET /_emulator/requests`).
//! - **Fault rules** ([`FaultRule`]): a fixed number of injected statuses in the provider's
//!   dialect (optionally with `Retry-After`), delays, connections dropped before the handler
//!   runs, and *lost responses*: the handler commits its change, then the connection is closed
//!   before any response byte ([`Emulator::add_fault`], `POST /_emulator/faults`).
//! - **Seeded random faults** ([`RandomFaults`]): 503s, 429s, drops and lost responses drawn
//!   at given rates from a seeded generator, so a run replays exactly
//!   ([`Emulator::set_random_faults`], `PUT /_emulator/faults/random`, `--random-faults`), and
//!   counts of everything injected ([`FaultStats`], `GET /_emulator/faults/stats`).
//! - **Latency** ([`Config::latency`]): waited before every provider response
//!   ([`Emulator::set_latency`], `PUT /_emulator/delays`, `--latency`).
//! - **A movable clock** and lifecycle delays, so state transitions happen without sleeping
//!   ([`Emulator::advance_clock`], `POST /_emulator/clock`).
//! - **TLS** ([`Config::tls`]): HTTPS with a certificate from a test CA generated at start,
//!   whose PEM goes to a file ([`Emulator::ca_path`], `--tls --tls-ca-out PATH`), plus an
//!   unrelated CA a client must refuse ([`Emulator::wrong_ca_pem`]).
//! - **A reflecting endpoint**, `POST /_reflect/{anything}`: answers each string field of its
//!   JSON body back upper-cased, halved, Base64- and hex-encoded and so on ([`REFLECT_FORMS`]),
//!   in the body, an `x-reflect` header and, with `?fail=1`, a plain-text 400 message; it is
//!   unauthenticated but recorded, faulted and delayed like a provider.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use std::time::Duration;
//! use portico_emulator::{Config, Emulator, FaultRates, FaultRule, RandomFaults};
//! let config = Config { tls: true, latency: Duration::from_millis(30), ..Config::default() };
//! let emulator = Emulator::start(config).await?;
//! emulator.add_fault(FaultRule::status("/wireguardgateways", 503).times(2));
//! emulator.add_fault(FaultRule::lose_response("/wireguardgateways").method("POST"));
//! let rates = FaultRates { status_503: 0.2, drop: 0.05, ..FaultRates::default() };
//! emulator.set_random_faults(RandomFaults::new(42, rates))?;
//! println!("{} accepts bearer {}", emulator.url(), emulator.config().ionos_token);
//! println!("trust {}", emulator.ca_path().expect("TLS mode").display());
//! # Ok(()) }
//! ```

mod admin;
mod clock;
mod config;
pub mod faults;
mod ionos;
pub mod record;
mod reflect;
mod scp;
mod serve;
mod soracom;
mod tls;
mod toy;
mod upcloud;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, anyhow, ensure};
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse as _, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::Config;
pub(crate) use config::random_token;
pub use faults::{FaultRates, FaultRule, FaultStats, RandomFaults};
pub use record::RecordedRequest;
pub use reflect::{REFLECT_FORMS, reflected_forms};
pub use tls::unrelated_ca_pem;

/// Path prefix of the emulator's own endpoints; they are neither recorded, faulted nor delayed.
pub const ADMIN_PREFIX: &str = "/_emulator";

/// Lifecycle delays and response latency that tests may change while the emulator runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delays {
    pub(crate) provision: Duration,
    pub(crate) delete: Duration,
    pub(crate) latency: Duration,
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) addr: SocketAddr,
    /// `http` or `https`, for the URLs the providers put in links and sign.
    pub(crate) scheme: &'static str,
    pub(crate) clock: clock::Clock,
    delays: Mutex<Delays>,
    pub(crate) recorder: record::Recorder,
    pub(crate) faults: faults::Faults,
    pub(crate) ionos: Mutex<ionos::Store>,
    pub(crate) soracom: Mutex<soracom::Store>,
    pub(crate) upcloud: Mutex<upcloud::Store>,
    pub(crate) scp: Mutex<scp::Store>,
    pub(crate) toy: Mutex<toy::Store>,
}

impl Shared {
    fn new(config: Config, addr: SocketAddr) -> Self {
        let delays = Delays {
            provision: config.provision_delay,
            delete: config.delete_delay,
            latency: config.latency,
        };
        Shared {
            scheme: if config.tls { "https" } else { "http" },
            config,
            addr,
            clock: clock::Clock::default(),
            delays: Mutex::new(delays),
            recorder: record::Recorder::default(),
            faults: faults::Faults::default(),
            ionos: Mutex::new(ionos::Store::default()),
            soracom: Mutex::new(soracom::Store::default()),
            upcloud: Mutex::new(upcloud::Store::default()),
            scp: Mutex::new(scp::Store::default()),
            toy: Mutex::new(toy::Store::default()),
        }
    }

    pub(crate) fn delays(&self) -> Delays {
        *lock(&self.delays)
    }

    pub(crate) fn update_delays(&self, update: impl FnOnce(&mut Delays)) {
        update(&mut lock(&self.delays));
    }

    /// Forgets every resource of every provider, every recorded request, every fault rule, the
    /// random faults and the fault counts.
    pub(crate) fn reset(&self) {
        lock(&self.ionos).clear();
        lock(&self.soracom).clear();
        lock(&self.upcloud).clear();
        lock(&self.scp).clear();
        lock(&self.toy).clear();
        self.recorder.clear();
        self.faults.clear();
        self.faults.clear_stats();
    }
}

/// Locks a mutex, carrying on after a panic elsewhere: the data is plain state that stays
/// usable, and a poisoned lock must not turn every later request into a failure.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An error response in the dialect of the provider that owns `path`.
pub(crate) fn provider_error(path: &str, status: StatusCode, message: &str) -> Response {
    if ionos::owns(path) {
        return ionos::error_response(status, message);
    }
    // Before Soracom, which owns the rest of `/v1`.
    if scp::owns(path) {
        return scp::error_response(status, message);
    }
    if soracom::owns(path) {
        return soracom::error_response(status, message);
    }
    if upcloud::owns(path) {
        return upcloud::error_response(status, message);
    }
    if toy::owns(path) {
        return toy::error_response(status, message);
    }
    let body = serde_json::json!({ "status": status.as_u16(), "error": message });
    (status, axum::Json(body)).into_response()
}

async fn not_found(uri: Uri) -> Response {
    let message = format!("no resource at {}", uri.path());
    provider_error(uri.path(), StatusCode::NOT_FOUND, &message)
}

fn app(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(ionos::router(shared.clone()))
        .merge(soracom::router(shared.clone()))
        .merge(upcloud::router(shared.clone()))
        .merge(scp::router(shared.clone()))
        .merge(toy::router(shared.clone()))
        .merge(reflect::router())
        .nest(ADMIN_PREFIX, admin::router())
        .fallback(not_found)
        .layer(from_fn_with_state(shared.clone(), faults::middleware))
        .layer(from_fn_with_state(shared.clone(), record::middleware))
        .with_state(shared)
}

/// A running emulator. Dropping it (or calling [`Emulator::shutdown`]) stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    tls: Option<tls::Tls>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.listen` (default `127.0.0.1:0`) and starts serving on the current tokio
    /// runtime. Fails for non-loopback addresses, invalid random faults, and `tls_ca_out`
    /// without `tls` or in a place that cannot be written.
    pub async fn start(config: Config) -> anyhow::Result<Emulator> {
        let listen = config
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        ensure!(
            listen.ip().is_loopback(),
            "refusing to listen on non-loopback address {listen}: the emulator is for tests and demos only"
        );
        ensure!(
            config.tls || config.tls_ca_out.is_none(),
            "a CA output path was given without TLS mode"
        );
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("failed to bind {listen}"))?;
        let addr = listener
            .local_addr()
            .context("failed to read the bound address")?;
        let tls = if config.tls {
            let tls = tls::Tls::generate(addr, config.tls_ca_out.as_deref())
                .context("failed to set up TLS")?;
            Some(tls)
        } else {
            None
        };
        let random_faults = config.random_faults.clone();
        let shared = Arc::new(Shared::new(config, addr));
        if let Some(faults) = random_faults {
            shared
                .faults
                .set_random(faults)
                .map_err(|err| anyhow!("invalid random faults: {err}"))?;
        }
        let router = app(shared.clone());
        let acceptor = tls
            .as_ref()
            .map(|tls| tokio_rustls::TlsAcceptor::from(tls.server.clone()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve::serve(listener, router, acceptor, stopped));
        tracing::info!("emulator listening on {}://{addr}", shared.scheme);
        Ok(Emulator {
            shared,
            tls,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Like [`Emulator::start`], but serves from a runtime on a thread of its own, so the caller
    /// needs no tokio runtime and may block freely (for example while running the portico CLI
    /// as a child process). Dropping the handle stops the server and ends the thread.
    pub fn start_on_thread(config: Config) -> anyhow::Result<Emulator> {
        let (ready, started) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("portico-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => {
                        let _ = ready.send(Err(anyhow::Error::new(err)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Emulator::start(config).await {
                        Ok(mut emulator) => {
                            let task = emulator.task.take();
                            let _ = ready.send(Ok(emulator));
                            if let Some(task) = task {
                                let _ = task.await;
                            }
                        }
                        Err(err) => {
                            let _ = ready.send(Err(err));
                        }
                    }
                });
            })
            .context("failed to spawn the emulator thread")?;
        started
            .recv()
            .context("the emulator thread exited before starting")?
    }

    /// Base URL of the server, e.g. `http://127.0.0.1:41234`, or `https://...` in TLS mode
    /// (no trailing slash).
    pub fn url(&self) -> String {
        format!("{}://{}", self.shared.scheme, self.shared.addr)
    }

    /// In TLS mode, the PEM of the test CA that issued the server's certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|tls| tls.ca_pem.as_str())
    }

    /// In TLS mode, the file holding [`Emulator::ca_pem`]: [`Config::tls_ca_out`] if set, else
    /// a temporary file that lives as long as the emulator.
    pub fn ca_path(&self) -> Option<&Path> {
        self.tls.as_ref().map(|tls| tls.ca_path.as_path())
    }

    /// In TLS mode, the PEM of a second CA, generated at start and unrelated to the server's
    /// certificate: a client trusting only it must refuse the connection.
    pub fn wrong_ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|tls| tls.wrong_ca_pem.as_str())
    }

    /// In TLS mode, a temporary file holding [`Emulator::wrong_ca_pem`].
    pub fn wrong_ca_path(&self) -> Option<&Path> {
        self.tls.as_ref().map(|tls| tls.wrong_ca_path.as_path())
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The configuration the emulator was started with (delays, latency and random faults as
    /// at start-up; see [`Emulator::set_provision_delay`] and friends for runtime changes).
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Every provider request received so far, oldest first (admin requests are not recorded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    /// Appends a fault rule; the first live rule matching a request fires.
    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// The fault rules that still have firings left.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.shared.faults.snapshot()
    }

    /// Removes every fault rule and the random faults (like `DELETE /_emulator/faults`); the
    /// counts of [`Emulator::fault_stats`] stay.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Starts drawing random faults for matching provider requests from a generator seeded
    /// with `faults.seed`, replacing earlier random faults (like `PUT /_emulator/faults/random`).
    /// Fails when a rate is outside `[0, 1]`, the rates add up to more than 1, or the prefix
    /// does not start with `/`.
    pub fn set_random_faults(&self, faults: RandomFaults) -> anyhow::Result<()> {
        self.shared
            .faults
            .set_random(faults)
            .map_err(|err| anyhow!("invalid random faults: {err}"))
    }

    /// The random faults in force, if any.
    pub fn random_faults(&self) -> Option<RandomFaults> {
        self.shared.faults.random()
    }

    /// Stops drawing random faults (fault rules stay).
    pub fn clear_random_faults(&self) {
        self.shared.faults.clear_random();
    }

    /// Counts of the faults injected so far, by kind (like `GET /_emulator/faults/stats`).
    pub fn fault_stats(&self) -> FaultStats {
        self.shared.faults.stats()
    }

    /// Zeroes the counts of [`Emulator::fault_stats`].
    pub fn clear_fault_stats(&self) {
        self.shared.faults.clear_stats();
    }

    /// Changes the latency waited before every provider response from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.update_delays(|delays| delays.latency = latency);
    }

    /// Changes the provisioning delay for resources created or updated from now on.
    pub fn set_provision_delay(&self, delay: Duration) {
        self.shared.update_delays(|delays| delays.provision = delay);
    }

    /// Changes the deletion delay for resources deleted from now on.
    pub fn set_delete_delay(&self, delay: Duration) {
        self.shared.update_delays(|delays| delays.delete = delay);
    }

    /// Moves the emulator's clock forward, so pending state transitions happen without sleeping.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// The Soracom operator id (`OP00...`) that `POST /v1/auth` returns and every Soracom
    /// resource belongs to; fixed for the life of the emulator.
    pub fn soracom_operator_id(&self) -> String {
        lock(&self.shared.soracom).operator_id().to_owned()
    }

    /// Revokes every Soracom API key and token issued so far, so the next request with one of
    /// them answers 401 and the client must call `POST /v1/auth` again.
    pub fn expire_soracom_tokens(&self) {
        lock(&self.shared.soracom).expire_tokens();
    }

    /// Makes each Soracom token issued from now on expire after `uses` authenticated requests
    /// (`None`: no limit, the default). Tokens issued earlier keep their own limit.
    pub fn set_soracom_token_uses(&self, uses: Option<u32>) {
        lock(&self.shared.soracom).set_token_uses(uses);
    }

    /// Makes the next `requests` signed SCP requests arrive altered (a query parameter added, as
    /// if rewritten on the way) before the signature check, so they fail it.
    pub fn tamper_scp_requests(&self, requests: u32) {
        lock(&self.shared.scp).set_tamper(requests);
    }

    /// Clears all provider state, recorded requests, fault rules, random faults and fault
    /// counts (like `POST /_emulator/reset`); latency, delays and the clock stay.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops accepting connections and waits (at most five seconds) for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.shared.addr)
            .finish_non_exhaustive()
    }
}
