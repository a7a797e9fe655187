//! What the adapter tells the host about itself: nouns and kinds, plus the hosts, the `soracom`
//! credential (exchanged by the host for an API key and token) and the profile settings shared
//! with the Napter adapter (`portico_soracom::describe`).

use portico_adapter_sdk::{Description, KindInfo, Noun};
use portico_soracom::describe::{credential, hosts, settings};

use crate::records::{CUSTOMER_ROUTE, GATE, IP_ADDRESS_MAP, MIRRORING, VPG_KIND};

fn kind(noun: Noun, kind: &str, description: &str) -> KindInfo {
    KindInfo {
        noun,
        kind: kind.to_owned(),
        description: description.to_owned(),
    }
}

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "soracom-vpg".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "Soracom Virtual Private Gateway".to_owned(),
        summary: "Soracom VPGs with their Gate and Junction mirroring peers, IP address map \
                  and customer routes"
            .to_owned(),
        nouns: vec![Noun::Gateway, Noun::Peer, Noun::Mapping],
        kinds: vec![
            kind(
                Noun::Gateway,
                VPG_KIND,
                "Virtual Private Gateway (Canal, Direct, Door, Gate, Junction and Peek hang off it)",
            ),
            kind(
                Noun::Peer,
                GATE,
                "Gate peer of a VPG, named by its outer IP address",
            ),
            kind(
                Noun::Peer,
                MIRRORING,
                "Junction mirroring peer of a VPG, named by its IP address",
            ),
            kind(
                Noun::Mapping,
                IP_ADDRESS_MAP,
                "IP address map entry of a VPG: a key (SIM IMSI) and its fixed IP address",
            ),
            kind(
                Noun::Mapping,
                CUSTOMER_ROUTE,
                "Customer route of a VPG: a destination CIDR and its transit gateway target",
            ),
        ],
        hosts: hosts(),
        credentials: vec![credential()],
        settings: settings(),
        secret_inputs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_hosts_credential_and_settings() {
        let d = description();
        assert_eq!(d.name, "soracom-vpg");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.nouns, [Noun::Gateway, Noun::Peer, Noun::Mapping]);
        let kinds: Vec<(Noun, &str)> = d.kinds.iter().map(|k| (k.noun, k.kind.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Noun::Gateway, "vpg"),
                (Noun::Peer, "gate"),
                (Noun::Peer, "mirroring"),
                (Noun::Mapping, "ip-address-map"),
                (Noun::Mapping, "customer-route"),
            ]
        );
        assert_eq!(d.hosts, hosts());
        assert_eq!(d.credentials, [credential()]);
        assert_eq!(d.settings, settings());
        assert!(d.secret_inputs.is_empty());
    }
}
