//! Typed IPSec parameters (`tunnel.ipsec`): what a provider accepts ([`Support`], declared on
//! the tunnel noun with [`NounDef::ipsec`](crate::NounDef::ipsec) and checked before the
//! adapter's function runs), and the two-way word tables an adapter translates the neutral
//! vocabulary (strongSwan's keywords) with.
//!
//! ```
//! use portico_adapter_sdk::ipsec::{Words, Support};
//!
//! const ENCRYPTION: Words = Words(&[("aes256gcm16", "AES256-GCM-16"), ("aes256", "AES256")]);
//! assert_eq!(ENCRYPTION.to_provider("ike.encryption", &["aes256".into()]).unwrap(), ["AES256"]);
//! assert_eq!(ENCRYPTION.from_provider(&["AES256-GCM-16"]), ["aes256gcm16"]);
//! let err = ENCRYPTION.to_provider("ike.encryption", &["3des".into()]).unwrap_err();
//! assert!(format!("{err:?}").contains("aes256gcm16, aes256"));
//! ```

use crate::{Error, IpsecParams, IpsecSupport, Proposal, ProposalSupport, Result, error};
use serde_json::Value;

/// A two-way table between the neutral vocabulary and the provider's words: `(neutral,
/// provider)`, in the provider's order of preference.
#[derive(Debug, Clone, Copy)]
pub struct Words(pub &'static [(&'static str, &'static str)]);

impl Words {
    /// The neutral words, for [`Support`].
    pub fn neutral(&self) -> Vec<String> {
        self.0.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    /// The provider's words for `neutral`; an unknown one is `invalid-input` on `field`,
    /// listing what the provider accepts.
    pub fn to_provider(&self, field: &str, neutral: &[String]) -> Result<Vec<String>> {
        neutral
            .iter()
            .map(|word| {
                let word = word.trim();
                self.0
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(word))
                    .map(|(_, p)| (*p).to_owned())
                    .ok_or_else(|| self.refused(field, word))
            })
            .collect()
    }

    /// The neutral words for what the provider reports; a word the table does not know is kept
    /// as the provider spells it (lower case), so nothing is lost.
    pub fn from_provider<S: AsRef<str>>(&self, provider: &[S]) -> Vec<String> {
        provider
            .iter()
            .map(|word| {
                let word = word.as_ref();
                self.0
                    .iter()
                    .find(|(_, p)| p.eq_ignore_ascii_case(word.trim()))
                    .map_or_else(
                        || word.trim().to_ascii_lowercase(),
                        |(n, _)| (*n).to_owned(),
                    )
            })
            .collect()
    }

    fn refused(&self, field: &str, word: &str) -> Error {
        let known: Vec<&str> = self.0.iter().map(|(n, _)| *n).collect();
        error::invalid_input_field(
            format!("ipsec.{field}"),
            format!(
                "`{word}` is not accepted by this provider for {field} (accepted: {})",
                known.join(", ")
            ),
        )
    }
}

/// Whether a neutral encryption word is authenticated encryption (GCM, CCM, ChaCha20-Poly1305):
/// a child SA with only such ciphers uses no integrity algorithm, whatever a provider reports.
pub fn is_aead(encryption: &str) -> bool {
    encryption.contains("gcm") || encryption.contains("ccm") || encryption == "chacha20poly1305"
}

/// A proposal from word lists (adapter tables and tests).
pub fn proposal(encryption: &[&str], integrity: &[&str], dh_groups: &[&str]) -> Proposal {
    let owned = |w: &[&str]| w.iter().map(|x| (*x).to_owned()).collect();
    Proposal {
        encryption: owned(encryption),
        integrity: owned(integrity),
        dh_groups: owned(dh_groups),
    }
}

/// What one phase accepts.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    /// Encryption algorithms.
    pub encryption: Words,
    /// Integrity algorithms.
    pub integrity: Words,
    /// DH groups (for ESP, the PFS groups).
    pub dh_groups: Words,
}

/// The IPSec values a provider accepts.
#[derive(Debug, Clone, Copy)]
pub struct Support {
    /// IKE versions.
    pub ike_versions: &'static [u8],
    /// Phase 1.
    pub ike: Phase,
    /// Phase 2.
    pub esp: Phase,
    /// Shortest and longest IKE SA lifetime, seconds.
    pub ike_lifetime_secs: (u32, u32),
    /// Shortest and longest child SA lifetime, seconds.
    pub esp_lifetime_secs: (u32, u32),
    /// Whether the DPD interval can be set.
    pub dpd: bool,
    /// Whether a tunnel's local networks can be set.
    pub local_networks: bool,
}

fn phase_support(p: &Phase) -> ProposalSupport {
    ProposalSupport {
        encryption: p.encryption.neutral(),
        integrity: p.integrity.neutral(),
        dh_groups: p.dh_groups.neutral(),
    }
}

impl Support {
    /// The contract's declaration.
    pub fn declared(&self) -> IpsecSupport {
        IpsecSupport {
            ike_versions: self.ike_versions.to_vec(),
            ike: phase_support(&self.ike),
            esp: phase_support(&self.esp),
            ike_lifetime_secs: self.ike_lifetime_secs,
            esp_lifetime_secs: self.esp_lifetime_secs,
            dpd: self.dpd,
            local_networks: self.local_networks,
        }
    }

    /// Checks `params` against what is accepted: `invalid-input` naming the field and the
    /// accepted values.
    pub fn check(&self, params: &IpsecParams) -> Result<()> {
        if let Some(v) = params.ike_version
            && !self.ike_versions.contains(&v)
        {
            return Err(error::invalid_input_field(
                "ipsec.ike-version",
                format!(
                    "IKE version {v} is not accepted by this provider (accepted: {:?})",
                    self.ike_versions
                ),
            ));
        }
        for (name, proposal, phase) in [
            ("ike", &params.ike, &self.ike),
            ("esp", &params.esp, &self.esp),
        ] {
            if let Some(p) = proposal {
                phase
                    .encryption
                    .to_provider(&format!("{name}.encryption"), &p.encryption)?;
                phase
                    .integrity
                    .to_provider(&format!("{name}.integrity"), &p.integrity)?;
                phase
                    .dh_groups
                    .to_provider(&format!("{name}.dh-groups"), &p.dh_groups)?;
            }
        }
        for (name, value, (low, high)) in [
            (
                "ike-lifetime-secs",
                params.ike_lifetime_secs,
                self.ike_lifetime_secs,
            ),
            (
                "esp-lifetime-secs",
                params.esp_lifetime_secs,
                self.esp_lifetime_secs,
            ),
        ] {
            if let Some(v) = value
                && !(low..=high).contains(&v)
            {
                return Err(error::invalid_input_field(
                    format!("ipsec.{name}"),
                    format!("{v} s is outside what this provider accepts ({low}–{high} s)"),
                ));
            }
        }
        if params.dpd_interval_secs.is_some() && !self.dpd {
            return Err(error::invalid_input_field(
                "ipsec.dpd-interval-secs",
                "this provider's DPD interval cannot be set",
            ));
        }
        Ok(())
    }
}

fn words(v: Option<&Value>, what: &str) -> core::result::Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{what}` must be a list of strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{what}` must be a list of strings")),
    }
}

fn proposal_of(v: Option<&Value>, what: &str) -> core::result::Result<Option<Proposal>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(Proposal {
            encryption: words(m.get("encryption"), &format!("{what}.encryption"))?,
            integrity: words(m.get("integrity"), &format!("{what}.integrity"))?,
            dh_groups: words(m.get("dh-groups"), &format!("{what}.dh-groups"))?,
        })),
        Some(_) => Err(format!(
            "`{what}` must be an object with encryption, integrity and dh-groups"
        )),
    }
}

fn number<T: TryFrom<u64>>(
    v: Option<&Value>,
    what: &str,
) -> core::result::Result<Option<T>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .and_then(|n| T::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| format!("`{what}` must be a small whole number")),
    }
}

/// The `ipsec` of an example spec: `{"ike-version": 2, "ike": {"encryption": [...],
/// "integrity": [...], "dh-groups": [...]}, "esp": {...}, "ike-lifetime-secs": 28800, ...}`.
pub fn from_example(value: Option<&Value>) -> core::result::Result<Option<IpsecParams>, String> {
    let m = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("`ipsec` must be an object".to_owned()),
    };
    Ok(Some(IpsecParams {
        ike_version: number(m.get("ike-version"), "ipsec.ike-version")?,
        ike: proposal_of(m.get("ike"), "ipsec.ike")?,
        esp: proposal_of(m.get("esp"), "ipsec.esp")?,
        ike_lifetime_secs: number(m.get("ike-lifetime-secs"), "ipsec.ike-lifetime-secs")?,
        esp_lifetime_secs: number(m.get("esp-lifetime-secs"), "ipsec.esp-lifetime-secs")?,
        dpd_interval_secs: number(m.get("dpd-interval-secs"), "ipsec.dpd-interval-secs")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Words = Words(&[("ecp384", "20"), ("modp2048", "14")]);
    const SUPPORT: Support = Support {
        ike_versions: &[2],
        ike: Phase {
            encryption: Words(&[("aes256", "aes256")]),
            integrity: Words(&[("sha256", "sha256")]),
            dh_groups: W,
        },
        esp: Phase {
            encryption: Words(&[("aes256", "aes256")]),
            integrity: Words(&[("sha256", "sha256")]),
            dh_groups: W,
        },
        ike_lifetime_secs: (600, 86400),
        esp_lifetime_secs: (600, 28800),
        dpd: false,
        local_networks: true,
    };

    fn params() -> IpsecParams {
        IpsecParams {
            ike_version: Some(2),
            ike: Some(Proposal {
                encryption: vec!["aes256".into()],
                integrity: vec!["sha256".into()],
                dh_groups: vec!["ecp384".into()],
            }),
            esp: None,
            ike_lifetime_secs: Some(3600),
            esp_lifetime_secs: None,
            dpd_interval_secs: None,
        }
    }

    fn field(e: Error) -> String {
        match e {
            Error::InvalidInput(p) => p.field.unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn supported_values_pass_and_others_name_field_and_list() {
        SUPPORT.check(&params()).unwrap();
        let mut p = params();
        p.ike.as_mut().unwrap().dh_groups = vec!["modp1024".into()];
        assert_eq!(field(SUPPORT.check(&p).unwrap_err()), "ipsec.ike.dh-groups");
        let mut p = params();
        p.ike_version = Some(1);
        assert_eq!(field(SUPPORT.check(&p).unwrap_err()), "ipsec.ike-version");
        let mut p = params();
        p.ike_lifetime_secs = Some(10);
        assert_eq!(
            field(SUPPORT.check(&p).unwrap_err()),
            "ipsec.ike-lifetime-secs"
        );
        let mut p = params();
        p.dpd_interval_secs = Some(30);
        assert_eq!(
            field(SUPPORT.check(&p).unwrap_err()),
            "ipsec.dpd-interval-secs"
        );
    }

    #[test]
    fn words_translate_both_ways_and_keep_unknown_provider_words() {
        assert_eq!(W.to_provider("x", &["ECP384".into()]).unwrap(), ["20"]);
        assert_eq!(W.from_provider(&["14", "31"]), ["modp2048", "31"]);
        let declared = SUPPORT.declared();
        assert_eq!(declared.ike.dh_groups, ["ecp384", "modp2048"]);
    }

    #[test]
    fn examples_read_the_structured_form() {
        let v = serde_json::json!({"ike-version": 2, "ike": {"encryption": ["aes256"],
            "dh-groups": ["ecp384"]}, "esp-lifetime-secs": 3600});
        let p = from_example(Some(&v)).unwrap().unwrap();
        assert_eq!(p.ike.unwrap().dh_groups, ["ecp384"]);
        assert_eq!(p.esp_lifetime_secs, Some(3600));
        assert!(from_example(Some(&serde_json::json!({"ike": "x"}))).is_err());
    }
}
