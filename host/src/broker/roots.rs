//! TLS trust, built on demand: the certificate verifier of the HTTP client loads its roots the
//! first time a server presents a certificate, so a command that only speaks plain HTTP (the
//! emulator, a local endpoint) never reads a certificate file. The roots come from one source:
//! a profile's CA file (which replaces the system's roots, as `curl --cacert` does), or the
//! system bundle: `SSL_CERT_FILE`/`SSL_CERT_DIR` when set, otherwise the one bundle file the
//! platform's OpenSSL would use, without scanning the certificate directory as well. `-vv`
//! shows where the roots came from and how long they took.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, Error as TlsError, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Where a verifier's roots come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Roots {
    /// The system's roots (see the module documentation).
    System,
    /// Only the certificates of this PEM file (a profile's CA file).
    File(PathBuf),
}

/// A verifier whose roots are loaded on its first use, once.
#[derive(Debug)]
pub(super) struct LazyVerifier {
    roots: Roots,
    provider: Arc<CryptoProvider>,
    inner: OnceLock<Result<Arc<WebPkiServerVerifier>, String>>,
}

impl LazyVerifier {
    /// A verifier for `roots`; nothing is read yet.
    pub(super) fn new(roots: Roots, provider: Arc<CryptoProvider>) -> Self {
        Self {
            roots,
            provider,
            inner: OnceLock::new(),
        }
    }

    fn verifier(&self) -> Result<&Arc<WebPkiServerVerifier>, TlsError> {
        self.inner
            .get_or_init(|| self.build())
            .as_ref()
            .map_err(|e| TlsError::General(e.clone()))
    }

    fn build(&self) -> Result<Arc<WebPkiServerVerifier>, String> {
        let store = load(&self.roots)?;
        WebPkiServerVerifier::builder_with_provider(Arc::new(store), self.provider.clone())
            .build()
            .map_err(|e| format!("failed to build the certificate verifier: {e}"))
    }
}

/// Reads the certificates of `roots` now; an error when none could be loaded.
fn load(roots: &Roots) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(certificates(roots)?);
    Ok(store)
}

/// The CA certificates of `roots` (DER), read now; an error when none is usable. The OCI
/// registry client takes certificates rather than a verifier, and gets them from here, so a
/// registry is trusted by the same rule as the brokered requests.
pub(crate) fn certificates(roots: &Roots) -> Result<Vec<CertificateDer<'static>>, String> {
    let started = Instant::now();
    let (source, result) = match roots {
        Roots::File(path) => (
            format!("CA file {}", path.display()),
            rustls_native_certs::load_certs_from_paths(Some(path), None),
        ),
        Roots::System => system_roots(),
    };
    let mut store = RootCertStore::empty();
    let mut usable = Vec::new();
    let mut ignored = 0;
    for cert in result.certs {
        match store.add(cert.clone()) {
            Ok(()) => usable.push(cert),
            Err(_) => ignored += 1,
        }
    }
    for error in &result.errors {
        tracing::debug!("TLS roots: {error}");
    }
    tracing::debug!(
        "TLS roots: {} certificates from {source} in {:?}{}",
        usable.len(),
        started.elapsed(),
        if ignored > 0 {
            format!(" ({ignored} unparsable ignored)")
        } else {
            String::new()
        }
    );
    if usable.is_empty() {
        return Err(format!(
            "no trusted CA certificate could be loaded from {source}{}",
            result
                .errors
                .first()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    Ok(usable)
}

/// The system's roots, from one source: the file `SSL_CERT_FILE` names; else the directories
/// of `SSL_CERT_DIR`; else the bundle file OpenSSL would use; the platform's store (on Linux,
/// its certificate directories) only where there is no bundle.
fn system_roots() -> (String, rustls_native_certs::CertificateResult) {
    let file = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("SSL_CERT_DIR")
                .is_none()
                .then(bundle_file)
                .flatten()
        });
    if let Some(file) = file {
        let result = rustls_native_certs::load_certs_from_paths(Some(&file), None);
        return (format!("bundle {}", file.display()), result);
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR") {
        let mut result = rustls_native_certs::CertificateResult::default();
        for dir in std::env::split_paths(&dirs).filter(|d| !d.as_os_str().is_empty()) {
            let more = rustls_native_certs::load_certs_from_paths(None, Some(&dir));
            result.certs.extend(more.certs);
            result.errors.extend(more.errors);
        }
        return (format!("SSL_CERT_DIR {}", dirs.display()), result);
    }
    (
        "the system's certificate store".to_string(),
        rustls_native_certs::load_native_certs(),
    )
}

/// The CA bundle file of this platform, if it has one.
#[cfg(all(unix, not(target_os = "macos")))]
fn bundle_file() -> Option<PathBuf> {
    openssl_probe::probe().cert_file
}

/// Elsewhere the platform's store is not a file.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn bundle_file() -> Option<PathBuf> {
    None
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Checks, when a profile is added, that `path` is a PEM file with at least one certificate.
pub(crate) fn check_ca_file(path: &Path) -> Result<usize, String> {
    let result = rustls_native_certs::load_certs_from_paths(Some(path), None);
    if let Some(error) = result.errors.first() {
        return Err(format!("cannot read CA file {}: {error}", path.display()));
    }
    match result.certs.len() {
        0 => Err(format!(
            "CA file {} holds no PEM certificate",
            path.display()
        )),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_certificates_is_refused_when_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        assert!(
            check_ca_file(&path)
                .unwrap_err()
                .contains("no PEM certificate")
        );
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = LazyVerifier::new(Roots::File(path), provider);
        let err = verifier.verifier().unwrap_err().to_string();
        assert!(err.contains("no trusted CA certificate"), "{err}");
        // Built once: the second use gives the same answer without reading again.
        assert!(verifier.inner.get().is_some());
        assert!(verifier.verifier().is_err());
    }
}
