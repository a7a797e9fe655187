//! IPv4 addresses and CIDR blocks, as the Soracom API writes them (`10.128.0.0/9`).

use std::fmt;
use std::net::Ipv4Addr;

use super::ApiError;

/// An IPv4 block: a network address and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cidr {
    network: u32,
    prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`; host bits must be zero.
    pub(super) fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let address: Ipv4Addr = address.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let network = u32::from(address);
        (network & !mask(prefix) == 0).then_some(Cidr { network, prefix })
    }

    /// Like [`Cidr::parse`], with a 400 naming `field` on failure.
    pub(super) fn require(text: &str, field: &str) -> Result<Cidr, ApiError> {
        Cidr::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "{field} must be an IPv4 CIDR block such as 10.0.0.0/16, got '{text}'"
            ))
        })
    }

    pub(super) fn prefix(self) -> u8 {
        self.prefix
    }

    /// Whether `address` is a usable host address of the block (not the network or broadcast
    /// address, for blocks that have those).
    pub(super) fn contains_host(self, address: Ipv4Addr) -> bool {
        let value = u32::from(address);
        let inside = value & mask(self.prefix) == self.network;
        inside && (self.prefix >= 31 || (value != self.network && value != self.broadcast()))
    }

    pub(super) fn overlaps(self, other: Cidr) -> bool {
        let shorter = mask(self.prefix.min(other.prefix));
        self.network & shorter == other.network & shorter
    }

    /// Dotted netmask, e.g. `255.128.0.0` for a `/9`.
    pub(super) fn netmask(self) -> String {
        Ipv4Addr::from(mask(self.prefix)).to_string()
    }

    /// The lowest usable host address for which `taken` is false.
    pub(super) fn first_free(self, taken: impl Fn(Ipv4Addr) -> bool) -> Option<Ipv4Addr> {
        let first = if self.prefix >= 31 {
            self.network
        } else {
            self.network + 1
        };
        let last = if self.prefix >= 31 {
            self.broadcast()
        } else {
            self.broadcast() - 1
        };
        (first..=last).map(Ipv4Addr::from).find(|a| !taken(*a))
    }

    fn broadcast(self) -> u32 {
        self.network | !mask(self.prefix)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.network), self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

/// Parses a dotted IPv4 address, with a 400 naming `field` on failure.
pub(super) fn require_ip(text: &str, field: &str) -> Result<Ipv4Addr, ApiError> {
    text.parse().map_err(|_| {
        ApiError::bad_request(format!("{field} must be an IPv4 address, got '{text}'"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_membership() {
        let cidr = Cidr::parse("10.128.0.0/9").expect("valid");
        assert_eq!(cidr.to_string(), "10.128.0.0/9");
        assert_eq!(cidr.netmask(), "255.128.0.0");
        assert!(cidr.contains_host(Ipv4Addr::new(10, 200, 1, 1)));
        assert!(!cidr.contains_host(Ipv4Addr::new(10, 128, 0, 0)));
        assert!(!cidr.contains_host(Ipv4Addr::new(10, 255, 255, 255)));
        assert!(!cidr.contains_host(Ipv4Addr::new(10, 0, 0, 1)));
        for bad in ["10.128.0.1/9", "10.0.0.0", "10.0.0.0/33", "x/8", "10.0.0/8"] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Cidr::parse("0.0.0.0/0").map(|c| c.prefix()), Some(0));
    }

    #[test]
    fn overlap_and_allocation() {
        let a = Cidr::parse("10.128.0.0/9").expect("valid");
        let b = Cidr::parse("10.200.0.0/16").expect("valid");
        let c = Cidr::parse("192.168.0.0/16").expect("valid");
        assert!(a.overlaps(b) && b.overlaps(a) && !a.overlaps(c));
        let small = Cidr::parse("192.168.1.0/30").expect("valid");
        let free = small.first_free(|ip| ip == Ipv4Addr::new(192, 168, 1, 1));
        assert_eq!(free, Some(Ipv4Addr::new(192, 168, 1, 2)));
        assert_eq!(small.first_free(|_| true), None);
    }
}
