//! What the adapter tells the host about itself: the mapping noun, plus the Soracom hosts, the
//! `soracom` credential (exchanged by the host at `POST /v1/auth`) and the profile settings
//! shared with the VPG adapter (`portico_soracom::describe`).

use portico_adapter_sdk::{Description, KindInfo, Noun};
use portico_soracom::describe::{credential, hosts, settings};

use crate::spec::KIND;

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "soracom-napter".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "Soracom Napter".to_owned(),
        summary: "Napter On-Demand Remote Access entries (temporary port mappings to devices \
                  behind Soracom SIMs)"
            .to_owned(),
        nouns: vec![Noun::Mapping],
        kinds: vec![KindInfo {
            noun: Noun::Mapping,
            kind: KIND.to_owned(),
            description: "Napter entry: a public ipAddress:port forwarding to a port of a SIM's \
                          device for up to 8 hours"
                .to_owned(),
        }],
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
    fn describes_the_mapping_noun_and_the_soracom_credential() {
        let d = description();
        assert_eq!(d.name, "soracom-napter");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.nouns, [Noun::Mapping]);
        assert_eq!(d.kinds.len(), 1);
        assert_eq!(d.kinds[0].kind, "port-mapping");
        assert_eq!(d.hosts, hosts());
        assert_eq!(d.credentials, [credential()]);
        assert_eq!(d.settings, settings());
        assert!(d.secret_inputs.is_empty());
    }
}
