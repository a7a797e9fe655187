//! The provider-neutral IPSec vocabulary: strongSwan's proposal keywords, read from and
//! written as strongSwan proposal strings (`aes256gcm16-prfsha384-ecp384`), checked against
//! what an adapter declares its provider accepts (`kind-info.ipsec`), and ranked by strength
//! for choosing what both ends of a link accept.
//!
//! Order of strength (strongest first), documented for `plan`'s choice: AEAD encryption before
//! encryption with separate integrity, longer keys first; integrity SHA-512, SHA-384, SHA-256,
//! SHA-1, AES-XCBC, MD5; DH groups ECP-521, ECP-384, Curve448, Curve25519, ECP-256, then MODP
//! by size (8192 … 1024); IKEv2 before IKEv1.

use crate::error::input;
use crate::wit::adapter::{IpsecSupport, ProposalSupport};
use crate::wit::types::{IpsecParams, Proposal};
use anyhow::Result;
use serde_json::{Value, json};
use std::time::Duration;

/// Encryption algorithms, strongest first; the first seven are AEAD.
pub(crate) const ENCRYPTION: &[&str] = &[
    "aes256gcm16",
    "aes192gcm16",
    "aes128gcm16",
    "chacha20poly1305",
    "aes256gcm12",
    "aes128gcm12",
    "aes256gcm8",
    "aes256ctr",
    "aes192ctr",
    "aes128ctr",
    "aes256",
    "aes192",
    "aes128",
    "3des",
];
const AEAD: usize = 7;
/// Integrity algorithms, strongest first.
pub(crate) const INTEGRITY: &[&str] = &["sha512", "sha384", "sha256", "sha1", "aesxcbc", "md5"];
/// DH groups, strongest first.
pub(crate) const DH_GROUPS: &[&str] = &[
    "ecp521",
    "ecp384",
    "curve448",
    "curve25519",
    "ecp256",
    "modp8192",
    "modp6144",
    "modp4096",
    "modp3072",
    "modp2048",
    "modp1536",
    "modp1024",
];

/// strongSwan's other spellings of the same algorithms.
const ALIASES: &[(&str, &str)] = &[
    ("aes256gcm", "aes256gcm16"),
    ("aes128gcm", "aes128gcm16"),
    ("aes192gcm", "aes192gcm16"),
    ("aes256gcm128", "aes256gcm16"),
    ("aes128gcm128", "aes128gcm16"),
    ("x25519", "curve25519"),
    ("x448", "curve448"),
    ("sha2_256", "sha256"),
    ("sha2_384", "sha384"),
    ("sha2_512", "sha512"),
];

/// Whether `encryption` is authenticated encryption (needs no integrity algorithm).
pub(crate) fn is_aead(encryption: &str) -> bool {
    ENCRYPTION[..AEAD].contains(&encryption)
}

/// The strength rank of `word` in `list` (0 strongest); unknown words rank last.
pub(crate) fn rank(list: &[&str], word: &str) -> usize {
    list.iter().position(|w| *w == word).unwrap_or(list.len())
}

fn canonical(word: &str) -> String {
    let lower = word.trim().to_ascii_lowercase();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower, |(_, c)| (*c).to_string())
}

/// Reads a strongSwan proposal (`aes256gcm16-prfsha384-ecp384`, `aes256-sha256-modp2048`):
/// each keyword is an encryption, integrity (`prfX` counts as integrity X) or DH group.
pub(crate) fn parse(text: &str, what: &str) -> Result<Proposal> {
    let mut p = Proposal {
        encryption: Vec::new(),
        integrity: Vec::new(),
        dh_groups: Vec::new(),
    };
    for raw in text.split('-').filter(|w| !w.trim().is_empty()) {
        let word = canonical(raw);
        let word = word.strip_prefix("prf").unwrap_or(&word).to_string();
        let slot = if ENCRYPTION.contains(&word.as_str()) {
            &mut p.encryption
        } else if INTEGRITY.contains(&word.as_str()) {
            &mut p.integrity
        } else if DH_GROUPS.contains(&word.as_str()) {
            &mut p.dh_groups
        } else if matches!(word.as_str(), "esn" | "noesn") {
            continue;
        } else {
            return Err(input(format!(
                "{what}: {raw:?} is not a proposal keyword (encryption: {}; integrity: {}; DH \
                 groups: {})",
                ENCRYPTION.join(", "),
                INTEGRITY.join(", "),
                DH_GROUPS.join(", ")
            )));
        };
        if !slot.contains(&word) {
            slot.push(word);
        }
    }
    if p.encryption.is_empty() {
        return Err(input(format!(
            "{what}: {text:?} names no encryption algorithm"
        )));
    }
    Ok(p)
}

/// A proposal in strongSwan syntax. For IKE with only AEAD encryption, integrity becomes the
/// PRF (`prfsha384`), as strongSwan expects.
pub(crate) fn format(p: &Proposal, ike: bool) -> String {
    let aead_only = p.encryption.iter().all(|e| is_aead(e));
    let mut words: Vec<String> = p.encryption.clone();
    for i in &p.integrity {
        words.push(if ike && aead_only {
            format!("prf{i}")
        } else {
            i.clone()
        });
    }
    words.extend(p.dh_groups.iter().cloned());
    words.join("-")
}

fn seconds(v: &Value, what: &str) -> Result<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => humantime::parse_duration(s)
            .ok()
            .and_then(|d| u32::try_from(d.as_secs()).ok()),
        _ => None,
    }
    .ok_or_else(|| input(format!("{what}: expected seconds or a duration such as 8h")))
}

fn proposal_json(v: &Value, what: &str) -> Result<Proposal> {
    match v {
        Value::String(s) => parse(s, what),
        Value::Object(m) => {
            let list = |key: &str| -> Result<Vec<String>> {
                match m.get(key) {
                    None | Some(Value::Null) => Ok(Vec::new()),
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|w| {
                            w.as_str().map(canonical).ok_or_else(|| {
                                input(format!("{what}.{key}: expected a list of keywords"))
                            })
                        })
                        .collect(),
                    Some(_) => Err(input(format!("{what}.{key}: expected a list of keywords"))),
                }
            };
            let text = [list("encryption")?, list("integrity")?, list("dh-groups")?]
                .concat()
                .join("-");
            parse(&text, what)
        }
        _ => Err(input(format!(
            "{what}: expected a proposal such as \"aes256gcm16-prfsha384-ecp384\""
        ))),
    }
}

/// The `ipsec` object of a spec in JSON (the topology file, examples): proposals as strongSwan
/// strings or `{encryption, integrity, dh-groups}`, lifetimes as seconds or durations.
pub(crate) fn from_json(v: Option<&Value>, what: &str) -> Result<Option<IpsecParams>> {
    let m = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(input(format!("{what}: ipsec is not an object"))),
    };
    const KEYS: &[&str] = &[
        "ike-version",
        "ike",
        "esp",
        "ike-lifetime",
        "esp-lifetime",
        "dpd-interval",
    ];
    if let Some(k) = m.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(input(format!(
            "{what}: ipsec has no field {k:?} (fields: {})",
            KEYS.join(", ")
        )));
    }
    let at = |k: &str| format!("{what}: ipsec.{k}");
    let get = |k: &str| m.get(k).filter(|v| !v.is_null());
    Ok(Some(IpsecParams {
        ike_version: get("ike-version")
            .map(|v| {
                v.as_u64()
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| input(format!("{}: expected 1 or 2", at("ike-version"))))
            })
            .transpose()?,
        ike: get("ike")
            .map(|v| proposal_json(v, &at("ike")))
            .transpose()?,
        esp: get("esp")
            .map(|v| proposal_json(v, &at("esp")))
            .transpose()?,
        ike_lifetime_secs: get("ike-lifetime")
            .map(|v| seconds(v, &at("ike-lifetime")))
            .transpose()?,
        esp_lifetime_secs: get("esp-lifetime")
            .map(|v| seconds(v, &at("esp-lifetime")))
            .transpose()?,
        dpd_interval_secs: get("dpd-interval")
            .map(|v| seconds(v, &at("dpd-interval")))
            .transpose()?,
    }))
}

/// The JSON view of a tunnel's parameters (what `tunnel get` and `from_json` use).
pub(crate) fn view(p: &IpsecParams) -> Value {
    json!({
        "ike-version": p.ike_version,
        "ike": p.ike.as_ref().map(|x| format(x, true)),
        "esp": p.esp.as_ref().map(|x| format(x, false)),
        "ike-lifetime": p.ike_lifetime_secs,
        "esp-lifetime": p.esp_lifetime_secs,
        "dpd-interval": p.dpd_interval_secs,
    })
}

/// The parameters from the CLI's flags; `None` when no flag was given.
pub(crate) fn from_flags(
    ike_version: Option<u8>,
    ike: Option<&str>,
    esp: Option<&str>,
    ike_lifetime: Option<Duration>,
    esp_lifetime: Option<Duration>,
    dpd_interval: Option<Duration>,
) -> Result<Option<IpsecParams>> {
    let secs = |d: Option<Duration>, flag: &str| -> Result<Option<u32>> {
        d.map(|d| u32::try_from(d.as_secs()).map_err(|_| input(format!("{flag} is too long"))))
            .transpose()
    };
    let params = IpsecParams {
        ike_version,
        ike: ike.map(|t| parse(t, "--ike")).transpose()?,
        esp: esp.map(|t| parse(t, "--esp")).transpose()?,
        ike_lifetime_secs: secs(ike_lifetime, "--ike-lifetime")?,
        esp_lifetime_secs: secs(esp_lifetime, "--esp-lifetime")?,
        dpd_interval_secs: secs(dpd_interval, "--dpd-interval")?,
    };
    let none = params.ike_version.is_none()
        && params.ike.is_none()
        && params.esp.is_none()
        && params.ike_lifetime_secs.is_none()
        && params.esp_lifetime_secs.is_none()
        && params.dpd_interval_secs.is_none();
    Ok((!none).then_some(params))
}

fn phase(name: &str, p: &Proposal, s: &ProposalSupport, provider: &str) -> Result<()> {
    for (slot, words, accepted) in [
        ("encryption", &p.encryption, &s.encryption),
        ("integrity", &p.integrity, &s.integrity),
        ("DH group", &p.dh_groups, &s.dh_groups),
    ] {
        if let Some(w) = words.iter().find(|w| !accepted.contains(w)) {
            return Err(input(format!(
                "{provider} does not accept {name} {slot} {w} (it accepts: {})",
                if accepted.is_empty() {
                    "none".to_string()
                } else {
                    accepted.join(", ")
                }
            )));
        }
    }
    Ok(())
}

/// Checks `p` against what `provider`'s adapter declares, before any request.
pub(crate) fn check(p: &IpsecParams, s: &IpsecSupport, provider: &str) -> Result<()> {
    if let Some(v) = p.ike_version
        && !s.ike_versions.contains(&v)
    {
        return Err(input(format!(
            "{provider} does not accept IKE version {v} (it accepts: {:?})",
            s.ike_versions
        )));
    }
    if let Some(ike) = &p.ike {
        phase("IKE", ike, &s.ike, provider)?;
    }
    if let Some(esp) = &p.esp {
        phase("ESP", esp, &s.esp, provider)?;
    }
    for (what, v, (low, high)) in [
        ("IKE lifetime", p.ike_lifetime_secs, s.ike_lifetime_secs),
        ("ESP lifetime", p.esp_lifetime_secs, s.esp_lifetime_secs),
    ] {
        if let Some(v) = v
            && !(low..=high).contains(&v)
        {
            return Err(input(format!(
                "{provider} does not accept an {what} of {v}s (it accepts {low}s to {high}s)"
            )));
        }
    }
    if p.dpd_interval_secs.is_some() && !s.dpd {
        return Err(input(format!(
            "{provider} does not let the DPD interval be set"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongswan_proposals_round_trip() {
        let p = parse("aes256gcm16-prfsha384-ecp384", "--ike").unwrap();
        assert_eq!(p.encryption, ["aes256gcm16"]);
        assert_eq!(p.integrity, ["sha384"]);
        assert_eq!(p.dh_groups, ["ecp384"]);
        assert_eq!(format(&p, true), "aes256gcm16-prfsha384-ecp384");
        assert_eq!(format(&p, false), "aes256gcm16-sha384-ecp384");
        let p = parse("AES256-SHA256-MODP2048-x25519", "--esp").unwrap();
        assert_eq!(p.dh_groups, ["modp2048", "curve25519"]);
        assert_eq!(format(&p, true), "aes256-sha256-modp2048-curve25519");
        let err = parse("aes256-sha3-ecp384", "--ike")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"sha3\" is not a proposal keyword"), "{err}");
        assert!(parse("sha256-ecp384", "--ike").is_err());
    }

    #[test]
    fn json_takes_strings_objects_and_durations() {
        let v = json!({"ike-version": 2, "ike": "aes256gcm16-prfsha384-ecp384",
                       "esp": {"encryption": ["aes256gcm"], "dh-groups": ["ecp384"]},
                       "ike-lifetime": "8h", "esp-lifetime": 3600});
        let p = from_json(Some(&v), "t").unwrap().unwrap();
        assert_eq!(p.esp.as_ref().unwrap().encryption, ["aes256gcm16"]);
        assert_eq!(p.ike_lifetime_secs, Some(28800));
        assert_eq!(view(&p)["esp"], "aes256gcm16-ecp384");
        let again = from_json(Some(&view(&p)), "t").unwrap().unwrap();
        assert_eq!(view(&again), view(&p));
        assert!(from_json(Some(&json!({"ikev": 2})), "t").is_err());
    }

    #[test]
    fn unsupported_values_name_what_the_provider_accepts() {
        let support = IpsecSupport {
            ike_versions: vec![2],
            ike: ProposalSupport {
                encryption: vec!["aes256".into()],
                integrity: vec!["sha256".into()],
                dh_groups: vec!["modp2048".into()],
            },
            esp: ProposalSupport {
                encryption: vec!["aes256".into()],
                integrity: vec!["sha256".into()],
                dh_groups: vec![],
            },
            ike_lifetime_secs: (600, 86400),
            esp_lifetime_secs: (600, 28800),
            dpd: false,
            local_networks: true,
        };
        let p = from_flags(
            Some(2),
            Some("aes256-sha256-ecp384"),
            None,
            None,
            None,
            None,
        )
        .unwrap()
        .unwrap();
        let err = check(&p, &support, "UpCloud").unwrap_err().to_string();
        assert_eq!(
            err,
            "UpCloud does not accept IKE DH group ecp384 (it accepts: modp2048)"
        );
        assert!(
            from_flags(None, None, None, None, None, None)
                .unwrap()
                .is_none()
        );
        assert!(rank(DH_GROUPS, "ecp384") < rank(DH_GROUPS, "modp4096"));
        assert!(is_aead("aes256gcm16") && !is_aead("aes256"));
    }
}
