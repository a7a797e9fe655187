//! Test adapter `hostile-future-wit`: a complete adapter whose only fault is the contract
//! version it targets. `wit/` is the `portico:adapter` contract with the package version
//! changed to `9.9.9`; the tests expect `portico adapter install` to refuse the component and
//! to list the versions the host does support.
//!
//! It uses `wit-bindgen` directly, not the SDK, because the SDK is generated from the real
//! contract. Every export answers `unsupported`, so an install that wrongly accepted it would
//! still get a sensible description.

wit_bindgen::generate!({
    path: "wit",
    world: "provider",
    generate_all,
});

use exports::portico::adapter::adapter::Description;
use exports::portico::adapter::operations::{Operation, Outcome};
use portico::adapter::types::{
    Error, Gateway, GatewayPage, GatewaySpec, Json, Locator, Mapping, MappingPage, MappingSpec,
    Peer, PeerPage, PeerSpec, Query, SecretInput, Tunnel, TunnelPage, TunnelSpec,
};

struct FutureWit;

fn unsupported<T>(what: &str) -> Result<T, Error> {
    Err(Error::Unsupported(format!("{what} (hostile-future-wit)")))
}

impl exports::portico::adapter::adapter::Guest for FutureWit {
    fn describe() -> Description {
        Description {
            name: "hostile-future-wit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            provider: "test".into(),
            summary: "targets a contract version from the future".into(),
            nouns: vec![],
            kinds: vec![],
            hosts: vec!["api.future.example".into()],
            credentials: vec![],
            settings: vec![],
            secret_inputs: vec![],
        }
    }
}

/// One noun whose five functions all answer `unsupported`.
macro_rules! unsupported_noun {
    ($iface:ident, $item:ty, $page:ty, $spec:ty, $noun:literal) => {
        impl exports::portico::adapter::$iface::Guest for FutureWit {
            fn list(_query: Query) -> Result<$page, Error> {
                unsupported(concat!($noun, ".list"))
            }
            fn get(_target: Locator) -> Result<$item, Error> {
                unsupported(concat!($noun, ".get"))
            }
            fn create(_spec: $spec) -> Result<$item, Error> {
                unsupported(concat!($noun, ".create"))
            }
            fn update(_target: Locator, _spec: $spec) -> Result<$item, Error> {
                unsupported(concat!($noun, ".update"))
            }
            fn delete(_target: Locator) -> Result<(), Error> {
                unsupported(concat!($noun, ".delete"))
            }
        }
    };
}

unsupported_noun!(gateways, Gateway, GatewayPage, GatewaySpec, "gateway");
unsupported_noun!(tunnels, Tunnel, TunnelPage, TunnelSpec, "tunnel");
unsupported_noun!(peers, Peer, PeerPage, PeerSpec, "peer");
unsupported_noun!(mappings, Mapping, MappingPage, MappingSpec, "mapping");

impl exports::portico::adapter::operations::Guest for FutureWit {
    fn catalog() -> Vec<Operation> {
        Vec::new()
    }

    fn invoke(
        name: String,
        _params: Vec<(String, String)>,
        _body: Option<Json>,
        _cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> Result<Outcome, Error> {
        unsupported(&format!("operation {name}"))
    }
}

export!(FutureWit);
