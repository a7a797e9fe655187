//! What the adapter tells the host about itself besides its nouns: hosts, the signed `scp`
//! credential, the profile settings, the pre-shared-key secret input with its placements, and
//! examples.

use portico_adapter_sdk::describe::{
    adapter, credential, endpoint_setting, example, field, secret_field, secret_input, setting,
};
use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::{CredentialScheme, Description, Noun};

use crate::api::{
    CATALOGUE, CREDENTIAL, DEFAULT_ENVIRONMENT, DEFAULT_REGION, ENVIRONMENTS, REGIONS, SECRET_KEY,
};
use crate::records::KIND;
use crate::tunnels::PRE_SHARED_KEY;

/// Every SCP endpoint is under this domain.
const HOSTS: &str = "*.samsungsdscloud.com";

/// Where the pre-shared key goes in a tunnel create or change.
const PRE_SHARED_KEY_AT: &str = "/phase1/pre_shared_key";

/// The adapter's description.
pub fn description() -> Description {
    adapter(
        "scp-vpn",
        env!("CARGO_PKG_VERSION"),
        "Samsung Cloud Platform VPN",
        "VPN gateways and IPSec tunnels of Samsung Cloud Platform (API 1.1, or 1.0)",
    )
    .with_hosts(&[HOSTS])
    .with_credential(
        credential(
            CREDENTIAL,
            "SCP access key pair; the host signs every request with the secret key",
            &[HOSTS],
        )
        .with_field(field("access-key", "Access key (sent as Scp-AccessKey)"))
        .with_field(secret_field(
            SECRET_KEY,
            "Secret key (HMAC-SHA256 signing key)",
        ))
        .with_field(field(
            "account-id",
            "Account id sent as Scp-AccountId and signed (optional; empty by default)",
        ))
        .with_scheme(CredentialScheme::Signed),
    )
    .with_setting(
        setting(
            "region",
            "SCP region of the VPN endpoint (s and e: kr-west1, kr-east1; g: kr-south1..3)",
        )
        .with_default(DEFAULT_REGION)
        .with_allowed(&REGIONS),
    )
    .with_setting(
        setting(
            "environment",
            "SCP environment: s (Samsung), g (sovereign) or e (enterprise)",
        )
        .with_default(DEFAULT_ENVIRONMENT)
        .with_allowed(&ENVIRONMENTS),
    )
    .with_setting(
        setting(
            "api-version",
            "VPN API version sent in Scp-API-Version: 1.1 (current) or 1.0 (deprecated)",
        )
        .with_default("1.1")
        .with_allowed(&["1.1", "1.0"]),
    )
    .with_setting(endpoint_setting(
        "Base URL used instead of https://vpn.<region>.<environment>.samsungsdscloud.com (a \
         proxy or an emulator)",
    ))
    .with_secret_input(
        secret_input(
            PRE_SHARED_KEY,
            "IKE pre-shared key of a VPN tunnel (8 to 64 characters); SCP never returns it",
        )
        .used_by(&[
            "tunnel.create",
            "tunnel.update",
            "op:createVpnTunnel",
            "op:setVpnTunnel",
        ])
        .with_placement(CATALOGUE.placement("createVpnTunnel", PRE_SHARED_KEY_AT))
        .with_placement(CATALOGUE.placement("setVpnTunnel", PRE_SHARED_KEY_AT))
        .with_form(portico_adapter_sdk::SecretForm::PreSharedKey),
    )
    .with_example(example(
        Noun::Gateway,
        Some(KIND),
        json!({
            "name": "porticogw",
            "public-address": "203.0.113.20",
            "properties": {"vpc_id": "vpc-portico", "ip_id": "ip-portico"},
        }),
        json!({"description": "changed by portico"}),
    ))
    .with_example(
        example(
            Noun::Tunnel,
            Some(KIND),
            json!({
                "name": "porticotun",
                "remote-address": "198.51.100.2",
                "remote-networks": ["10.1.0.0/16"],
            }),
            json!({"description": "changed by portico", "remote-networks": ["10.2.0.0/16"]}),
        )
        .with_parent_kind(KIND)
        .with_secrets(&[PRE_SHARED_KEY]),
    )
}
