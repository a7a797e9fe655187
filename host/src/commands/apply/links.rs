//! Links between clouds: a topology's `links` become one tunnel at each managed end, with
//! mirrored networks, each other's public address, the strongest proposal both providers accept
//! (`choose`) and one pre-shared key that portico generates once and keeps in the credential
//! store (or that the file names).
//!
//! ```yaml
//! links:
//!   - name: fra-lon
//!     a: {profile: io, gateway: fra-edge, networks: [10.1.0.0/16]}
//!     b: {profile: up, gateway: lon-edge, networks: [10.2.0.0/16]}
//!   - name: office
//!     a: {profile: io, gateway: fra-edge, networks: [10.1.0.0/16]}
//!     remote: {address: 198.51.100.7, networks: [192.168.1.0/24]}
//! ```

use super::file::{Field, IpsecDecl, SecretRef};
use crate::commands::inputs::{SecretSource, parse_secret_args};
use crate::error::input;
use crate::wit::adapter::{Description, IpsecSupport, Noun, ProposalSupport, SecretForm};
use crate::wit::types::{IpsecParams, Proposal};
use anyhow::Result;
use schemars::JsonSchema;
use serde::Deserialize;

/// A link between two gateways, or between a gateway and a site portico does not manage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LinkDecl {
    /// The link's name: the tunnels at both ends carry it.
    pub name: String,
    /// One end: a gateway of a profile.
    pub a: GatewayEnd,
    /// The other end, when it is a gateway portico manages too.
    pub b: Option<GatewayEnd>,
    /// The other end, when it is a site portico does not manage.
    pub remote: Option<RemoteSite>,
    /// The pre-shared key: `credential:NAME.FIELD` or `env:VAR`. When absent, `apply`
    /// generates one and keeps it as credential `link-NAME`, field `psk`.
    pub psk: Option<SecretRef>,
    /// Parameters both ends must use instead of the strongest they share; each is checked
    /// against both providers.
    pub ipsec: Option<IpsecDecl>,
}

/// A managed end of a link.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct GatewayEnd {
    /// The profile.
    pub profile: String,
    /// The gateway's name (in this file, or already live).
    pub gateway: String,
    /// The networks behind this end.
    pub networks: Vec<String>,
}

/// An end portico does not manage (an office's strongSwan): `apply --write-remote-config`
/// writes its configuration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RemoteSite {
    /// Its public address.
    pub address: String,
    /// The networks behind it.
    pub networks: Vec<String>,
}

/// The credential field a generated pre-shared key is kept in.
pub(crate) const PSK_FIELD: &str = "psk";

/// The credential a generated pre-shared key of `link` is kept in, and its field.
pub(crate) fn psk_credential(link: &str) -> (String, String) {
    (format!("link-{link}"), PSK_FIELD.to_string())
}

impl LinkDecl {
    /// The source of the file's `psk`, when it gives one; `at` names the link in errors.
    pub(crate) fn psk_source(&self, at: &str) -> Result<Option<SecretSource>> {
        let Some(r) = &self.psk else {
            return Ok(None);
        };
        let mut parsed = parse_secret_args(&[format!("{PSK_FIELD}={}", r.text())])
            .map_err(|e| input(format!("{at}: {e}")))?;
        Ok(Some(parsed.remove(0).source))
    }
}

/// A new pre-shared key: 40 random letters and digits (about 238 bits), accepted by every
/// provider's PSK rules.
pub(crate) fn generate_psk() -> String {
    use rand::Rng as _;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect()
}

/// Checks what can be checked without an adapter: one other end, names, networks.
pub(crate) fn check(links: &[LinkDecl]) -> Result<()> {
    let mut names = std::collections::BTreeSet::new();
    for (i, l) in links.iter().enumerate() {
        let at = format!("links[{i}]");
        if !names.insert(l.name.as_str()) {
            return Err(input(format!("{at}: a second link named {:?}", l.name)));
        }
        if l.name.is_empty()
            || !l
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            return Err(input(format!(
                "{at}: link name {:?} must be letters, digits, - or _",
                l.name
            )));
        }
        match (&l.b, &l.remote) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(input(format!(
                    "{at}: give the other end as either `b` (a gateway) or `remote` (a site)"
                )));
            }
            _ => {}
        }
        let mut ends = vec![&l.a.networks];
        ends.extend(l.b.as_ref().map(|b| &b.networks));
        ends.extend(l.remote.as_ref().map(|r| &r.networks));
        if ends.iter().any(|n| n.is_empty()) {
            return Err(input(format!("{at}: every end needs its networks")));
        }
        if l.psk_source(&at)? == Some(SecretSource::Stdin) {
            return Err(input(format!(
                "{at}: psk cannot come from stdin; use env:VAR, credential:NAME.FIELD or prompt"
            )));
        }
    }
    Ok(())
}

/// The tunnel kind of `d` that takes IPSec parameters, and what its provider accepts.
pub(crate) fn tunnel_support(d: &Description) -> Option<(&str, &IpsecSupport)> {
    d.kinds
        .iter()
        .filter(|k| k.noun == Noun::Tunnel)
        .find_map(|k| k.ipsec.as_ref().map(|s| (k.kind.as_str(), s)))
}

/// The secret input of `d` that carries a tunnel's pre-shared key.
pub(crate) fn psk_input(d: &Description) -> Option<&str> {
    d.secret_inputs
        .iter()
        .find(|s| {
            s.form == Some(SecretForm::PreSharedKey)
                && s.used_by.iter().any(|u| u.starts_with("tunnel."))
        })
        .map(|s| s.name.as_str())
}

/// Words both lists hold, strongest first by `order`.
fn common(order: &[&str], a: &[String], b: Option<&[String]>) -> Vec<String> {
    let mut out: Vec<String> = a
        .iter()
        .filter(|w| b.is_none_or(|b| b.contains(w)))
        .cloned()
        .collect();
    out.sort_by_key(|w| crate::ipsec::rank(order, w));
    out
}

fn strongest(
    phase: &str,
    what: &str,
    order: &[&str],
    a: (&str, &[String]),
    b: Option<(&str, &[String])>,
) -> Result<String> {
    common(order, a.1, b.map(|b| b.1))
        .into_iter()
        .next()
        .ok_or_else(|| {
            let mut lists = format!("{} accepts {}", a.0, a.1.join(", "));
            if let Some((name, list)) = b {
                lists.push_str(&format!("; {name} accepts {}", list.join(", ")));
            }
            input(format!("no {phase} {what} both ends accept ({lists})"))
        })
}

/// One end's name and support, for messages and choices.
pub(crate) type End<'a> = (&'a str, &'a IpsecSupport);

fn proposal(
    phase: &str,
    a: (&str, &ProposalSupport),
    b: Option<(&str, &ProposalSupport)>,
    esp: bool,
) -> Result<Proposal> {
    use crate::ipsec::{DH_GROUPS, ENCRYPTION, INTEGRITY, is_aead};
    let pick = |what, order, f: fn(&ProposalSupport) -> &[String]| {
        strongest(phase, what, order, (a.0, f(a.1)), b.map(|b| (b.0, f(b.1))))
    };
    let encryption = pick("encryption", ENCRYPTION, |s| &s.encryption)?;
    // ESP with AEAD needs no integrity; IKE always needs a PRF.
    let integrity = if esp && is_aead(&encryption) {
        Vec::new()
    } else {
        vec![pick("integrity", INTEGRITY, |s| &s.integrity)?]
    };
    let dh_groups = match pick("DH group", DH_GROUPS, |s| &s.dh_groups) {
        Ok(g) => vec![g],
        // PFS may always be off.
        Err(_) if esp => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(Proposal {
        encryption: vec![encryption],
        integrity,
        dh_groups,
    })
}

fn lifetime(preferred: u32, a: (u32, u32), b: Option<(u32, u32)>, what: &str) -> Result<u32> {
    let (low, high) = b.map_or(a, |b| (a.0.max(b.0), a.1.min(b.1)));
    if low > high {
        return Err(input(format!("no {what} both ends accept")));
    }
    Ok(preferred.clamp(low, high))
}

/// The strongest parameters both ends accept (one end alone for an unmanaged site), by the
/// order documented in `crate::ipsec`: IKEv2 before IKEv1, then each algorithm slot's
/// strongest common word; lifetimes of 8 h (IKE) and 1 h (ESP) kept within both ranges.
pub(crate) fn choose(a: End<'_>, b: Option<End<'_>>) -> Result<IpsecParams> {
    let ike_version = [2u8, 1]
        .into_iter()
        .find(|v| a.1.ike_versions.contains(v) && b.is_none_or(|b| b.1.ike_versions.contains(v)))
        .ok_or_else(|| input("no IKE version both ends accept"))?;
    let side = |e: End<'_>, esp: bool| {
        (
            e.0.to_string(),
            if esp {
                e.1.esp.clone()
            } else {
                e.1.ike.clone()
            },
        )
    };
    let (an, ai) = side(a, false);
    let bi = b.map(|b| side(b, false));
    let ike = proposal(
        "IKE",
        (&an, &ai),
        bi.as_ref().map(|(n, s)| (n.as_str(), s)),
        false,
    )?;
    let (an, ae) = side(a, true);
    let be = b.map(|b| side(b, true));
    let esp = proposal(
        "ESP",
        (&an, &ae),
        be.as_ref().map(|(n, s)| (n.as_str(), s)),
        true,
    )?;
    Ok(IpsecParams {
        ike_version: Some(ike_version),
        ike: Some(ike),
        esp: Some(esp),
        ike_lifetime_secs: Some(lifetime(
            28_800,
            a.1.ike_lifetime_secs,
            b.map(|b| b.1.ike_lifetime_secs),
            "IKE lifetime",
        )?),
        esp_lifetime_secs: Some(lifetime(
            3_600,
            a.1.esp_lifetime_secs,
            b.map(|b| b.1.esp_lifetime_secs),
            "ESP lifetime",
        )?),
        dpd_interval_secs: None,
    })
}

/// The parameters of a link: the file's, checked against both ends, or the strongest shared.
pub(crate) fn params(
    link: &LinkDecl,
    a: End<'_>,
    b: Option<End<'_>>,
    at: &str,
) -> Result<IpsecParams> {
    let Some(given) = &link.ipsec else {
        return choose(a, b).map_err(|e| input(format!("{at}: {e:#}")));
    };
    let value = serde_json::to_value(given).expect("plain data");
    let p = crate::ipsec::from_json(Some(&value), at)?.expect("an object");
    for end in std::iter::once(a).chain(b) {
        crate::ipsec::check(&p, end.1, end.0).map_err(|e| input(format!("{at}: {e:#}")))?;
    }
    Ok(p)
}

/// The `ipsec` field a link's tunnel is planned with.
pub(crate) fn ipsec_field(p: &IpsecParams) -> Field {
    let mut view = crate::ipsec::view(p);
    if let serde_json::Value::Object(m) = &mut view {
        m.retain(|_, v| !v.is_null());
    }
    Field::Json(view)
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
