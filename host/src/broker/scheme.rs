//! Credential schemes as adapters declare them: what each one needs (fields), fills
//! (headers) and says (for install and inspect), and the checks a description must pass
//! before the broker acts on it. Applying a scheme to a request is in `credentials.rs`; the
//! token exchange in `exchange.rs`.

use super::headers::is_transport_header;
use super::policy::HostPattern;
use crate::home;
use crate::wit::adapter::{CredentialScheme, Description, TokenExchangeScheme};
use anyhow::{Context as _, Result, bail};

/// Marks a credential field in a token-exchange body template: `{{field:NAME}}`.
pub(super) const FIELD_OPEN: &str = "{{field:";

/// The field names a token-exchange body template uses, in order.
pub(crate) fn template_fields(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find(FIELD_OPEN) {
        let after = &rest[start + FIELD_OPEN.len()..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 2..];
    }
    out
}

/// The credential fields a scheme needs, all of which must be set for it to apply.
pub(crate) fn fields(scheme: &CredentialScheme) -> Vec<String> {
    match scheme {
        CredentialScheme::Bearer(f) => vec![f.clone()],
        CredentialScheme::Basic(b) => vec![b.username_field.clone(), b.password_field.clone()],
        CredentialScheme::Header(h) => vec![h.field.clone()],
        CredentialScheme::TokenExchange(t) => template_fields(&t.body),
        CredentialScheme::Signed => Vec::new(),
    }
}

/// The headers (lower case) a scheme fills beyond `Authorization`, which guests may not set.
pub(crate) fn headers(scheme: &CredentialScheme) -> Vec<String> {
    match scheme {
        CredentialScheme::Header(h) => vec![h.header.to_ascii_lowercase()],
        CredentialScheme::TokenExchange(t) => t
            .captures
            .iter()
            .map(|c| c.header.to_ascii_lowercase())
            .collect(),
        CredentialScheme::Bearer(_) | CredentialScheme::Basic(_) | CredentialScheme::Signed => {
            Vec::new()
        }
    }
}

/// How a scheme reads at install and in `adapter inspect`.
pub(crate) fn text(scheme: &CredentialScheme) -> String {
    match scheme {
        CredentialScheme::Bearer(f) => format!("bearer({f})"),
        CredentialScheme::Basic(b) => {
            format!("basic({}, {})", b.username_field, b.password_field)
        }
        CredentialScheme::Header(h) => format!("header {}({})", h.header, h.field),
        CredentialScheme::TokenExchange(t) => format!(
            "token exchange {} {} ({}) into {}",
            crate::wit::method_text(t.method),
            t.path,
            template_fields(&t.body).join(", "),
            t.captures
                .iter()
                .map(|c| c.header.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        CredentialScheme::Signed => {
            "request signing (the adapter builds what to sign, portico computes the HMAC)".into()
        }
    }
}

/// Checks a description: a valid name, valid host patterns, credentials bound only to declared
/// hosts, schemes that use declared fields, and well-formed token exchanges. Returns the
/// declared host patterns.
pub(crate) fn validate_description(d: &Description) -> Result<Vec<HostPattern>> {
    home::validate_name("adapter", &d.name)?;
    let declared = HostPattern::parse_all(&d.hosts)
        .with_context(|| format!("adapter {} declares an invalid host", d.name))?;
    for c in &d.credentials {
        for h in HostPattern::parse_all(&c.hosts)? {
            if !declared.contains(&h) {
                bail!(
                    "adapter {} binds credential {} to host {h}, which it does not declare",
                    d.name,
                    c.name
                );
            }
        }
        for s in &c.schemes {
            if let CredentialScheme::TokenExchange(t) = s {
                validate_exchange(&d.name, &c.name, t)?;
            }
            for f in fields(s) {
                if !c.fields.iter().any(|x| x.name == f) {
                    bail!(
                        "adapter {} credential {} uses undeclared field {f}",
                        d.name,
                        c.name
                    );
                }
            }
        }
    }
    Ok(declared)
}

/// A token exchange must be a plain request to an absolute path that captures at least one
/// value into a valid header.
fn validate_exchange(adapter: &str, credential: &str, t: &TokenExchangeScheme) -> Result<()> {
    let what = format!("adapter {adapter} credential {credential}: token exchange");
    use crate::wit::types::Method;
    if !matches!(t.method, Method::Get | Method::Post | Method::Put) {
        bail!(
            "{what} uses method {}; GET, POST or PUT only",
            crate::wit::method_text(t.method)
        );
    }
    if !t.path.starts_with('/') || t.path.starts_with("//") {
        bail!("{what} path {:?} is not an absolute path", t.path);
    }
    if t.captures.is_empty() {
        bail!("{what} captures nothing");
    }
    for c in &t.captures {
        let ok = reqwest::header::HeaderName::from_bytes(c.header.as_bytes()).is_ok()
            && !is_transport_header(&c.header);
        if !ok {
            bail!("{what} captures into invalid header {:?}", c.header);
        }
        if !(c.pointer.is_empty() || c.pointer.starts_with('/')) {
            bail!("{what} capture {:?} is not a JSON pointer", c.pointer);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_fields_are_found_in_order() {
        assert_eq!(
            template_fields(r#"{"a":"{{field:auth-key-id}}","b":"{{field:auth-key}}"}"#),
            ["auth-key-id", "auth-key"]
        );
        assert!(template_fields("{{field:unterminated").is_empty());
    }
}
