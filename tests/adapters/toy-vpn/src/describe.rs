//! What the adapter tells the host about itself: the host it reaches, the credential the host
//! applies for it, the reserved `endpoint` setting, and the example the conformance suite
//! (`portico adapter test`) creates. Its nouns and kinds come from `gateways::GATEWAYS`.

use portico_adapter_sdk::describe::{adapter, bearer, credential, endpoint_setting};
use portico_adapter_sdk::describe::{example, secret_field};
use portico_adapter_sdk::{Description, Noun, serde_json::json};

/// The provider's host. A profile's `endpoint` setting replaces it (the emulator, a proxy).
pub const HOST: &str = "api.toyvpn.example";

/// The credential every request names. The host sends `Authorization: Bearer <token>` on the
/// wire: the token never enters the adapter.
pub const CREDENTIAL: &str = "api";

/// The adapter's description.
pub fn description() -> Description {
    let token = credential(CREDENTIAL, "Toy VPN API token", &[HOST])
        .with_field(secret_field("token", "API token"))
        .with_scheme(bearer("token"));
    // What the conformance suite creates (its name made unique); `{}`: no update.
    let create = json!({"name": "example", "networks": ["10.10.0.0/24"]});
    let example = example(Noun::Gateway, Some("standard"), create, json!({}));
    let version = env!("CARGO_PKG_VERSION");
    adapter("toy-vpn", version, "Toy VPN", "Toy VPN gateways")
        .with_hosts(&[HOST])
        .with_credential(token)
        .with_setting(endpoint_setting("Origin used instead of the API host"))
        .with_example(example)
}
