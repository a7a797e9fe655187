//! The parts of an adapter's description every Soracom adapter shares: the API hosts, the
//! `soracom` credential (an AuthKey pair the host exchanges at `POST /v1/auth` for an API key
//! and token) and the `coverage`, `sandbox` and `endpoint` profile settings.

use portico_adapter_sdk::describe::{self, endpoint_setting, secret_field, setting, strings};
use portico_adapter_sdk::{
    CredentialScheme, CredentialSpec, Method, Setting, TokenCapture, TokenExchangeScheme,
};

use crate::api::{COVERAGES, CREDENTIAL, DEFAULT_COVERAGE, HOSTS};

/// How long a token lives, in seconds: what the exchange asks for (Soracom's default of 24
/// hours) and what the host assumes (Soracom's answer carries no expiry).
pub const TOKEN_LIFETIME_SECONDS: u64 = 86_400;

fn capture(pointer: &str, header: &str) -> TokenCapture {
    TokenCapture {
        pointer: pointer.to_owned(),
        header: header.to_owned(),
        prefix: None,
    }
}

/// Every API host ([`HOSTS`]), as the description lists them.
pub fn hosts() -> Vec<String> {
    strings(&HOSTS)
}

/// The token exchange: the host posts the AuthKey pair to `/v1/auth` on the origin of the
/// request, and sends the `apiKey` and `token` it gets back as the `X-Soracom-API-Key` and
/// `X-Soracom-Token` headers of every request.
pub fn auth_scheme() -> CredentialScheme {
    CredentialScheme::TokenExchange(TokenExchangeScheme {
        method: Method::Post,
        path: "/v1/auth".to_owned(),
        content_type: "application/json".to_owned(),
        // `tokenTimeoutSeconds` is `TOKEN_LIFETIME_SECONDS` (a literal: no formatting code in
        // the component for one constant); the unit test pins the two together.
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

/// The `soracom` credential: an AuthKey id and secret, exchanged with [`auth_scheme`], good for
/// every API host.
pub fn credential() -> CredentialSpec {
    describe::credential(
        CREDENTIAL,
        "Soracom AuthKey (of the root account or a SAM user), exchanged by the host for an API \
         key and token",
        &HOSTS,
    )
    .with_field(describe::field("auth-key-id", "AuthKey id (`keyId-...`)"))
    .with_field(secret_field("auth-key", "AuthKey secret (`secret-...`)"))
    .with_scheme(auth_scheme())
}

/// The profile settings [`api`](crate::api::api) reads: `coverage`, `sandbox` and `endpoint`,
/// none required.
pub fn settings() -> Vec<Setting> {
    vec![
        setting(
            "coverage",
            "Coverage type: `jp` (Japan, api.soracom.io) or `g` (Global, g.api.soracom.io)",
        )
        .with_default(DEFAULT_COVERAGE)
        .with_allowed(&COVERAGES),
        setting(
            "sandbox",
            "`true` to use the API sandbox of the coverage (api-sandbox.soracom.io) instead of \
             production",
        )
        .with_default("false")
        .with_allowed(&["false", "true"]),
        endpoint_setting(
            "Origin used instead of the coverage's host, `/v1` is added (a proxy or an emulator, \
             e.g. http://127.0.0.1:8080)",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::{self, Value};

    #[test]
    fn credential_is_the_authkey_token_exchange() {
        let credential = credential();
        assert_eq!(credential.name, "soracom");
        assert_eq!(
            credential.hosts,
            [
                "api.soracom.io",
                "g.api.soracom.io",
                "api-sandbox.soracom.io",
                "g.api-sandbox.soracom.io"
            ]
        );
        assert_eq!(credential.hosts, hosts());
        let fields: Vec<(&str, bool)> = credential
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.secret))
            .collect();
        assert_eq!(fields, [("auth-key-id", false), ("auth-key", true)]);
        assert_eq!(
            credential.schemes,
            [CredentialScheme::TokenExchange(TokenExchangeScheme {
                method: Method::Post,
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
        let [CredentialScheme::TokenExchange(exchange)] = credential.schemes.as_slice() else {
            panic!("expected one token exchange");
        };
        let body: Value = serde_json::from_str(&exchange.body).unwrap();
        assert_eq!(body["authKeyId"], "{{field:auth-key-id}}");
        assert_eq!(body["authKey"], "{{field:auth-key}}");
        assert_eq!(body["tokenTimeoutSeconds"], TOKEN_LIFETIME_SECONDS);
    }

    #[test]
    fn settings_are_coverage_sandbox_and_endpoint() {
        let settings = settings();
        let keys: Vec<(&str, Option<&str>, Vec<&str>)> = settings
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.default_value.as_deref(),
                    s.allowed.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("coverage", Some("jp"), vec!["jp", "g"]),
                ("sandbox", Some("false"), vec!["false", "true"]),
                ("endpoint", None, vec![])
            ]
        );
        assert!(settings.iter().all(|s| !s.required));
    }
}
