//! Egress policy: which URLs an adapter may reach and which hosts a credential is bound to.
//!
//! Everything is compared after the `url` crate's WHATWG normalisation (lower case, IDNA to
//! punycode, IPv4 number forms to dotted quads, IPv6 compression), with one trailing dot
//! removed, so spelling tricks cannot make a host look like another. Deny by default:
//! - a declared host pattern grants `https` on port 443 (or the port the pattern names);
//! - the endpoint a profile configures grants exactly its scheme, host and port;
//! - URLs with user info (`user@host`) are refused outright.

use std::fmt;
use url::{Host, Url};

/// A host pattern as adapters declare it: `host`, `host:port`, `*.suffix` or `*.suffix:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPattern {
    wildcard: bool,
    host: String,
    port: u16,
}

impl HostPattern {
    /// Parses every pattern of a description; an invalid one is an error naming it.
    pub(crate) fn parse_all(patterns: &[String]) -> anyhow::Result<Vec<Self>> {
        patterns
            .iter()
            .map(|p| Self::parse(p).map_err(anyhow::Error::msg))
            .collect()
    }

    /// Parses a pattern. The host part is normalised the way URLs are, so `VPN.Example.COM.`
    /// and `vpn.example.com` are the same pattern.
    pub(crate) fn parse(pattern: &str) -> Result<Self, String> {
        let pattern = pattern.trim();
        let (wildcard, rest) = match pattern.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        if rest.is_empty() || rest.contains(['/', '@', '*', '?', '#']) || rest.contains("://") {
            return Err(format!("invalid host pattern {pattern:?}"));
        }
        let url = Url::parse(&format!("https://{rest}/"))
            .map_err(|err| format!("invalid host pattern {pattern:?}: {err}"))?;
        let host = match url.host() {
            Some(Host::Domain(domain)) => normalise_domain(domain),
            Some(Host::Ipv4(ip)) if !wildcard => ip.to_string(),
            Some(Host::Ipv6(ip)) if !wildcard => format!("[{ip}]"),
            _ => return Err(format!("invalid host pattern {pattern:?}")),
        };
        if wildcard && !host.contains('.') {
            return Err(format!("host pattern {pattern:?} is too broad"));
        }
        let port = url.port_or_known_default().unwrap_or(443);
        Ok(Self {
            wildcard,
            host,
            port,
        })
    }

    /// Whether `target` (an `https` origin) matches the pattern.
    pub(crate) fn matches(&self, target: &Origin) -> bool {
        if target.scheme != "https" || target.port != self.port {
            return false;
        }
        if self.wildcard {
            target.is_domain
                && target
                    .host
                    .strip_suffix(&self.host)
                    .and_then(|front| front.strip_suffix('.'))
                    // One or more labels, none empty: `..suffix` names no host under it.
                    .is_some_and(|front| front.split('.').all(|l| !l.is_empty()))
        } else {
            target.host == self.host
        }
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(&self.host)?;
        if self.port != 443 {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// The scheme, host and port a URL points at, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// Normalised host: a domain without trailing dot, a dotted IPv4, or a bracketed IPv6.
    pub host: String,
    /// Effective port.
    pub port: u16,
    is_domain: bool,
}

impl Origin {
    /// The origin of an absolute `http(s)` URL without user info.
    pub(crate) fn of(url: &Url) -> Result<Self, String> {
        let scheme = url.scheme();
        if scheme != "https" && scheme != "http" {
            return Err(format!("scheme {scheme:?} is not allowed"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("URLs with user info are not allowed".into());
        }
        let (host, is_domain) = match url.host() {
            Some(Host::Domain(domain)) => (normalise_domain(domain), true),
            Some(Host::Ipv4(ip)) => (ip.to_string(), false),
            Some(Host::Ipv6(ip)) => (format!("[{ip}]"), false),
            None => return Err("URL has no host".into()),
        };
        let port = url
            .port_or_known_default()
            .ok_or_else(|| "URL has no port".to_string())?;
        Ok(Self {
            scheme: scheme.to_string(),
            host,
            port,
            is_domain,
        })
    }

    /// Parses `text` as an absolute URL and returns its origin.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let url = Url::parse(text).map_err(|err| format!("invalid URL: {err}"))?;
        Self::of(&url)
    }

    /// `host` or `host:port` when the port is not the scheme's default.
    pub(crate) fn authority(&self) -> String {
        let default = if self.scheme == "https" { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn normalise_domain(domain: &str) -> String {
    domain
        .strip_suffix('.')
        .unwrap_or(domain)
        .to_ascii_lowercase()
}

/// A set of grants: host patterns plus, optionally, the profile's configured endpoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grants {
    patterns: Vec<HostPattern>,
    endpoint: Option<Origin>,
}

impl Grants {
    /// Grants built from patterns and an optional configured endpoint.
    pub(crate) fn new(patterns: Vec<HostPattern>, endpoint: Option<Origin>) -> Self {
        Self { patterns, endpoint }
    }

    /// The profile's configured endpoint, when there is one.
    pub(crate) fn endpoint(&self) -> Option<&Origin> {
        self.endpoint.as_ref()
    }

    /// Whether `origin` is granted.
    pub(crate) fn allows(&self, origin: &Origin) -> bool {
        self.endpoint.as_ref() == Some(origin) || self.patterns.iter().any(|p| p.matches(origin))
    }

    /// The grants that are in both `self` and `other`'s patterns (the endpoint is kept).
    pub(crate) fn restricted_to(&self, other: &[HostPattern]) -> Grants {
        Grants {
            patterns: self
                .patterns
                .iter()
                .filter(|p| other.contains(p))
                .cloned()
                .collect(),
            endpoint: self.endpoint.clone(),
        }
    }
}

#[cfg(test)]
#[path = "policy_props.rs"]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    fn grants() -> Grants {
        let patterns = [
            "vpn.de-fra.ionos.com",
            "*.example.net",
            "api.example.org:8443",
        ]
        .iter()
        .map(|p| HostPattern::parse(p).unwrap())
        .collect();
        Grants::new(
            patterns,
            Some(Origin::parse("http://127.0.0.1:4100").unwrap()),
        )
    }

    fn allowed(url: &str) -> bool {
        Origin::parse(url).is_ok_and(|o| grants().allows(&o))
    }

    #[test]
    fn exact_hosts_and_normalisation() {
        assert!(allowed("https://vpn.de-fra.ionos.com/wireguardgateways"));
        assert!(allowed("https://VPN.DE-FRA.IONOS.COM/x"), "upper case");
        assert!(allowed("https://vpn.de-fra.ionos.com./x"), "trailing dot");
        assert!(
            allowed("https://vpn.de-fra.ionos.com:443/x"),
            "explicit default port"
        );
        assert!(!allowed("http://vpn.de-fra.ionos.com/x"), "plain http");
        assert!(
            !allowed("https://vpn.de-fra.ionos.com:8443/x"),
            "other port"
        );
        assert!(
            !allowed("https://vpn.de-fra.ionos.com../x"),
            "two trailing dots"
        );
        assert!(!allowed("https://vpn.de-txl.ionos.com/x"), "other region");
    }

    #[test]
    fn user_info_and_look_alikes_are_refused() {
        assert!(
            !allowed("https://vpn.de-fra.ionos.com@evil.com/x"),
            "userinfo trick"
        );
        assert!(
            !allowed("https://user:pw@vpn.de-fra.ionos.com/x"),
            "userinfo on a granted host"
        );
        assert!(
            !allowed("https://vpn.de-fra.ionos.com.evil.com/x"),
            "suffix"
        );
        assert!(!allowed("https://evilvpn.de-fra.ionos.com/x"), "prefix");
        assert!(!allowed("https://vpn.de-fra.ionos.co/x"), "short tld");
        assert!(
            !allowed("https://vpn.de-fra.ionos.com%2eevil.com/x"),
            "encoded dot"
        );
        assert!(!allowed("ftp://vpn.de-fra.ionos.com/x"), "scheme");
        assert!(!allowed("file:///etc/passwd"), "file");
    }

    #[test]
    fn wildcards_need_a_label() {
        assert!(allowed("https://a.example.net/"));
        assert!(allowed("https://a.b.example.net/"));
        assert!(!allowed("https://example.net/"), "bare suffix");
        assert!(!allowed("https://aexample.net/"), "look-alike suffix");
        assert!(!allowed("https://a.example.net.evil.org/"));
        assert!(allowed("https://api.example.org:8443/"));
        assert!(
            !allowed("https://api.example.org/"),
            "pattern port is exact"
        );
    }

    #[test]
    fn configured_endpoint_is_exact() {
        assert!(allowed("http://127.0.0.1:4100/wireguardgateways"));
        assert!(!allowed("http://127.0.0.1:4101/"), "other port on loopback");
        assert!(!allowed("https://127.0.0.1:4100/"), "other scheme");
        assert!(
            !allowed("http://localhost:4100/"),
            "other name for the same host"
        );
        assert!(
            allowed("http://2130706433:4100/"),
            "decimal form normalises to 127.0.0.1"
        );
        assert!(
            allowed("http://0x7f.0.0.1:4100/"),
            "hex form normalises to 127.0.0.1"
        );
        assert!(
            !allowed("http://169.254.169.254/latest/meta-data"),
            "metadata service"
        );
    }

    #[test]
    fn ipv6_literals() {
        let g = Grants::new(
            vec![HostPattern::parse("[2001:db8::1]").unwrap()],
            Some(Origin::parse("http://[::1]:9000").unwrap()),
        );
        let ok = |u: &str| g.allows(&Origin::parse(u).unwrap());
        assert!(ok("https://[2001:db8:0:0::1]/"), "uncompressed form");
        assert!(ok("http://[0:0:0:0:0:0:0:1]:9000/"));
        assert!(
            !ok("http://[::ffff:127.0.0.1]:9000/"),
            "IPv4-mapped is another address"
        );
        assert!(!ok("https://[2001:db8::2]/"));
    }

    #[test]
    fn patterns_are_validated() {
        for bad in [
            "",
            "*.com",
            "*",
            "https://x.com",
            "x.com/path",
            "u@x.com",
            "*.1.2.3.4",
        ] {
            assert!(HostPattern::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            HostPattern::parse("*.Example.NET.").unwrap().to_string(),
            "*.example.net"
        );
    }

    #[test]
    fn restriction_keeps_only_common_patterns() {
        let cred = vec![HostPattern::parse("vpn.de-fra.ionos.com").unwrap()];
        let r = grants().restricted_to(&cred);
        assert!(r.allows(&Origin::parse("https://vpn.de-fra.ionos.com/").unwrap()));
        assert!(!r.allows(&Origin::parse("https://a.example.net/").unwrap()));
        assert!(r.allows(&Origin::parse("http://127.0.0.1:4100/").unwrap()));
    }
}
