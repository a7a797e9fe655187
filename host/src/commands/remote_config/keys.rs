//! WireGuard key pairs that `--generate-key` makes, and where they are kept.
//!
//! The private key is stored as the field `private-key` of the credential `wg-NOUN-ID`
//! (`wg-peer-ID` or `wg-gateway-ID`; the id lower-cased, other characters than letters,
//! digits, `-` and `_` turned into `-`, shortened with a hash suffix past 64 characters), in the
//! credentials file (mode 0600). It is never logged, audited or printed except into a
//! configuration the user asks for.

use crate::credential_store::CredentialStore;
use crate::error::input;
use crate::secret::SecretString;
use anyhow::{Context as _, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest as _;
use std::collections::BTreeMap;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// The credential field that holds the private key.
pub(crate) const FIELD: &str = "private-key";

/// A key pair: the private key (base64, secret) and the public key (base64).
pub(crate) struct KeyPair {
    /// The private key, base64.
    pub private: SecretString,
    /// The public key, base64.
    pub public: String,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "KeyPair {{ public: {}, private: [redacted] }}",
            self.public
        )
    }
}

/// A fresh X25519 key pair from the operating system's random source, clamped as `wg genkey`
/// writes it.
pub(crate) fn generate() -> KeyPair {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::fill(&mut bytes[..]);
    bytes[0] &= 248;
    bytes[31] &= 127;
    bytes[31] |= 64;
    let secret = StaticSecret::from(*bytes);
    let public = PublicKey::from(&secret);
    KeyPair {
        private: SecretString::new(STANDARD.encode(*bytes)),
        public: STANDARD.encode(public.as_bytes()),
    }
}

/// The public key of a base64 private key.
pub(crate) fn public_of(private: &SecretString) -> Result<String> {
    let raw = Zeroizing::new(
        STANDARD
            .decode(private.expose().trim())
            .map_err(|_| input("the private key is not base64"))?,
    );
    let bytes: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| input("the private key is not 32 bytes"))?;
    let secret = StaticSecret::from(bytes);
    Ok(STANDARD.encode(PublicKey::from(&secret).as_bytes()))
}

/// The credential name for the key of `noun` `id`.
pub(crate) fn credential_name(noun: &str, id: &str) -> String {
    let word: String = id
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = format!("wg-{noun}-{word}");
    if name.len() <= 64 {
        return name;
    }
    let hash = hex::encode(&sha2::Sha256::digest(id.as_bytes())[..6]);
    format!("{}-{hash}", &name[..51])
}

/// Stores `key`'s private half for `noun` `id`; returns the credential name.
pub(crate) fn store(
    credentials: &CredentialStore,
    noun: &str,
    id: &str,
    key: &KeyPair,
) -> Result<String> {
    let name = credential_name(noun, id);
    let mut fields = BTreeMap::new();
    fields.insert(FIELD.to_string(), key.private.clone());
    credentials
        .set(&name, fields)
        .with_context(|| format!("failed to store the generated private key as {name}"))?;
    Ok(name)
}

/// The stored private key of `noun` `id`, if `--generate-key` made one.
pub(crate) fn load(credentials: &CredentialStore, noun: &str, id: &str) -> Option<SecretString> {
    let name = credential_name(noun, id);
    credentials
        .resolve(&name, &[FIELD.to_string()])
        .ok()
        .and_then(|c| c.field(FIELD).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_match_and_names_are_plain() {
        let k = generate();
        assert_eq!(public_of(&k.private).unwrap(), k.public);
        assert_eq!(STANDARD.decode(&k.public).unwrap().len(), 32);
        assert_ne!(generate().private, k.private);
        assert!(!format!("{k:?}").contains(k.private.expose()));
        assert_eq!(credential_name("peer", "Ab.C/1"), "wg-peer-ab-c-1");
        let long = credential_name("gateway", &"x".repeat(100));
        assert_eq!(long.len(), 64);
        crate::home::validate_name("credential", &long).unwrap();
        // A known vector: RFC 7748's Alice.
        let alice = SecretString::new(
            STANDARD.encode(
                hex::decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                    .unwrap(),
            ),
        );
        assert_eq!(
            hex::encode(STANDARD.decode(public_of(&alice).unwrap()).unwrap()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        );
    }
}
