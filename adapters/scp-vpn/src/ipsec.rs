//! Typed IPSec parameters at Samsung Cloud Platform: each phase takes up to ten proposal words
//! that couple a cipher and a hash (`aes256-sha256`), or name an AEAD cipher alone
//! (`aes256gcm`, `chacha20poly1305`), up to three DH group numbers, and a lifetime of 120 to
//! 172800 seconds; phase 2 says whether PFS is on. The neutral encryption and integrity lists
//! are crossed into those words and split back. Phase 1 is declared without the AEAD ciphers:
//! SCP's AEAD words carry no PRF, so a phase 1 proposal with one could not be read back. A
//! tunnel's local side is always the gateway's VPC (`local-networks` cannot be set).

use portico_adapter_sdk::ipsec::{Phase, Support, Words, is_aead};
use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{IpsecParams, Proposal, Result, error};

const CIPHERS: Words = Words(&[
    ("aes256", "aes256"),
    ("aes192", "aes192"),
    ("aes128", "aes128"),
    ("3des", "3des"),
]);
const AEAD: Words = Words(&[
    ("aes256gcm16", "aes256gcm"),
    ("aes128gcm16", "aes128gcm"),
    ("chacha20poly1305", "chacha20poly1305"),
    ("aes256", "aes256"),
    ("aes192", "aes192"),
    ("aes128", "aes128"),
    ("3des", "3des"),
]);
const HASHES: Words = Words(&[
    ("sha512", "sha512"),
    ("sha384", "sha384"),
    ("sha256", "sha256"),
    ("sha1", "sha1"),
    ("md5", "md5"),
]);
const DH_GROUPS: Words = Words(&[
    ("ecp521", "21"),
    ("ecp384", "20"),
    ("curve448", "32"),
    ("curve25519", "31"),
    ("ecp256", "19"),
    ("modp8192", "18"),
    ("modp6144", "17"),
    ("modp4096", "16"),
    ("modp3072", "15"),
    ("modp2048", "14"),
    ("modp1536", "5"),
    ("modp1024", "2"),
]);

/// What SCP accepts.
pub static SUPPORT: Support = Support {
    ike_versions: &[1, 2],
    ike: Phase {
        encryption: CIPHERS,
        integrity: HASHES,
        dh_groups: DH_GROUPS,
    },
    esp: Phase {
        encryption: AEAD,
        integrity: HASHES,
        dh_groups: DH_GROUPS,
    },
    ike_lifetime_secs: (120, 172_800),
    esp_lifetime_secs: (120, 172_800),
    dpd: true,
    local_networks: false,
};

/// SCP's proposal words for `p` in `phase` (`ike` or `esp`).
fn words(phase: &str, p: &Proposal, table: &Words) -> Result<Vec<String>> {
    let hashes = HASHES.to_provider(&format!("{phase}.integrity"), &p.integrity)?;
    let mut out = Vec::new();
    for neutral in &p.encryption {
        let cipher = table
            .to_provider(
                &format!("{phase}.encryption"),
                std::slice::from_ref(neutral),
            )?
            .remove(0);
        if is_aead(neutral) {
            out.push(cipher);
        } else if hashes.is_empty() {
            return Err(error::invalid_input_field(
                format!("ipsec.{phase}.integrity"),
                format!("SCP pairs {neutral} with an integrity algorithm; give one"),
            ));
        } else {
            out.extend(hashes.iter().map(|h| format!("{cipher}-{h}")));
        }
    }
    if out.len() > 10 {
        return Err(error::invalid_input_field(
            format!("ipsec.{phase}"),
            format!(
                "SCP takes at most 10 proposals per phase; these make {}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

fn groups(phase: &str, p: &Proposal) -> Result<Vec<u64>> {
    if p.dh_groups.len() > 3 {
        return Err(error::invalid_input_field(
            format!("ipsec.{phase}.dh-groups"),
            "SCP takes at most 3 DH groups per phase",
        ));
    }
    Ok(DH_GROUPS
        .to_provider(&format!("{phase}.dh-groups"), &p.dh_groups)?
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect())
}

/// Writes `params` into a tunnel body's `phase1` and `phase2` objects (create and set use the
/// same key names).
pub fn to_provider(params: &IpsecParams, body: &mut Map<String, Value>) -> Result<()> {
    fn phase<'a>(body: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
        let entry = body.entry(key).or_insert_with(|| json!({}));
        if !entry.is_object() {
            *entry = json!({});
        }
        entry.as_object_mut().expect("an object")
    }
    let p1 = phase(body, "phase1");
    if let Some(v) = params.ike_version {
        p1.insert("ike_version".into(), json!(v));
    }
    if let Some(ike) = &params.ike {
        if !ike.encryption.is_empty() {
            p1.insert(
                "phase1_encryptions".into(),
                json!(words("ike", ike, &CIPHERS)?),
            );
        }
        if !ike.dh_groups.is_empty() {
            p1.insert(
                "phase1_diffie_hellman_groups".into(),
                json!(groups("ike", ike)?),
            );
        }
    }
    if let Some(l) = params.ike_lifetime_secs {
        p1.insert("phase1_life_time".into(), json!(l));
    }
    if let Some(d) = params.dpd_interval_secs {
        p1.insert("dpd_retry_interval".into(), json!(d));
    }
    let p2 = phase(body, "phase2");
    if let Some(esp) = &params.esp {
        if !esp.encryption.is_empty() {
            p2.insert(
                "phase2_encryptions".into(),
                json!(words("esp", esp, &AEAD)?),
            );
        }
        if esp.dh_groups.is_empty() {
            p2.insert("perfect_forward_secrecy".into(), json!("DISABLE"));
        } else {
            p2.insert("perfect_forward_secrecy".into(), json!("ENABLE"));
            p2.insert(
                "phase2_diffie_hellman_groups".into(),
                json!(groups("esp", esp)?),
            );
        }
    }
    if let Some(l) = params.esp_lifetime_secs {
        p2.insert("phase2_life_time".into(), json!(l));
    }
    Ok(())
}

fn push_unique(list: &mut Vec<String>, word: String) {
    if !list.contains(&word) {
        list.push(word);
    }
}

fn proposal(phase: &Value, table: &Words, pfs: bool) -> Option<Proposal> {
    let encryptions = phase.get("encryptions")?.as_array()?;
    let mut p = Proposal {
        encryption: Vec::new(),
        integrity: Vec::new(),
        dh_groups: Vec::new(),
    };
    for word in encryptions.iter().filter_map(Value::as_str) {
        let (cipher, hash) = word.split_once('-').unwrap_or((word, ""));
        push_unique(&mut p.encryption, table.from_provider(&[cipher]).remove(0));
        let hash = hash.strip_prefix("prf").unwrap_or(hash);
        if !hash.is_empty() && hash != "null" {
            push_unique(&mut p.integrity, HASHES.from_provider(&[hash]).remove(0));
        }
    }
    if pfs {
        let numbers: Vec<String> = phase
            .get("diffie_hellman_groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .map(|n| n.to_string())
            .collect();
        p.dh_groups = DH_GROUPS.from_provider(&numbers);
    }
    Some(p)
}

/// The parameters of a tunnel document (a detailed one carries the proposals).
pub fn from_provider(doc: &Value) -> IpsecParams {
    let (p1, p2) = (&doc["phase1"], &doc["phase2"]);
    let num = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let pfs = p2.get("perfect_forward_secrecy").and_then(Value::as_str) != Some("DISABLE");
    IpsecParams {
        ike_version: num(p1, "ike_version").and_then(|v| u8::try_from(v).ok()),
        ike: proposal(p1, &CIPHERS, true),
        esp: proposal(p2, &AEAD, pfs),
        ike_lifetime_secs: num(p1, "life_time"),
        esp_lifetime_secs: num(p2, "life_time"),
        dpd_interval_secs: num(p1, "dpd_retry_interval"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use portico_adapter_sdk::ipsec::proposal as p;

    #[test]
    fn neutral_lists_cross_into_scp_words_and_split_back() {
        let params = IpsecParams {
            ike_version: Some(2),
            ike: Some(p(
                &["aes256", "aes128"],
                &["sha384", "sha256"],
                &["ecp384", "modp2048"],
            )),
            esp: Some(p(&["aes256gcm16"], &[], &["curve25519"])),
            ike_lifetime_secs: Some(28800),
            esp_lifetime_secs: Some(3600),
            dpd_interval_secs: Some(30),
        };
        let mut body = Map::new();
        to_provider(&params, &mut body).unwrap();
        assert_eq!(
            body["phase1"]["phase1_encryptions"],
            json!([
                "aes256-sha384",
                "aes256-sha256",
                "aes128-sha384",
                "aes128-sha256"
            ])
        );
        assert_eq!(
            body["phase1"]["phase1_diffie_hellman_groups"],
            json!([20, 14])
        );
        assert_eq!(body["phase2"]["phase2_encryptions"], json!(["aes256gcm"]));
        assert_eq!(body["phase2"]["perfect_forward_secrecy"], "ENABLE");
        // The provider's read-back shape drops the `phaseN_` prefixes.
        let doc = json!({
            "phase1": {"ike_version": 2, "life_time": 28800, "dpd_retry_interval": 30,
                       "diffie_hellman_groups": [20, 14],
                       "encryptions": body["phase1"]["phase1_encryptions"]},
            "phase2": {"perfect_forward_secrecy": "ENABLE", "life_time": 3600,
                       "diffie_hellman_groups": [31], "encryptions": ["aes256gcm"]},
        });
        assert_eq!(from_provider(&doc), params);
    }

    #[test]
    fn pfs_off_and_refusals_name_what_scp_takes() {
        let esp = IpsecParams {
            ike_version: None,
            ike: None,
            esp: Some(p(&["aes128"], &["sha1"], &[])),
            ike_lifetime_secs: None,
            esp_lifetime_secs: None,
            dpd_interval_secs: None,
        };
        let mut body = Map::new();
        to_provider(&esp, &mut body).unwrap();
        assert_eq!(body["phase2"]["perfect_forward_secrecy"], "DISABLE");
        let aead_ike = IpsecParams {
            ike: Some(p(&["aes256gcm16"], &["sha384"], &[])),
            ..esp.clone()
        };
        let err = SUPPORT.check(&aead_ike).unwrap_err();
        assert!(
            err.message().contains("aes256, aes192, aes128, 3des"),
            "{}",
            err.message()
        );
        let no_hash = IpsecParams {
            esp: Some(p(&["aes128"], &[], &[])),
            ..esp
        };
        assert!(to_provider(&no_hash, &mut Map::new()).is_err());
    }
}
