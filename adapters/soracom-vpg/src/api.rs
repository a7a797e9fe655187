//! The Soracom API as this adapter sees it: where it lives, how it pages, how it fails, and the
//! small helpers the nouns share.

use portico_adapter_sdk::http::{Api, Response};
use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{Error, Result, config, error, json};

use crate::catalog::CATALOGUE;

/// The credential every request names. The host exchanges its fields for an API key and token.
pub const CREDENTIAL: &str = "soracom";

/// The coverage types and the one used when the profile sets none.
pub const COVERAGES: [&str; 2] = ["jp", "g"];
/// The coverage used when the profile sets none.
pub const DEFAULT_COVERAGE: &str = "jp";

/// The response header that carries the key of the last item of a page when more follow.
pub const NEXT_KEY_HEADER: &str = "x-soracom-next-key";
/// The query parameter that continues a listing after a key.
pub const LAST_EVALUATED_KEY: &str = "last_evaluated_key";

/// Every API host, production and sandbox, Japan and Global coverage.
pub const HOSTS: [&str; 4] = [
    "api.soracom.io",
    "g.api.soracom.io",
    "api-sandbox.soracom.io",
    "g.api-sandbox.soracom.io",
];

/// The API client for the active profile.
pub fn api() -> Result<Api> {
    let endpoint = config::get("endpoint");
    let coverage = config::get("coverage");
    let sandbox = config::get("sandbox");
    Ok(Api::new(base_url(
        endpoint.as_deref(),
        coverage.as_deref(),
        sandbox.as_deref(),
    )?)
    .with_credential(CREDENTIAL)
    .with_error_mapper(map_error))
}

/// The base URL, `/v1` included: the `endpoint` origin when set (an emulator, a proxy), else the
/// host of the coverage type, in the sandbox when `sandbox` is `true`.
///
/// An endpoint that already ends in `/v1` is taken as it is, so both spellings work.
pub fn base_url(
    endpoint: Option<&str>,
    coverage: Option<&str>,
    sandbox: Option<&str>,
) -> Result<String> {
    let sandbox = match json::non_blank(sandbox).map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(error::invalid_input(format!(
                "setting `sandbox` must be `true` or `false`, got `{other}`"
            )));
        }
    };
    let coverage = json::non_blank(coverage).map_or(DEFAULT_COVERAGE, str::trim);
    if !COVERAGES.contains(&coverage) {
        return Err(error::invalid_input(format!(
            "setting `coverage` must be `jp` or `g`, got `{coverage}`"
        )));
    }
    if let Some(endpoint) = json::non_blank(endpoint) {
        let endpoint = endpoint.trim().trim_end_matches('/');
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(error::invalid_input(format!(
                "setting `endpoint` must be an http(s) URL, got `{endpoint}`"
            )));
        }
        return Ok(if endpoint.ends_with("/v1") {
            endpoint.to_owned()
        } else {
            format!("{endpoint}/v1")
        });
    }
    let prefix = if coverage == "g" { "g." } else { "" };
    let sandbox = if sandbox { "-sandbox" } else { "" };
    Ok(format!("https://{prefix}api{sandbox}.soracom.io/v1"))
}

/// Read a Soracom error body: the flat `{"code", "message"}` object, or the same object nested
/// under `errorMessage` (the spec's `APICallError`). Other bodies fall back to their text.
pub fn map_error(response: &Response) -> Error {
    let (message, code) = match response.json() {
        Ok(body) => parse_error_body(&body).unwrap_or_else(|| (response.text_excerpt(), None)),
        Err(_) => (response.text_excerpt(), None),
    };
    error::from_status(response.status, message, code, response.retry_after())
}

fn parse_error_body(body: &Value) -> Option<(String, Option<String>)> {
    let flat = body.get("errorMessage").unwrap_or(body);
    let message = json::str_at(flat, "/message").filter(|m| !m.trim().is_empty());
    let code = json::str_at(flat, "/code").filter(|c| !c.trim().is_empty());
    match (message, code) {
        (None, None) => None,
        (message, code) => Some((message.unwrap_or_default(), code)),
    }
}

/// The key a paged listing continues after, from `x-soracom-next-key`; `None` on the last page.
pub fn next_key(response: &Response) -> Option<String> {
    response
        .header(NEXT_KEY_HEADER)
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
}

/// The query pairs of the next page of a paginated catalogue operation.
pub fn next_page(response: &Response) -> Option<Vec<(String, String)>> {
    next_key(response).map(|key| vec![(LAST_EVALUATED_KEY.to_owned(), key)])
}

/// Call catalogue operation `name` and parse its JSON answer (`null` when there is no body).
pub fn call(name: &str, params: &[(&str, &str)]) -> Result<Value> {
    let api = api()?;
    api.fetch_json(CATALOGUE.request(&api, name, params)?)
}

/// Call catalogue operation `name` with a JSON body and parse its JSON answer.
pub fn call_with_body(name: &str, params: &[(&str, &str)], body: &Value) -> Result<Value> {
    let api = api()?;
    api.fetch_json(CATALOGUE.request(&api, name, params)?.json(body))
}

/// Call catalogue operation `name` and return the raw response (for its paging header).
pub fn call_raw(name: &str, params: &[(&str, &str)]) -> Result<Response> {
    let api = api()?;
    api.execute(CATALOGUE.request(&api, name, params)?)
}

/// Read one VPG.
pub fn get_vpg(vpg_id: &str) -> Result<Value> {
    call("getVirtualPrivateGateway", &[("vpg_id", vpg_id)])
}

/// The items of a JSON array answer; anything else is a provider error naming `what`.
pub fn array(doc: Value, what: &str) -> Result<Vec<Value>> {
    match doc {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(error::provider(format!(
            "Soracom answered the {what} request with something other than a JSON array"
        ))),
    }
}

/// The VPG (parent) id of a child noun; `invalid-input` naming `gateway-id` when absent.
pub fn require_vpg_id<'a>(vpg_id: Option<&'a str>, noun: &str) -> Result<&'a str> {
    json::non_blank(vpg_id).map(str::trim).ok_or_else(|| {
        error::invalid_input(format!(
            "missing `gateway-id`: every {noun} belongs to a VPG (give its id as the parent)"
        ))
    })
}

/// The VPG of a child update: the locator's parent or the spec's; both given and different is
/// invalid (nothing moves between VPGs).
pub fn update_vpg_id<'a>(
    locator: Option<&'a str>,
    spec: Option<&'a str>,
    noun: &str,
) -> Result<&'a str> {
    match (json::non_blank(locator), json::non_blank(spec)) {
        (Some(a), Some(b)) if a.trim() != b.trim() => Err(error::invalid_input(format!(
            "`gateway-id` `{b}` differs from the parent `{a}`: a {noun} cannot move to another VPG"
        ))),
        (a, b) => require_vpg_id(a.or(b), noun),
    }
}

/// Refuse list filters where the API defines none.
pub fn check_no_filters(filters: &[(String, String)], noun: &str) -> Result<()> {
    match filters.first() {
        Some((key, _)) => Err(error::invalid_input(format!(
            "`filters` are not supported when listing {noun}s (got `{key}`)"
        ))),
        None => Ok(()),
    }
}

/// `properties` as a JSON merge patch over `base`, as an object.
pub fn patched(base: Map<String, Value>, properties: &str) -> Result<Map<String, Value>> {
    let patch = json::parse_object(properties, "properties")?;
    let mut doc = Value::Object(base);
    json::merge_patch(&mut doc, &Value::Object(patch));
    Ok(match doc {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}

/// The values of a JSON object (a Soracom map keyed by id) in key order, or the items of an
/// array; empty for anything else.
pub fn map_values(doc: Option<&Value>) -> Vec<Value> {
    match doc {
        Some(Value::Object(map)) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries.into_iter().map(|(_, v)| v.clone()).collect()
        }
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;
    use portico_adapter_sdk::testing;

    #[test]
    fn base_url_from_coverage_sandbox_and_endpoint() {
        let url = |e, c, s| base_url(e, c, s).unwrap();
        assert_eq!(url(None, None, None), "https://api.soracom.io/v1");
        assert_eq!(url(None, Some("g"), None), "https://g.api.soracom.io/v1");
        assert_eq!(
            url(None, Some("jp"), Some("true")),
            "https://api-sandbox.soracom.io/v1"
        );
        assert_eq!(
            url(None, Some("g"), Some("true")),
            "https://g.api-sandbox.soracom.io/v1"
        );
        assert_eq!(
            url(None, Some(" "), Some("false")),
            "https://api.soracom.io/v1"
        );
        assert_eq!(
            url(Some("http://127.0.0.1:8080/"), Some("g"), None),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            url(Some("http://127.0.0.1:8080/v1"), None, None),
            "http://127.0.0.1:8080/v1"
        );
        let err = base_url(None, Some("us"), None).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
        assert!(err.message().contains("`coverage`"));
        let err = base_url(None, None, Some("yes")).unwrap_err();
        assert!(err.message().contains("`sandbox`"));
        let err = base_url(Some("ftp://x"), None, None).unwrap_err();
        assert!(err.message().contains("`endpoint`"));
    }

    #[test]
    fn api_reads_the_profile() {
        testing::reset();
        testing::set_config("coverage", "g");
        assert_eq!(api().unwrap().base_url(), "https://g.api.soracom.io/v1");
        testing::set_config("endpoint", "http://127.0.0.1:9");
        assert_eq!(api().unwrap().base_url(), "http://127.0.0.1:9/v1");
        testing::reset();
    }

    fn response(status: u16, body: &str, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn flat_error_body_keeps_code_and_message() {
        let err = map_error(&response(
            404,
            r#"{"code":"VPG0001","message":"No such VPG"}"#,
            &[],
        ));
        let Error::NotFound(problem) = err else {
            panic!("expected not-found, got {err:?}");
        };
        assert_eq!(problem.message, "No such VPG");
        assert_eq!(problem.code.as_deref(), Some("VPG0001"));
        assert_eq!(problem.status, Some(404));
    }

    #[test]
    fn nested_error_body_and_statuses() {
        let body =
            r#"{"httpStatus":400,"errorMessage":{"code":"VPG0042","message":"Gate is not open"}}"#;
        let err = map_error(&response(400, body, &[]));
        assert!(matches!(err, Error::InvalidInput(_)));
        assert_eq!(err.message(), "Gate is not open");
        assert_eq!(
            err.problem().and_then(|p| p.code.as_deref()),
            Some("VPG0042")
        );
        let Error::RateLimited(limit) = map_error(&response(
            429,
            r#"{"code":"COM0009","message":"slow down"}"#,
            &[("retry-after", "3")],
        )) else {
            panic!("expected rate-limited");
        };
        assert_eq!(limit.retry_after_secs, Some(3));
        assert_eq!(limit.problem.code.as_deref(), Some("COM0009"));
        for (status, check) in [
            (
                401,
                matches!(map_error(&response(401, "{}", &[])), Error::Unauthorized(_)),
            ),
            (
                403,
                matches!(map_error(&response(403, "", &[])), Error::Forbidden(_)),
            ),
            (
                409,
                matches!(map_error(&response(409, "", &[])), Error::Conflict(_)),
            ),
            (
                500,
                matches!(map_error(&response(500, "", &[])), Error::Provider(_)),
            ),
        ] {
            assert!(check, "status {status}");
        }
    }

    #[test]
    fn code_without_message_and_text_bodies() {
        let err = map_error(&response(400, r#"{"code":"SEM0016"}"#, &[]));
        assert_eq!(err.message(), "HTTP 400");
        assert_eq!(
            err.problem().and_then(|p| p.code.as_deref()),
            Some("SEM0016")
        );
        let err = map_error(&response(502, "<html>Bad Gateway</html>\n", &[]));
        assert!(matches!(err, Error::Provider(_)));
        assert_eq!(err.message(), "<html>Bad Gateway</html>");
        let odd = map_error(&response(400, r#"{"error": 1}"#, &[]));
        assert_eq!(odd.message(), r#"{"error": 1}"#);
    }

    #[test]
    fn next_key_comes_from_the_header() {
        let page = response(200, "[]", &[("x-soracom-next-key", "vpg-2")]);
        assert_eq!(next_key(&page).as_deref(), Some("vpg-2"));
        assert_eq!(
            next_page(&page).unwrap(),
            [("last_evaluated_key".to_string(), "vpg-2".to_string())]
        );
        assert_eq!(
            next_key(&response(200, "[]", &[("x-soracom-next-key", " ")])),
            None
        );
        assert_eq!(next_page(&response(200, "[]", &[])), None);
    }

    #[test]
    fn helpers_check_parents_and_shapes() {
        assert_eq!(require_vpg_id(Some(" v1 "), "peer").unwrap(), "v1");
        assert!(
            require_vpg_id(None, "peer")
                .unwrap_err()
                .message()
                .contains("`gateway-id`")
        );
        assert_eq!(update_vpg_id(None, Some("v1"), "peer").unwrap(), "v1");
        assert!(update_vpg_id(Some("v1"), Some("v2"), "peer").is_err());
        assert_eq!(array(json!(null), "x").unwrap(), Vec::<Value>::new());
        assert!(array(json!({}), "x").is_err());
        assert_eq!(
            map_values(Some(&json!({"b": 2, "a": 1}))),
            [json!(1), json!(2)]
        );
        assert!(check_no_filters(&[("a".into(), "b".into())], "peer").is_err());
    }
}
