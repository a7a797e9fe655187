//! Guest-side SDK for portico provider adapters.
//!
//! An adapter is a `cdylib` built for `wasm32-wasip2` that implements the `portico:adapter`
//! `provider` world. This crate hides the generated bindings behind a small, stable surface:
//!
//! - the contract's records and enums, re-exported at the crate root ([`Gateway`], [`Error`],
//!   [`Description`], ...), and a [`Result`] alias;
//! - one trait per exported interface ([`Adapter`], [`Gateways`], [`Tunnels`], [`Peers`],
//!   [`Mappings`], [`Operations`]) whose methods all default to `unsupported`, except
//!   [`Adapter::describe`];
//! - the [`export!`] macro, which wires a type implementing those traits to the component exports;
//! - helpers for the work every adapter repeats: [`http`] requests through the host broker,
//!   [`url`] path templates and percent-encoding, an [`operations`] catalogue with a generic
//!   `invoke`, opaque [`cursor`]s, [`error`] mapping from HTTP statuses, [`config`] settings,
//!   [`secrets`] placeholders, [`json`] merging and [`log`] lines;
//! - a [`testing`] module (native targets only) that stands in for the host, so adapter logic can
//!   be unit-tested with `cargo test --target x86_64-unknown-linux-gnu`.
//!
//! # Writing an adapter
//!
//! ```no_run
//! use portico_adapter_sdk::{self as sdk, Adapter, Description, Gateways, Mappings, Noun,
//!     Operations, Peers, Tunnels};
//!
//! struct Example;
//!
//! impl Adapter for Example {
//!     fn describe() -> Description {
//!         Description {
//!             name: "example".into(),
//!             version: env!("CARGO_PKG_VERSION").into(),
//!             provider: "Example Cloud".into(),
//!             summary: "Gateways of Example Cloud".into(),
//!             nouns: vec![Noun::Gateway],
//!             kinds: vec![],
//!             hosts: vec!["api.example.com".into()],
//!             credentials: vec![],
//!             settings: vec![],
//!             secret_inputs: vec![],
//!         }
//!     }
//! }
//!
//! // Only gateways are implemented; every other noun answers `unsupported`.
//! impl Gateways for Example {
//!     fn get(target: sdk::Locator) -> sdk::Result<sdk::Gateway> {
//!         Err(sdk::error::not_found(format!("gateway {} not found", target.id)))
//!     }
//! }
//! impl Tunnels for Example {}
//! impl Peers for Example {}
//! impl Mappings for Example {}
//! impl Operations for Example {}
//!
//! sdk::export!(Example);
//! ```

#![deny(missing_docs)]

/// The bindings generated from the WIT contract. Not part of the stable API: use the re-exports
/// at the crate root and the helper modules instead. Public only so that [`export!`] can reach
/// the generated export machinery from the adapter crate.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit/since_v0.1.0",
        world: "provider",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "portico_adapter_sdk::bindings",
        additional_derives: [PartialEq],
        generate_all,
    });
}

pub mod config;
pub mod credentials;
pub mod cursor;
pub mod error;
pub mod http;
pub mod json;
pub mod log;
pub mod operations;
pub mod secrets;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod url;

pub use bindings::exports::portico::adapter::adapter::{
    BasicScheme, CredentialField, CredentialScheme, CredentialSpec, Description, HeaderScheme,
    KindInfo, Noun, SecretInputSpec, Setting, TokenCapture, TokenExchangeScheme,
};
pub use bindings::exports::portico::adapter::operations::{
    Location, Operation, Outcome, Parameter,
};
pub use bindings::portico::adapter::types::{
    Error, Gateway, GatewayPage, GatewaySpec, Json, Locator, Mapping, MappingPage, MappingSpec,
    Page, Peer, PeerPage, PeerSpec, Problem, Query, RateLimit, SecretInput, State, Tunnel,
    TunnelPage, TunnelSpec,
};

/// Re-exported so adapters use the same `serde_json` as the SDK's helpers.
pub use serde_json;

/// The result type of every adapter function: the error is the contract's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// The adapter as a whole: what it is and what it needs. Every adapter implements it.
pub trait Adapter {
    /// Describe the adapter (name, version, nouns, kinds, hosts, credentials, settings, secret
    /// inputs). Called by the host at install time and before every call; must not make requests.
    fn describe() -> Description;
}

/// Gateway operations. Every method answers `unsupported` unless the adapter overrides it.
pub trait Gateways {
    /// List one page of gateways.
    fn list(query: Query) -> Result<GatewayPage> {
        let _ = query;
        Err(error::unsupported("gateway.list"))
    }
    /// Get one gateway.
    fn get(target: Locator) -> Result<Gateway> {
        let _ = target;
        Err(error::unsupported("gateway.get"))
    }
    /// Create a gateway.
    fn create(spec: GatewaySpec) -> Result<Gateway> {
        let _ = spec;
        Err(error::unsupported("gateway.create"))
    }
    /// Change a gateway: fields set in `spec` replace the current ones, the rest are kept.
    fn update(target: Locator, spec: GatewaySpec) -> Result<Gateway> {
        let _ = (target, spec);
        Err(error::unsupported("gateway.update"))
    }
    /// Delete a gateway.
    fn delete(target: Locator) -> Result<()> {
        let _ = target;
        Err(error::unsupported("gateway.delete"))
    }
}

/// Tunnel operations. Every method answers `unsupported` unless the adapter overrides it.
pub trait Tunnels {
    /// List one page of tunnels.
    fn list(query: Query) -> Result<TunnelPage> {
        let _ = query;
        Err(error::unsupported("tunnel.list"))
    }
    /// Get one tunnel.
    fn get(target: Locator) -> Result<Tunnel> {
        let _ = target;
        Err(error::unsupported("tunnel.get"))
    }
    /// Create a tunnel.
    fn create(spec: TunnelSpec) -> Result<Tunnel> {
        let _ = spec;
        Err(error::unsupported("tunnel.create"))
    }
    /// Change a tunnel: fields set in `spec` replace the current ones, the rest are kept.
    fn update(target: Locator, spec: TunnelSpec) -> Result<Tunnel> {
        let _ = (target, spec);
        Err(error::unsupported("tunnel.update"))
    }
    /// Delete a tunnel.
    fn delete(target: Locator) -> Result<()> {
        let _ = target;
        Err(error::unsupported("tunnel.delete"))
    }
}

/// Peer operations. Every method answers `unsupported` unless the adapter overrides it.
pub trait Peers {
    /// List one page of peers.
    fn list(query: Query) -> Result<PeerPage> {
        let _ = query;
        Err(error::unsupported("peer.list"))
    }
    /// Get one peer.
    fn get(target: Locator) -> Result<Peer> {
        let _ = target;
        Err(error::unsupported("peer.get"))
    }
    /// Create a peer.
    fn create(spec: PeerSpec) -> Result<Peer> {
        let _ = spec;
        Err(error::unsupported("peer.create"))
    }
    /// Change a peer: fields set in `spec` replace the current ones, the rest are kept.
    fn update(target: Locator, spec: PeerSpec) -> Result<Peer> {
        let _ = (target, spec);
        Err(error::unsupported("peer.update"))
    }
    /// Delete a peer.
    fn delete(target: Locator) -> Result<()> {
        let _ = target;
        Err(error::unsupported("peer.delete"))
    }
}

/// Mapping operations. Every method answers `unsupported` unless the adapter overrides it.
pub trait Mappings {
    /// List one page of mappings.
    fn list(query: Query) -> Result<MappingPage> {
        let _ = query;
        Err(error::unsupported("mapping.list"))
    }
    /// Get one mapping.
    fn get(target: Locator) -> Result<Mapping> {
        let _ = target;
        Err(error::unsupported("mapping.get"))
    }
    /// Create a mapping.
    fn create(spec: MappingSpec) -> Result<Mapping> {
        let _ = spec;
        Err(error::unsupported("mapping.create"))
    }
    /// Change a mapping: fields set in `spec` replace the current ones, the rest are kept.
    fn update(target: Locator, spec: MappingSpec) -> Result<Mapping> {
        let _ = (target, spec);
        Err(error::unsupported("mapping.update"))
    }
    /// Delete a mapping.
    fn delete(target: Locator) -> Result<()> {
        let _ = target;
        Err(error::unsupported("mapping.delete"))
    }
}

/// The operation catalogue. By default the catalogue is empty and `invoke` answers
/// `unsupported`; most adapters delegate both methods to an [`operations::Catalogue`].
pub trait Operations {
    /// Every operation the adapter can invoke.
    fn catalog() -> Vec<Operation> {
        Vec::new()
    }
    /// Invoke an operation by name. `params` fill path, query and header parameters, `cursor`
    /// continues a paginated operation, and `secrets` lists the placeholders the host put in
    /// place of secret values.
    fn invoke(
        name: String,
        params: Vec<(String, String)>,
        body: Option<Json>,
        cursor: Option<String>,
        secrets: Vec<SecretInput>,
    ) -> Result<Outcome> {
        let _ = (params, body, cursor, secrets);
        Err(error::unsupported(format_args!("operation {name}")))
    }
}

/// Export a type as the adapter component.
///
/// The type must implement [`Adapter`], [`Gateways`], [`Tunnels`], [`Peers`], [`Mappings`] and
/// [`Operations`]; an empty `impl` block is enough for a noun the adapter does not serve. Use the
/// macro once, at the root of the adapter crate:
///
/// ```ignore
/// portico_adapter_sdk::export!(MyAdapter);
/// ```
#[macro_export]
macro_rules! export {
    ($ty:ident) => {
        const _: () = {
            use $crate::bindings::exports::portico::adapter as __portico;

            impl __portico::adapter::Guest for $ty {
                fn describe() -> $crate::Description {
                    <$ty as $crate::Adapter>::describe()
                }
            }

            impl __portico::gateways::Guest for $ty {
                fn list(query: $crate::Query) -> $crate::Result<$crate::GatewayPage> {
                    <$ty as $crate::Gateways>::list(query)
                }
                fn get(target: $crate::Locator) -> $crate::Result<$crate::Gateway> {
                    <$ty as $crate::Gateways>::get(target)
                }
                fn create(spec: $crate::GatewaySpec) -> $crate::Result<$crate::Gateway> {
                    <$ty as $crate::Gateways>::create(spec)
                }
                fn update(
                    target: $crate::Locator,
                    spec: $crate::GatewaySpec,
                ) -> $crate::Result<$crate::Gateway> {
                    <$ty as $crate::Gateways>::update(target, spec)
                }
                fn delete(target: $crate::Locator) -> $crate::Result<()> {
                    <$ty as $crate::Gateways>::delete(target)
                }
            }

            impl __portico::tunnels::Guest for $ty {
                fn list(query: $crate::Query) -> $crate::Result<$crate::TunnelPage> {
                    <$ty as $crate::Tunnels>::list(query)
                }
                fn get(target: $crate::Locator) -> $crate::Result<$crate::Tunnel> {
                    <$ty as $crate::Tunnels>::get(target)
                }
                fn create(spec: $crate::TunnelSpec) -> $crate::Result<$crate::Tunnel> {
                    <$ty as $crate::Tunnels>::create(spec)
                }
                fn update(
                    target: $crate::Locator,
                    spec: $crate::TunnelSpec,
                ) -> $crate::Result<$crate::Tunnel> {
                    <$ty as $crate::Tunnels>::update(target, spec)
                }
                fn delete(target: $crate::Locator) -> $crate::Result<()> {
                    <$ty as $crate::Tunnels>::delete(target)
                }
            }

            impl __portico::peers::Guest for $ty {
                fn list(query: $crate::Query) -> $crate::Result<$crate::PeerPage> {
                    <$ty as $crate::Peers>::list(query)
                }
                fn get(target: $crate::Locator) -> $crate::Result<$crate::Peer> {
                    <$ty as $crate::Peers>::get(target)
                }
                fn create(spec: $crate::PeerSpec) -> $crate::Result<$crate::Peer> {
                    <$ty as $crate::Peers>::create(spec)
                }
                fn update(
                    target: $crate::Locator,
                    spec: $crate::PeerSpec,
                ) -> $crate::Result<$crate::Peer> {
                    <$ty as $crate::Peers>::update(target, spec)
                }
                fn delete(target: $crate::Locator) -> $crate::Result<()> {
                    <$ty as $crate::Peers>::delete(target)
                }
            }

            impl __portico::mappings::Guest for $ty {
                fn list(query: $crate::Query) -> $crate::Result<$crate::MappingPage> {
                    <$ty as $crate::Mappings>::list(query)
                }
                fn get(target: $crate::Locator) -> $crate::Result<$crate::Mapping> {
                    <$ty as $crate::Mappings>::get(target)
                }
                fn create(spec: $crate::MappingSpec) -> $crate::Result<$crate::Mapping> {
                    <$ty as $crate::Mappings>::create(spec)
                }
                fn update(
                    target: $crate::Locator,
                    spec: $crate::MappingSpec,
                ) -> $crate::Result<$crate::Mapping> {
                    <$ty as $crate::Mappings>::update(target, spec)
                }
                fn delete(target: $crate::Locator) -> $crate::Result<()> {
                    <$ty as $crate::Mappings>::delete(target)
                }
            }

            impl __portico::operations::Guest for $ty {
                fn catalog() -> ::std::vec::Vec<$crate::Operation> {
                    <$ty as $crate::Operations>::catalog()
                }
                fn invoke(
                    name: ::std::string::String,
                    params: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                    body: ::core::option::Option<$crate::Json>,
                    cursor: ::core::option::Option<::std::string::String>,
                    secrets: ::std::vec::Vec<$crate::SecretInput>,
                ) -> $crate::Result<$crate::Outcome> {
                    <$ty as $crate::Operations>::invoke(name, params, body, cursor, secrets)
                }
            }

            // Native builds (unit tests) get the trait impls but not the component ABI, whose
            // symbol names native linkers refuse in shared libraries.
            #[cfg(target_arch = "wasm32")]
    $crate::bindings::export!($ty with_types_in $crate::bindings);
        };
    };
}
