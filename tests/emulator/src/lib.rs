//! `portico-emulator`: a stateful stand-in for the provider HTTP APIs that portico's adapters
//! drive, served on a loopback address for integration tests and demos.
//!
//! Every provider is served at its real paths from the root of a single server; each one lives
//! in its own module (today only `ionos`, the IONOS Cloud VPN Gateway API). Around them sit the
//! provider-independent pieces: request recording ([`record`]), fault injection ([`faults`]), a
//! clock tests can move forward, and the unauthenticated `/_emulator/*` admin endpoints.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use portico_emulator::{Config, Emulator, FaultRule};
//! let emulator = Emulator::start(Config::default()).await?;
//! emulator.add_fault(FaultRule::status("/wireguardgateways", 503).times(2));
//! println!("{} accepts bearer {}", emulator.url(), emulator.config().ionos_token);
//! # Ok(()) }
//! ```

mod admin;
mod clock;
pub mod faults;
mod ionos;
pub mod record;
mod scp;
mod soracom;
mod upcloud;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, ensure};
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse as _, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::FaultRule;
pub use record::RecordedRequest;

/// Path prefix of the emulator's own endpoints; they are neither recorded nor faulted.
pub const ADMIN_PREFIX: &str = "/_emulator";

/// Start-up settings of an [`Emulator`].
///
/// Build one with struct-update syntax so new fields stay source compatible:
/// `Config { provision_delay: Duration::from_secs(2), ..Config::default() }`.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to bind; `None` means `127.0.0.1:0`. Only loopback addresses are accepted.
    pub listen: Option<SocketAddr>,
    /// Bearer token with full access to the IONOS API.
    pub ionos_token: String,
    /// Bearer token that may only read: writes answer 403.
    pub ionos_readonly_token: String,
    /// Optional HTTP Basic `(username, password)` pair with full access to the IONOS API.
    pub ionos_basic: Option<(String, String)>,
    /// How long a created or updated resource stays `PROVISIONING` before it is `AVAILABLE`.
    pub provision_delay: Duration,
    /// How long a deleted resource stays `DESTROYING` before it disappears.
    pub delete_delay: Duration,
    /// Soracom AuthKey id accepted by `POST /v1/auth` (shaped `keyId-...`).
    pub soracom_auth_key_id: String,
    /// Soracom AuthKey secret that goes with [`Config::soracom_auth_key_id`] (`secret-...`).
    pub soracom_auth_key: String,
    /// UpCloud API user `(username, password)` accepted as HTTP Basic by the UpCloud API.
    pub upcloud_basic: (String, String),
    /// UpCloud API token (`ucat_...`) accepted as a bearer token by the UpCloud API.
    pub upcloud_token: String,
    /// SCP access key (`Scp-AccessKey`) whose requests are accepted.
    pub scp_access_key: String,
    /// SCP secret key that signs requests of [`Config::scp_access_key`].
    pub scp_secret_key: String,
    /// SCP account id requests must send in `Scp-AccountId`; empty accepts any (SCP's SDK
    /// sends an empty one).
    pub scp_account_id: String,
}

impl Default for Config {
    /// Random tokens, no Basic credentials, no delays, an ephemeral loopback port.
    fn default() -> Self {
        Config {
            listen: None,
            ionos_token: random_token(),
            ionos_readonly_token: random_token(),
            ionos_basic: None,
            provision_delay: Duration::ZERO,
            delete_delay: Duration::ZERO,
            soracom_auth_key_id: format!("keyId-{}", random_token()),
            soracom_auth_key: format!("secret-{}{}", random_token(), random_token()),
            upcloud_basic: (format!("api-{}", &random_token()[..8]), random_token()),
            upcloud_token: format!("ucat_{}", random_token()),
            scp_access_key: random_token(),
            scp_secret_key: format!("{}{}", random_token(), random_token()),
            scp_account_id: String::new(),
        }
    }
}

/// 32 lowercase hex characters from the thread RNG.
fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lifecycle delays that tests may change while the emulator runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delays {
    pub(crate) provision: Duration,
    pub(crate) delete: Duration,
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) addr: SocketAddr,
    pub(crate) clock: clock::Clock,
    delays: Mutex<Delays>,
    pub(crate) recorder: record::Recorder,
    pub(crate) faults: faults::Faults,
    pub(crate) ionos: Mutex<ionos::Store>,
    pub(crate) soracom: Mutex<soracom::Store>,
    pub(crate) upcloud: Mutex<upcloud::Store>,
    pub(crate) scp: Mutex<scp::Store>,
}

impl Shared {
    fn new(config: Config, addr: SocketAddr) -> Self {
        let delays = Delays {
            provision: config.provision_delay,
            delete: config.delete_delay,
        };
        Shared {
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
        }
    }

    pub(crate) fn delays(&self) -> Delays {
        *lock(&self.delays)
    }

    pub(crate) fn update_delays(&self, provision: Option<Duration>, delete: Option<Duration>) {
        let mut delays = lock(&self.delays);
        if let Some(d) = provision {
            delays.provision = d;
        }
        if let Some(d) = delete {
            delays.delete = d;
        }
    }

    /// Forgets every resource of every provider, every recorded request and every fault rule.
    pub(crate) fn reset(&self) {
        lock(&self.ionos).clear();
        lock(&self.soracom).clear();
        lock(&self.upcloud).clear();
        lock(&self.scp).clear();
        self.recorder.clear();
        self.faults.clear();
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
        .nest(ADMIN_PREFIX, admin::router())
        .fallback(not_found)
        .layer(from_fn_with_state(shared.clone(), faults::middleware))
        .layer(from_fn_with_state(shared.clone(), record::middleware))
        .with_state(shared)
}

/// A running emulator. Dropping it (or calling [`Emulator::shutdown`]) stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.listen` (default `127.0.0.1:0`) and starts serving on the current tokio
    /// runtime. Fails for non-loopback addresses.
    pub async fn start(config: Config) -> anyhow::Result<Emulator> {
        let listen = config
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        ensure!(
            listen.ip().is_loopback(),
            "refusing to listen on non-loopback address {listen}: the emulator is for tests and demos only"
        );
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("failed to bind {listen}"))?;
        let addr = listener
            .local_addr()
            .context("failed to read the bound address")?;
        let shared = Arc::new(Shared::new(config, addr));
        let router = app(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, router).with_graceful_shutdown(async move {
                // A dropped sender means the same as an explicit stop.
                let _ = stopped.await;
            });
            if let Err(err) = server.await {
                tracing::error!("emulator server failed: {err}");
            }
        });
        tracing::info!("emulator listening on http://{addr}");
        Ok(Emulator {
            shared,
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

    /// Base URL of the server, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The configuration the emulator was started with (delays as at start-up; see
    /// [`Emulator::set_provision_delay`] for runtime changes).
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

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Changes the provisioning delay for resources created or updated from now on.
    pub fn set_provision_delay(&self, delay: Duration) {
        self.shared.update_delays(Some(delay), None);
    }

    /// Changes the deletion delay for resources deleted from now on.
    pub fn set_delete_delay(&self, delay: Duration) {
        self.shared.update_delays(None, Some(delay));
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

    /// Clears all provider state, recorded requests and fault rules (like `POST /_emulator/reset`).
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
