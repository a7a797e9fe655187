//! What the adapter tells the host about itself: nouns, hosts, the signed `scp` credential, the
//! profile settings and the pre-shared-key secret input.

use portico_adapter_sdk::{
    CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun,
    SecretInputSpec, Setting,
};

use crate::api::{
    CREDENTIAL, DEFAULT_ENVIRONMENT, DEFAULT_REGION, ENVIRONMENTS, REGIONS, SECRET_KEY,
};
use crate::records::KIND;
use crate::tunnels::PRE_SHARED_KEY;

/// Every SCP endpoint is under this domain.
const HOSTS: &str = "*.samsungsdscloud.com";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn field(name: &str, description: &str, secret: bool) -> CredentialField {
    CredentialField {
        name: name.to_owned(),
        description: description.to_owned(),
        secret,
    }
}

fn setting(key: &str, description: &str, default: Option<&str>, allowed: &[&str]) -> Setting {
    Setting {
        key: key.to_owned(),
        description: description.to_owned(),
        required: false,
        default_value: default.map(str::to_owned),
        allowed: strings(allowed),
    }
}

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "scp-vpn".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "Samsung Cloud Platform VPN".to_owned(),
        summary: "VPN gateways and IPSec tunnels of Samsung Cloud Platform (API 1.1, or 1.0)"
            .to_owned(),
        nouns: vec![Noun::Gateway, Noun::Tunnel],
        kinds: vec![
            KindInfo {
                noun: Noun::Gateway,
                kind: KIND.to_owned(),
                description: "VPN gateway: one public IP bound to a VPC".to_owned(),
            },
            KindInfo {
                noun: Noun::Tunnel,
                kind: KIND.to_owned(),
                description: "VPN tunnel: IKE phase 1/2 settings towards one peer".to_owned(),
            },
        ],
        hosts: vec![HOSTS.to_owned()],
        credentials: vec![CredentialSpec {
            name: CREDENTIAL.to_owned(),
            description: "SCP access key pair; the host signs every request with the secret key"
                .to_owned(),
            fields: vec![
                field("access-key", "Access key (sent as Scp-AccessKey)", false),
                field(SECRET_KEY, "Secret key (HMAC-SHA256 signing key)", true),
                field(
                    "account-id",
                    "Account id sent as Scp-AccountId and signed (optional; empty by default)",
                    false,
                ),
            ],
            schemes: vec![CredentialScheme::Signed],
            hosts: vec![HOSTS.to_owned()],
        }],
        settings: vec![
            setting(
                "region",
                "SCP region of the VPN endpoint (s and e: kr-west1, kr-east1; g: kr-south1..3)",
                Some(DEFAULT_REGION),
                &REGIONS,
            ),
            setting(
                "environment",
                "SCP environment: s (Samsung), g (sovereign) or e (enterprise)",
                Some(DEFAULT_ENVIRONMENT),
                &ENVIRONMENTS,
            ),
            setting(
                "api-version",
                "VPN API version sent in Scp-API-Version: 1.1 (current) or 1.0 (deprecated)",
                Some("1.1"),
                &["1.1", "1.0"],
            ),
            setting(
                "endpoint",
                "Base URL used instead of https://vpn.<region>.<environment>.samsungsdscloud.com \
                 (a proxy or an emulator)",
                None,
                &[],
            ),
        ],
        secret_inputs: vec![SecretInputSpec {
            name: PRE_SHARED_KEY.to_owned(),
            description: "IKE pre-shared key of a VPN tunnel (8 to 64 characters); SCP never \
                          returns it"
                .to_owned(),
            used_by: strings(&[
                "tunnel.create",
                "tunnel.update",
                "op:createVpnTunnel",
                "op:setVpnTunnel",
            ]),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_a_signed_credential_and_four_settings() {
        let d = description();
        assert_eq!(d.name, "scp-vpn");
        assert_eq!(d.nouns, [Noun::Gateway, Noun::Tunnel]);
        assert_eq!(d.hosts, ["*.samsungsdscloud.com"]);
        let credential = &d.credentials[0];
        assert_eq!(credential.name, "scp");
        assert_eq!(credential.schemes, [CredentialScheme::Signed]);
        let secret: Vec<(&str, bool)> = credential
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.secret))
            .collect();
        assert_eq!(
            secret,
            [
                ("access-key", false),
                ("secret-key", true),
                ("account-id", false)
            ]
        );
        let keys: Vec<&str> = d.settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["region", "environment", "api-version", "endpoint"]);
        assert_eq!(d.secret_inputs[0].name, "pre-shared-key");
    }
}
