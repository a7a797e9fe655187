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

use portico_adapter_sdk::describe::{adapter, credential, endpoint_setting, field, secret_field};
use portico_adapter_sdk::{
    self as sdk, CredentialScheme, Description, Json, Method, Operation, Operations, Outcome,
    SecretInput,
    credentials::{Algorithm, SignRequest},
    http::SignatureEncoding,
};
use sha2::{Digest as _, Sha256};

/// The probe's catalogue: `get-vanilla`.
struct Probe;

const CREDENTIAL: &str = "aws";
const DATE: &str = "20150830";
const TIME: &str = "20150830T123600Z";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";
const HOST: &str = "example.amazonaws.com";

fn description() -> Description {
    adapter(
        "sigv4-probe",
        env!("CARGO_PKG_VERSION"),
        "test",
        "signs AWS SigV4 test-suite requests through the host",
    )
    .with_hosts(&["*.amazonaws.com"])
    .with_credential(
        credential(CREDENTIAL, "an AWS access key pair", &["*.amazonaws.com"])
            .with_field(field("access-key-id", "the access key id"))
            .with_field(secret_field("secret-access-key", "the secret access key"))
            .with_scheme(CredentialScheme::Signed),
    )
    .with_setting(endpoint_setting("where the signed request is sent in tests").required())
}

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
    fn catalog(&self) -> Vec<Operation> {
        vec![Operation {
            name: "get-vanilla".into(),
            method: Method::Get,
            path: "/".into(),
            summary: "sign AWS's get-vanilla test request and send it to the endpoint".into(),
            parameters: vec![],
            paginated: false,
            takes_body: false,
        }]
    }

    fn invoke(
        &self,
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
            body: Some(sdk::Body::Json(
                sdk::serde_json::json!({
                    "signature": returned,
                    "endpoint_status": response.status,
                })
                .to_string(),
            )),
            next: None,
        })
    }
}

sdk::export!(Sigv4Probe {
    describe: description,
    operations: Probe,
});
