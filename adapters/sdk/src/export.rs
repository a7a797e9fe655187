//! The adapter as a whole ([`Adapter`]) and the [`export!`](crate::export!) macro that hands it
//! to the host.

use crate::operations::{NO_OPERATIONS, Operations};
use crate::{Description, Gateway, KindInfo, Mapping, NounDef, NounSupport, Peer, Tunnel};

/// Everything an adapter exports: its description, one [`NounDef`] per noun and the operation
/// catalogue. Built by [`export!`](crate::export!) as `YourAdapter::ADAPTER`; the generated
/// component exports call its methods, and so do unit tests.
pub struct Adapter {
    /// The adapter's own description: name, hosts, credentials, settings, secret inputs and
    /// examples. Its `nouns` and `kinds` are replaced by what the nouns below declare.
    pub describe: fn() -> Description,
    /// The gateway noun.
    pub gateways: NounDef<Gateway>,
    /// The tunnel noun.
    pub tunnels: NounDef<Tunnel>,
    /// The peer noun.
    pub peers: NounDef<Peer>,
    /// The mapping noun.
    pub mappings: NounDef<Mapping>,
    /// The operation catalogue.
    pub operations: &'static dyn Operations,
}

fn empty_description() -> Description {
    crate::describe::adapter("unnamed", "0.0.0", "", "")
}

impl Adapter {
    /// An adapter that serves nothing: the base that [`export!`](crate::export!) fills in.
    pub const EMPTY: Adapter = Adapter {
        describe: empty_description,
        gateways: NounDef::top_level(),
        tunnels: NounDef::top_level(),
        peers: NounDef::top_level(),
        mappings: NounDef::top_level(),
        operations: &NO_OPERATIONS,
    };

    /// The description as the host reads it: the adapter's own, with `nouns` and `kinds`
    /// derived from the nouns it exports.
    pub fn describe(&self) -> Description {
        let mut description = (self.describe)();
        description.nouns = self.nouns();
        description.kinds = self.kinds();
        description
    }

    /// The capability declaration of every noun that implements at least one action.
    pub fn nouns(&self) -> Vec<NounSupport> {
        [
            self.gateways.support(),
            self.tunnels.support(),
            self.peers.support(),
            self.mappings.support(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The kinds of every exported noun.
    pub fn kinds(&self) -> Vec<KindInfo> {
        let mut kinds = self.gateways.kind_infos();
        kinds.extend(self.tunnels.kind_infos());
        kinds.extend(self.peers.kind_infos());
        kinds.extend(self.mappings.kind_infos());
        kinds
    }
}

/// Export an adapter component.
///
/// Names the description function and, for each noun the adapter serves, the [`NounDef`] that
/// implements it, plus the operation catalogue (an [`Operations`] value, usually an
/// [`operations::Catalogue`](crate::operations::Catalogue)). Omitted nouns answer
/// `unsupported` and are not declared; an omitted catalogue is empty. Use it once, in `lib.rs`:
///
/// ```ignore
/// portico_adapter_sdk::export!(IonosVpn {
///     describe: describe::description,
///     gateways: gateways::GATEWAYS,
///     tunnels: tunnels::TUNNELS,
///     peers: peers::PEERS,
///     operations: catalog::CATALOGUE,
/// });
/// ```
///
/// It defines the unit type (`IonosVpn`) with the constant `IonosVpn::ADAPTER`, an
/// [`Adapter`], and implements the component exports on it. Native builds (unit tests) get the
/// type and the constant but not the component ABI.
#[macro_export]
macro_rules! export {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $value:expr),* $(,)? }) => {
        $(#[$meta])*
        /// The adapter component (see `ADAPTER`).
        pub struct $name;

        impl $name {
            /// The adapter as exported: its description, nouns and operation catalogue.
            pub const ADAPTER: $crate::Adapter = $crate::Adapter {
                $($field: $crate::__export_field!($field $value),)*
                ..$crate::Adapter::EMPTY
            };
        }

        const _: () = {
            use $crate::bindings::exports::portico::adapter as __portico;

            impl __portico::adapter::Guest for $name {
                fn describe() -> $crate::Description {
                    $name::ADAPTER.describe()
                }
            }

            $crate::__export_noun!(
                @search [$name, gateways, Gateway, GatewayPage, GatewaySpec, "gateway"] $($field)*
            );
            $crate::__export_noun!(
                @search [$name, tunnels, Tunnel, TunnelPage, TunnelSpec, "tunnel"] $($field)*
            );
            $crate::__export_noun!(
                @search [$name, peers, Peer, PeerPage, PeerSpec, "peer"] $($field)*
            );
            $crate::__export_noun!(
                @search [$name, mappings, Mapping, MappingPage, MappingSpec, "mapping"] $($field)*
            );

            impl __portico::operations::Guest for $name {
                fn catalog() -> ::std::vec::Vec<$crate::Operation> {
                    $name::ADAPTER.operations.catalog()
                }
                fn invoke(
                    name: ::std::string::String,
                    params: ::std::vec::Vec<(::std::string::String, ::std::string::String)>,
                    body: ::core::option::Option<$crate::Json>,
                    cursor: ::core::option::Option<::std::string::String>,
                    secrets: ::std::vec::Vec<$crate::SecretInput>,
                ) -> $crate::Result<$crate::Outcome> {
                    $name::ADAPTER
                        .operations
                        .invoke(name, params, body, cursor, secrets)
                }
            }

            $crate::__component_only! {
                $crate::bindings::export!($name with_types_in $crate::bindings);
            }
        };
    };
}

/// One field of the [`Adapter`] built by [`export!`](crate::export!): the catalogue is
/// referenced, everything else is taken as it is.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_field {
    (operations $value:expr) => {
        &$value
    };
    ($field:ident $value:expr) => {
        $value
    };
}

/// The component export of one noun interface: calling the [`Adapter`]'s [`NounDef`] when
/// [`export!`](crate::export!) names the noun, answering `unsupported` outright when it does
/// not (so a component carries no code for nouns it does not serve; in unit tests the
/// `Adapter`'s empty [`NounDef`] answers with the full message).
#[doc(hidden)]
#[macro_export]
macro_rules! __export_noun {
    // Search the named fields for the noun: found, not this one, or none left.
    (@search [$name:ident, gateways, $($n:tt)*] gateways $($rest:ident)*) => {
        $crate::__export_noun!(@serve $name, gateways, $($n)*);
    };
    (@search [$name:ident, tunnels, $($n:tt)*] tunnels $($rest:ident)*) => {
        $crate::__export_noun!(@serve $name, tunnels, $($n)*);
    };
    (@search [$name:ident, peers, $($n:tt)*] peers $($rest:ident)*) => {
        $crate::__export_noun!(@serve $name, peers, $($n)*);
    };
    (@search [$name:ident, mappings, $($n:tt)*] mappings $($rest:ident)*) => {
        $crate::__export_noun!(@serve $name, mappings, $($n)*);
    };
    (@search [$($n:tt)*] $other:ident $($rest:ident)*) => {
        $crate::__export_noun!(@search [$($n)*] $($rest)*);
    };
    (@search [$name:ident, $noun:ident, $record:ident, $page:ident, $spec:ident, $word:literal]) => {
        impl __portico::$noun::Guest for $name {
            fn list(_: $crate::Query) -> $crate::Result<$crate::$page> {
                $crate::__export_noun!(@unsupported $word, "list")
            }
            fn get(_: $crate::Locator) -> $crate::Result<$crate::$record> {
                $crate::__export_noun!(@unsupported $word, "get")
            }
            fn create(_: $crate::$spec) -> $crate::Result<$crate::$record> {
                $crate::__export_noun!(@unsupported $word, "create")
            }
            fn update(_: $crate::Locator, _: $crate::$spec) -> $crate::Result<$crate::$record> {
                $crate::__export_noun!(@unsupported $word, "update")
            }
            fn delete(_: $crate::Locator) -> $crate::Result<()> {
                $crate::__export_noun!(@unsupported $word, "delete")
            }
        }
    };
    // The host never calls a noun the adapter does not declare (it answers "not supported by
    // this adapter" itself), so these answers carry no message: a message would have to be
    // allocated, which makes every export keep the code for lowering any error and record (about
    // a third of a component that serves no noun).
    (@unsupported $word:literal, $action:literal) => {
        Err($crate::Error::Unsupported(::std::string::String::new()))
    };
    (@serve $name:ident, $noun:ident, $record:ident, $page:ident, $spec:ident, $word:literal) => {
        impl __portico::$noun::Guest for $name {
            fn list(query: $crate::Query) -> $crate::Result<$crate::$page> {
                $name::ADAPTER.$noun.list(query)
            }
            fn get(target: $crate::Locator) -> $crate::Result<$crate::$record> {
                $name::ADAPTER.$noun.get(target)
            }
            fn create(spec: $crate::$spec) -> $crate::Result<$crate::$record> {
                $name::ADAPTER.$noun.create(spec)
            }
            fn update(
                target: $crate::Locator,
                spec: $crate::$spec,
            ) -> $crate::Result<$crate::$record> {
                $name::ADAPTER.$noun.update(target, spec)
            }
            fn delete(target: $crate::Locator) -> $crate::Result<()> {
                $name::ADAPTER.$noun.delete(target)
            }
        }
    };
}
