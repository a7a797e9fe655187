//! Guest-side SDK for portico provider adapters (contract `portico:adapter@0.2.0`).
//!
//! An adapter is a `cdylib` built for `wasm32-wasip2` that implements the `provider` world. This
//! crate hides the generated bindings behind one small shape:
//!
//! - each noun the adapter serves is a [`NounDef`] in its noun module: the functions it
//!   implements (`on_list`, `on_get`, ...), its kinds, parent rule, list filters, labels and
//!   whether names are unique. The capability declaration (`description.nouns` and `kinds`) is
//!   derived from these values, so an adapter cannot declare an action it did not implement;
//! - the operation catalogue is an [`operations::Catalogue`] (or any [`Operations`]);
//! - [`export!`] names the description function, the nouns and the catalogue once, in `lib.rs`;
//!   every noun it does not name answers `unsupported`.
//!
//! Before an adapter function runs, the SDK checks the input against the declaration, as the
//! contract asks: an undeclared `kind` (field `kind`), an undeclared filter (`filters.KEY`), a
//! `parent-id` where the noun has no parent or none where it needs one (`parent-id`), labels on a
//! noun without labels (`labels`), and `clear` on create or naming an unknown or set field
//! (`clear`). A create or delete whose outcome the host reports unknown is reconciled (see
//! [`reconcile`]).
//!
//! Helpers for what every adapter repeats: [`describe`] constructors, [`http`] requests through
//! the host broker (with a signing hook), [`url`] templates and percent-encoding, [`cursor`]s,
//! [`error`] mapping, [`config`], [`credentials`], [`secrets`], [`spec`] (`clear` and labels),
//! [`json`] merging and [`log`]. Every host import goes through [`host`]; natively it is answered
//! by the programmable fake in [`testing`], so adapter logic is unit-tested with
//! `cargo test --target x86_64-unknown-linux-gnu`: a test calls the exported nouns as the host
//! does (`MyAdapter::ADAPTER.gateways.create(spec)`, or the noun's constant), and checks its
//! declaration with [`testing::assert_examples`], [`testing::assert_placements`] and
//! [`testing::assert_catalogue`].
//!
//! # Writing an adapter
//!
//! ```
//! mod gateways {
//!     use portico_adapter_sdk::{self as sdk, Gateway, Locator, NounDef};
//!
//!     /// Gateways: get only, one kind, top-level.
//!     pub const GATEWAYS: NounDef<Gateway> = NounDef::top_level()
//!         .kinds(&[("edge", "an edge gateway")])
//!         .on_get(get);
//!
//!     fn get(target: Locator) -> sdk::Result<Gateway> {
//!         Err(sdk::error::not_found(format!("gateway {} not found", target.id)))
//!     }
//! }
//!
//! mod describe {
//!     use portico_adapter_sdk::{Description, describe};
//!
//!     pub fn description() -> Description {
//!         describe::adapter("example", "0.1.0", "Example Cloud", "Gateways of Example Cloud")
//!             .with_hosts(&["api.example.com"])
//!     }
//! }
//!
//! portico_adapter_sdk::export!(Example {
//!     describe: describe::description,
//!     gateways: gateways::GATEWAYS,
//! });
//!
//! let d = Example::ADAPTER.describe();
//! assert_eq!(d.nouns[0].actions, [portico_adapter_sdk::Action::Get]);
//! assert_eq!(d.kinds[0].kind, "edge");
//! // An undeclared kind is refused before the adapter runs; so is any other noun.
//! let wrong = portico_adapter_sdk::Locator { id: "g".into(), parent_id: None, kind: Some("x".into()) };
//! assert_eq!(Example::ADAPTER.gateways.get(wrong).unwrap_err().field(), Some("kind"));
//! ```

#![deny(missing_docs)]

/// The bindings generated from the WIT contract. Not part of the stable API: use the re-exports
/// at the crate root and the helper modules instead. Public only so that [`export!`] can reach
/// the generated export machinery from the adapter crate.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit/since_v0.2.0",
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
pub mod describe;
pub mod error;
mod export;
pub mod host;
pub mod http;
pub mod ipsec;
pub mod json;
pub mod log;
pub mod noun;
pub mod operations;
pub mod reconcile;
mod records;
pub mod secrets;
pub mod spec;
pub mod testing;
pub mod url;

pub use bindings::exports::portico::adapter::adapter::{
    Action, BasicScheme, CredentialField, CredentialScheme, CredentialSpec, Description, Example,
    FilterSpec, HeaderScheme, IpsecSupport, KindInfo, Noun, NounSupport, ParentRule,
    PlacementTarget, PrepareStep, ProposalSupport, SecretForm, SecretInputSpec, SecretPlacement,
    Setting, TokenCapture, TokenExchangeScheme,
};
pub use bindings::exports::portico::adapter::operations::{
    Body, Location, Operation, Outcome, Parameter,
};
pub use bindings::portico::adapter::types::{
    Denial, DenialReason, Error, Gateway, GatewayPage, GatewaySpec, HostError, IpsecParams, Json,
    Label, LimitExceeded, LimitKind, Locator, Mapping, MappingPage, MappingSpec, Method, Page,
    Peer, PeerPage, PeerSpec, Problem, Proposal, Query, RateLimit, SecretInput, State,
    TransportFailure, TransportKind, Tunnel, TunnelPage, TunnelSpec, WireguardEnd,
};
pub use export::Adapter;
pub use noun::NounDef;
pub use operations::Operations;
pub use records::{Record, Spec};

/// Re-exported so adapters use the same `serde_json` as the SDK's helpers.
pub use serde_json;

/// The result type of every adapter function: the error is the contract's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
