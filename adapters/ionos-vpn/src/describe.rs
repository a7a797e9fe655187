//! What the adapter tells the host about itself besides its nouns: hosts, the `ionos`
//! credential, the profile settings, the secret inputs with their placements, and examples.

use portico_adapter_sdk::describe::{
    adapter, basic, bearer, credential, endpoint_setting, example, field, secret_field,
    secret_input, setting,
};
use portico_adapter_sdk::serde_json::{Value, json};
use portico_adapter_sdk::{Description, Noun, SecretForm};

use crate::api::{CREDENTIAL, DEFAULT_LOCATION, LOCATIONS};
use crate::catalog::CATALOGUE;
use crate::gateways::PRIVATE_KEY;
use crate::tunnels::PRE_SHARED_KEY;

fn hosts() -> Vec<String> {
    LOCATIONS
        .iter()
        .map(|location| format!("vpn.{location}.ionos.com"))
        .collect()
}

/// Where the private key goes: `properties.privateKey` of a WireGuard gateway create or replace.
const PRIVATE_KEY_AT: &str = "/properties/privateKey";
/// Where the pre-shared key goes: `properties.auth.psk.key` of a tunnel create or replace.
const PRE_SHARED_KEY_AT: &str = "/properties/auth/psk/key";

/// The adapter's description.
pub fn description() -> Description {
    let hosts = hosts();
    let host_refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    adapter(
        "ionos-vpn",
        env!("CARGO_PKG_VERSION"),
        "IONOS Cloud VPN Gateway",
        "WireGuard and IPSec gateways, IPSec tunnels and WireGuard peers of IONOS Cloud",
    )
    .with_hosts(&host_refs)
    .with_credential(
        credential(
            CREDENTIAL,
            "IONOS Cloud API access: a token, or a user name and password",
            &host_refs,
        )
        .with_field(secret_field(
            "token",
            "API token (JWT) sent as a bearer token",
        ))
        .with_field(field(
            "username",
            "IONOS user name (e-mail address) for basic authentication",
        ))
        .with_field(secret_field(
            "password",
            "IONOS password for basic authentication",
        ))
        .with_scheme(bearer("token"))
        .with_scheme(basic("username", "password")),
    )
    .with_setting(
        setting(
            "region",
            "IONOS location whose VPN endpoint is used; resources live in one location",
        )
        .with_default(DEFAULT_LOCATION)
        .with_allowed(&LOCATIONS),
    )
    .with_setting(endpoint_setting(
        "Base URL used instead of the regional endpoint (a proxy or an emulator, e.g. \
         http://127.0.0.1:8080)",
    ))
    .with_secret_input(
        secret_input(
            PRIVATE_KEY,
            "WireGuard private key (base64) of a WireGuard gateway; IONOS never returns it, so \
             every create and update needs it",
        )
        .used_by(&[
            "gateway.create",
            "gateway.update",
            "op:WireguardgatewaysPost",
            "op:WireguardgatewaysPut",
        ])
        .with_placement(CATALOGUE.placement("WireguardgatewaysPost", PRIVATE_KEY_AT))
        .with_placement(CATALOGUE.placement("WireguardgatewaysPut", PRIVATE_KEY_AT))
        .with_form(SecretForm::WireguardPrivateKey),
    )
    .with_secret_input(
        secret_input(
            PRE_SHARED_KEY,
            "Pre-shared key of an IPSec tunnel; IONOS never returns it, so every create and \
             update needs it",
        )
        .used_by(&[
            "tunnel.create",
            "tunnel.update",
            "op:IpsecgatewaysTunnelsPost",
            "op:IpsecgatewaysTunnelsPut",
        ])
        .with_placement(CATALOGUE.placement("IpsecgatewaysTunnelsPost", PRE_SHARED_KEY_AT))
        .with_placement(CATALOGUE.placement("IpsecgatewaysTunnelsPut", PRE_SHARED_KEY_AT))
        .with_form(SecretForm::PreSharedKey),
    )
    .with_example(
        example(
            Noun::Gateway,
            Some("wireguard"),
            json!({
                "name": "portico-wg",
                "public-address": "203.0.113.10",
                "networks": ["10.8.0.1/24"],
                "properties": {"connections": [connection()]},
            }),
            json!({"description": "changed by portico"}),
        )
        .with_secrets(&[PRIVATE_KEY]),
    )
    .with_example(example(
        Noun::Gateway,
        Some("ipsec"),
        json!({
            "name": "portico-ipsec",
            "public-address": "203.0.113.11",
            "properties": {"connections": [connection()]},
        }),
        json!({"description": "changed by portico"}),
    ))
    .with_example(
        example(
            Noun::Tunnel,
            Some("ipsec"),
            json!({
                "name": "portico-tunnel",
                "remote-address": "198.51.100.7",
                "local-networks": ["192.168.1.0/24"],
                "remote-networks": ["10.1.0.0/16"],
            }),
            json!({"description": "changed by portico", "remote-networks": ["10.2.0.0/16"]}),
        )
        .with_parent_kind("ipsec")
        .with_secrets(&[PRE_SHARED_KEY]),
    )
    .with_example(
        example(
            Noun::Peer,
            Some("wireguard"),
            json!({
                "name": "portico-peer",
                "public-key": "cGVlci1wdWJsaWMta2V5LWZvci1wb3J0aWNvLXRlc3Q=",
                "endpoint": "198.51.100.8:51820",
                "allowed-networks": ["10.8.0.2/32"],
            }),
            json!({"description": "changed by portico", "allowed-networks": ["10.8.0.3/32"]}),
        )
        .with_parent_kind("wireguard"),
    )
}

/// The LAN connection of the example gateways (the emulator checks its shape, not the LAN).
fn connection() -> Value {
    json!({
        "datacenterId": "5a029f4a-2f52-4d0a-9c5d-0f0a5c3e0a01",
        "lanId": "1",
        "ipv4CIDR": "192.168.1.10/24",
    })
}
