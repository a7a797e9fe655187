//! Adapters in OCI registries, in the CNCF layout for Wasm artifacts, through the Bytecode
//! Alliance's `oci-wasm` on `oci-client` (no registry protocol is written here).
//!
//! One [`Registry`] is one registry host, reached the way its `[registries."HOST"]` entry in
//! `config.toml` says:
//! - **credential**: a stored credential with `username` and `password` (HTTP basic, or the
//!   distribution spec's token exchange, which `oci-client` performs) or `token` (a bearer
//!   token); none: anonymous. The values go from the credential store to the client and
//!   nowhere else; every error text is scrubbed of them before it leaves this module.
//! - **TLS**: over HTTPS the registry is trusted by the same rule as the brokered requests
//!   ([`crate::broker::roots`]): the entry's `ca_file` alone, or else `SSL_CERT_FILE` /
//!   `SSL_CERT_DIR` / the system bundle.
//! - **plain HTTP** only where the entry says `insecure = true`, or for a loopback registry
//!   (`127.0.0.1`, `::1`, `localhost`) whose entry names no `ca_file` and does not say
//!   `insecure = false`.
//!
//! What is pushed and pulled is in [`artifact`]; what a failure means to the user is said
//! by [`Registry::explain`], naming the registry and never a secret.

mod artifact;
mod reference;

pub(crate) use artifact::signature_tag;
pub(crate) use reference::{AdapterRef, SCHEME};

use crate::broker::roots::{self, Roots};
use crate::config::{RegistryConfig, Settings};
use crate::credential_store::CredentialStore;
use crate::error::input;
use crate::secret::SecretString;
use anyhow::{Context as _, Result, anyhow};
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{DigestError, OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;
use oci_wasm::WasmClient;
use std::time::Duration;

/// One registry, with the protocol, roots and credential its config entry gives it.
pub(crate) struct Registry {
    client: WasmClient,
    auth: RegistryAuth,
    host: String,
    credential: Option<String>,
    /// The credential's values, scrubbed from every error text.
    secrets: Vec<SecretString>,
}

impl Registry {
    /// The registry of `reference`, configured from `settings`; `timeout` bounds connecting
    /// and each read.
    pub(crate) fn open(
        settings: &Settings,
        store: &CredentialStore,
        reference: &AdapterRef,
        timeout: Duration,
    ) -> Result<Self> {
        let host = reference.registry().to_string();
        let entry = settings.registries.get(&host).cloned().unwrap_or_default();
        let plain = plain_http(&host, &entry);
        let mut config = ClientConfig {
            protocol: if plain {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            read_timeout: Some(timeout),
            connect_timeout: Some(timeout),
            user_agent: concat!("portico/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        if !plain {
            let roots = entry.ca_file.clone().map_or(Roots::System, Roots::File);
            let certs = roots::certificates(&roots).map_err(|e| anyhow!("registry {host}: {e}"))?;
            config.tls_certs_only = certs
                .into_iter()
                .map(|c| Certificate {
                    encoding: CertificateEncoding::Der,
                    data: c.to_vec(),
                })
                .collect();
        }
        // The one crypto provider of the process, as for the brokered requests' client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = oci_client::Client::try_from(config)
            .with_context(|| format!("failed to set up the client of registry {host}"))?;
        let (auth, secrets) = match &entry.credential {
            None => (RegistryAuth::Anonymous, Vec::new()),
            Some(name) => credential_auth(store, name, &host)?,
        };
        Ok(Self {
            client: WasmClient::new(client),
            auth,
            host,
            credential: entry.credential,
            secrets,
        })
    }

    /// What `err`, met while doing `what` (`pull 127.0.0.1:5000/a/b:1.0.0`), means: the
    /// registry named, the fix when there is one, no secret.
    fn explain(&self, err: OciDistributionError, what: &str) -> anyhow::Error {
        let host = &self.host;
        let text = match &err {
            OciDistributionError::UnauthorizedError { .. }
            | OciDistributionError::AuthenticationFailure(_)
            | OciDistributionError::ServerError { code: 401, .. } => {
                let text = match &self.credential {
                    Some(name) => format!(
                        "registry {host} refused credential {name:?} ({what}): check its \
                         username and password (`portico credential set {name} --field \
                         username --field password`)"
                    ),
                    None => format!(
                        "registry {host} needs credentials ({what}): store them with \
                         `portico credential set NAME --field username --field password` and \
                         bind them in config.toml as [registries.\"{host}\"] credential = \
                         \"NAME\""
                    ),
                };
                return input(self.scrub(text));
            }
            OciDistributionError::DigestError(DigestError::VerificationError {
                expected,
                actual,
            }) => format!(
                "digest mismatch ({what}): registry {host} served content whose digest is \
                 {actual}, not {expected}; refusing it"
            ),
            OciDistributionError::RequestError(e) => {
                format!(
                    "cannot reach registry {host} ({what}): {e}{}",
                    source_chain(e)
                )
            }
            e if not_found(e) => {
                return input(self.scrub(format!("{what}: not found in registry {host}")));
            }
            OciDistributionError::ServerError { code, message, .. } => format!(
                "registry {host} answered HTTP {code} ({what}){}",
                short(message)
            ),
            OciDistributionError::RegistryError { envelope, .. } => {
                let codes: Vec<String> = envelope
                    .errors
                    .iter()
                    .map(|e| format!("{:?}: {}", e.code, e.message))
                    .collect();
                format!("registry {host} refused {what}: {}", codes.join("; "))
            }
            other => format!("registry {host} ({what}): {other}"),
        };
        anyhow!(self.scrub(text))
    }

    /// `text` with every value of the registry credential replaced.
    fn scrub(&self, mut text: String) -> String {
        for secret in &self.secrets {
            if !secret.is_empty() {
                text = text.replace(secret.expose(), "[redacted]");
            }
        }
        text
    }
}

impl Drop for Registry {
    /// Zeroes this copy of the credential; `oci-client` keeps plain `String` copies of its own
    /// (its auth store and token cache), which it drops without zeroing.
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        match &mut self.auth {
            RegistryAuth::Basic(user, password) => {
                user.zeroize();
                password.zeroize();
            }
            RegistryAuth::Bearer(token) => token.zeroize(),
            RegistryAuth::Anonymous => {}
        }
    }
}

/// Whether `err` says that the manifest or blob asked for does not exist.
fn not_found(err: &OciDistributionError) -> bool {
    match err {
        OciDistributionError::ImageManifestNotFoundError(_) => true,
        OciDistributionError::ServerError { code, .. } => *code == 404,
        OciDistributionError::RegistryError { envelope, .. } => envelope.errors.iter().any(|e| {
            matches!(
                e.code,
                OciErrorCode::ManifestUnknown
                    | OciErrorCode::BlobUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::NotFound
            )
        }),
        _ => false,
    }
}

/// `: cause: cause ...` of an error's sources (a refused connection, an unknown issuer).
fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut next = err.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}

/// `: MESSAGE` cut to one short line, or nothing.
fn short(message: &str) -> String {
    let line: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return String::new();
    }
    let cut: String = line.chars().take(200).collect();
    format!(": {}", crate::output::terminal_safe(&cut))
}

/// Whether portico speaks plain HTTP to `host` (see the module documentation).
fn plain_http(host: &str, entry: &RegistryConfig) -> bool {
    entry
        .insecure
        .unwrap_or_else(|| is_loopback(host) && entry.ca_file.is_none())
}

/// Whether `host` (`name`, `name:port`, `[v6]:port`) is a loopback name or address.
fn is_loopback(host: &str) -> bool {
    let name = if host.parse::<std::net::IpAddr>().is_ok() {
        host
    } else if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The client authentication of stored credential `name`, and its values for scrubbing.
fn credential_auth(
    store: &CredentialStore,
    name: &str,
    host: &str,
) -> Result<(RegistryAuth, Vec<SecretString>)> {
    let fields = ["username", "password", "token"].map(String::from);
    let credential = store
        .resolve(name, &fields)
        .with_context(|| format!("the credential of registry {host}"))?;
    if let Some(token) = credential.field("token") {
        // `oci-client` takes plain strings; the values live in them only as long as this
        // registry does.
        return Ok((
            RegistryAuth::Bearer(token.expose().to_string()),
            vec![token.clone()],
        ));
    }
    match (credential.field("username"), credential.field("password")) {
        (Some(user), Some(password)) => Ok((
            RegistryAuth::Basic(user.expose().to_string(), password.expose().to_string()),
            vec![password.clone()],
        )),
        _ => Err(input(format!(
            "credential {name:?} of registry {host} needs the fields username and password \
             (or token): `portico credential set {name} --field username --field password`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_for_loopback_or_when_the_entry_says_so() {
        let none = RegistryConfig::default();
        for host in [
            "127.0.0.1:5000",
            "localhost:5000",
            "localhost",
            "[::1]:5000",
            "::1",
        ] {
            assert!(plain_http(host, &none), "{host}");
        }
        for host in [
            "registry.example.com",
            "10.0.0.1:5000",
            "ghcr.io",
            "localhost.evil.com",
        ] {
            assert!(!plain_http(host, &none), "{host}");
        }
        let with_ca = RegistryConfig {
            ca_file: Some("/etc/ca.pem".into()),
            ..RegistryConfig::default()
        };
        assert!(!plain_http("127.0.0.1:5000", &with_ca));
        let tls = RegistryConfig {
            insecure: Some(false),
            ..RegistryConfig::default()
        };
        assert!(!plain_http("127.0.0.1:5000", &tls));
        let insecure = RegistryConfig {
            insecure: Some(true),
            ..RegistryConfig::default()
        };
        assert!(plain_http("registry.internal:5000", &insecure));
    }

    #[test]
    fn errors_name_the_registry_and_never_the_password() {
        let tmp = tempfile::tempdir().unwrap();
        let home = crate::home::Home::at(tmp.path().to_path_buf());
        let store = CredentialStore::new(home);
        let password = "pw-d7f3a9c1e5b2";
        store
            .set(
                "reg",
                [("username", "alice"), ("password", password)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), SecretString::new(v.to_string())))
                    .collect(),
            )
            .unwrap();
        let mut settings = Settings::default();
        settings.registries.insert(
            "127.0.0.1:5000".into(),
            RegistryConfig {
                credential: Some("reg".into()),
                ..RegistryConfig::default()
            },
        );
        let reference = AdapterRef::parse("oci://127.0.0.1:5000/a/b:1.0.0").unwrap();
        let registry =
            Registry::open(&settings, &store, &reference, Duration::from_secs(5)).unwrap();
        let err = registry.explain(
            OciDistributionError::UnauthorizedError {
                url: "http://127.0.0.1:5000/v2/a/b/manifests/1.0.0".into(),
            },
            "pull 127.0.0.1:5000/a/b:1.0.0",
        );
        let text = format!("{err:#}");
        assert!(
            text.contains("registry 127.0.0.1:5000 refused credential \"reg\""),
            "{text}"
        );
        let echoed = registry.explain(
            OciDistributionError::AuthenticationFailure(format!("bad password {password}")),
            "push",
        );
        assert!(!format!("{echoed:#}").contains(password), "{echoed:#}");
        let other = registry.explain(
            OciDistributionError::ServerError {
                code: 500,
                url: String::new(),
                message: format!("oops {password}"),
            },
            "push",
        );
        assert!(format!("{other:#}").contains("[redacted]"), "{other:#}");
        assert!(!format!("{other:#}").contains(password));
    }
}
