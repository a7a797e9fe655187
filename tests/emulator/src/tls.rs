//! TLS mode: a test CA generated at start, a server certificate it issues for the loopback
//! names (`127.0.0.1`, `::1`, `localhost` and the bound address), the rustls server
//! configuration (ring provider, HTTP/1.1 only), and the PEM files handed to clients. A second,
//! unrelated CA comes with it, so tests can show that a client trusting the wrong CA refuses
//! the server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tempfile::TempDir;

/// The TLS material of one emulator.
pub(crate) struct Tls {
    pub(crate) server: Arc<ServerConfig>,
    pub(crate) ca_pem: String,
    pub(crate) ca_path: PathBuf,
    pub(crate) wrong_ca_pem: String,
    pub(crate) wrong_ca_path: PathBuf,
    /// Holds the CA files nobody asked to have elsewhere; removed with the emulator.
    _dir: TempDir,
}

/// A self-signed CA certificate with its signer.
fn new_ca(name: &str) -> anyhow::Result<(String, Issuer<'static, KeyPair>)> {
    let key = KeyPair::generate().context("failed to generate a CA key")?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let cert = params
        .self_signed(&key)
        .context("failed to sign the CA certificate")?;
    Ok((cert.pem(), Issuer::new(params, key)))
}

/// The PEM of a freshly generated CA that shares nothing with any emulator's CA: a client that
/// trusts only it must refuse every emulator.
pub fn unrelated_ca_pem() -> anyhow::Result<String> {
    Ok(new_ca("portico-emulator unrelated CA")?.0)
}

impl Tls {
    /// Generates the CA and server certificate for `addr` and writes the CA's PEM to `ca_out`
    /// (or to a temporary file).
    pub(crate) fn generate(addr: SocketAddr, ca_out: Option<&Path>) -> anyhow::Result<Tls> {
        let (ca_pem, issuer) = new_ca("portico-emulator test CA")?;
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let bound = addr.ip().to_string();
        if !names.contains(&bound) {
            names.push(bound);
        }
        let mut params = CertificateParams::new(names)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "portico-emulator");
        params.is_ca = IsCa::NoCa;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().context("failed to generate the server key")?;
        let cert = params
            .signed_by(&key, &issuer)
            .context("failed to sign the server certificate")?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("failed to choose TLS versions")?
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .context("failed to load the server certificate")?;
        // The emulator's connections speak HTTP/1.1 only.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];

        let wrong_ca_pem = unrelated_ca_pem()?;
        let dir = tempfile::Builder::new()
            .prefix("portico-emulator-tls-")
            .tempdir()
            .context("failed to create a directory for the CA files")?;
        let ca_path = ca_out.map_or_else(|| dir.path().join("ca.pem"), Path::to_path_buf);
        std::fs::write(&ca_path, &ca_pem).with_context(|| {
            format!(
                "failed to write the CA certificate to {}",
                ca_path.display()
            )
        })?;
        let wrong_ca_path = dir.path().join("wrong-ca.pem");
        std::fs::write(&wrong_ca_path, &wrong_ca_pem).with_context(|| {
            format!(
                "failed to write the unrelated CA to {}",
                wrong_ca_path.display()
            )
        })?;
        Ok(Tls {
            server: Arc::new(server),
            ca_pem,
            ca_path,
            wrong_ca_pem,
            wrong_ca_path,
            _dir: dir,
        })
    }
}
