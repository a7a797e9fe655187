//! What the adapter tells the host about itself besides its nouns: the host, the `upcloud`
//! credential, the profile settings, the `pre-shared-key` secret input with its placements, and
//! examples.

use portico_adapter_sdk::describe::{
    adapter, basic, bearer, credential, endpoint_setting, example, field, secret_field,
    secret_input, setting,
};
use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::{Description, Noun, SecretInputSpec};

use crate::api::{CREDENTIAL, HOST};
use crate::catalog::{
    CATALOGUE, CREATE_CONNECTION, CREATE_GATEWAY, CREATE_TUNNEL, MODIFY_CONNECTION, MODIFY_GATEWAY,
    MODIFY_TUNNEL,
};
use crate::gateways::ZONE_SETTING;
use crate::records::{KIND_IPSEC, KIND_NAT, KIND_VPN};
use crate::tunnels::PRE_SHARED_KEY;

/// Where the pre-shared key goes: the `psk` of every tunnel of a request, whether the tunnels
/// are the body's (a connection), a connection's (a gateway) or the body itself (one tunnel).
const PLACEMENTS: [(&str, &str); 6] = [
    (
        CREATE_GATEWAY,
        "/connections/*/tunnels/*/ipsec/authentication/psk",
    ),
    (
        MODIFY_GATEWAY,
        "/connections/*/tunnels/*/ipsec/authentication/psk",
    ),
    (CREATE_CONNECTION, "/tunnels/*/ipsec/authentication/psk"),
    (MODIFY_CONNECTION, "/tunnels/*/ipsec/authentication/psk"),
    (CREATE_TUNNEL, "/ipsec/authentication/psk"),
    (MODIFY_TUNNEL, "/ipsec/authentication/psk"),
];

fn pre_shared_key() -> SecretInputSpec {
    let mut input = secret_input(
        PRE_SHARED_KEY,
        "IPSec pre-shared key of a VPN connection's tunnels; UpCloud never returns it, so new \
         tunnels need it (a key already set is kept)",
    )
    .used_by(&[
        "tunnel.create",
        "tunnel.update",
        "gateway.create",
        "gateway.update",
    ]);
    for (op, pointer) in PLACEMENTS {
        input = input
            .used_by(&[&format!("op:{op}")])
            .with_placement(CATALOGUE.placement(op, pointer));
    }
    input.with_form(portico_adapter_sdk::SecretForm::PreSharedKey)
}

/// The adapter's description.
pub fn description() -> Description {
    adapter(
        "upcloud-gateway",
        env!("CARGO_PKG_VERSION"),
        "UpCloud network gateways",
        "UpCloud network gateways and their site-to-site IPSec VPN connections",
    )
    .with_hosts(&[HOST])
    .with_credential(
        credential(
            CREDENTIAL,
            "UpCloud API access: an API token, or an API user name and password",
            &[HOST],
        )
        .with_field(field(
            "username",
            "UpCloud API user name (basic authentication)",
        ))
        .with_field(secret_field(
            "password",
            "Password of the API user (basic authentication)",
        ))
        .with_field(secret_field(
            "token",
            "UpCloud API token (`ucat_…`) sent as a bearer token",
        ))
        .with_scheme(bearer("token"))
        .with_scheme(basic("username", "password")),
    )
    .with_setting(endpoint_setting(
        "Origin used instead of https://api.upcloud.com (a proxy or an emulator, e.g. \
         http://127.0.0.1:8080); `/1.3` is appended",
    ))
    .with_setting(setting(
        ZONE_SETTING,
        "Zone new gateways go to when `properties.zone` is not set (e.g. fi-hel1, pl-waw1)",
    ))
    .with_secret_input(pre_shared_key())
    .with_example(example(
        Noun::Gateway,
        Some(KIND_VPN),
        json!({
            "name": "portico-vpn",
            "labels": [{"key": "team", "value": "portico"}],
            "properties": {
                "zone": "fi-hel1",
                "plan": "production",
                "routers": [{"uuid": "04a0b3c4-0000-4000-8000-000000000001"}],
            },
        }),
        json!({"name": "portico-vpn-renamed"}),
    ))
    .with_example(example(
        Noun::Gateway,
        Some(KIND_NAT),
        json!({
            "name": "portico-nat",
            "properties": {
                "zone": "fi-hel1",
                "routers": [{"uuid": "04a0b3c4-0000-4000-8000-000000000002"}],
            },
        }),
        json!({"labels": [{"key": "env", "value": "test"}]}),
    ))
    .with_example(
        example(
            Noun::Tunnel,
            Some(KIND_IPSEC),
            json!({
                "name": "portico-office",
                "remote-address": "198.51.100.7",
                "local-networks": ["10.0.0.0/24"],
                "remote-networks": ["172.16.0.0/16"],
            }),
            json!({"remote-networks": ["172.17.0.0/16"]}),
        )
        .with_parent_kind(KIND_VPN)
        .with_secrets(&[PRE_SHARED_KEY]),
    )
}
