//! Test adapter `hostile-escape-name`: its description names it `../../escaped`, so a host that
//! built file names from adapter names without checking them would write the installed
//! component (and its lock entry) outside `adapters/`. The tests expect install to refuse the
//! name, and nothing to appear outside the portico home.

use portico_adapter_sdk::{
    self as sdk, Adapter, Description, Gateways, Mappings, Operations, Peers, Tunnels,
};

struct EscapeName;

/// The name this adapter claims: two levels up from `adapters/`, i.e. next to the home.
pub const CLAIMED_NAME: &str = "../../escaped";

impl Adapter for EscapeName {
    fn describe() -> Description {
        Description {
            name: CLAIMED_NAME.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            provider: "test".into(),
            summary: "names itself with a path".into(),
            nouns: vec![],
            kinds: vec![],
            hosts: vec![],
            credentials: vec![],
            settings: vec![],
            secret_inputs: vec![],
        }
    }
}

impl Gateways for EscapeName {}
impl Tunnels for EscapeName {}
impl Peers for EscapeName {}
impl Mappings for EscapeName {}
impl Operations for EscapeName {}

sdk::export!(EscapeName);
