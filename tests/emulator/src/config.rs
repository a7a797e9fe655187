//! Start-up settings of an emulator: address, credentials of every provider (Toy VPN's too),
//! lifecycle delays, latency, random faults and TLS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::RandomFaults;

/// Start-up settings of an [`crate::Emulator`].
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
    /// Bearer token accepted by the Toy VPN API (`/toy/v1`).
    pub toy_token: String,
    /// Waited before every provider response (injected faults included; never the admin
    /// endpoints), as a network far from the provider adds. Changeable at runtime with
    /// [`crate::Emulator::set_latency`] or `PUT /_emulator/delays {"latency_ms": N}`.
    pub latency: Duration,
    /// Seeded random faults from the first request on; see [`RandomFaults`].
    pub random_faults: Option<RandomFaults>,
    /// Serve HTTPS with a certificate for `127.0.0.1`, `::1` and `localhost` issued by a test
    /// CA generated at start ([`crate::Emulator::ca_pem`]).
    pub tls: bool,
    /// With [`Config::tls`], where to write the test CA's PEM; `None` writes it to a temporary
    /// file removed with the emulator ([`crate::Emulator::ca_path`]).
    pub tls_ca_out: Option<PathBuf>,
}

impl Default for Config {
    /// Random tokens, no Basic credentials, no delays, no latency, no faults, plain HTTP on an
    /// ephemeral loopback port.
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
            toy_token: format!("toy_{}", random_token()),
            latency: Duration::ZERO,
            random_faults: None,
            tls: false,
            tls_ca_out: None,
        }
    }
}

/// 32 lowercase hex characters from the thread RNG.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
