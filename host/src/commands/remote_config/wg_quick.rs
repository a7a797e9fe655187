//! A WireGuard peer's wg-quick file: the peer's `[Interface]` (its private key when known, its
//! addresses) and the gateway as its `[Peer]` (public key, endpoint, the gateway's networks).

use crate::error::input;
use crate::secret::SecretString;
use crate::wit::types::{Gateway, Peer};
use anyhow::Result;
use std::fmt::Write as _;

/// The wg-quick file of `peer` of `gateway`, with `private_key` when known.
pub(crate) fn wg_quick(
    peer: &Peer,
    gateway: &Gateway,
    private_key: Option<&SecretString>,
) -> Result<String> {
    let wg = gateway.wireguard.as_ref();
    let public_key = wg.and_then(|w| w.public_key.as_deref()).ok_or_else(|| {
        input(format!(
            "gateway {} reports no WireGuard public key (yet): is it a WireGuard gateway, and \
             available?",
            gateway.id
        ))
    })?;
    let port = wg.and_then(|w| w.listen_port).ok_or_else(|| {
        input(format!(
            "gateway {} reports no WireGuard listen port",
            gateway.id
        ))
    })?;
    let address = gateway.public_addresses.first().ok_or_else(|| {
        input(format!(
            "gateway {} has no public address yet; wait until it is available (--wait)",
            gateway.id
        ))
    })?;
    if peer.allowed_networks.is_empty() {
        return Err(input(format!(
            "peer {} has no allowed networks: its interface would have no address",
            peer.id
        )));
    }
    let endpoint = if address.contains(':') {
        format!("[{address}]:{port}")
    } else {
        format!("{address}:{port}")
    };
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# wg-quick configuration of peer {} of gateway {}, written by portico.",
        peer.name.as_deref().unwrap_or(&peer.id),
        gateway.name.as_deref().unwrap_or(&gateway.id)
    );
    let _ = writeln!(w, "[Interface]");
    match private_key {
        Some(k) => {
            let _ = writeln!(w, "PrivateKey = {}", k.expose().trim());
        }
        None => {
            let _ = writeln!(
                w,
                "# PrivateKey = ...  (this peer's private key: give --private-key SOURCE, or \
                 create the peer with --generate-key)"
            );
        }
    }
    let _ = writeln!(w, "Address = {}", peer.allowed_networks.join(", "));
    let _ = writeln!(
        w,
        "\n[Peer]\nPublicKey = {public_key}\nEndpoint = {endpoint}"
    );
    if !gateway.networks.is_empty() {
        let networks: Vec<String> = gateway.networks.iter().map(|n| network_of(n)).collect();
        let _ = writeln!(w, "AllowedIPs = {}", networks.join(", "));
    }
    let _ = writeln!(w, "PersistentKeepalive = 25");
    Ok(out)
}

/// The network of an interface address (`10.8.0.1/24` is `10.8.0.0/24`): wg-quick adds a route
/// for each allowed network, and `ip route` refuses host bits. Text that is not an address in
/// CIDR notation stays as it is.
fn network_of(cidr: &str) -> String {
    let Some((address, prefix)) = cidr.trim().split_once('/') else {
        return cidr.trim().to_string();
    };
    let (Ok(address), Ok(prefix)) = (address.parse::<std::net::IpAddr>(), prefix.parse::<u32>())
    else {
        return cidr.trim().to_string();
    };
    let masked = match address {
        std::net::IpAddr::V4(a) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            std::net::IpAddr::V4((u32::from(a) & mask).into())
        }
        std::net::IpAddr::V6(a) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            std::net::IpAddr::V6((u128::from(a) & mask).into())
        }
        _ => return cidr.trim().to_string(),
    };
    format!("{masked}/{prefix}")
}

/// `text` as a QR code in Unicode half blocks, dark modules on a light background.
pub(crate) fn qr(text: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| input(format!("the configuration does not fit a QR code: {e}")))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::types::{State, WireguardEnd};

    fn gateway() -> Gateway {
        Gateway {
            id: "gw-1".into(),
            kind: "wireguard".into(),
            name: Some("home".into()),
            description: None,
            state: State::Available,
            provider_state: "AVAILABLE".into(),
            public_addresses: vec!["203.0.113.5".into()],
            networks: vec!["10.8.0.0/24".into(), "10.20.0.0/16".into()],
            wireguard: Some(WireguardEnd {
                public_key: Some("GwPublicKeyBase64xxxxxxxxxxxxxxxxxxxxxxxxxx=".into()),
                listen_port: Some(51820),
            }),
            labels: vec![],
            created_at: None,
            raw: "{}".into(),
        }
    }

    fn peer() -> Peer {
        Peer {
            id: "p-1".into(),
            parent_id: Some("gw-1".into()),
            kind: "wireguard".into(),
            name: Some("phone".into()),
            description: None,
            state: State::Available,
            provider_state: "AVAILABLE".into(),
            public_key: Some("PeerPub=".into()),
            endpoint: None,
            allowed_networks: vec!["10.8.0.2/32".into()],
            labels: vec![],
            created_at: None,
            raw: "{}".into(),
        }
    }

    #[test]
    fn interface_and_peer_sections() {
        let key = SecretString::new("PrivKeyBase64=".into());
        let conf = wg_quick(&peer(), &gateway(), Some(&key)).unwrap();
        for line in [
            "[Interface]",
            "PrivateKey = PrivKeyBase64=",
            "Address = 10.8.0.2/32",
            "PublicKey = GwPublicKeyBase64xxxxxxxxxxxxxxxxxxxxxxxxxx=",
            "Endpoint = 203.0.113.5:51820",
            "AllowedIPs = 10.8.0.0/24, 10.20.0.0/16",
        ] {
            assert!(
                conf.lines().any(|l| l == line),
                "{line:?} missing in\n{conf}"
            );
        }
        // A gateway that reports its interface address: the peer routes its network.
        let mut g = gateway();
        g.networks = vec![
            "10.8.0.1/24".into(),
            "fd00::1/64".into(),
            "10.9.0.7/32".into(),
        ];
        let routed = wg_quick(&peer(), &g, None).unwrap();
        assert!(
            routed
                .lines()
                .any(|l| l == "AllowedIPs = 10.8.0.0/24, fd00::/64, 10.9.0.7/32"),
            "{routed}"
        );
        assert_eq!(network_of("0.0.0.0/0"), "0.0.0.0/0");
        assert_eq!(network_of("not-a-network"), "not-a-network");
        let without = wg_quick(&peer(), &gateway(), None).unwrap();
        assert!(!without.lines().any(|l| l.starts_with("PrivateKey")));
        let mut g = gateway();
        g.public_addresses = vec!["2001:db8::1".into()];
        assert!(
            wg_quick(&peer(), &g, None)
                .unwrap()
                .contains("Endpoint = [2001:db8::1]:51820")
        );
        g.wireguard = None;
        assert!(wg_quick(&peer(), &g, None).is_err());
        let drawn = qr(&conf).unwrap();
        assert!(drawn.lines().count() > 20 && drawn.contains('▀'), "{drawn}");
    }
}
