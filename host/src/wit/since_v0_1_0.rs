//! Bindings for `portico:adapter@0.1.0`.

#[expect(
    missing_docs,
    reason = "generated from the WIT, whose items are documented there"
)]
mod generated {
    wasmtime::component::bindgen!({
        path: "wit/since_v0.1.0",
        world: "provider",
        imports: {
            "portico:adapter/http.send": async | trappable,
            default: trappable,
        },
        exports: { default: async },
    });
}

pub use generated::exports::portico::adapter::{
    adapter as meta, gateways, mappings, operations, peers, tunnels,
};
pub use generated::portico::adapter::{config, credentials, http, log, types};
pub use generated::{Provider, ProviderPre};
