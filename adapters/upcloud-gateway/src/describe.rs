//! What the adapter tells the host about itself: nouns, kinds, the host, the `upcloud`
//! credential, the profile settings and the `pre-shared-key` secret input.

use portico_adapter_sdk::{
    BasicScheme, CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun,
    SecretInputSpec, Setting,
};

use crate::api::{CREDENTIAL, HOST};
use crate::catalog::{
    CREATE_CONNECTION, CREATE_GATEWAY, CREATE_TUNNEL, MODIFY_CONNECTION, MODIFY_GATEWAY,
    MODIFY_TUNNEL,
};
use crate::gateways::ZONE_SETTING;
use crate::records::{KIND_IPSEC, KIND_NAT, KIND_VPN};
use crate::tunnels::PRE_SHARED_KEY;

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

fn setting(key: &str, description: &str) -> Setting {
    Setting {
        key: key.to_owned(),
        description: description.to_owned(),
        required: false,
        default_value: None,
        allowed: Vec::new(),
    }
}

/// The adapter's description.
pub fn description() -> Description {
    let mut used_by = vec![
        "tunnel.create".to_owned(),
        "tunnel.update".to_owned(),
        "gateway.create".to_owned(),
        "gateway.update".to_owned(),
    ];
    used_by.extend(
        [
            CREATE_GATEWAY,
            MODIFY_GATEWAY,
            CREATE_CONNECTION,
            MODIFY_CONNECTION,
            CREATE_TUNNEL,
            MODIFY_TUNNEL,
        ]
        .iter()
        .map(|op| format!("op:{op}")),
    );
    Description {
        name: "upcloud-gateway".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "UpCloud network gateways".to_owned(),
        summary: "UpCloud network gateways and their site-to-site IPSec VPN connections".to_owned(),
        nouns: vec![Noun::Gateway, Noun::Tunnel],
        kinds: vec![
            kind(
                Noun::Gateway,
                KIND_VPN,
                "Network gateway with site-to-site IPSec VPN (and possibly NAT) on an SDN router",
            ),
            kind(
                Noun::Gateway,
                KIND_NAT,
                "Network gateway giving an SDN router's private networks NAT to the internet",
            ),
            kind(
                Noun::Tunnel,
                KIND_IPSEC,
                "VPN connection of a gateway: static routes plus one IPSec tunnel per remote peer",
            ),
        ],
        hosts: vec![HOST.to_owned()],
        credentials: vec![CredentialSpec {
            name: CREDENTIAL.to_owned(),
            description: "UpCloud API access: an API token, or an API user name and password"
                .to_owned(),
            fields: vec![
                field(
                    "username",
                    "UpCloud API user name (basic authentication)",
                    false,
                ),
                field(
                    "password",
                    "Password of the API user (basic authentication)",
                    true,
                ),
                field(
                    "token",
                    "UpCloud API token (`ucat_…`) sent as a bearer token",
                    true,
                ),
            ],
            schemes: vec![
                CredentialScheme::Bearer("token".to_owned()),
                CredentialScheme::Basic(BasicScheme {
                    username_field: "username".to_owned(),
                    password_field: "password".to_owned(),
                }),
            ],
            hosts: vec![HOST.to_owned()],
        }],
        settings: vec![
            setting(
                "endpoint",
                "Origin used instead of https://api.upcloud.com (a proxy or an emulator, e.g. \
                 http://127.0.0.1:8080); `/1.3` is appended",
            ),
            setting(
                ZONE_SETTING,
                "Zone new gateways go to when `properties.zone` is not set (e.g. fi-hel1, pl-waw1)",
            ),
        ],
        secret_inputs: vec![SecretInputSpec {
            name: PRE_SHARED_KEY.to_owned(),
            description: "IPSec pre-shared key of a VPN connection's tunnels; UpCloud never \
                          returns it, so new tunnels need it (a key already set is kept)"
                .to_owned(),
            used_by,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_one_host_one_credential_two_schemes() {
        let d = description();
        assert_eq!(d.name, "upcloud-gateway");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.hosts, ["api.upcloud.com"]);
        assert_eq!(d.nouns, [Noun::Gateway, Noun::Tunnel]);
        assert_eq!(d.kinds.len(), 3);
        let credential = &d.credentials[0];
        assert_eq!(credential.name, "upcloud");
        assert_eq!(credential.hosts, d.hosts);
        let fields: Vec<(&str, bool)> = credential
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.secret))
            .collect();
        assert_eq!(
            fields,
            [("username", false), ("password", true), ("token", true)]
        );
        assert_eq!(
            credential.schemes,
            [
                CredentialScheme::Bearer("token".into()),
                CredentialScheme::Basic(BasicScheme {
                    username_field: "username".into(),
                    password_field: "password".into(),
                }),
            ]
        );
        let keys: Vec<&str> = d.settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["endpoint", "zone"]);
        assert_eq!(d.secret_inputs.len(), 1);
        let psk = &d.secret_inputs[0];
        assert_eq!(psk.name, "pre-shared-key");
        for used in [
            "tunnel.create",
            "tunnel.update",
            "op:CreateGatewayConnectionTunnel",
            "op:ModifyGatewayConnection",
        ] {
            assert!(psk.used_by.contains(&used.to_owned()), "{used}");
        }
    }
}
