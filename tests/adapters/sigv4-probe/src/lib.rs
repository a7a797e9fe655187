//! Test adapter `sigv4-probe`: signs AWS Signature Version 4 requests without ever holding the
//! secret access key, to prove that `credentials.sign` and `http.request.signatures` handle
//! multi-step key derivations.
//!
//! Operation `get-vanilla` reproduces AWS's published `get-vanilla` test vector (a `GET /` to
//! `example.amazonaws.com` at `20150830T123600Z`, region `us-east-1`, service `service`): it
//! builds the canonical request and the string to sign, asks the host for the signature with
//! `credentials.sign` (returned to the test), and sends the request to the profile's endpoint
//! with an `Authorization` header that the host fills in (`http.request.signatures`), so the
//! test can compare both with AWS's published signature.

use portico_adapter_sdk::{
    self as sdk, Adapter, CredentialField, CredentialScheme, CredentialSpec, Description, Gateways,
    Json, Mappings, Operation, Operations, Outcome, Peers, SecretInput, Setting, Tunnels,
    credentials::{Algorithm, SignRequest},
    http::SignatureEncoding,
};
use sha2::{Digest as _, Sha256};

struct Probe;

const CREDENTIAL: &str = "aws";
const DATE: &str = "20150830";
const TIME: &str = "20150830T123600Z";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";
const HOST: &str = "example.amazonaws.com";

impl Adapter for Probe {
    fn describe() -> Description {
        Description {
            name: "sigv4-probe".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            provider: "test".into(),
            summary: "signs AWS SigV4 test-suite requests through the host".into(),
            nouns: vec![],
            kinds: vec![],
            hosts: vec!["*.amazonaws.com".into()],
            credentials: vec![CredentialSpec {
                name: CREDENTIAL.into(),
                description: "an AWS access key pair".into(),
                fields: vec![
                    CredentialField {
                        name: "access-key-id".into(),
                        description: "the access key id".into(),
                        secret: false,
                    },
                    CredentialField {
                        name: "secret-access-key".into(),
                        description: "the secret access key".into(),
                        secret: true,
                    },
                ],
                schemes: vec![CredentialScheme::Signed],
                hosts: vec!["*.amazonaws.com".into()],
            }],
            settings: vec![Setting {
                key: "endpoint".into(),
                description: "where the signed request is sent in tests".into(),
                required: true,
                default_value: None,
                allowed: vec![],
            }],
            secret_inputs: vec![],
        }
    }
}

impl Gateways for Probe {}
impl Tunnels for Probe {}
impl Peers for Probe {}
impl Mappings for Probe {}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The string to sign of the `get-vanilla` request.
fn string_to_sign() -> String {
    let canonical_request = format!(
        "GET\n/\n\nhost:{HOST}\nx-amz-date:{TIME}\n\nhost;x-amz-date\n{}",
        sha256_hex(b"")
    );
    format!(
        "AWS4-HMAC-SHA256\n{TIME}\n{DATE}/{REGION}/{SERVICE}/aws4_request\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The SigV4 signature of `string_to_sign`: the key `"AWS4" + secret` derived through the
/// date, region, service and `aws4_request`, all inside the host.
fn sign_request() -> SignRequest {
    SignRequest {
        credential: CREDENTIAL.into(),
        field: "secret-access-key".into(),
        algorithm: Algorithm::HmacSha256,
        key_prefix: b"AWS4".to_vec(),
        derivation: [DATE, REGION, SERVICE, "aws4_request"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        message: string_to_sign().into_bytes(),
    }
}

impl Operations for Probe {
    fn catalog() -> Vec<Operation> {
        vec![Operation {
            name: "get-vanilla".into(),
            method: "GET".into(),
            path: "/".into(),
            summary: "sign AWS's get-vanilla test request and send it to the endpoint".into(),
            parameters: vec![],
            paginated: false,
            takes_body: false,
        }]
    }

    fn invoke(
        name: String,
        _params: Vec<(String, String)>,
        _body: Option<Json>,
        _cursor: Option<String>,
        _secrets: Vec<SecretInput>,
    ) -> sdk::Result<Outcome> {
        if name != "get-vanilla" {
            return Err(sdk::error::unsupported(&format!("operation {name}")));
        }
        let access_key = sdk::credentials::identity(CREDENTIAL, "access-key-id")?;
        let returned = hex::encode(sdk::credentials::sign(&sign_request())?);
        let endpoint = sdk::config::get("endpoint")
            .ok_or_else(|| sdk::error::invalid_input("setting endpoint is required"))?;
        let prefix = format!(
            "AWS4-HMAC-SHA256 Credential={access_key}/{DATE}/{REGION}/{SERVICE}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature="
        );
        let response = sdk::http::Request::get(format!("{}/sigv4", endpoint.trim_end_matches('/')))
            .header("X-Amz-Date", TIME)
            .signature(
                "Authorization",
                Some(prefix),
                sign_request(),
                SignatureEncoding::Hex,
            )
            .send()?;
        Ok(Outcome {
            status: 200,
            body: Some(
                sdk::serde_json::json!({
                    "signature": returned,
                    "endpoint_status": response.status,
                })
                .to_string(),
            ),
            next: None,
        })
    }
}

sdk::export!(Probe);
