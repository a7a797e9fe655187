//! What the adapter tells the host about itself: nouns, kinds, hosts, the `ionos` credential,
//! the profile settings and the secret inputs.

use portico_adapter_sdk::{
    BasicScheme, CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun,
    SecretInputSpec, Setting,
};

use crate::api::{CREDENTIAL, DEFAULT_LOCATION, LOCATIONS};
use crate::gateways::PRIVATE_KEY;
use crate::tunnels::PRE_SHARED_KEY;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn hosts() -> Vec<String> {
    LOCATIONS
        .iter()
        .map(|location| format!("vpn.{location}.ionos.com"))
        .collect()
}

fn kind(noun: Noun, kind: &str, description: &str) -> KindInfo {
    KindInfo {
        noun,
        kind: kind.to_owned(),
        description: description.to_owned(),
    }
}

fn field(name: &str, description: &str, secret: bool) -> CredentialField {
    CredentialField {
        name: name.to_owned(),
        description: description.to_owned(),
        secret,
    }
}

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "ionos-vpn".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "IONOS Cloud VPN Gateway".to_owned(),
        summary: "WireGuard and IPSec gateways, IPSec tunnels and WireGuard peers of IONOS Cloud"
            .to_owned(),
        nouns: vec![Noun::Gateway, Noun::Tunnel, Noun::Peer],
        kinds: vec![
            kind(
                Noun::Gateway,
                "wireguard",
                "WireGuard gateway attached to LANs of a data center",
            ),
            kind(
                Noun::Gateway,
                "ipsec",
                "IPSec (IKEv2) gateway attached to LANs of a data center",
            ),
            kind(
                Noun::Tunnel,
                "ipsec",
                "IPSec tunnel of an IPSec gateway to a remote site",
            ),
            kind(
                Noun::Peer,
                "wireguard",
                "WireGuard peer of a WireGuard gateway",
            ),
        ],
        hosts: hosts(),
        credentials: vec![CredentialSpec {
            name: CREDENTIAL.to_owned(),
            description: "IONOS Cloud API access: a token, or a user name and password".to_owned(),
            fields: vec![
                field("token", "API token (JWT) sent as a bearer token", true),
                field(
                    "username",
                    "IONOS user name (e-mail address) for basic authentication",
                    false,
                ),
                field("password", "IONOS password for basic authentication", true),
            ],
            schemes: vec![
                CredentialScheme::Bearer("token".to_owned()),
                CredentialScheme::Basic(BasicScheme {
                    username_field: "username".to_owned(),
                    password_field: "password".to_owned(),
                }),
            ],
            hosts: hosts(),
        }],
        settings: vec![
            Setting {
                key: "region".to_owned(),
                description:
                    "IONOS location whose VPN endpoint is used; resources live in one location"
                        .to_owned(),
                required: false,
                default_value: Some(DEFAULT_LOCATION.to_owned()),
                allowed: strings(&LOCATIONS),
            },
            Setting {
                key: "endpoint".to_owned(),
                description:
                    "Base URL used instead of the regional endpoint (a proxy or an emulator, \
                              e.g. http://127.0.0.1:8080)"
                        .to_owned(),
                required: false,
                default_value: None,
                allowed: Vec::new(),
            },
        ],
        secret_inputs: vec![
            SecretInputSpec {
                name: PRIVATE_KEY.to_owned(),
                description: "WireGuard private key (base64) of a WireGuard gateway; IONOS never \
                              returns it, so every create and update needs it"
                    .to_owned(),
                used_by: strings(&[
                    "gateway.create",
                    "gateway.update",
                    "op:WireguardgatewaysPost",
                    "op:WireguardgatewaysPut",
                ]),
            },
            SecretInputSpec {
                name: PRE_SHARED_KEY.to_owned(),
                description: "Pre-shared key of an IPSec tunnel; IONOS never returns it, so every \
                              create and update needs it"
                    .to_owned(),
                used_by: strings(&[
                    "tunnel.create",
                    "tunnel.update",
                    "op:IpsecgatewaysTunnelsPost",
                    "op:IpsecgatewaysTunnelsPut",
                ]),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_nine_regional_hosts_and_one_credential() {
        let d = description();
        assert_eq!(d.name, "ionos-vpn");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.hosts.len(), 9);
        assert!(d.hosts.contains(&"vpn.fr-par.ionos.com".to_owned()));
        assert_eq!(d.credentials.len(), 1);
        let credential = &d.credentials[0];
        assert_eq!(credential.name, "ionos");
        assert_eq!(credential.hosts, d.hosts);
        let secret: Vec<(&str, bool)> = credential
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.secret))
            .collect();
        assert_eq!(
            secret,
            [("token", true), ("username", false), ("password", true)]
        );
        assert_eq!(
            credential.schemes[0],
            CredentialScheme::Bearer("token".into())
        );
        assert_eq!(d.nouns, [Noun::Gateway, Noun::Tunnel, Noun::Peer]);
        assert_eq!(d.kinds.len(), 4);
        assert_eq!(d.settings[0].allowed.len(), 9);
        assert_eq!(d.settings[0].default_value.as_deref(), Some("de-fra"));
        assert_eq!(d.secret_inputs.len(), 2);
        assert!(
            d.secret_inputs[1]
                .used_by
                .contains(&"op:IpsecgatewaysTunnelsPut".to_owned())
        );
    }
}
