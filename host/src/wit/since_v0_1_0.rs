//! Bindings for the frozen `portico:adapter@0.1.0`, and their conversions to the newest
//! contract (the host's own types) and back.
//!
//! What 0.1.0 cannot say is filled in conservatively: its nouns support every action, child
//! nouns take an optional parent, it declares no filters (the host passes filters through
//! unchecked), no labels and no secret placements (the broker applies the 0.1.0 placement rule,
//! see `broker::placement`); host failures become its `denied`/`transport` strings. A spec
//! with labels or fields to clear cannot be expressed and is refused before the call.

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

mod describe;
mod imports;
mod records;

pub(crate) use imports::{level, request, response, sign_request};

use super::types as t2;

/// Arguments of the newest contract, as 0.1.0 takes them.
pub(crate) trait Down<T> {
    /// The 0.1.0 form, or `unsupported` when 0.1.0 cannot express it.
    fn down(&self) -> Result<T, t2::Error>;
}
