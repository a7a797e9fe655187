//! Test adapter `hostile-escape-name`: its description names it `../../escaped`, so a host that
//! built file names from adapter names without checking them would write the installed
//! component (and its lock entry) outside `adapters/`. The tests expect install to refuse the
//! name, and nothing to appear outside the portico home.

use portico_adapter_sdk::{self as sdk, Description};

/// The name this adapter claims: two levels up from `adapters/`, i.e. next to the home.
pub const CLAIMED_NAME: &str = "../../escaped";

fn description() -> Description {
    sdk::describe::adapter(
        CLAIMED_NAME,
        env!("CARGO_PKG_VERSION"),
        "test",
        "names itself with a path",
    )
}

sdk::export!(EscapeName {
    describe: description,
});
