//! Typed IPSec parameters at UpCloud: every IPSec tunnel of a connection carries lists of
//! phase 1 and phase 2 algorithms (`aes256gcm128`), integrity algorithms (`sha384`) and DH group
//! numbers (`20`); the IKE SA rekey time (`rekey_time`), the child SA rekey time
//! (`child_rekey_time`) and the DPD delay (`dpd_delay`). UpCloud's defaults, which records
//! spell out when a tunnel omits them: aes128, aes256, aes128gcm128, aes256gcm128; sha256,
//! sha384, sha512; groups 14, 16, 18, 19, 20, 21; rekey 14400 s and 1440 s; DPD 30 s.

use portico_adapter_sdk::ipsec::{Phase, Support, Words, is_aead};
use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{IpsecParams, Proposal, Result, error};

const ENCRYPTION: Words = Words(&[
    ("aes256gcm16", "aes256gcm128"),
    ("aes192gcm16", "aes192gcm128"),
    ("aes128gcm16", "aes128gcm128"),
    ("aes256", "aes256"),
    ("aes192", "aes192"),
    ("aes128", "aes128"),
]);
const INTEGRITY: Words = Words(&[
    ("sha512", "sha512"),
    ("sha384", "sha384"),
    ("sha256", "sha256"),
    ("sha1", "sha1"),
]);
const DH_GROUPS: Words = Words(&[
    ("ecp521", "21"),
    ("ecp384", "20"),
    ("ecp256", "19"),
    ("modp8192", "18"),
    ("modp6144", "17"),
    ("modp4096", "16"),
    ("modp3072", "15"),
    ("modp2048", "14"),
]);
const PHASE: Phase = Phase {
    encryption: ENCRYPTION,
    integrity: INTEGRITY,
    dh_groups: DH_GROUPS,
};

/// What UpCloud accepts.
pub static SUPPORT: Support = Support {
    ike_versions: &[2],
    ike: PHASE,
    esp: PHASE,
    ike_lifetime_secs: (60, 604_800),
    esp_lifetime_secs: (60, 604_800),
    dpd: true,
    local_networks: true,
};

const DEFAULT_ENCRYPTION: &[&str] = &["aes128", "aes256", "aes128gcm128", "aes256gcm128"];
const DEFAULT_INTEGRITY: &[&str] = &["sha256", "sha384", "sha512"];
const DEFAULT_GROUPS: &[u64] = &[14, 16, 18, 19, 20, 21];

fn phase_body(phase: &str, p: &Proposal, into: &mut Map<String, Value>) -> Result<()> {
    let at = |slot: &str| format!("{}.{slot}", if phase == "phase1" { "ike" } else { "esp" });
    if !p.encryption.is_empty() {
        let words = ENCRYPTION.to_provider(&at("encryption"), &p.encryption)?;
        into.insert(format!("{phase}_algorithms"), json!(words));
    }
    if !p.integrity.is_empty() {
        let words = INTEGRITY.to_provider(&at("integrity"), &p.integrity)?;
        into.insert(format!("{phase}_integrity_algorithms"), json!(words));
    }
    if !p.dh_groups.is_empty() {
        let numbers = DH_GROUPS
            .to_provider(&at("dh-groups"), &p.dh_groups)?
            .iter()
            .map(|n| {
                n.parse::<u64>()
                    .map_err(|_| error::invalid_input("bad DH group table"))
            })
            .collect::<Result<Vec<_>>>()?;
        into.insert(format!("{phase}_dh_group_numbers"), json!(numbers));
    }
    Ok(())
}

/// The `ipsec` settings of `params`, merged into `ipsec` (a tunnel's settings object).
pub fn to_provider(params: &IpsecParams, ipsec: &mut Map<String, Value>) -> Result<()> {
    if let Some(p) = &params.ike {
        phase_body("phase1", p, ipsec)?;
    }
    if let Some(p) = &params.esp {
        phase_body("phase2", p, ipsec)?;
    }
    for (key, value) in [
        ("rekey_time", params.ike_lifetime_secs),
        ("child_rekey_time", params.esp_lifetime_secs),
        ("dpd_delay", params.dpd_interval_secs),
    ] {
        if let Some(v) = value {
            ipsec.insert(key.into(), json!(v));
        }
    }
    Ok(())
}

/// Sets `params` on every tunnel of a connection body's `tunnels`.
pub fn apply_to_tunnels(params: &IpsecParams, tunnels: &mut Value) -> Result<()> {
    for tunnel in tunnels.as_array_mut().into_iter().flatten() {
        let Some(fields) = tunnel.as_object_mut() else {
            continue;
        };
        let ipsec = fields.entry("ipsec").or_insert_with(|| json!({}));
        if !ipsec.is_object() {
            *ipsec = json!({});
        }
        to_provider(params, ipsec.as_object_mut().expect("an object"))?;
    }
    Ok(())
}

fn strings(v: &Value, key: &str, default: &[&str]) -> Vec<String> {
    match v.get(key).and_then(Value::as_array) {
        Some(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => default.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn proposal(v: &Value, phase: &str, esp: bool) -> Proposal {
    let enc = strings(v, &format!("{phase}_algorithms"), DEFAULT_ENCRYPTION);
    let encryption = ENCRYPTION.from_provider(&enc);
    let aead = encryption.iter().all(|e| is_aead(e));
    let integ = strings(
        v,
        &format!("{phase}_integrity_algorithms"),
        DEFAULT_INTEGRITY,
    );
    // An AEAD-only child SA uses no integrity algorithm, whatever the list says.
    let integrity = if esp && aead {
        Vec::new()
    } else {
        INTEGRITY.from_provider(&integ)
    };
    let groups: Vec<String> = match v
        .get(format!("{phase}_dh_group_numbers"))
        .and_then(Value::as_array)
    {
        Some(items) => items
            .iter()
            .filter_map(Value::as_u64)
            .map(|n| n.to_string())
            .collect(),
        None => DEFAULT_GROUPS.iter().map(u64::to_string).collect(),
    };
    Proposal {
        encryption,
        integrity,
        dh_groups: DH_GROUPS.from_provider(&groups),
    }
}

/// The parameters of a tunnel's `ipsec` settings, UpCloud's defaults spelled out.
pub fn from_provider(ipsec: &Value) -> IpsecParams {
    let secs = |key: &str, d: u32| {
        ipsec
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(d)
    };
    IpsecParams {
        ike_version: Some(2),
        ike: Some(proposal(ipsec, "phase1", false)),
        esp: Some(proposal(ipsec, "phase2", true)),
        ike_lifetime_secs: Some(secs("rekey_time", 14_400)),
        esp_lifetime_secs: Some(secs("child_rekey_time", 1_440)),
        dpd_interval_secs: Some(secs("dpd_delay", 30)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use portico_adapter_sdk::ipsec::proposal as p;

    #[test]
    fn neutral_words_become_upcloud_words_and_back() {
        let params = IpsecParams {
            ike_version: Some(2),
            ike: Some(p(&["aes256gcm16"], &["sha384"], &["ecp384", "modp4096"])),
            esp: Some(p(&["aes256gcm16"], &[], &["ecp384"])),
            ike_lifetime_secs: Some(28800),
            esp_lifetime_secs: Some(3600),
            dpd_interval_secs: Some(10),
        };
        let mut ipsec = Map::new();
        to_provider(&params, &mut ipsec).unwrap();
        assert_eq!(
            Value::Object(ipsec.clone()),
            json!({
                "phase1_algorithms": ["aes256gcm128"], "phase1_integrity_algorithms": ["sha384"],
                "phase1_dh_group_numbers": [20, 16], "phase2_algorithms": ["aes256gcm128"],
                "phase2_dh_group_numbers": [20], "rekey_time": 28800, "child_rekey_time": 3600,
                "dpd_delay": 10,
            })
        );
        assert_eq!(from_provider(&Value::Object(ipsec)), params);
    }

    #[test]
    fn upcloud_defaults_are_spelled_out_and_unknown_values_refused() {
        let back = from_provider(&json!({"authentication": {"authentication": "psk"}}));
        let ike = back.ike.unwrap();
        assert_eq!(
            ike.encryption,
            ["aes128", "aes256", "aes128gcm16", "aes256gcm16"]
        );
        assert_eq!(
            ike.dh_groups,
            [
                "modp2048", "modp4096", "modp8192", "ecp256", "ecp384", "ecp521"
            ]
        );
        let bad = IpsecParams {
            ike_version: None,
            ike: Some(p(&["aes256"], &["md5"], &[])),
            esp: None,
            ike_lifetime_secs: None,
            esp_lifetime_secs: None,
            dpd_interval_secs: None,
        };
        let err = SUPPORT.check(&bad).unwrap_err();
        assert!(
            err.message().contains("sha512, sha384, sha256, sha1"),
            "{}",
            err.message()
        );
    }
}
