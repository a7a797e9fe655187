//! Name resolution for brokered requests: a host name may only lead to a public address.
//!
//! The egress policy compares host *names*; a granted name could still resolve to a loopback,
//! private or link-local address (DNS rebinding, a hostile or stale record, a name an attacker
//! controls). So every name is resolved here and its non-public addresses are dropped; a name
//! with only non-public addresses is refused. The exception is a host the user configured
//! explicitly as a profile's `endpoint` (an emulator on 127.0.0.1, a private API gateway).
//! IP literals never reach a resolver: the egress policy alone decides them, and a literal is
//! only reachable when it was declared and granted, or configured as the endpoint.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, PoisonError, RwLock};

/// The resolver the HTTP client uses, plus the names allowed to resolve privately.
#[derive(Debug, Clone, Default)]
pub(crate) struct PublicOnly {
    configured: Arc<RwLock<BTreeSet<String>>>,
}

impl PublicOnly {
    /// Lets `host` (a profile's configured endpoint) resolve to non-public addresses.
    pub(crate) fn allow_private(&self, host: &str) {
        self.configured
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(normalise(host));
    }

    fn is_configured(&self, host: &str) -> bool {
        self.configured
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&normalise(host))
    }
}

fn normalise(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// A host name that resolved only to addresses portico does not send adapter traffic to.
#[derive(Debug)]
pub(crate) struct PrivateAddress {
    /// The name.
    pub host: String,
    /// One of its addresses.
    pub address: IpAddr,
}

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to {}, a loopback, private or link-local address, and no profile \
             configured it as its endpoint",
            self.host, self.address
        )
    }
}

impl std::error::Error for PrivateAddress {}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let configured = self.is_configured(&host);
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if configured {
                return Ok(Box::new(resolved.into_iter()) as Addrs);
            }
            let (public, private): (Vec<SocketAddr>, Vec<SocketAddr>) =
                resolved.into_iter().partition(|a| is_public(a.ip()));
            match (public.is_empty(), private.first()) {
                (true, Some(first)) => Err(Box::new(PrivateAddress {
                    host,
                    address: first.ip(),
                })
                    as Box<dyn std::error::Error + Send + Sync>),
                _ => Ok(Box::new(public.into_iter()) as Addrs),
            }
        })
    }
}

/// Whether adapter traffic may go to `ip` without the user naming it: not loopback, private,
/// link-local, shared (CGNAT), unspecified, multicast, documentation-only or reserved, in
/// IPv4, IPv6, or IPv4 embedded in IPv6.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64 of a v4 address
        || first == 0x2002) // 6to4 embeds a v4 address
}

/// Whether `err` (a reqwest error) was caused by [`PrivateAddress`].
pub(crate) fn private_address<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a PrivateAddress> {
    let mut source = Some(err);
    while let Some(e) = source {
        if let Some(found) = e.downcast_ref::<PrivateAddress>() {
            return Some(found);
        }
        source = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
        ] {
            assert!(
                !is_public(text.parse().unwrap()),
                "{text} counted as public"
            );
        }
        for text in [
            "8.8.8.8",
            "203.0.114.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(
                is_public(text.parse().unwrap()),
                "{text} counted as private"
            );
        }
    }

    #[tokio::test]
    async fn localhost_is_refused_unless_configured() {
        let resolver = PublicOnly::default();
        let name: Name = "localhost".parse().unwrap();
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost resolved"),
            Err(err) => err,
        };
        let found = private_address(err.as_ref()).expect("a PrivateAddress");
        assert!(found.address.is_loopback());
        resolver.allow_private("LOCALHOST.");
        let addrs: Vec<_> = resolver
            .resolve("localhost".parse().unwrap())
            .await
            .expect("configured endpoints may be private")
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty());
    }
}
