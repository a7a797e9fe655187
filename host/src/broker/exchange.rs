//! The token-exchange credential scheme: credential fields are sent to the provider's auth
//! endpoint by the host, and the tokens it answers with go into headers of the adapter's
//! requests. The adapter never sees the fields or the tokens.
//!
//! The exchange always goes to the origin of the request that needs it, which the credential
//! is bound to (checked before this module runs), at the path the scheme declares.

use super::audit::Record;
use super::credentials::{Exchange, sensitive};
use super::failure::{CredentialProblem, Failure};
use super::policy::Origin;
use super::scheme::{FIELD_OPEN, template_fields};
use super::scrub::Secret;
use super::tokens::{Key, Tokens};
use super::{Broker, wire};
use crate::secret::SecretString;
use crate::wit::adapter::TokenExchangeScheme;
use crate::wit::types::Method;
use reqwest::header::{HeaderName, HeaderValue};
use std::time::{Duration, Instant, SystemTime};
use zeroize::Zeroizing;

/// Largest exchange response the host reads.
const MAX_RESPONSE: u64 = 1 << 20;

impl Broker {
    /// Headers for a request to `origin` with a token-exchange credential: cached tokens when
    /// they are fresh (and `renew` is false), otherwise the result of a new exchange.
    pub(super) async fn exchange_headers(
        &mut self,
        exchange: &Exchange,
        origin: &Origin,
        renew: bool,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Failure> {
        let binding = self.binding(&exchange.credential)?;
        let scheme = &exchange.scheme;
        let names = template_fields(&scheme.body);
        let credential = self.credential(&binding)?;
        let mut fields: Vec<(String, SecretString)> = Vec::new();
        for name in &names {
            if let Some(value) = credential.field(name) {
                fields.push((name.clone(), value.clone()));
            }
        }
        let origin_text = format!("{}://{}", origin.scheme, origin.authority());
        let key = Key::new(
            &self.config.adapter,
            &binding.stored,
            &origin_text,
            &[
                crate::wit::method_text(scheme.method),
                &scheme.path,
                &scheme.content_type,
                &scheme.body,
            ],
            &fields
                .iter()
                .map(|(n, v)| (n.as_str(), v))
                .collect::<Vec<_>>(),
        );
        if renew {
            self.tokens.forget(&key);
        } else if let Some(tokens) = self.tokens.get(&key) {
            tracing::debug!(
                adapter = %self.config.adapter,
                "using the cached session of credential {}",
                binding.stored
            );
            return Ok(to_headers(&tokens));
        }
        // Processes started together all miss a cold cache: the first to take the lock makes
        // the exchange, the others find its session when they get the lock.
        let patience = Duration::from_secs(self.config.limits.request_timeout_secs);
        let _lock = self.tokens.lock(&key, patience).await;
        if !renew && let Some(tokens) = self.tokens.get(&key) {
            tracing::debug!(
                adapter = %self.config.adapter,
                "another process made the exchange of credential {}",
                binding.stored
            );
            return Ok(to_headers(&tokens));
        }
        let (tokens, lifetime) = self
            .exchange(&binding.stored, scheme, origin, &origin_text, &fields)
            .await?;
        let headers = to_headers(&tokens);
        self.tokens.put(&key, tokens, lifetime);
        Ok(headers)
    }

    async fn exchange(
        &mut self,
        stored: &str,
        scheme: &TokenExchangeScheme,
        origin: &Origin,
        origin_text: &str,
        fields: &[(String, SecretString)],
    ) -> Result<(Tokens, Duration), Failure> {
        let started = Instant::now();
        let mut record = Record::start(
            &self.config.adapter,
            self.config.profile.as_deref(),
            crate::wit::method_text(scheme.method),
            origin.authority(),
            scheme.path.clone(),
        );
        record.credential = Some(stored.to_string());
        record.attempts = 1;
        record.outcome = "failed";
        let result = self
            .exchange_once(stored, scheme, origin_text, fields, &mut record)
            .await;
        match &result {
            Ok(_) => record.outcome = "ok",
            Err(err) => record.reason = Some(err.message().to_string()),
        }
        self.write_audit(record, started);
        result
    }

    async fn exchange_once(
        &mut self,
        stored: &str,
        scheme: &TokenExchangeScheme,
        origin_text: &str,
        fields: &[(String, SecretString)],
        record: &mut Record,
    ) -> Result<(Tokens, Duration), Failure> {
        let failed = |message: String, status: Option<u16>, code: Option<String>| {
            Failure::Credential(CredentialProblem {
                message,
                status,
                code,
            })
        };
        let what = format!("the token exchange of credential {stored:?}");
        // The path was checked with the description (`scheme::validate_description`).
        let url = format!("{origin_text}{}", scheme.path);
        let method = match scheme.method {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            other => {
                let text = crate::wit::method_text(other);
                return Err(failed(
                    format!("{what}: method {text} is not allowed"),
                    None,
                    None,
                ));
            }
        };
        let body = fill_template(&scheme.body, &scheme.content_type, fields);
        let response = self
            .client()?
            .request(method, &url)
            .header(reqwest::header::CONTENT_TYPE, &scheme.content_type)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(Duration::from_secs(self.config.limits.request_timeout_secs))
            .body(body.as_bytes().to_vec())
            .send()
            .await;
        drop(body);
        let mut response = response.map_err(|e| {
            wire::transport_failure(
                &e,
                &format!("{what} at {}", record.host),
                self.config.ca_file.as_deref(),
            )
        })?;
        let status = response.status().as_u16();
        record.status = Some(status);
        let bytes = Zeroizing::new(
            wire::read_capped(&mut response, MAX_RESPONSE, || {
                Failure::too_large(
                    MAX_RESPONSE,
                    format!("{what}: response larger than {MAX_RESPONSE} bytes"),
                )
            })
            .await?,
        );
        let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
        if !(200..300).contains(&status) {
            // Only the provider's own message and code are shown, scrubbed of every secret the
            // command knows, including the fields just sent.
            let sent: Vec<Secret> = fields
                .iter()
                .map(|(name, value)| Secret::named(value, format!("[redacted {stored}.{name}]")))
                .collect();
            let scrubber = self.scrubber(&sent);
            let text = |key: &str| {
                json.as_ref()
                    .and_then(|j| j.get(key))
                    .and_then(|v| v.as_str())
                    .map(|s| String::from_utf8_lossy(&scrubber.scrub(s.as_bytes()).0).into_owned())
            };
            let mut message = format!("{what} was refused by {} (HTTP {status})", record.host);
            if let Some(m) = text("message").or_else(|| text("error_description")) {
                message.push_str(": ");
                message.push_str(&m);
            }
            return Err(failed(
                message,
                Some(status),
                text("code").or_else(|| text("error")),
            ));
        }
        let Some(json) = json else {
            return Err(failed(
                format!("{what}: the response is not JSON"),
                Some(status),
                None,
            ));
        };
        let mut headers = Vec::new();
        for capture in &scheme.captures {
            let value = match json.pointer(&capture.pointer) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(failed(
                        format!("{what}: the response has no {:?}", capture.pointer),
                        Some(status),
                        None,
                    ));
                }
            };
            let value = Zeroizing::new(value);
            let prefix = capture.prefix.as_deref().unwrap_or("");
            headers.push((
                capture.header.clone(),
                SecretString::new(format!("{prefix}{}", value.as_str())),
            ));
        }
        let lifetime = scheme
            .lifetime_pointer
            .as_deref()
            .and_then(|p| json.pointer(p))
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(scheme.lifetime_seconds);
        let lifetime = Duration::from_secs(lifetime);
        tracing::debug!(
            adapter = %self.config.adapter,
            "exchanged credential {stored} for a session of {}s",
            lifetime.as_secs()
        );
        Ok((
            Tokens {
                headers,
                expires_at: SystemTime::now() + lifetime,
            },
            lifetime,
        ))
    }
}

/// The body with each `{{field:NAME}}` replaced, escaped for the content type.
fn fill_template(
    template: &str,
    content_type: &str,
    fields: &[(String, SecretString)],
) -> Zeroizing<String> {
    let content_type = content_type.to_ascii_lowercase();
    let mut out = Zeroizing::new(String::with_capacity(template.len() + 64));
    let mut rest = template;
    while let Some(start) = rest.find(FIELD_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + FIELD_OPEN.len()..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        let value = fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.expose());
        if content_type.contains("json") {
            let quoted = Zeroizing::new(serde_json::Value::String(value.to_string()).to_string());
            out.push_str(&quoted[1..quoted.len() - 1]);
        } else if content_type.contains("x-www-form-urlencoded") {
            for part in url::form_urlencoded::byte_serialize(value.as_bytes()) {
                out.push_str(part);
            }
        } else {
            out.push_str(value);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn to_headers(tokens: &Tokens) -> Vec<(HeaderName, HeaderValue)> {
    tokens
        .headers
        .iter()
        .filter_map(|(name, value)| {
            Some((
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                sensitive(value.expose())?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<(String, SecretString)> {
        vec![
            ("id".into(), SecretString::new("keyId-1".into())),
            ("key".into(), SecretString::new("se\"cr&t=1".into())),
        ]
    }

    #[test]
    fn json_templates_escape_values() {
        let body = fill_template(
            r#"{"authKeyId":"{{field:id}}","authKey":"{{field:key}}","n":1}"#,
            "application/json",
            &fields(),
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["authKey"], "se\"cr&t=1");
        assert_eq!(parsed["authKeyId"], "keyId-1");
        assert_eq!(parsed["n"], 1);
    }

    #[test]
    fn form_templates_percent_encode_values() {
        let body = fill_template(
            "grant_type=client_credentials&client_id={{field:id}}&client_secret={{field:key}}",
            "application/x-www-form-urlencoded",
            &fields(),
        );
        assert_eq!(
            body.as_str(),
            "grant_type=client_credentials&client_id=keyId-1&client_secret=se%22cr%26t%3D1"
        );
    }
}
