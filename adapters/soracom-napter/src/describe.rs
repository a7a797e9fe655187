//! What the adapter tells the host about itself: the mapping noun, the Soracom hosts, the
//! `soracom` credential (exchanged by the host at `POST /v1/auth`) and the profile settings.

use portico_adapter_sdk::{
    CredentialField, CredentialScheme, CredentialSpec, Description, KindInfo, Noun, Setting,
    TokenCapture, TokenExchangeScheme,
};

use crate::api::{COVERAGES, CREDENTIAL, DEFAULT_COVERAGE, HOSTS};
use crate::spec::KIND;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn field(name: &str, description: &str, secret: bool) -> CredentialField {
    CredentialField {
        name: name.to_owned(),
        description: description.to_owned(),
        secret,
    }
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

/// The token exchange: the host posts the auth key pair to `/v1/auth` on the origin of the
/// request, and sends the `apiKey` and `token` it gets back as `X-Soracom-API-Key` and
/// `X-Soracom-Token`. Tokens are asked for with Soracom's default lifetime of 24 hours.
fn token_exchange() -> CredentialScheme {
    CredentialScheme::TokenExchange(TokenExchangeScheme {
        method: "POST".to_owned(),
        path: "/v1/auth".to_owned(),
        content_type: "application/json".to_owned(),
        body: r#"{"authKeyId":"{{field:auth-key-id}}","authKey":"{{field:auth-key}}","tokenTimeoutSeconds":86400}"#
            .to_owned(),
        captures: vec![
            TokenCapture {
                pointer: "/apiKey".to_owned(),
                header: "X-Soracom-API-Key".to_owned(),
                prefix: None,
            },
            TokenCapture {
                pointer: "/token".to_owned(),
                header: "X-Soracom-Token".to_owned(),
                prefix: None,
            },
        ],
        lifetime_seconds: 86_400,
        lifetime_pointer: None,
    })
}

/// The adapter's description.
pub fn description() -> Description {
    Description {
        name: "soracom-napter".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        provider: "Soracom Napter".to_owned(),
        summary: "Napter On-Demand Remote Access entries (temporary port mappings to devices \
                  behind Soracom SIMs)"
            .to_owned(),
        nouns: vec![Noun::Mapping],
        kinds: vec![KindInfo {
            noun: Noun::Mapping,
            kind: KIND.to_owned(),
            description: "Napter entry: a public ipAddress:port forwarding to a port of a SIM's \
                          device for up to 8 hours"
                .to_owned(),
        }],
        hosts: strings(&HOSTS),
        credentials: vec![CredentialSpec {
            name: CREDENTIAL.to_owned(),
            description: "Soracom auth key (root or SAM user), exchanged for an API key and token"
                .to_owned(),
            fields: vec![
                field("auth-key-id", "Auth key id (`keyId-...`)", false),
                field("auth-key", "Auth key secret (`secret-...`)", true),
            ],
            schemes: vec![token_exchange()],
            hosts: strings(&HOSTS),
        }],
        settings: vec![
            setting(
                "coverage",
                "Soracom coverage type: `jp` (Japan, api.soracom.io) or `g` (Global, \
                 g.api.soracom.io)",
                Some(DEFAULT_COVERAGE),
                &COVERAGES,
            ),
            setting(
                "sandbox",
                "`true` to use the API sandbox (api-sandbox.soracom.io) of the coverage",
                Some("false"),
                &["false", "true"],
            ),
            setting(
                "endpoint",
                "Origin used instead of the coverage's host, `/v1` is added (a proxy or an \
                 emulator, e.g. http://127.0.0.1:8080)",
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
    fn describes_the_mapping_noun_and_the_soracom_credential() {
        let d = description();
        assert_eq!(d.name, "soracom-napter");
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.nouns, [Noun::Mapping]);
        assert_eq!(d.kinds.len(), 1);
        assert_eq!(d.kinds[0].kind, "port-mapping");
        assert_eq!(
            d.hosts,
            [
                "api.soracom.io",
                "g.api.soracom.io",
                "api-sandbox.soracom.io",
                "g.api-sandbox.soracom.io"
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
        let [CredentialScheme::TokenExchange(exchange)] = credential.schemes.as_slice() else {
            panic!(
                "expected one token-exchange scheme: {:?}",
                credential.schemes
            );
        };
        assert_eq!(
            (
                exchange.method.as_str(),
                exchange.path.as_str(),
                exchange.content_type.as_str()
            ),
            ("POST", "/v1/auth", "application/json")
        );
        let body: portico_adapter_sdk::serde_json::Value =
            portico_adapter_sdk::serde_json::from_str(&exchange.body).unwrap();
        assert_eq!(body["authKeyId"], "{{field:auth-key-id}}");
        assert_eq!(body["authKey"], "{{field:auth-key}}");
        assert_eq!(body["tokenTimeoutSeconds"], 86400);
        let captures: Vec<(&str, &str)> = exchange
            .captures
            .iter()
            .map(|c| (c.pointer.as_str(), c.header.as_str()))
            .collect();
        assert_eq!(
            captures,
            [
                ("/apiKey", "X-Soracom-API-Key"),
                ("/token", "X-Soracom-Token")
            ]
        );
        assert!(exchange.captures.iter().all(|c| c.prefix.is_none()));
        assert_eq!(
            (exchange.lifetime_seconds, exchange.lifetime_pointer.clone()),
            (86_400, None)
        );
        let settings: Vec<(&str, Option<&str>)> = d
            .settings
            .iter()
            .map(|s| (s.key.as_str(), s.default_value.as_deref()))
            .collect();
        assert_eq!(
            settings,
            [
                ("coverage", Some("jp")),
                ("sandbox", Some("false")),
                ("endpoint", None)
            ]
        );
        assert_eq!(d.settings[0].allowed, ["jp", "g"]);
        assert!(d.secret_inputs.is_empty());
    }
}
