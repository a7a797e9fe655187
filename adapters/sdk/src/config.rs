//! Non-secret profile settings (region, endpoint, ...).
//!
//! The host answers with the profile's value, or the default declared in `describe()` when the
//! profile does not set one. Blank values count as unset.

use crate::{Result, error, host};

/// The setting `key`, or `None` when it is unset or blank.
///
/// ```no_run
/// let region = portico_adapter_sdk::config::get("region").unwrap_or_else(|| "de-fra".into());
/// ```
pub fn get(key: &str) -> Option<String> {
    raw(key).filter(|value| !value.trim().is_empty())
}

/// The setting `key`, or `default` when it is unset.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_owned())
}

/// The setting `key`; `invalid-input` naming it when it is unset.
pub fn require(key: &str) -> Result<String> {
    get(key)
        .ok_or_else(|| error::invalid_input(format!("setting `{key}` is not set in the profile")))
}

fn raw(key: &str) -> Option<String> {
    host::config(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn blank_is_unset_and_require_names_the_key() {
        testing::reset();
        testing::set_config("endpoint", "  ");
        testing::set_config("region", "de-txl");
        assert_eq!(get("endpoint"), None);
        assert_eq!(get("region").as_deref(), Some("de-txl"));
        assert_eq!(get_or("missing", "x"), "x");
        let err = require("endpoint").unwrap_err();
        assert!(err.message().contains("`endpoint`"));
        testing::reset();
    }
}
