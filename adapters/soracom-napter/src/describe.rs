//! What the adapter tells the host about itself besides its noun: the Soracom hosts, the
//! `soracom` credential (exchanged by the host at `POST /v1/auth`) and the profile settings
//! shared with the VPG adapter (`portico_soracom::describe`), and the example entry.

use portico_adapter_sdk::describe::{adapter, example};
use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::{Description, Noun};
use portico_soracom::api::HOSTS;
use portico_soracom::describe::{credential, settings};

use crate::spec::KIND;

/// The adapter's description.
pub fn description() -> Description {
    adapter(
        "soracom-napter",
        env!("CARGO_PKG_VERSION"),
        "Soracom Napter",
        "Napter On-Demand Remote Access entries (temporary port mappings to devices behind \
         Soracom SIMs)",
    )
    .with_hosts(&HOSTS)
    .with_credential(credential())
    .with_settings(settings())
    .with_example(example(
        Noun::Mapping,
        Some(KIND),
        json!({
            "destination": "sim:8942310022000012345:22",
            "allowed-networks": ["198.51.100.0/24"],
            "properties": {"duration": 3600},
        }),
        // Napter entries cannot be changed.
        json!({}),
    ))
}
