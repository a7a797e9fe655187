//! What the adapter tells the host about itself besides its nouns: the hosts, the `soracom`
//! credential (exchanged by the host for an API key and token) and the profile settings shared
//! with the Napter adapter (`portico_soracom::describe`), and one example per noun and kind.

use portico_adapter_sdk::describe::{adapter, example};
use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::{Description, Noun};
use portico_soracom::api::HOSTS;
use portico_soracom::describe::{credential, settings};

use crate::records::{CUSTOMER_ROUTE, GATE, IP_ADDRESS_MAP, MIRRORING, VPG_KIND};

/// The adapter's description.
pub fn description() -> Description {
    adapter(
        "soracom-vpg",
        env!("CARGO_PKG_VERSION"),
        "Soracom Virtual Private Gateway",
        "Soracom VPGs with their Gate and Junction mirroring peers, IP address map and customer \
         routes",
    )
    .with_hosts(&HOSTS)
    .with_credential(credential())
    .with_settings(settings())
    .with_example(example(
        Noun::Gateway,
        Some(VPG_KIND),
        json!({"name": "portico-vpg", "labels": [{"key": "team", "value": "portico"}]}),
        json!({"description": "changed by portico"}),
    ))
    // A Gate peer needs Gate open on its VPG (`openGate`) before it can be registered.
    .with_example(
        example(
            Noun::Peer,
            Some(GATE),
            json!({"endpoint": "198.51.100.7"}),
            json!({}),
        )
        .with_parent_kind(VPG_KIND)
        .with_prepare("openGate", "vpg_id", Some(json!({"vxlanId": 10}))),
    )
    .with_example(
        example(
            Noun::Peer,
            Some(MIRRORING),
            json!({"endpoint": "192.0.2.9", "description": "portico tap"}),
            json!({"description": "changed by portico"}),
        )
        .with_parent_kind(VPG_KIND),
    )
    .with_example(
        example(
            Noun::Mapping,
            Some(IP_ADDRESS_MAP),
            json!({"source": "440101234567890", "destination": "10.128.0.10"}),
            json!({"destination": "10.128.0.11"}),
        )
        .with_parent_kind(VPG_KIND),
    )
    .with_example(
        example(
            Noun::Mapping,
            Some(CUSTOMER_ROUTE),
            json!({"source": "172.16.0.0/16", "destination": "tgw-0123456789abcdef0"}),
            json!({"destination": "tgw-0fedcba9876543210"}),
        )
        .with_parent_kind(VPG_KIND),
    )
}
