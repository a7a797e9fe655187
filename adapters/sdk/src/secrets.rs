//! Secret inputs (pre-shared keys, private keys).
//!
//! The user supplies a secret value to the host; the guest only ever receives a placeholder for
//! it, which it puts where the value belongs in a request. The host swaps the value in on the wire.

use crate::{Result, SecretInput, error};

/// The placeholder of the secret input `name`, if the caller supplied it.
///
/// ```
/// use portico_adapter_sdk::{secrets, SecretInput};
/// let given = [SecretInput { name: "pre-shared-key".into(), placeholder: "⟪psk⟫".into() }];
/// assert_eq!(secrets::placeholder(&given, "pre-shared-key"), Some("⟪psk⟫"));
/// assert_eq!(secrets::placeholder(&given, "private-key"), None);
/// ```
pub fn placeholder<'a>(secrets: &'a [SecretInput], name: &str) -> Option<&'a str> {
    secrets
        .iter()
        .find(|secret| secret.name == name)
        .map(|secret| secret.placeholder.as_str())
}

/// The placeholder of the secret input `name`; `invalid-input` naming it when it was not supplied.
pub fn require<'a>(secrets: &'a [SecretInput], name: &str) -> Result<&'a str> {
    placeholder(secrets, name)
        .ok_or_else(|| error::invalid_input(format!("missing secret input `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_names_the_missing_secret() {
        let err = require(&[], "private-key").unwrap_err();
        assert!(matches!(err, crate::Error::InvalidInput(_)));
        assert!(err.message().contains("`private-key`"));
    }
}
