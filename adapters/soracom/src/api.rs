//! The Soracom API as both adapters see it: where it lives (coverage, sandbox, endpoint), how it
//! pages (`last_evaluated_key` / `x-soracom-next-key`) and how it fails (`{code, message}`).

use portico_adapter_sdk::http::{Api, Request, Response};
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Error, Result, config, error, json};

/// The credential every request names; the host exchanges its fields at `POST /v1/auth` for an
/// API key and token.
pub const CREDENTIAL: &str = "soracom";

/// The coverage types: Japan and Global.
pub const COVERAGES: [&str; 2] = ["jp", "g"];

/// The coverage used when the profile sets none.
pub const DEFAULT_COVERAGE: &str = "jp";

/// Every API host, production and sandbox, Japan and Global coverage.
pub const HOSTS: [&str; 4] = [
    "api.soracom.io",
    "g.api.soracom.io",
    "api-sandbox.soracom.io",
    "g.api-sandbox.soracom.io",
];

/// The response header that carries the key to continue a paged listing from when more follow.
pub const NEXT_KEY_HEADER: &str = "x-soracom-next-key";

/// The query parameter that continues a listing after a key.
pub const LAST_EVALUATED_KEY: &str = "last_evaluated_key";

/// The API client for the active profile (settings `endpoint`, `coverage`, `sandbox`), naming
/// the [`CREDENTIAL`] and reading errors with [`map_error`].
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

/// The base URL including `/v1`: the `endpoint` setting (an origin: a proxy, an emulator) when
/// set, else the host of the coverage (`jp`: `api.soracom.io`, `g`: `g.api.soracom.io`), its
/// `-sandbox` twin when `sandbox` is `true`.
///
/// `coverage` and `sandbox` are checked even when `endpoint` is set, so a profile with a typo
/// fails the same way with or without an emulator. An endpoint that already ends in `/v1` is
/// taken as it is, so both spellings work.
pub fn base_url(
    endpoint: Option<&str>,
    coverage: Option<&str>,
    sandbox: Option<&str>,
) -> Result<String> {
    let coverage = json::non_blank(coverage).map_or(DEFAULT_COVERAGE, str::trim);
    let prefix = match coverage {
        "jp" => "",
        "g" => "g.",
        other => {
            return Err(error::invalid_input(format!(
                "setting `coverage` must be `jp` or `g`, got `{other}`"
            )));
        }
    };
    let sandbox = match json::non_blank(sandbox).map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(error::invalid_input(format!(
                "setting `sandbox` must be `true` or `false`, got `{other}`"
            )));
        }
    };
    if let Some(endpoint) = json::non_blank(endpoint) {
        let endpoint = endpoint.trim().trim_end_matches('/');
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(error::invalid_input(format!(
                "setting `endpoint` must be an http(s) URL, got `{endpoint}`"
            )));
        }
        // The setting is an origin, as soracom-cli's; tolerate one that already names `/v1`.
        let origin = endpoint.strip_suffix("/v1").unwrap_or(endpoint);
        return Ok(format!("{origin}/v1"));
    }
    let api = if sandbox { "api-sandbox" } else { "api" };
    Ok(format!("https://{prefix}{api}.soracom.io/v1"))
}

/// Read a Soracom error body: the flat `{"code", "message"}` object, or the `APICallError`
/// wrapper `{"httpStatus", "errorMessage": {"code", "message"}}`. The code is kept in the
/// problem; bodies of another shape fall back to their text.
pub fn map_error(response: &Response) -> Error {
    let (message, code) = match response.json() {
        Ok(body) => parse_error_body(&body).unwrap_or_else(|| (response.text_excerpt(), None)),
        Err(_) => (response.text_excerpt(), None),
    };
    error::from_status(response.status, message, code, response.retry_after())
}

/// The message and code of an error body; `None` when it has neither.
fn parse_error_body(body: &Value) -> Option<(String, Option<String>)> {
    let inner = body.get("errorMessage").filter(|v| v.is_object());
    let doc = inner.unwrap_or(body);
    let text = |key: &str| {
        doc.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let message = text("message");
    let code = text("code");
    if message.is_none() && code.is_none() {
        return None;
    }
    Some((message.unwrap_or_default(), code))
}

/// The key a paged listing continues after, from [`NEXT_KEY_HEADER`]; `None` on the last page.
pub fn next_key(response: &Response) -> Option<String> {
    response
        .header(NEXT_KEY_HEADER)
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
}

/// The query pairs of the next page of a paginated catalogue operation (for the catalogue's
/// cursor): [`LAST_EVALUATED_KEY`] set to the [`next_key`].
pub fn next_page(_request: &Request, response: &Response) -> Option<Vec<(String, String)>> {
    next_key(response).map(|key| vec![(LAST_EVALUATED_KEY.to_owned(), key)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::testing;

    fn response(status: u16, body: &str, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn base_url_follows_endpoint_coverage_and_sandbox() {
        let url = |e, c, s| base_url(e, c, s).unwrap();
        assert_eq!(url(None, None, None), "https://api.soracom.io/v1");
        assert_eq!(url(None, Some("g"), None), "https://g.api.soracom.io/v1");
        assert_eq!(
            url(None, Some("jp"), Some("true")),
            "https://api-sandbox.soracom.io/v1"
        );
        assert_eq!(
            url(None, Some(" g "), Some("true")),
            "https://g.api-sandbox.soracom.io/v1"
        );
        assert_eq!(
            url(None, Some(" "), Some("false")),
            "https://api.soracom.io/v1"
        );
        assert_eq!(
            url(None, Some(""), Some(" false ")),
            "https://api.soracom.io/v1"
        );
        assert_eq!(
            url(Some("http://127.0.0.1:8080/"), Some("g"), Some("true")),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            url(Some("http://127.0.0.1:8080/v1"), None, None),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            url(Some(" https://proxy.example/v1/ "), None, None),
            "https://proxy.example/v1"
        );
        for (e, c, s, field) in [
            (None, Some("us"), None, "`coverage`"),
            (None, None, Some("yes"), "`sandbox`"),
            (Some("ftp://x"), None, None, "`endpoint`"),
            // The endpoint does not excuse a bad coverage or sandbox value.
            (
                Some("http://127.0.0.1:8080"),
                Some("nowhere"),
                None,
                "`coverage`",
            ),
            (Some("http://127.0.0.1:8080"), None, Some("x"), "`sandbox`"),
        ] {
            let err = base_url(e, c, s).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)));
            assert!(err.message().contains(field), "{}", err.message());
        }
        // Every host a profile can reach is declared.
        for (c, s) in [
            ("jp", "false"),
            ("g", "false"),
            ("jp", "true"),
            ("g", "true"),
        ] {
            let url = url(None, Some(c), Some(s));
            let host = url
                .strip_prefix("https://")
                .and_then(|rest| rest.strip_suffix("/v1"))
                .unwrap();
            assert!(HOSTS.contains(&host), "{host}");
        }
    }

    #[test]
    fn api_reads_the_profile() {
        testing::reset();
        assert_eq!(api().unwrap().base_url(), "https://api.soracom.io/v1");
        testing::set_config("coverage", "g");
        assert_eq!(api().unwrap().base_url(), "https://g.api.soracom.io/v1");
        testing::set_config("sandbox", "true");
        assert_eq!(
            api().unwrap().base_url(),
            "https://g.api-sandbox.soracom.io/v1"
        );
        testing::set_config("endpoint", "http://127.0.0.1:9");
        assert_eq!(api().unwrap().base_url(), "http://127.0.0.1:9/v1");
        testing::set_config("coverage", "us");
        assert!(api().is_err());
        testing::reset();
    }

    #[test]
    fn flat_error_bodies_keep_their_code() {
        let body = r#"{"code":"SEM0016","message":"The specified subscriber is offline"}"#;
        let err = map_error(&response(400, body, &[]));
        let Error::InvalidInput(problem) = err else {
            panic!("expected invalid-input, got {err:?}");
        };
        assert_eq!(problem.message, "The specified subscriber is offline");
        assert_eq!(problem.code.as_deref(), Some("SEM0016"));
        assert_eq!(problem.status, Some(400));

        let body = r#"{"code":"VPG0001","message":"No such VPG"}"#;
        let Error::NotFound(problem) = map_error(&response(404, body, &[])) else {
            panic!("expected not-found");
        };
        assert_eq!(problem.message, "No such VPG");
        assert_eq!(problem.code.as_deref(), Some("VPG0001"));
        assert_eq!(problem.status, Some(404));

        let body = r#"{"code":"AUM0001","message":"Invalid token"}"#;
        assert!(matches!(
            map_error(&response(401, body, &[])),
            Error::Unauthorized(p) if p.code.as_deref() == Some("AUM0001")
        ));
        assert!(matches!(
            map_error(&response(401, "{}", &[])),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            map_error(&response(403, body, &[])),
            Error::Forbidden(_)
        ));
        assert!(matches!(
            map_error(&response(403, "", &[])),
            Error::Forbidden(_)
        ));
        assert!(matches!(
            map_error(&response(409, body, &[])),
            Error::Conflict(_)
        ));
        assert!(matches!(
            map_error(&response(500, "", &[])),
            Error::Provider(_)
        ));
    }

    #[test]
    fn wrapped_odd_and_text_error_bodies() {
        let body =
            r#"{"httpStatus":400,"errorMessage":{"code":"VPG0042","message":"Gate is not open"}}"#;
        let err = map_error(&response(400, body, &[]));
        assert!(matches!(err, Error::InvalidInput(_)));
        assert_eq!(err.message(), "Gate is not open");
        assert_eq!(err.problem().unwrap().code.as_deref(), Some("VPG0042"));
        let body = r#"{"httpStatus":500,"errorMessage":{"code":"COM0001","message":" boom "}}"#;
        let err = map_error(&response(500, body, &[]));
        assert!(matches!(err, Error::Provider(_)));
        assert_eq!(err.message(), "boom");
        assert_eq!(err.problem().unwrap().code.as_deref(), Some("COM0001"));
        // An `errorMessage` that is no object leaves the flat fields to be read.
        let body = r#"{"errorMessage":"oops","code":"COM0003","message":"flat"}"#;
        let err = map_error(&response(400, body, &[]));
        assert_eq!(err.message(), "flat");
        assert_eq!(err.problem().unwrap().code.as_deref(), Some("COM0003"));

        let body = r#"{"code":"COM0002","message":"slow down"}"#;
        let Error::RateLimited(limit) = map_error(&response(429, body, &[("Retry-After", "3")]))
        else {
            panic!("expected rate-limited");
        };
        assert_eq!(limit.retry_after_secs, Some(3));
        assert_eq!(limit.problem.code.as_deref(), Some("COM0002"));

        let only_code = map_error(&response(400, r#"{"code":"X1"}"#, &[]));
        assert_eq!(only_code.message(), "HTTP 400");
        assert_eq!(only_code.problem().unwrap().code.as_deref(), Some("X1"));
        let odd = map_error(&response(400, r#"{"error": 1}"#, &[]));
        assert_eq!(odd.message(), r#"{"error": 1}"#);
        let html = map_error(&response(502, "<html>Bad Gateway</html>\n", &[]));
        assert!(matches!(html, Error::Provider(_)));
        assert_eq!(html.message(), "<html>Bad Gateway</html>");
        assert_eq!(map_error(&response(503, "", &[])).message(), "HTTP 503");
    }

    #[test]
    fn next_key_comes_from_the_header() {
        let more = response(200, "[]", &[("X-Soracom-Next-Key", "10.0.0.1:40001")]);
        assert_eq!(next_key(&more).as_deref(), Some("10.0.0.1:40001"));
        assert_eq!(
            next_page(&Request::get("https://api.soracom.io/v1/x"), &more).unwrap(),
            [(
                "last_evaluated_key".to_string(),
                "10.0.0.1:40001".to_string()
            )]
        );
        let more = response(200, "[]", &[(NEXT_KEY_HEADER, " vpg-2 ")]);
        assert_eq!(next_key(&more).as_deref(), Some("vpg-2"));
        assert_eq!(
            next_key(&response(200, "[]", &[(NEXT_KEY_HEADER, " ")])),
            None
        );
        let request = Request::get("https://api.soracom.io/v1/x");
        assert_eq!(next_page(&request, &response(200, "[]", &[])), None);
    }
}
