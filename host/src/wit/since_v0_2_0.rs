//! Bindings for `portico:adapter@0.2.0`, the newest contract: their types are the host's own.

mod generated {
    wasmtime::component::bindgen!({
        path: "wit/since_v0.2.0",
        world: "provider",
        imports: {
            "portico:adapter/http.send": async | trappable,
            "portico:adapter/http.send-all": async | trappable,
            default: trappable,
        },
        exports: { default: async },
    });
}

pub(crate) use generated::exports::portico::adapter::{adapter, operations};
pub(crate) use generated::portico::adapter::{config, credentials, http, log, types};
pub(crate) use generated::{Provider, ProviderPre};
