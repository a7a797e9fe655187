//! The SCP VPN API as this adapter sees it: where it lives, which version it speaks, how every
//! request is signed, how it pages and how it fails.
//!
//! # Signing
//!
//! Every request carries `Scp-AccessKey`, `Scp-Timestamp` (Unix milliseconds), `Scp-ClientType:
//! Openapi`, `Scp-AccountId` and `Scp-API-Version`, plus `Scp-Signature`: Base64 of
//! HMAC-SHA256(secret key, METHOD + URL + timestamp + access key + account id + `Openapi`), where
//! the URL is exactly the one sent, query included. The adapter builds that message and asks the
//! host to put the signature in the header; the secret key never enters the guest.

use std::time::{SystemTime, UNIX_EPOCH};

use portico_adapter_sdk::credentials::{self, Algorithm, SignRequest};
use portico_adapter_sdk::http::{Api, Request, Response, SignatureEncoding};
use portico_adapter_sdk::operations::Catalogue;
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Error, Result, config, error, json};

use crate::catalog::OPERATIONS;

/// The credential every request is signed with.
pub const CREDENTIAL: &str = "scp";
/// The secret field used as HMAC key.
pub const SECRET_KEY: &str = "secret-key";
/// The literal client type of the signature and the `Scp-ClientType` header.
pub const CLIENT_TYPE: &str = "Openapi";
/// Regions with a VPN endpoint (`s` and `e` serve `kr-west1`/`kr-east1`, `g` `kr-south1..3`).
pub const REGIONS: [&str; 5] = [
    "kr-west1",
    "kr-east1",
    "kr-south1",
    "kr-south2",
    "kr-south3",
];
/// Environments: `s` (for Samsung), `g` (sovereign), `e` (enterprise).
pub const ENVIRONMENTS: [&str; 3] = ["s", "g", "e"];
/// Region used when the profile sets none.
pub const DEFAULT_REGION: &str = "kr-west1";
/// Environment used when the profile sets none.
pub const DEFAULT_ENVIRONMENT: &str = "s";
/// Page size when the caller asks for none; the largest the adapter asks for.
const DEFAULT_SIZE: u32 = 20;
const MAX_SIZE: u32 = 100;

/// The operation catalogue, reached through the profile's signed [`api`]; lists page with
/// `page`/`size` read from the answer.
pub static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS)
    .with_api(api)
    .with_next_page(next_page_query);

/// The API version a profile speaks, chosen by the `api-version` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    /// 1.0 (deprecated): a tunnel has one `remote_subnet`.
    V1_0,
    /// 1.1 (current): a tunnel has `remote_subnets`.
    V1_1,
}

impl ApiVersion {
    /// Parse the `api-version` setting; unset means 1.1.
    pub fn parse(setting: Option<&str>) -> Result<Self> {
        match json::non_blank(setting).map(str::trim) {
            None | Some("1.1") => Ok(ApiVersion::V1_1),
            Some("1.0") => Ok(ApiVersion::V1_0),
            Some(other) => Err(error::invalid_input(format!(
                "setting `api-version` must be `1.1` or `1.0`, got `{other}`"
            ))),
        }
    }

    /// The `Scp-API-Version` header value.
    pub fn header(self) -> &'static str {
        match self {
            ApiVersion::V1_0 => "vpn 1.0",
            ApiVersion::V1_1 => "vpn 1.1",
        }
    }
}

/// The API of the active profile: its base URL, SCP's error mapper, and a signing hook that
/// adds the SCP headers and has the host sign every request just before it is sent.
pub fn api() -> Result<Api> {
    let base = base_url(
        config::get("endpoint").as_deref(),
        config::get("region").as_deref(),
        config::get("environment").as_deref(),
    )?;
    let version = version()?;
    Ok(Api::new(base)
        .with_error_mapper(map_error)
        .with_signer(move |request| Ok(sign(request, version, &identity()?, now_ms()))))
}

/// The API version of the active profile (`api-version`).
pub fn version() -> Result<ApiVersion> {
    ApiVersion::parse(config::get("api-version").as_deref())
}

/// The base URL: the `endpoint` setting when set (an emulator, a proxy), else
/// `https://vpn.{region}.{environment}.samsungsdscloud.com`.
pub fn base_url(
    endpoint: Option<&str>,
    region: Option<&str>,
    environment: Option<&str>,
) -> Result<String> {
    if let Some(endpoint) = json::non_blank(endpoint) {
        let endpoint = endpoint.trim().trim_end_matches('/');
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(error::invalid_input(format!(
                "setting `endpoint` must be an http(s) URL, got `{endpoint}`"
            )));
        }
        return Ok(endpoint.to_owned());
    }
    let region = json::non_blank(region).map_or(DEFAULT_REGION, str::trim);
    let environment = json::non_blank(environment).map_or(DEFAULT_ENVIRONMENT, str::trim);
    if !REGIONS.contains(&region) {
        return Err(error::invalid_input(format!(
            "setting `region` must be one of {}, got `{region}`",
            REGIONS.join(", ")
        )));
    }
    if !ENVIRONMENTS.contains(&environment) {
        return Err(error::invalid_input(format!(
            "setting `environment` must be one of s, g, e, got `{environment}`"
        )));
    }
    Ok(format!(
        "https://vpn.{region}.{environment}.samsungsdscloud.com"
    ))
}

/// The non-secret half of the credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// `access-key`.
    pub access_key: String,
    /// `account-id`, empty when the credential has none.
    pub account_id: String,
}

/// Read the access key (required) and account id (optional) through `credentials.identity`.
pub fn identity() -> Result<Identity> {
    Ok(Identity {
        access_key: credentials::identity(CREDENTIAL, "access-key")?,
        // SCP's own SDK sends an empty account id; an absent field means the same.
        account_id: credentials::identity(CREDENTIAL, "account-id").unwrap_or_default(),
    })
}

/// The message SCP signs: METHOD + URL + timestamp + access key + account id + `Openapi`.
pub fn string_to_sign(method: &str, url: &str, timestamp: &str, identity: &Identity) -> String {
    format!(
        "{}{url}{timestamp}{}{}{CLIENT_TYPE}",
        method.to_ascii_uppercase(),
        identity.access_key,
        identity.account_id
    )
}

/// Unix time in milliseconds from the WASI wall clock.
pub fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis())
}

/// `request` with the SCP headers and the host-computed `Scp-Signature`. Call it last: the
/// signature covers the URL as it is now.
pub fn sign(
    request: Request,
    version: ApiVersion,
    identity: &Identity,
    timestamp: u128,
) -> Request {
    let timestamp = timestamp.to_string();
    let message = string_to_sign(
        request.method().as_str(),
        &request.url(),
        &timestamp,
        identity,
    );
    request
        .header("Scp-AccessKey", identity.access_key.clone())
        .header("Scp-Timestamp", timestamp)
        .header("Scp-ClientType", CLIENT_TYPE)
        .header("Scp-AccountId", identity.account_id.clone())
        .header("Scp-API-Version", version.header())
        .header("Accept-Language", "en-US")
        .signature(
            "Scp-Signature",
            None,
            SignRequest {
                credential: CREDENTIAL.to_owned(),
                field: SECRET_KEY.to_owned(),
                algorithm: Algorithm::HmacSha256,
                key_prefix: Vec::new(),
                derivation: Vec::new(),
                message: message.into_bytes(),
            },
            SignatureEncoding::Base64,
        )
}

/// The query of the page after a paginated catalogue answer: `page` and `size` from
/// [`next_page`].
pub fn next_page_query(_request: &Request, response: &Response) -> Option<Vec<(String, String)>> {
    let (page, size) = next_page(&response.json().ok()?)?;
    Some(vec![
        ("page".to_owned(), page.to_string()),
        ("size".to_owned(), size.to_string()),
    ])
}

/// `(page, size)` of the page after a list response `{count, page, size, ...}`, when `count`
/// (the total) says there is one.
pub fn next_page(doc: &Value) -> Option<(u64, u64)> {
    let count = doc.get("count")?.as_u64()?;
    let page = doc.get("page")?.as_u64()?;
    let size = doc.get("size")?.as_u64()?;
    (size > 0 && (page + 1).saturating_mul(size) < count).then_some((page + 1, size))
}

/// The page size for a noun list: the caller's limit within 1..=100, 20 by default.
pub fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_SIZE).clamp(1, MAX_SIZE)
}

/// Read an SCP error body: `{"errors": [{"status", "code", "detail"}]}` (detail a string or a
/// list), or a validation list `[{"loc", "msg"}]`. Anything else falls back to its text. The
/// message names SCP, so a failure reads as the provider's answer.
pub fn map_error(response: &Response) -> Error {
    let parsed = response
        .json()
        .ok()
        .and_then(|body| parse_error_body(&body));
    let (message, code) = parsed.unwrap_or_else(|| (response.text_excerpt(), None));
    let message = if message.trim().is_empty() {
        format!("SCP answered HTTP {}", response.status)
    } else {
        format!("SCP: {message}")
    };
    error::from_status(response.status, message, code, response.retry_after())
}

fn parse_error_body(body: &Value) -> Option<(String, Option<String>)> {
    let mut texts = Vec::new();
    let mut code = None;
    if let Some(errors) = body.get("errors").and_then(Value::as_array) {
        for item in errors {
            match item.get("detail") {
                Some(Value::String(text)) => texts.push(text.clone()),
                Some(Value::Array(list)) => {
                    texts.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                _ => {}
            }
            if code.is_none() {
                code = json::str_at(item, "/code");
            }
        }
    } else if let Some(list) = body.as_array() {
        for item in list {
            let Some(msg) = item.get("msg").and_then(Value::as_str) else {
                continue;
            };
            let loc: Vec<String> = item
                .get("loc")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            texts.push(if loc.is_empty() {
                msg.to_owned()
            } else {
                format!("{}: {msg}", loc.join("."))
            });
        }
    }
    (!texts.is_empty() || code.is_some()).then(|| (texts.join("; "), code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;
    use portico_adapter_sdk::{Operations, testing};

    fn test_identity() -> Identity {
        Identity {
            access_key: "test-access-key".into(),
            account_id: String::new(),
        }
    }

    const HOST: &str = "https://vpn.kr-west1.s.samsungsdscloud.com";

    #[test]
    fn string_to_sign_matches_the_documented_vectors() {
        let request = Api::new(base_url(None, None, None).unwrap())
            .get("/v1/vpn-gateways")
            .query("page", "0")
            .query("size", "20");
        assert_eq!(
            request.url(),
            format!("{HOST}/v1/vpn-gateways?page=0&size=20")
        );
        let message = string_to_sign("GET", &request.url(), "1605290625682", &test_identity());
        assert_eq!(
            message,
            "GEThttps://vpn.kr-west1.s.samsungsdscloud.com/v1/vpn-gateways?page=0&size=20\
             1605290625682test-access-keyOpenapi"
        );
        let post = string_to_sign(
            "post",
            &format!("{HOST}/v1/vpn-tunnels"),
            "1605290625682",
            &test_identity(),
        );
        assert_eq!(
            post,
            "POSThttps://vpn.kr-west1.s.samsungsdscloud.com/v1/vpn-tunnels\
             1605290625682test-access-keyOpenapi"
        );
        let with_account = Identity {
            account_id: "acc1".into(),
            ..test_identity()
        };
        assert!(
            string_to_sign("GET", "u", "1", &with_account).ends_with("test-access-keyacc1Openapi")
        );
    }

    #[test]
    fn sign_attaches_headers_and_a_host_signature_over_the_final_url() {
        let request = Api::new(HOST)
            .get("/v1/vpn-gateways")
            .query("page", "0")
            .query("size", "20");
        let wire = sign(
            request,
            ApiVersion::V1_1,
            &test_identity(),
            1_605_290_625_682,
        )
        .to_wire();
        let header = |name: &str| {
            wire.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("Scp-AccessKey"), Some("test-access-key"));
        assert_eq!(header("Scp-Timestamp"), Some("1605290625682"));
        assert_eq!(header("Scp-ClientType"), Some("Openapi"));
        assert_eq!(header("Scp-AccountId"), Some(""));
        assert_eq!(header("Scp-API-Version"), Some("vpn 1.1"));
        assert_eq!(
            header("Scp-Signature"),
            None,
            "the guest never sets the signature"
        );
        assert_eq!(wire.credential, None);
        assert_eq!(wire.signatures.len(), 1);
        let signature = &wire.signatures[0];
        assert_eq!(signature.header, "Scp-Signature");
        assert_eq!(signature.prefix, None);
        assert_eq!(signature.encoding, SignatureEncoding::Base64);
        assert_eq!(signature.sign.credential, "scp");
        assert_eq!(signature.sign.field, "secret-key");
        assert_eq!(signature.sign.algorithm, Algorithm::HmacSha256);
        assert!(signature.sign.key_prefix.is_empty() && signature.sign.derivation.is_empty());
        assert_eq!(
            String::from_utf8(signature.sign.message.clone()).unwrap(),
            format!("GET{HOST}/v1/vpn-gateways?page=0&size=201605290625682test-access-keyOpenapi")
        );
        let v10 = sign(
            Api::new(HOST).get("/x"),
            ApiVersion::V1_0,
            &test_identity(),
            1,
        )
        .to_wire();
        assert!(
            v10.headers
                .contains(&("Scp-API-Version".into(), "vpn 1.0".into()))
        );
    }

    #[test]
    fn base_url_and_version_settings() {
        assert_eq!(base_url(None, None, None).unwrap(), HOST);
        assert_eq!(
            base_url(None, Some("kr-south2"), Some("g")).unwrap(),
            "https://vpn.kr-south2.g.samsungsdscloud.com"
        );
        assert_eq!(
            base_url(Some("http://127.0.0.1:9/"), Some("nowhere"), None).unwrap(),
            "http://127.0.0.1:9"
        );
        assert!(
            base_url(None, Some("kr/west"), None)
                .unwrap_err()
                .message()
                .contains("`region`")
        );
        assert!(
            base_url(None, None, Some("x"))
                .unwrap_err()
                .message()
                .contains("`environment`")
        );
        assert!(base_url(Some("ftp://x"), None, None).is_err());
        assert_eq!(ApiVersion::parse(None).unwrap(), ApiVersion::V1_1);
        assert_eq!(ApiVersion::parse(Some(" 1.0 ")).unwrap(), ApiVersion::V1_0);
        assert!(
            ApiVersion::parse(Some("2"))
                .unwrap_err()
                .message()
                .contains("`api-version`")
        );
    }

    #[test]
    fn identity_reads_access_key_and_optional_account() {
        testing::reset();
        testing::set_identity("scp", "access-key", "AK");
        assert_eq!(
            identity().unwrap(),
            Identity {
                access_key: "AK".into(),
                account_id: String::new()
            }
        );
        testing::set_identity("scp", "account-id", "acct");
        assert_eq!(identity().unwrap().account_id, "acct");
        testing::reset();
        assert!(identity().is_err());
    }

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn error_bodies_map_to_errors() {
        let err = map_error(&response(
            401,
            r#"{"errors":[{"status":401,"code":"SCP-AUTH-SIGNATURE","detail":"signature mismatch"}]}"#,
        ));
        let Error::Unauthorized(problem) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(problem.message, "SCP: signature mismatch");
        assert_eq!(problem.code.as_deref(), Some("SCP-AUTH-SIGNATURE"));
        assert_eq!(problem.status, Some(401));
        let list = map_error(&response(
            400,
            r#"{"errors":[{"status":400,"detail":["a bad","b bad"]}]}"#,
        ));
        assert!(matches!(list, Error::InvalidInput(_)));
        assert_eq!(list.message(), "SCP: a bad; b bad");
        let validation = map_error(&response(
            400,
            r#"[{"loc":["body","name"],"msg":"field required","type_":"missing"}]"#,
        ));
        assert_eq!(validation.message(), "SCP: body.name: field required");
        assert!(map_error(&response(404, "{}")).is_not_found());
        assert!(matches!(map_error(&response(409, "")), Error::Conflict(_)));
        assert!(matches!(map_error(&response(403, "")), Error::Forbidden(_)));
        assert_eq!(
            map_error(&response(502, "")).message(),
            "SCP answered HTTP 502"
        );
        assert_eq!(
            map_error(&response(502, "<html>x</html>")).message(),
            "SCP: <html>x</html>"
        );
    }

    #[test]
    fn next_page_uses_the_total_count() {
        assert_eq!(
            next_page(&json!({"count": 45, "page": 0, "size": 20})),
            Some((1, 20))
        );
        assert_eq!(
            next_page(&json!({"count": 45, "page": 2, "size": 20})),
            None
        );
        assert_eq!(
            next_page(&json!({"count": 40, "page": 1, "size": 20})),
            None
        );
        assert_eq!(next_page(&json!({"count": 5, "page": 0, "size": 0})), None);
        assert_eq!(next_page(&json!({})), None);
        assert_eq!(page_size(None), 20);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(1000)), 100);
    }

    #[test]
    fn invoke_signs_pages_by_cursor_and_checks_bodies() {
        testing::reset();
        testing::set_identity("scp", "access-key", "AK");
        testing::set_config("endpoint", "http://127.0.0.1:9");
        let _host = testing::mock_http(|request| {
            let page = if request.url.contains("page=1") { 1 } else { 0 };
            Ok(testing::json_response(
                200,
                &json!({"count": 3, "page": page, "size": 2, "vpn_gateways": []}),
            ))
        });
        let invoke =
            |name: &str, params: &[(&str, &str)], body: Option<&str>, cursor: Option<String>| {
                CATALOGUE.invoke(
                    name.into(),
                    params
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect(),
                    body.map(str::to_owned),
                    cursor,
                    vec![],
                )
            };
        let first = invoke("listVpnGateways", &[("size", "2")], None, None).unwrap();
        let next = first.next.expect("a second page");
        let second = invoke("listVpnGateways", &[("size", "2")], None, Some(next)).unwrap();
        assert_eq!(second.next, None);
        let sent = testing::sent();
        assert_eq!(sent[0].url, "http://127.0.0.1:9/v1/vpn-gateways?size=2");
        assert_eq!(
            sent[1].url,
            "http://127.0.0.1:9/v1/vpn-gateways?page=1&size=2"
        );
        // The signature covers the URL with the cursor applied.
        let message = String::from_utf8(sent[1].signatures[0].sign.message.clone()).unwrap();
        assert!(message.starts_with("GEThttp://127.0.0.1:9/v1/vpn-gateways?page=1&size=2"));
        assert!(invoke("createVpnGateway", &[], None, None).is_err());
        assert!(invoke("showVpnGateway", &[], None, None).is_err());
        assert!(invoke("listVpnGateways", &[], Some("{}"), None).is_err());
        assert_eq!(testing::sent().len(), 2);
        testing::reset();
    }
}
