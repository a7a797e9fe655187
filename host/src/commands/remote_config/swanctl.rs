//! The remote site's strongSwan configuration for one tunnel: a `swanctl.conf` with a
//! `connections` and a `secrets` section, everything mirrored (the site's `local` is the
//! tunnel's remote end, its `remote` the cloud gateway).
//!
//! Proposals come from the tunnel's typed IPSec parameters in strongSwan syntax. Where the
//! record carries none, the documented defaults apply: IKEv2, strongSwan's `default` proposal
//! lists, strongSwan's own lifetimes and DPD off. The pre-shared key appears only when given:
//! providers never return it.

use crate::error::input;
use crate::ipsec;
use crate::secret::SecretString;
use crate::wit::types::{Gateway, IpsecParams, Tunnel};
use anyhow::Result;
use std::fmt::Write as _;

/// Both ends of one tunnel, seen from the remote site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    /// Connection name in `swanctl.conf` (a plain word).
    pub name: String,
    /// The site's own address (`%any` when the tunnel does not name one).
    pub local_address: String,
    /// The cloud gateway's public address.
    pub remote_address: String,
    /// The site's networks (the tunnel's remote networks).
    pub local_networks: Vec<String>,
    /// The cloud's networks (the tunnel's local networks, else the gateway's).
    pub remote_networks: Vec<String>,
    /// IKE version (1 or 2).
    pub ike_version: u8,
    /// IKE proposal in strongSwan syntax, or `default`.
    pub ike: String,
    /// ESP proposal in strongSwan syntax, or `default`.
    pub esp: String,
    /// IKE SA lifetime in seconds, when the tunnel sets one.
    pub ike_lifetime_secs: Option<u32>,
    /// Child SA lifetime in seconds, when the tunnel sets one.
    pub esp_lifetime_secs: Option<u32>,
    /// DPD interval in seconds; `None` or 0 leaves DPD off.
    pub dpd_interval_secs: Option<u32>,
}

/// A connection name from a resource id: letters, digits, `-` and `_` kept, the rest `-`.
fn connection_name(tunnel: &Tunnel) -> String {
    let base = tunnel.name.as_deref().unwrap_or(&tunnel.id);
    let word: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("portico-{}", word.trim_matches('-'))
}

impl Site {
    /// The remote site of `tunnel`, whose cloud end is `gateway`.
    pub(crate) fn of(tunnel: &Tunnel, gateway: &Gateway) -> Result<Self> {
        let remote_address = gateway.public_addresses.first().cloned().ok_or_else(|| {
            input(format!(
                "gateway {} has no public address yet; wait until it is available (--wait)",
                gateway.id
            ))
        })?;
        let remote_networks = if tunnel.local_networks.is_empty() {
            gateway.networks.clone()
        } else {
            tunnel.local_networks.clone()
        };
        if tunnel.remote_networks.is_empty() || remote_networks.is_empty() {
            let (side, hint) = if remote_networks.is_empty() {
                ("cloud-side", "; give them with --cloud-network CIDR")
            } else {
                ("remote", "")
            };
            return Err(input(format!(
                "tunnel {} names no {side} networks: the remote site's traffic selectors would \
                 be empty{hint}",
                tunnel.id
            )));
        }
        let p = tunnel.ipsec.clone().unwrap_or(IpsecParams {
            ike_version: None,
            ike: None,
            esp: None,
            ike_lifetime_secs: None,
            esp_lifetime_secs: None,
            dpd_interval_secs: None,
        });
        Ok(Self {
            name: connection_name(tunnel),
            local_address: tunnel
                .remote_address
                .clone()
                .unwrap_or_else(|| "%any".to_string()),
            remote_address,
            local_networks: tunnel.remote_networks.clone(),
            remote_networks,
            ike_version: p.ike_version.unwrap_or(2),
            ike: p
                .ike
                .as_ref()
                .map_or_else(|| "default".to_string(), |x| ipsec::format(x, true)),
            esp: p
                .esp
                .as_ref()
                .map_or_else(|| "default".to_string(), |x| ipsec::format(x, false)),
            ike_lifetime_secs: p.ike_lifetime_secs,
            esp_lifetime_secs: p.esp_lifetime_secs,
            dpd_interval_secs: p.dpd_interval_secs,
        })
    }
}

/// A value as swanctl reads it: plain when it is one safe word, quoted otherwise.
fn value(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/%,@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The PSK as swanctl reads it: a quoted string when it is plain printable ASCII, otherwise
/// `0x` and its bytes in hex (strongSwan decodes both to the same key).
fn secret_value(psk: &SecretString) -> String {
    let s = psk.expose();
    if s.chars().all(|c| c.is_ascii_graphic() || c == ' ') && !s.contains(['"', '\\']) {
        format!("\"{s}\"")
    } else {
        let mut hex = String::from("0x");
        for b in s.bytes() {
            let _ = write!(hex, "{b:02x}");
        }
        hex
    }
}

/// The `swanctl.conf` of the remote site of `tunnel` (cloud end `gateway`), with the
/// pre-shared key when `psk` is given.
pub(crate) fn swanctl(
    tunnel: &Tunnel,
    gateway: &Gateway,
    psk: Option<&SecretString>,
) -> Result<String> {
    Ok(render(&Site::of(tunnel, gateway)?, psk))
}

/// The `swanctl.conf` of `site`.
pub(crate) fn render(site: &Site, psk: Option<&SecretString>) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# strongSwan swanctl.conf for the remote site, written by portico.\n\
         # Load with `swanctl --load-all` (or copy to /etc/swanctl/conf.d/)."
    );
    let _ = writeln!(w, "connections {{\n    {} {{", site.name);
    let _ = writeln!(w, "        version = {}", site.ike_version);
    let _ = writeln!(w, "        local_addrs = {}", value(&site.local_address));
    let _ = writeln!(w, "        remote_addrs = {}", value(&site.remote_address));
    let _ = writeln!(w, "        proposals = {}", value(&site.ike));
    if let Some(s) = site.ike_lifetime_secs {
        let _ = writeln!(w, "        rekey_time = {s}s");
    }
    if let Some(s) = site.dpd_interval_secs.filter(|s| *s > 0) {
        let _ = writeln!(w, "        dpd_delay = {s}s");
    }
    let _ = writeln!(w, "        local {{\n            auth = psk");
    if site.local_address != "%any" {
        let _ = writeln!(w, "            id = {}", value(&site.local_address));
    }
    let _ = writeln!(w, "        }}\n        remote {{\n            auth = psk");
    let _ = writeln!(w, "            id = {}", value(&site.remote_address));
    let _ = writeln!(
        w,
        "        }}\n        children {{\n            {} {{",
        site.name
    );
    let _ = writeln!(
        w,
        "                local_ts = {}",
        value(&site.local_networks.join(","))
    );
    let _ = writeln!(
        w,
        "                remote_ts = {}",
        value(&site.remote_networks.join(","))
    );
    let _ = writeln!(w, "                esp_proposals = {}", value(&site.esp));
    if let Some(s) = site.esp_lifetime_secs {
        let _ = writeln!(w, "                rekey_time = {s}s");
    }
    if site.dpd_interval_secs.is_some_and(|s| s > 0) {
        let _ = writeln!(w, "                dpd_action = restart");
    }
    let _ = writeln!(w, "                start_action = start");
    let _ = writeln!(w, "            }}\n        }}\n    }}\n}}");
    let _ = writeln!(w, "secrets {{\n    ike-{} {{", site.name);
    if site.local_address != "%any" {
        let _ = writeln!(w, "        id-site = {}", value(&site.local_address));
    }
    let _ = writeln!(w, "        id-cloud = {}", value(&site.remote_address));
    match psk {
        Some(psk) => {
            let _ = writeln!(w, "        secret = {}", secret_value(psk));
        }
        None => {
            let _ = writeln!(
                w,
                "        # secret = \"...\"  (the tunnel's pre-shared key: providers never \
                 return it; give it with `--psk SOURCE`)"
            );
        }
    }
    let _ = writeln!(w, "    }}\n}}");
    out
}

/// A human summary of `site` (`tunnel config --format text`).
pub(crate) fn text(site: &Site) -> String {
    let secs =
        |s: Option<u32>| s.map_or_else(|| "strongSwan default".to_string(), |s| format!("{s}s"));
    format!(
        "Remote site of {name}\n\
         \x20 this site:      {la}, networks {ln}\n\
         \x20 cloud gateway:  {ra}, networks {rn}\n\
         \x20 IKE version:    {v}\n\
         \x20 IKE proposal:   {ike} (lifetime {il})\n\
         \x20 ESP proposal:   {esp} (lifetime {el})\n\
         \x20 DPD:            {dpd}\n\
         \x20 authentication: pre-shared key (never shown here; `--format swanctl --psk \
         SOURCE` writes it into the configuration)\n",
        name = site.name,
        la = site.local_address,
        ln = site.local_networks.join(", "),
        ra = site.remote_address,
        rn = site.remote_networks.join(", "),
        v = site.ike_version,
        ike = site.ike,
        il = secs(site.ike_lifetime_secs),
        esp = site.esp,
        el = secs(site.esp_lifetime_secs),
        dpd = match site.dpd_interval_secs {
            Some(s) if s > 0 => format!("every {s}s"),
            _ => "off".to_string(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wit::types::{Proposal, State};

    pub(crate) fn tunnel(ipsec: Option<IpsecParams>) -> Tunnel {
        Tunnel {
            id: "t-1".into(),
            parent_id: Some("gw-1".into()),
            kind: "ipsec".into(),
            name: Some("office link".into()),
            description: None,
            state: State::Available,
            provider_state: "AVAILABLE".into(),
            remote_address: Some("198.51.100.7".into()),
            local_networks: vec!["10.0.0.0/24".into()],
            remote_networks: vec!["192.168.1.0/24".into(), "192.168.2.0/24".into()],
            ipsec,
            labels: vec![],
            created_at: None,
            raw: "{}".into(),
        }
    }

    pub(crate) fn gateway() -> Gateway {
        Gateway {
            id: "gw-1".into(),
            kind: "ipsec".into(),
            name: None,
            description: None,
            state: State::Available,
            provider_state: "AVAILABLE".into(),
            public_addresses: vec!["203.0.113.10".into()],
            networks: vec!["10.9.0.0/16".into()],
            wireguard: None,
            labels: vec![],
            created_at: None,
            raw: "{}".into(),
        }
    }

    #[test]
    fn mirrors_addresses_networks_and_proposals() {
        let p = IpsecParams {
            ike_version: Some(2),
            ike: Some(Proposal {
                encryption: vec!["aes256gcm16".into()],
                integrity: vec!["sha384".into()],
                dh_groups: vec!["ecp384".into()],
            }),
            esp: Some(Proposal {
                encryption: vec!["aes256".into()],
                integrity: vec!["sha256".into()],
                dh_groups: vec!["modp4096".into()],
            }),
            ike_lifetime_secs: Some(86400),
            esp_lifetime_secs: Some(3600),
            dpd_interval_secs: Some(30),
        };
        let psk = SecretString::new("correct horse battery staple 42!".into());
        let conf = swanctl(&tunnel(Some(p)), &gateway(), Some(&psk)).unwrap();
        for line in [
            "    portico-office-link {",
            "        version = 2",
            "        local_addrs = 198.51.100.7",
            "        remote_addrs = 203.0.113.10",
            "        proposals = aes256gcm16-prfsha384-ecp384",
            "        rekey_time = 86400s",
            "        dpd_delay = 30s",
            "            id = 198.51.100.7",
            "            id = 203.0.113.10",
            "                local_ts = 192.168.1.0/24,192.168.2.0/24",
            "                remote_ts = 10.0.0.0/24",
            "                esp_proposals = aes256-sha256-modp4096",
            "                rekey_time = 3600s",
            "    ike-portico-office-link {",
            "        secret = \"correct horse battery staple 42!\"",
        ] {
            assert!(
                conf.lines().any(|l| l == line),
                "{line:?} missing in\n{conf}"
            );
        }
    }

    #[test]
    fn defaults_without_ipsec_and_no_psk_unless_given() {
        let mut t = tunnel(None);
        t.local_networks.clear();
        t.remote_address = None;
        let site = Site::of(&t, &gateway()).unwrap();
        assert_eq!(
            (site.ike.as_str(), site.esp.as_str()),
            ("default", "default")
        );
        assert_eq!(site.remote_networks, ["10.9.0.0/16"]);
        let conf = render(&site, None);
        assert!(conf.contains("local_addrs = %any"), "{conf}");
        assert!(conf.contains("version = 2"));
        assert!(!conf.contains("rekey_time") && !conf.contains("dpd_delay"));
        assert!(
            !conf.lines().any(|l| l.trim_start().starts_with("secret =")),
            "{conf}"
        );
        assert!(text(&site).contains("DPD:            off"));
    }

    #[test]
    fn awkward_keys_are_hex_and_missing_pieces_are_refused() {
        let psk = SecretString::new("a\"b\\c\n".into());
        assert_eq!(secret_value(&psk), "0x6122625c630a");
        let mut g = gateway();
        g.public_addresses.clear();
        let err = swanctl(&tunnel(None), &g, None).unwrap_err().to_string();
        assert!(err.contains("no public address"), "{err}");
        let mut t = tunnel(None);
        t.remote_networks.clear();
        assert!(swanctl(&t, &gateway(), None).is_err());
    }
}
