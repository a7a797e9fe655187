//! Optional minisign signature check of adapter components at install.
//!
//! Trusted keys are listed in `config/config.toml`:
//!
//! ```toml
//! [trust]
//! keys = ["RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"]
//! ```
//!
//! Each entry is a minisign public key: the base64 line of a `minisign.pub` file (a whole
//! two-line `minisign.pub` text is accepted too). A component's signature is read from
//! `--signature PATH`, or else from `COMPONENT.minisig` beside it (the name `minisign -S`
//! writes); for a component from a registry, from its signature artifact
//! ([`crate::registry`]), which holds the same text. [`sign`] makes one, for `adapter publish
//! --sign`. What install does with it:
//!
//! | trusted keys | signature | result (recorded in the lock file as `signature`) |
//! |---|---|---|
//! | configured | valid, by a trusted key | installed: `minisign key <KEY ID>` |
//! | configured | none | refused; with `--allow-unsigned`: `unsigned (allowed by --allow-unsigned)` |
//! | configured | invalid or by another key | refused; with `--allow-unsigned`: `unverified: <why> (allowed by --allow-unsigned)` |
//! | none | none | installed: `unsigned (no trusted keys configured)` |
//! | none | `COMPONENT.minisig` exists | installed: `not checked (no trusted keys configured)` |
//! | none | `--signature` given | refused: there is nothing to check it against |
//!
//! Choices made here where no fact decided them: without trusted keys, install stays allowed
//! (signatures are opt-in, as the issue asks for an *optional* check) and the lock file says
//! so; `--allow-unsigned` also admits a component whose signature fails, because the user
//! explicitly accepts running unverified code, and the failure reason is recorded; legacy
//! (not pre-hashed, `Ed`) minisign signatures are refused, as minisign itself does unless
//! told otherwise. The key id is shown the way minisign prints it (16 upper-case hex digits
//! of the little-endian key number).

use crate::secret::SecretString;
use anyhow::{Result, bail};
use base64::Engine as _;
use std::path::{Path, PathBuf};

/// The suffix minisign gives a signature file.
pub(crate) const SIGNATURE_SUFFIX: &str = ".minisig";

/// Where install looks for the signature of a component file.
pub(crate) const FILE_SIGNATURE_PLACES: &str = "--signature or a .minisig file beside it";

/// Largest signature file read; real ones are a few hundred bytes.
const MAX_SIGNATURE_BYTES: u64 = 64 * 1024;

/// A minisign public key the user trusts.
#[derive(Debug, Clone)]
pub(crate) struct TrustedKey {
    id: String,
    key: minisign_verify::PublicKey,
}

impl TrustedKey {
    /// Parses a minisign public key: its base64 line, or a whole `minisign.pub` text.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .unwrap_or_default();
        let key = minisign_verify::PublicKey::from_base64(line)
            .map_err(|err| anyhow::anyhow!("{line:?} is not a minisign public key: {err}"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(line)
            .map_err(|err| anyhow::anyhow!("{line:?} is not base64: {err}"))?;
        Ok(Self {
            id: key_id(bytes.get(2..10))?,
            key,
        })
    }

    /// The key id as minisign prints it.
    #[cfg(test)]
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

/// The keys of `[trust] keys`, parsed; an invalid entry is an error naming its position.
pub(crate) fn trusted_keys(entries: &[String]) -> Result<Vec<TrustedKey>> {
    entries
        .iter()
        .enumerate()
        .map(|(n, e)| {
            TrustedKey::parse(e)
                .map_err(|err| anyhow::anyhow!("config.toml [trust] keys[{n}]: {err:#}"))
        })
        .collect()
}

fn key_id(bytes: Option<&[u8]>) -> Result<String> {
    let Some(Ok(number)) = bytes.map(<[u8; 8]>::try_from) else {
        bail!("no key id");
    };
    Ok(format!("{:016X}", u64::from_le_bytes(number)))
}

/// What the signature check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    /// A trusted key signed exactly these bytes.
    Verified {
        /// The key's id.
        key_id: String,
        /// The signature's trusted comment (signed too), control characters removed.
        trusted_comment: String,
    },
    /// There is no signature.
    Unsigned,
    /// There is a signature, but it does not prove the component came from a trusted key.
    Invalid(String),
}

/// Checks `signature` (the text of a `.minisig` file, if any) over `component` against `keys`.
pub(crate) fn check(keys: &[TrustedKey], component: &[u8], signature: Option<&str>) -> Check {
    let Some(text) = signature else {
        return Check::Unsigned;
    };
    let signature = match minisign_verify::Signature::decode(text) {
        Ok(signature) => signature,
        Err(err) => return Check::Invalid(format!("the signature file is malformed ({err})")),
    };
    let signer = text
        .lines()
        .nth(1)
        .and_then(|l| {
            base64::engine::general_purpose::STANDARD
                .decode(l.trim())
                .ok()
        })
        .and_then(|b| key_id(b.get(2..10)).ok())
        .unwrap_or_else(|| "unknown".into());
    let Some(key) = keys.iter().find(|k| k.id == signer) else {
        return Check::Invalid(format!("signed by key {signer}, which is not trusted"));
    };
    match key.key.verify(component, &signature, false) {
        Ok(()) => Check::Verified {
            key_id: key.id.clone(),
            trusted_comment: signature
                .trusted_comment()
                .chars()
                .filter(|c| !c.is_control())
                .collect(),
        },
        Err(minisign_verify::Error::UnexpectedAlgorithm) => Check::Invalid(format!(
            "legacy minisign signature by key {signer}; re-sign with a pre-hashed signature"
        )),
        Err(_) => Check::Invalid(format!(
            "the signature by key {signer} does not match the component (it was changed after \
             signing, or the signature is corrupt)"
        )),
    }
}

/// The signature file to use: `explicit`, else `COMPONENT.minisig` if it exists.
pub(crate) fn signature_path(component: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let mut name = component.as_os_str().to_os_string();
    name.push(SIGNATURE_SUFFIX);
    let beside = PathBuf::from(name);
    beside.is_file().then_some(beside)
}

/// Reads a signature file (at most 64 KiB of UTF-8).
pub(crate) fn read_signature(path: &Path) -> Result<String> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let file = std::fs::File::open(path)
        .with_context(|| format!("failed to read signature {}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_SIGNATURE_BYTES)
        .read_to_string(&mut text)
        .with_context(|| format!("signature {} is not a text file", path.display()))?;
    Ok(text)
}

/// Signs `component` with the minisign secret key in `key_file`, as `minisign -S` does (a
/// pre-hashed signature whose trusted comment is `trusted_comment`); `password` is asked for
/// only when the key is encrypted, which is how `minisign -G` writes keys.
pub(crate) fn sign(
    component: &[u8],
    key_file: &Path,
    trusted_comment: &str,
    password: impl FnOnce() -> Result<SecretString>,
) -> Result<String> {
    use anyhow::Context as _;
    use zeroize::Zeroize as _;
    let mut text = std::fs::read_to_string(key_file)
        .with_context(|| format!("failed to read minisign key {}", key_file.display()))?;
    let key = secret_key(&text, password);
    text.zeroize();
    let key = key.with_context(|| format!("minisign key {}", key_file.display()))?;
    let signature = minisign::sign(
        None,
        &key,
        std::io::Cursor::new(component),
        Some(trusted_comment),
        None,
    )
    .map_err(|e| anyhow::anyhow!("failed to sign: {e}"))?;
    Ok(signature.into_string())
}

fn secret_key(
    text: &str,
    password: impl FnOnce() -> Result<SecretString>,
) -> Result<minisign::SecretKey> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or_default();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(line)
        .ok()
        .and_then(|b| minisign::SecretKey::from_bytes(&b).ok())
        .ok_or_else(|| anyhow::anyhow!("not a minisign secret key"))?;
    let boxed = minisign::SecretKeyBox::from_string(text)
        .map_err(|e| anyhow::anyhow!("not a minisign secret key: {e}"))?;
    let key = if raw.is_encrypted() {
        let password = password()?;
        minisign::SecretKey::from_box(boxed, Some(password.expose().to_string()))
    } else {
        minisign::SecretKey::from_unencrypted_box(boxed)
    };
    key.map_err(|e| anyhow::anyhow!("{e}"))
}

/// The install decision: what to record, or why to refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Install, recording this text as the lock entry's `signature`.
    Accept {
        /// The lock file's `signature` value.
        record: String,
        /// A line for the approval summary.
        shown: String,
    },
    /// Refuse with this reason.
    Refuse(String),
}

/// Applies the policy in the module docs. `explicit` says whether `--signature` was given;
/// `looked_for` says where a signature was looked for (for the refusal of an unsigned one).
pub(crate) fn decide(
    keys: &[TrustedKey],
    component: &[u8],
    signature: Option<&str>,
    explicit: bool,
    allow_unsigned: bool,
    looked_for: &str,
) -> Verdict {
    if keys.is_empty() {
        if explicit {
            return Verdict::Refuse(
                "--signature was given but no trusted keys are configured (add minisign public \
                 keys to [trust] keys in config.toml)"
                    .into(),
            );
        }
        let record = if signature.is_some() {
            "not checked (no trusted keys configured)"
        } else {
            "unsigned (no trusted keys configured)"
        };
        return Verdict::Accept {
            record: record.into(),
            shown: record.into(),
        };
    }
    match check(keys, component, signature) {
        Check::Verified {
            key_id,
            trusted_comment,
        } => Verdict::Accept {
            record: format!("minisign key {key_id}"),
            shown: format!("minisign key {key_id} (trusted comment: {trusted_comment})"),
        },
        Check::Unsigned if allow_unsigned => {
            let record = "unsigned (allowed by --allow-unsigned)".to_string();
            Verdict::Accept {
                shown: record.clone(),
                record,
            }
        }
        Check::Unsigned => Verdict::Refuse(format!(
            "it is not signed and trusted keys are configured (looked for {looked_for})"
        )),
        Check::Invalid(why) if allow_unsigned => {
            let record = format!("unverified: {why} (allowed by --allow-unsigned)");
            Verdict::Accept {
                shown: record.clone(),
                record,
            }
        }
        Check::Invalid(why) => Verdict::Refuse(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    struct Signer {
        pk: minisign::PublicKey,
        sk: minisign::SecretKey,
    }

    impl Signer {
        fn new() -> Self {
            let kp = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
            Self {
                pk: kp.pk,
                sk: kp.sk,
            }
        }
        fn trusted(&self) -> TrustedKey {
            TrustedKey::parse(&self.pk.to_base64()).unwrap()
        }
        fn sign(&self, data: &[u8]) -> String {
            minisign::sign(Some(&self.pk), &self.sk, Cursor::new(data), None, None)
                .unwrap()
                .into_string()
        }
    }

    #[test]
    fn key_id_is_printed_as_minisign_does() {
        let s = Signer::new();
        let boxed = s.pk.to_box().unwrap().into_string();
        let key = TrustedKey::parse(&boxed).unwrap();
        assert_eq!(key.id().len(), 16);
        assert!(
            boxed.contains(key.id()),
            "{boxed} names key id {}",
            key.id()
        );
        assert_eq!(
            key.id(),
            s.trusted().id(),
            "base64 line and whole file agree"
        );
        assert!(TrustedKey::parse("not a key").is_err());
        assert!(trusted_keys(&["RWQ".into()]).is_err());
    }

    #[test]
    fn good_signature_verifies_and_any_change_breaks_it() {
        let s = Signer::new();
        let data = b"component bytes".to_vec();
        let sig = s.sign(&data);
        let keys = [s.trusted()];
        assert!(matches!(
            check(&keys, &data, Some(&sig)),
            Check::Verified { key_id, .. } if key_id == keys[0].id()
        ));
        let mut changed = data.clone();
        changed[0] ^= 1;
        assert!(
            matches!(check(&keys, &changed, Some(&sig)), Check::Invalid(w) if w.contains("does not match"))
        );
        assert!(matches!(
            check(&keys, &data, Some("garbage")),
            Check::Invalid(w) if w.contains("malformed")
        ));
        assert_eq!(check(&keys, &data, None), Check::Unsigned);
    }

    #[test]
    fn untrusted_key_is_named() {
        let trusted = Signer::new();
        let other = Signer::new();
        let data = b"x";
        let other_id = other.trusted().id().to_string();
        let got = check(&[trusted.trusted()], data, Some(&other.sign(data)));
        assert_eq!(
            got,
            Check::Invalid(format!("signed by key {other_id}, which is not trusted"))
        );
    }

    #[test]
    fn policy_table() {
        let s = Signer::new();
        let data = b"component";
        let sig = s.sign(data);
        let keys = [s.trusted()];
        let id = keys[0].id().to_string();
        let record = |v: Verdict| match v {
            Verdict::Accept { record, .. } => record,
            Verdict::Refuse(why) => format!("refused: {why}"),
        };
        assert_eq!(
            record(decide(&keys, data, Some(&sig), false, false, "here")),
            format!("minisign key {id}")
        );
        assert!(record(decide(&keys, data, None, false, false, "here")).starts_with("refused"));
        assert_eq!(
            record(decide(&keys, data, None, false, true, "here")),
            "unsigned (allowed by --allow-unsigned)"
        );
        assert!(
            record(decide(&keys, b"other", Some(&sig), true, false, "here")).starts_with("refused")
        );
        assert!(
            record(decide(&keys, b"other", Some(&sig), true, true, "here"))
                .starts_with("unverified: the signature by key")
        );
        assert_eq!(
            record(decide(&[], data, None, false, false, "here")),
            "unsigned (no trusted keys configured)"
        );
        assert_eq!(
            record(decide(&[], data, Some(&sig), false, false, "here")),
            "not checked (no trusted keys configured)"
        );
        assert!(record(decide(&[], data, Some(&sig), true, true, "here")).starts_with("refused"));
    }

    #[test]
    fn signing_makes_what_the_check_accepts() {
        let s = Signer::new();
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.key");
        std::fs::write(&plain, s.sk.to_box(None).unwrap().into_string()).unwrap();
        let data = b"component";
        let no_password = || -> Result<SecretString> { panic!("not encrypted") };
        let sig = sign(data, &plain, "portico adapter a 1.0.0", no_password).unwrap();
        assert!(matches!(
            check(&[s.trusted()], data, Some(&sig)),
            Check::Verified { trusted_comment, .. } if trusted_comment == "portico adapter a 1.0.0"
        ));
        std::fs::write(&plain, "not a key\n").unwrap();
        assert!(sign(data, &plain, "c", no_password).is_err());
    }

    #[test]
    fn signature_beside_the_component() {
        let dir = tempfile::tempdir().unwrap();
        let component = dir.path().join("a.wasm");
        std::fs::write(&component, b"x").unwrap();
        assert_eq!(signature_path(&component, None), None);
        let sig = dir.path().join("a.wasm.minisig");
        std::fs::write(&sig, "sig").unwrap();
        assert_eq!(signature_path(&component, None), Some(sig.clone()));
        let explicit = dir.path().join("elsewhere.sig");
        assert_eq!(
            signature_path(&component, Some(&explicit)),
            Some(explicit.clone())
        );
        assert_eq!(read_signature(&sig).unwrap(), "sig");
        assert!(read_signature(&explicit).is_err());
    }
}
