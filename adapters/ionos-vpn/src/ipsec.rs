//! Typed IPSec parameters at IONOS: each phase (`ike`, `esp`) takes one encryption algorithm,
//! one integrity algorithm and one DH group, spelled `AES256-GCM-16`, `SHA384`, `20-ECP384`,
//! and a lifetime of 3600 to 86400 seconds; IKEv2 only; no DPD setting. IONOS fills in its
//! defaults (AES256, SHA256, 16-MODP4096; lifetimes 86400 and 3600), which records spell out.

use portico_adapter_sdk::ipsec::{Phase, Support, Words, is_aead};
use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{IpsecParams, Proposal, Result, error};

const ENCRYPTION: Words = Words(&[
    ("aes256gcm16", "AES256-GCM-16"),
    ("aes128gcm16", "AES128-GCM-16"),
    ("aes256gcm12", "AES256-GCM-12"),
    ("aes128gcm12", "AES128-GCM-12"),
    ("aes256ctr", "AES256-CTR"),
    ("aes128ctr", "AES128-CTR"),
    ("aes256", "AES256"),
    ("aes128", "AES128"),
]);
const INTEGRITY: Words = Words(&[
    ("sha512", "SHA512"),
    ("sha384", "SHA384"),
    ("sha256", "SHA256"),
    ("aesxcbc", "AES-XCBC"),
]);
const DH_GROUPS: Words = Words(&[
    ("ecp521", "21-ECP521"),
    ("ecp384", "20-ECP384"),
    ("ecp256", "19-ECP256"),
    ("modp4096", "16-MODP4096"),
    ("modp3072", "15-MODP3072"),
]);
const PHASE: Phase = Phase {
    encryption: ENCRYPTION,
    integrity: INTEGRITY,
    dh_groups: DH_GROUPS,
};

/// What IONOS accepts.
pub static SUPPORT: Support = Support {
    ike_versions: &[2],
    ike: PHASE,
    esp: PHASE,
    ike_lifetime_secs: (3600, 86400),
    esp_lifetime_secs: (3600, 86400),
    dpd: false,
    local_networks: true,
};

/// The one value IONOS takes for `field`, from a list of at most one.
fn one(field: &str, words: &Words, list: &[String]) -> Result<Option<String>> {
    match list {
        [] => Ok(None),
        [_] => Ok(words.to_provider(field, list)?.pop()),
        _ => Err(error::invalid_input_field(
            format!("ipsec.{field}"),
            format!("IONOS takes one value for {field}, not {}", list.len()),
        )),
    }
}

fn phase_body(
    name: &str,
    p: Option<&Proposal>,
    lifetime: Option<u32>,
    into: &mut Map<String, Value>,
) -> Result<()> {
    if let Some(p) = p {
        for (key, field, words, list) in [
            (
                "encryptionAlgorithm",
                "encryption",
                &ENCRYPTION,
                &p.encryption,
            ),
            ("integrityAlgorithm", "integrity", &INTEGRITY, &p.integrity),
            ("diffieHellmanGroup", "dh-groups", &DH_GROUPS, &p.dh_groups),
        ] {
            if let Some(v) = one(&format!("{name}.{field}"), words, list)? {
                into.insert(key.into(), json!(v));
            }
        }
    }
    if let Some(l) = lifetime {
        into.insert("lifetime".into(), json!(l));
    }
    Ok(())
}

/// Writes `params` into a tunnel's `ike` and `esp` objects (over what is already there).
pub fn to_provider(params: &IpsecParams, props: &mut Map<String, Value>) -> Result<()> {
    for (name, proposal, lifetime) in [
        ("ike", params.ike.as_ref(), params.ike_lifetime_secs),
        ("esp", params.esp.as_ref(), params.esp_lifetime_secs),
    ] {
        let entry = props.entry(name).or_insert_with(|| json!({}));
        if !entry.is_object() {
            *entry = json!({});
        }
        let map = entry.as_object_mut().expect("an object");
        phase_body(name, proposal, lifetime, map)?;
    }
    Ok(())
}

fn word(v: &Value, key: &str, default: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_owned()
}

fn proposal(v: &Value, esp: bool) -> Proposal {
    let encryption = ENCRYPTION.from_provider(&[&word(v, "encryptionAlgorithm", "AES256")]);
    let aead = encryption.iter().all(|e| is_aead(e));
    // An AEAD child SA uses no integrity algorithm, whatever IONOS fills in.
    let integrity = match v.get("integrityAlgorithm").and_then(Value::as_str) {
        _ if esp && aead => Vec::new(),
        Some(i) => INTEGRITY.from_provider(&[i]),
        None => INTEGRITY.from_provider(&["SHA256"]),
    };
    Proposal {
        encryption,
        integrity,
        dh_groups: DH_GROUPS.from_provider(&[&word(v, "diffieHellmanGroup", "16-MODP4096")]),
    }
}

/// The parameters of a tunnel's `properties`, IONOS's defaults spelled out.
pub fn from_provider(props: &Value) -> IpsecParams {
    let (ike, esp) = (&props["ike"], &props["esp"]);
    let lifetime = |v: &Value, d: u32| {
        v.get("lifetime")
            .and_then(Value::as_u64)
            .and_then(|l| u32::try_from(l).ok())
            .unwrap_or(d)
    };
    IpsecParams {
        ike_version: Some(2),
        ike: Some(proposal(ike, false)),
        esp: Some(proposal(esp, true)),
        ike_lifetime_secs: Some(lifetime(ike, 86400)),
        esp_lifetime_secs: Some(lifetime(esp, 3600)),
        dpd_interval_secs: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use portico_adapter_sdk::ipsec::proposal as p;

    #[test]
    fn neutral_words_become_ionos_words_and_back() {
        let params = IpsecParams {
            ike_version: Some(2),
            ike: Some(p(&["aes256gcm16"], &["sha384"], &["ecp384"])),
            esp: Some(p(&["aes256gcm16"], &[], &["ecp384"])),
            ike_lifetime_secs: Some(28800),
            esp_lifetime_secs: Some(3600),
            dpd_interval_secs: None,
        };
        let mut props = Map::new();
        to_provider(&params, &mut props).unwrap();
        assert_eq!(
            Value::Object(props.clone()),
            json!({
                "ike": {"encryptionAlgorithm": "AES256-GCM-16", "integrityAlgorithm": "SHA384",
                        "diffieHellmanGroup": "20-ECP384", "lifetime": 28800},
                "esp": {"encryptionAlgorithm": "AES256-GCM-16", "diffieHellmanGroup": "20-ECP384",
                        "lifetime": 3600},
            })
        );
        assert_eq!(from_provider(&Value::Object(props)), params);
    }

    #[test]
    fn ionos_defaults_are_spelled_out() {
        let back = from_provider(&json!({"ike": {}, "esp": {}}));
        assert_eq!(back.ike, Some(p(&["aes256"], &["sha256"], &["modp4096"])));
        assert_eq!(back.esp, Some(p(&["aes256"], &["sha256"], &["modp4096"])));
        assert_eq!(
            (back.ike_lifetime_secs, back.esp_lifetime_secs),
            (Some(86400), Some(3600))
        );
    }

    #[test]
    fn unsupported_or_several_values_are_refused_naming_what_ionos_takes() {
        let params = IpsecParams {
            ike_version: None,
            ike: Some(p(&["3des"], &[], &[])),
            esp: None,
            ike_lifetime_secs: None,
            esp_lifetime_secs: None,
            dpd_interval_secs: None,
        };
        let err = SUPPORT.check(&params).unwrap_err();
        assert!(err.message().contains("aes256gcm16"), "{}", err.message());
        let two = IpsecParams {
            ike: Some(p(&["aes256", "aes128"], &[], &[])),
            ..params
        };
        let err = to_provider(&two, &mut Map::new()).unwrap_err();
        assert!(err.message().contains("one value"), "{}", err.message());
    }
}
