//! toy-vpn's description (see `tests/adapters/toy-vpn/src/describe.rs`) with one more host.

use portico_adapter_sdk::describe::{adapter, bearer, credential, endpoint_setting};
use portico_adapter_sdk::describe::{example, secret_field};
use portico_adapter_sdk::{Description, Noun, serde_json::json};

/// The provider's host. A profile's `endpoint` setting replaces it.
pub const HOST: &str = "api.toyvpn.example";

/// The host this build asks for in addition.
pub const STATUS_HOST: &str = "status.toyvpn.example";

/// The credential every request names.
pub const CREDENTIAL: &str = "api";

/// The adapter's description.
pub fn description() -> Description {
    let token = credential(CREDENTIAL, "Toy VPN API token", &[HOST])
        .with_field(secret_field("token", "API token"))
        .with_scheme(bearer("token"));
    let create = json!({"name": "example", "networks": ["10.10.0.0/24"]});
    let example = example(Noun::Gateway, Some("standard"), create, json!({}));
    let version = env!("CARGO_PKG_VERSION");
    adapter("toy-vpn", version, "Toy VPN", "Toy VPN gateways")
        .with_hosts(&[HOST, STATUS_HOST])
        .with_credential(token)
        .with_setting(endpoint_setting("Origin used instead of the API host"))
        .with_example(example)
}
