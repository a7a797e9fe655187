//! The network every broker of the process shares: one HTTP client (no redirects, no system
//! proxy) whose resolver lets a host name lead only to public addresses, except the hosts the
//! user configured as a profile's endpoint. A profile with its own CA file gets a client of its
//! own that trusts only that file. No client reads a certificate before its first HTTPS
//! handshake ([`super::roots`]).

use super::resolve::PublicOnly;
use super::roots::{LazyVerifier, Roots};
use anyhow::{Context as _, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The HTTP clients and their resolver.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    client: reqwest::Client,
    with_ca: Arc<Mutex<HashMap<PathBuf, reqwest::Client>>>,
    resolver: PublicOnly,
}

impl Network {
    /// The client brokered requests go through.
    pub(crate) fn new() -> Result<Self> {
        // The one crypto provider of the process (rustls needs it chosen before any client).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = PublicOnly::default();
        let client = build(&resolver, Roots::System)?;
        Ok(Self {
            client,
            with_ca: Arc::default(),
            resolver,
        })
    }

    /// The client for a profile with CA file `ca` (the system's roots without one).
    pub(super) fn client(&self, ca: Option<&Path>) -> Result<reqwest::Client> {
        let Some(ca) = ca else {
            return Ok(self.client.clone());
        };
        let mut clients = self.with_ca.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(ca) {
            return Ok(client.clone());
        }
        let client = build(&self.resolver, Roots::File(ca.to_path_buf()))?;
        clients.insert(ca.to_path_buf(), client.clone());
        Ok(client)
    }

    /// Lets `host`, configured by the user as a profile's endpoint, resolve to loopback or
    /// private addresses.
    pub(super) fn allow_private(&self, host: &str) {
        self.resolver.allow_private(host);
    }
}

/// A client whose TLS trusts `roots`, loaded at its first handshake.
fn build(resolver: &PublicOnly, roots: Roots) -> Result<reqwest::Client> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let mut tls = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("failed to configure TLS")?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LazyVerifier::new(roots, provider)))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(Arc::new(resolver.clone()))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("portico/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("failed to build the HTTP client")
}
