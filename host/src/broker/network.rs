//! The network every broker of the process shares: one HTTP client (no redirects, no system
//! proxy) whose resolver lets a host name lead only to public addresses, except the hosts the
//! user configured as a profile's endpoint.

use super::resolve::PublicOnly;
use anyhow::{Context as _, Result};
use std::sync::Arc;

/// The HTTP client and its resolver.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    client: reqwest::Client,
    resolver: PublicOnly,
}

impl Network {
    /// The client brokered requests go through.
    pub(crate) fn new() -> Result<Self> {
        // The one crypto provider of the process (rustls needs it chosen before any client).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = PublicOnly::default();
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(resolver.clone()))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("portico/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("failed to build the HTTP client")?;
        Ok(Self { client, resolver })
    }

    /// The client.
    pub(super) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Lets `host`, configured by the user as a profile's endpoint, resolve to loopback or
    /// private addresses.
    pub(super) fn allow_private(&self, host: &str) {
        self.resolver.allow_private(host);
    }
}
