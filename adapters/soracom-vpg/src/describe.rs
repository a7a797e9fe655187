//! What the adapter tells the host about itself: nouns, kinds, hosts, the `soracom` credential
//! (exchanged by the host for an API key and token) and the profile settings.

use portico_adapter_sdk::{
    CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun, Setting,
    TokenCapture, TokenExchangeScheme,
};

use crate::api::{COVERAGES, CREDENTIAL, DEFAULT_COVERAGE, HOSTS};
use crate::records::{CUSTOMER_ROUTE, GATE, IP_ADDRESS_MAP, MIRRORING, VPG_KIND};

/// How long a token lives, in seconds: what the exchange asks for and what the host assumes
/// (Soracom's answer carries no expiry).
pub const TOKEN_LIFETIME_SECONDS: u64 = 86_400;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn kind(noun: Noun, kind: &str, description: &str) -> KindInfo {
    KindInfo {
        noun,
        kind: kind.to_owned(),
        description: description.to_owned(),
    }
}

fn field(name: &str, description: &str, secret: bool) -> CredentialField {
    CredentialField {
        name: name.to_owned(),
        description: description.to_owned(),
        secret,
    }
}

fn capture(pointer: &str, header: &str) -> TokenCapture {
    TokenCapture {
        pointer: pointer.to_owned(),
        header: header.to_owned(),
        prefix: None,
    }
}

/// `POST /v1/auth` with the AuthKey pair; the answer's `apiKey` and `token` become the
/// `X-Soracom-API-Key` and `X-Soracom-Token` headers of every request.
pub fn auth_scheme() -> CredentialScheme {
    CredentialScheme::TokenExchange(TokenExchangeScheme {
        method: "POST".to_owned(),
        path: "/v1/auth".to_owned(),
        content_type: "application/json".to_owned(),
        body: r#"{"authKeyId":"{{field:auth-key-id}}","authKey":"{{field:auth-key}}","tokenTimeoutSeconds":86400}"#
            .to_owned(),
        captures: vec![
            capture("/apiKey", "X-Soracom-API-Key"),
            capture("/token", "X-Soracom-Token"),
        ],
        lifetime_seconds: TOKEN_LIFETIME_SECONDS,
        lifetime_pointer: None,
    })
}

fn setting(key: &str, description: &str, default: Option<&str>, allowed: &[&str]) -> Setting {
    Setting {
        key: key.to_owned(),
        description: description.to_owned(),
        required: false,
        default_value: default.map(str::to_owned),
        allowed: strings(allowed),
    }
}

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "soracom-vpg".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "Soracom Virtual Private Gateway".to_owned(),
        summary: "Soracom VPGs with their Gate and Junction mirroring peers, IP address map \
                  and customer routes"
            .to_owned(),
        nouns: vec![Noun::Gateway, Noun::Peer, Noun::Mapping],
        kinds: vec![
            kind(
                Noun::Gateway,
                VPG_KIND,
                "Virtual Private Gateway (Canal, Direct, Door, Gate, Junction and Peek hang off it)",
            ),
            kind(
                Noun::Peer,
                GATE,
                "Gate peer of a VPG, named by its outer IP address",
            ),
            kind(
                Noun::Peer,
                MIRRORING,
                "Junction mirroring peer of a VPG, named by its IP address",
            ),
            kind(
                Noun::Mapping,
                IP_ADDRESS_MAP,
                "IP address map entry of a VPG: a key (SIM IMSI) and its fixed IP address",
            ),
            kind(
                Noun::Mapping,
                CUSTOMER_ROUTE,
                "Customer route of a VPG: a destination CIDR and its transit gateway target",
            ),
        ],
        hosts: strings(&HOSTS),
        credentials: vec![CredentialSpec {
            name: CREDENTIAL.to_owned(),
            description: "Soracom AuthKey (of the root account or a SAM user), exchanged by the \
                          host for an API key and token"
                .to_owned(),
            fields: vec![
                field("auth-key-id", "AuthKey id (keyId-...)", false),
                field("auth-key", "AuthKey secret (secret-...)", true),
            ],
            schemes: vec![auth_scheme()],
            hosts: strings(&HOSTS),
        }],
        settings: vec![
            setting(
                "coverage",
                "Coverage type: `jp` (Japan, api.soracom.io) or `g` (Global, g.api.soracom.io)",
                Some(DEFAULT_COVERAGE),
                &COVERAGES,
            ),
            setting(
                "sandbox",
                "Use the API sandbox (api-sandbox.soracom.io) instead of production",
                Some("false"),
                &["false", "true"],
            ),
            setting(
                "endpoint",
                "Origin used instead of the coverage host (a proxy or an emulator, e.g. \
                 http://127.0.0.1:8080); `/v1` is appended",
                None,
                &[],
            ),
        ],
        secret_inputs: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_hosts_credential_and_settings() {
        let d = description();
        assert_eq!(d.name, "soracom-vpg");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(
            d.hosts,
            [
                "api.soracom.io",
                "g.api.soracom.io",
                "api-sandbox.soracom.io",
                "g.api-sandbox.soracom.io"
            ]
        );
        assert_eq!(d.nouns, [Noun::Gateway, Noun::Peer, Noun::Mapping]);
        let kinds: Vec<(Noun, &str)> = d.kinds.iter().map(|k| (k.noun, k.kind.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Noun::Gateway, "vpg"),
                (Noun::Peer, "gate"),
                (Noun::Peer, "mirroring"),
                (Noun::Mapping, "ip-address-map"),
                (Noun::Mapping, "customer-route"),
            ]
        );
        assert_eq!(d.credentials.len(), 1);
        let credential = &d.credentials[0];
        assert_eq!(credential.name, "soracom");
        assert_eq!(credential.hosts, d.hosts);
        let fields: Vec<(&str, bool)> = credential
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.secret))
            .collect();
        assert_eq!(fields, [("auth-key-id", false), ("auth-key", true)]);
        assert_eq!(
            credential.schemes,
            [CredentialScheme::TokenExchange(TokenExchangeScheme {
                method: "POST".into(),
                path: "/v1/auth".into(),
                content_type: "application/json".into(),
                body: r#"{"authKeyId":"{{field:auth-key-id}}","authKey":"{{field:auth-key}}","tokenTimeoutSeconds":86400}"#.into(),
                captures: vec![
                    TokenCapture {
                        pointer: "/apiKey".into(),
                        header: "X-Soracom-API-Key".into(),
                        prefix: None
                    },
                    TokenCapture {
                        pointer: "/token".into(),
                        header: "X-Soracom-Token".into(),
                        prefix: None
                    },
                ],
                lifetime_seconds: 86400,
                lifetime_pointer: None,
            })]
        );
        let settings: Vec<(&str, Option<&str>, usize)> = d
            .settings
            .iter()
            .map(|s| (s.key.as_str(), s.default_value.as_deref(), s.allowed.len()))
            .collect();
        assert_eq!(
            settings,
            [
                ("coverage", Some("jp"), 2),
                ("sandbox", Some("false"), 2),
                ("endpoint", None, 0)
            ]
        );
        assert!(d.settings.iter().all(|s| !s.required));
        assert!(d.secret_inputs.is_empty());
    }
}
