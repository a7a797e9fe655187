//! `portico:adapter/credentials`: non-secret fields and host-side signatures, plus applying a
//! credential's scheme to a request. Secret fields never leave this module except as the
//! header the scheme puts on the wire or as an HMAC.

use super::failure::{DenialReason, Failure};
use super::scheme::template_fields;
use super::{Binding, Broker};
use crate::wit::credentials::{Algorithm, SignRequest};
use crate::wit::http::{HeaderSignature, SignatureEncoding};
use crate::wit::{adapter, credentials, types, v0_1_0};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderName, HeaderValue};
use zeroize::Zeroizing;

/// How a credential applies to one request.
pub(super) enum Applied {
    /// Headers to add.
    Headers(Vec<(HeaderName, HeaderValue)>),
    /// Headers obtained from a token exchange (cached, or made before the request is sent).
    Exchange(Box<Exchange>),
}

/// A token exchange a request needs.
#[derive(Debug, Clone)]
pub(super) struct Exchange {
    /// The adapter's name for the credential.
    pub credential: String,
    /// The declared scheme.
    pub scheme: adapter::TokenExchangeScheme,
}

impl Broker {
    /// The binding of credential `name`, which must be bound to `origin`.
    pub(super) fn bound(
        &mut self,
        name: &str,
        origin: &super::policy::Origin,
    ) -> Result<Binding, Failure> {
        let binding = self.binding(name)?;
        if !binding.hosts.allows(origin) {
            return Err(self.deny(
                DenialReason::CredentialNotBound,
                format!(
                    "adapter {} may not send credential {name:?} to {}: the credential is not \
                     bound to that host",
                    self.config.adapter,
                    origin.authority()
                ),
            ));
        }
        Ok(binding)
    }

    /// How credential `name` applies to a request for `origin`: headers, or a token exchange
    /// still to make.
    pub(super) fn credential_headers(
        &mut self,
        name: &str,
        origin: &super::policy::Origin,
    ) -> Result<(String, Applied), Failure> {
        let binding = self.bound(name, origin)?;
        let credential = self.credential(&binding)?;
        let field = |f: &str| credential.field(f);
        for scheme in &binding.spec.schemes {
            let header = match scheme {
                adapter::CredentialScheme::Bearer(f) => field(f).map(|token| {
                    let value = Zeroizing::new(format!("Bearer {}", token.expose()));
                    (reqwest::header::AUTHORIZATION, sensitive(&value))
                }),
                adapter::CredentialScheme::Basic(b) => {
                    match (field(&b.username_field), field(&b.password_field)) {
                        (Some(user), Some(password)) => {
                            let pair =
                                Zeroizing::new(format!("{}:{}", user.expose(), password.expose()));
                            let encoded = Zeroizing::new(
                                base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()),
                            );
                            let value = Zeroizing::new(format!("Basic {}", encoded.as_str()));
                            Some((reqwest::header::AUTHORIZATION, sensitive(&value)))
                        }
                        _ => None,
                    }
                }
                adapter::CredentialScheme::Header(h) => field(&h.field).and_then(|v| {
                    let name = HeaderName::from_bytes(h.header.as_bytes()).ok()?;
                    let value = Zeroizing::new(format!(
                        "{}{}",
                        h.prefix.as_deref().unwrap_or(""),
                        v.expose()
                    ));
                    Some((name, sensitive(&value)))
                }),
                adapter::CredentialScheme::TokenExchange(exchange) => {
                    let fields = template_fields(&exchange.body);
                    if fields.iter().all(|f| field(f).is_some()) {
                        return Ok((
                            binding.stored.clone(),
                            Applied::Exchange(Box::new(Exchange {
                                credential: name.to_string(),
                                scheme: exchange.clone(),
                            })),
                        ));
                    }
                    None
                }
                adapter::CredentialScheme::Signed => {
                    return Ok((binding.stored.clone(), Applied::Headers(Vec::new())));
                }
            };
            if let Some((name, Some(value))) = header {
                return Ok((
                    binding.stored.clone(),
                    Applied::Headers(vec![(name, value)]),
                ));
            }
        }
        let wanted: Vec<String> = binding.spec.fields.iter().map(|f| f.name.clone()).collect();
        Err(self.deny(
            DenialReason::CredentialNotBound,
            format!(
                "credential {:?} has none of the field combinations adapter {} can use (fields: \
                 {})",
                binding.stored,
                self.config.adapter,
                wanted.join(", ")
            ),
        ))
    }

    fn declared_field(
        &mut self,
        credential: &str,
        field: &str,
    ) -> Result<(Binding, bool), Failure> {
        let binding = self.binding(credential)?;
        match binding.spec.fields.iter().find(|f| f.name == field) {
            Some(f) => {
                let secret = f.secret;
                Ok((binding, secret))
            }
            None => Err(self.deny(
                DenialReason::CredentialNotBound,
                format!(
                    "adapter {} did not declare field {field:?} of credential {credential:?}",
                    self.config.adapter
                ),
            )),
        }
    }

    /// `credentials.identity`: a non-secret field.
    pub(crate) fn identity(&mut self, credential: &str, field: &str) -> Result<String, Failure> {
        let (binding, secret) = self.declared_field(credential, field)?;
        if secret {
            return Err(self.deny(
                DenialReason::CredentialNotBound,
                format!(
                    "field {field:?} of credential {credential:?} is secret; adapters cannot read \
                     it"
                ),
            ));
        }
        if self.replaying() {
            // No credential is read when replaying; the value only ever reaches the cassette,
            // which ignores headers.
            return Ok(format!("{{{{identity:{credential}.{field}}}}}"));
        }
        let resolved = self.credential(&binding)?;
        match resolved.field(field) {
            Some(value) => Ok(value.expose().to_string()),
            None => Err(Failure::credential(format!(
                "credential {:?} has no field {field:?}",
                binding.stored
            ))),
        }
    }

    /// A header carrying a host-computed signature, for a request to `origin`.
    pub(super) fn signature_header(
        &mut self,
        signature: &HeaderSignature,
        origin: &super::policy::Origin,
    ) -> Result<(HeaderName, HeaderValue), Failure> {
        let credential = &signature.sign.credential;
        let binding = self.binding(credential)?;
        if !binding.hosts.allows(origin) {
            return Err(self.deny(
                DenialReason::CredentialNotBound,
                format!(
                    "adapter {} may not send a signature made with credential {credential:?} \
                     to {}: the credential is not bound to that host",
                    self.config.adapter,
                    origin.authority()
                ),
            ));
        }
        let Ok(name) = HeaderName::from_bytes(signature.header.as_bytes()) else {
            return Err(self.deny(
                DenialReason::SignatureNotAllowed,
                format!("invalid signature header {:?}", signature.header),
            ));
        };
        let mac = self.sign(&signature.sign)?;
        let encoded = match signature.encoding {
            SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(&mac),
            SignatureEncoding::Hex => hex::encode(&mac),
        };
        let text = format!("{}{encoded}", signature.prefix.as_deref().unwrap_or(""));
        match sensitive(&text) {
            Some(value) => Ok((name, value)),
            None => Err(self.deny(
                DenialReason::SignatureNotAllowed,
                format!(
                    "the prefix of signature header {:?} is not a valid header value",
                    signature.header
                ),
            )),
        }
    }

    /// `credentials.sign`: HMAC with a secret field as key.
    pub(crate) fn sign(&mut self, request: &SignRequest) -> Result<Vec<u8>, Failure> {
        let (binding, _) = self.declared_field(&request.credential, &request.field)?;
        if self.replaying() {
            // Nothing is sent when replaying: a MAC of the right length, without the secret.
            let len = match request.algorithm {
                Algorithm::HmacSha256 => 32,
                Algorithm::HmacSha512 => 64,
            };
            return Ok(vec![0; len]);
        }
        let resolved = self.credential(&binding)?;
        let Some(secret) = resolved.field(&request.field) else {
            return Err(Failure::credential(format!(
                "credential {:?} has no field {:?}",
                binding.stored, request.field
            )));
        };
        let mut key = Zeroizing::new(request.key_prefix.clone());
        key.extend_from_slice(secret.expose().as_bytes());
        Ok(hmac_chain(
            request.algorithm,
            key,
            &request.derivation,
            &request.message,
        ))
    }
}

/// A header value marked sensitive (kept out of reqwest's debug output), if `value` is valid.
pub(super) fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}

fn hmac_once(algorithm: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::HmacSha256 => {
            let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(key).expect("any key length");
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::HmacSha512 => {
            let mut mac = <Hmac<sha2::Sha512>>::new_from_slice(key).expect("any key length");
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// HMAC(...HMAC(HMAC(key, d0), d1)..., message), intermediate keys zeroed.
fn hmac_chain(
    algorithm: Algorithm,
    mut key: Zeroizing<Vec<u8>>,
    derivation: &[Vec<u8>],
    message: &[u8],
) -> Vec<u8> {
    for step in derivation {
        key = Zeroizing::new(hmac_once(algorithm, &key, step));
    }
    hmac_once(algorithm, &key, message)
}

impl credentials::Host for Broker {
    fn identity(
        &mut self,
        credential: String,
        field: String,
    ) -> wasmtime::Result<Result<String, types::HostError>> {
        Ok(Broker::identity(self, &credential, &field).map_err(Into::into))
    }

    fn sign(
        &mut self,
        request: SignRequest,
    ) -> wasmtime::Result<Result<Vec<u8>, types::HostError>> {
        Ok(Broker::sign(self, &request).map_err(Into::into))
    }
}

impl v0_1_0::credentials::Host for Broker {
    fn identity(
        &mut self,
        credential: String,
        field: String,
    ) -> wasmtime::Result<Result<String, v0_1_0::types::Error>> {
        Ok(Broker::identity(self, &credential, &field).map_err(Into::into))
    }

    fn sign(
        &mut self,
        request: v0_1_0::credentials::SignRequest,
    ) -> wasmtime::Result<Result<Vec<u8>, v0_1_0::types::Error>> {
        Ok(Broker::sign(self, &v0_1_0::sign_request(request)).map_err(Into::into))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let mac = hmac_chain(
            Algorithm::HmacSha256,
            Zeroizing::new(b"Jefe".to_vec()),
            &[],
            b"what do ya want for nothing?",
        );
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sigv4_signing_key_derivation() {
        // AWS Signature V4 example from AWS's "deriving the signing key" documentation.
        let key = Zeroizing::new(b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_vec());
        let steps = [
            b"20120215".to_vec(),
            b"us-east-1".to_vec(),
            b"iam".to_vec(),
            b"aws4_request".to_vec(),
        ];
        // HMAC(signing key, "") is not published, so check the derived key via the chain
        // with the last step as message.
        let derived = hmac_chain(Algorithm::HmacSha256, key, &steps[..3], &steps[3]);
        assert_eq!(
            hex::encode(derived),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }
}
