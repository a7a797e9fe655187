//! Bindings for `portico:adapter@0.1.0`.

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

pub(crate) use generated::exports::portico::adapter::{adapter, operations};
pub(crate) use generated::portico::adapter::{config, credentials, http, log, types};
pub(crate) use generated::{Provider, ProviderPre};
