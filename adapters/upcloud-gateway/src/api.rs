//! The UpCloud API as this adapter sees it: where it lives, how it fails, how the gateway list
//! pages, and small request helpers shared by the nouns.

use portico_adapter_sdk::http::{Api, Request, Response};
use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{Error, Page, Result, config, cursor, error, json, url};

/// The credential every request names.
pub const CREDENTIAL: &str = "upcloud";

/// The API host.
pub const HOST: &str = "api.upcloud.com";

/// The API version segment every path starts with.
const VERSION: &str = "/1.3";

/// Page size of the gateway list when the caller asks for none; also the largest the API takes.
pub const MAX_LIMIT: u32 = 100;

/// What the API uses when a `GetGateways` call sends no `limit`.
const API_DEFAULT_LIMIT: u32 = 10;

/// The API client for the active profile.
pub fn api() -> Result<Api> {
    Ok(Api::new(base_url(config::get("endpoint").as_deref())?)
        .with_credential(CREDENTIAL)
        .with_error_mapper(map_error))
}

/// The base URL: the `endpoint` setting (an emulator, a proxy) or the public API, then `/1.3`.
pub fn base_url(endpoint: Option<&str>) -> Result<String> {
    let origin = match json::non_blank(endpoint) {
        Some(endpoint) => {
            let endpoint = endpoint.trim().trim_end_matches('/');
            if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
                return Err(error::invalid_input(format!(
                    "setting `endpoint` must be an http(s) URL, got `{endpoint}`"
                )));
            }
            endpoint.to_owned()
        }
        None => format!("https://{HOST}"),
    };
    Ok(format!("{origin}{VERSION}"))
}

/// Read an UpCloud error body into the contract's error, keeping the status and the code.
///
/// Two dialects exist: RFC 7807 problems (`application/problem+json`, `{type, title, status,
/// invalid_params}`), whose code is the `type` URL's fragment without `ERROR_`
/// (`…/errors#ERROR_RESOURCE_NOT_FOUND` → `RESOURCE_NOT_FOUND`), and the older
/// `{"error": {"error_code", "error_message"}}`. Bodies of another shape fall back to their text.
pub fn map_error(response: &Response) -> Error {
    let (message, code) = match response.json() {
        Ok(body) => parse_error_body(&body).unwrap_or_else(|| (response.text_excerpt(), None)),
        Err(_) => (response.text_excerpt(), None),
    };
    error::from_status(response.status, message, code, response.retry_after())
}

fn parse_error_body(body: &Value) -> Option<(String, Option<String>)> {
    if let Some(legacy) = body.get("error").filter(|e| e.is_object()) {
        let code = json::str_at(legacy, "/error_code");
        let message = json::str_at(legacy, "/error_message").unwrap_or_default();
        return (code.is_some() || !message.is_empty()).then_some((message, code));
    }
    let kind = json::str_at(body, "/type");
    let title = json::str_at(body, "/title");
    if kind.is_none() && title.is_none() {
        return None;
    }
    let code = kind
        .as_deref()
        .and_then(|t| t.rsplit_once('#'))
        .map(|(_, fragment)| fragment.strip_prefix("ERROR_").unwrap_or(fragment))
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let mut message = title.unwrap_or_default();
    let details: Vec<String> = body
        .get("invalid_params")
        .and_then(Value::as_array)
        .map(|params| {
            params
                .iter()
                .filter_map(|p| {
                    let name = json::str_at(p, "/name")?;
                    let reason = json::str_at(p, "/reason").unwrap_or_default();
                    Some(format!("{name}: {reason}"))
                })
                .collect()
        })
        .unwrap_or_default();
    if !details.is_empty() {
        message = format!("{message} ({})", details.join("; "));
    }
    Some((message, code))
}

/// A created or changed resource must come back as an object with a `uuid`.
pub fn expect_resource(doc: Value, what: &str) -> Result<Value> {
    if doc.get("uuid").and_then(Value::as_str).is_some() {
        Ok(doc)
    } else {
        Err(error::provider(format!(
            "UpCloud answered the {what} request without the resource document"
        )))
    }
}

/// The page size for a list: the caller's limit within 1..=100, 100 by default.
pub fn page_limit(page: &Page) -> u32 {
    page.limit.unwrap_or(MAX_LIMIT).clamp(1, MAX_LIMIT)
}

/// Where a listing continues.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct OffsetCursor {
    /// Items already returned.
    pub offset: u32,
}

/// The offset a page starts at, from its cursor (0 without one).
pub fn page_offset(page: &Page) -> Result<u32> {
    match page.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(text) => Ok(cursor::decode::<OffsetCursor>(text)?.offset),
        None => Ok(0),
    }
}

/// The cursor of the page after one that started at `offset` and returned `received` items of
/// the `limit` asked for: a short page is the last.
pub fn next_cursor(offset: u32, limit: u32, received: usize) -> Result<Option<String>> {
    if received < limit as usize {
        return Ok(None);
    }
    cursor::encode(&OffsetCursor {
        offset: offset.saturating_add(limit),
    })
    .map(Some)
}

/// The next page of an invoked `GetGateways` page, as query pairs that override the request's
/// own: a full page (of the `limit` asked for, 10 by default) may have a successor.
pub fn next_gateways_page(request: &Request, response: &Response) -> Option<Vec<(String, String)>> {
    let pairs = url::query_pairs(&request.url());
    let number = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.trim().parse::<u32>().ok())
    };
    let limit = number("limit").unwrap_or(API_DEFAULT_LIMIT);
    let offset = number("offset").unwrap_or(0);
    let received = response.json().ok()?.as_array()?.len();
    if limit == 0 || received < limit as usize {
        return None;
    }
    Some(vec![
        ("limit".to_owned(), limit.to_string()),
        (
            "offset".to_owned(),
            offset.saturating_add(limit).to_string(),
        ),
    ])
}

/// `properties` as a JSON object (empty when blank).
pub fn properties(text: &str) -> Result<Map<String, Value>> {
    json::parse_object(text, "properties")
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;
    use portico_adapter_sdk::testing;

    #[test]
    fn base_url_prefers_endpoint_and_adds_the_version() {
        assert_eq!(base_url(None).unwrap(), "https://api.upcloud.com/1.3");
        assert_eq!(
            base_url(Some("http://127.0.0.1:8080//")).unwrap(),
            "http://127.0.0.1:8080/1.3"
        );
        assert_eq!(base_url(Some("  ")).unwrap(), "https://api.upcloud.com/1.3");
        let err = base_url(Some("ftp://x")).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
        assert!(err.message().contains("`endpoint`"));
    }

    #[test]
    fn api_reads_the_profile() {
        testing::reset();
        assert_eq!(api().unwrap().base_url(), "https://api.upcloud.com/1.3");
        testing::set_config("endpoint", "http://127.0.0.1:9/");
        assert_eq!(api().unwrap().base_url(), "http://127.0.0.1:9/1.3");
        testing::reset();
    }

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "application/problem+json".into())],
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn problem_bodies_keep_status_and_short_code() {
        let body = r#"{"type": "https://developers.upcloud.com/1.3/errors#ERROR_RESOURCE_NOT_FOUND",
            "title": "Gateway not found.", "status": 404, "correlation_id": "01ABC"}"#;
        let err = map_error(&response(404, body));
        let Error::NotFound(problem) = err else {
            panic!("expected not-found, got {err:?}");
        };
        assert_eq!(problem.message, "Gateway not found.");
        assert_eq!(problem.code.as_deref(), Some("RESOURCE_NOT_FOUND"));
        assert_eq!(problem.status, Some(404));

        let body = r#"{"type": "https://developers.upcloud.com/1.3/errors#ERROR_VALIDATION_ERROR",
            "title": "Validation error.", "status": 400,
            "invalid_params": [{"name": "zone", "reason": "is required"}, {"name": "routers"}]}"#;
        let err = map_error(&response(400, body));
        assert!(matches!(err, Error::InvalidInput(_)));
        assert_eq!(
            err.message(),
            "Validation error. (zone: is required; routers: )"
        );
        assert_eq!(
            err.problem().and_then(|p| p.code.as_deref()),
            Some("VALIDATION_ERROR")
        );
    }

    #[test]
    fn legacy_bodies_and_text_fall_back() {
        let body = r#"{"error": {"error_code": "AUTHENTICATION_FAILED",
            "error_message": "Authentication failed using the given username and password."}}"#;
        let err = map_error(&response(401, body));
        assert!(matches!(err, Error::Unauthorized(_)));
        assert_eq!(
            err.problem().and_then(|p| p.code.as_deref()),
            Some("AUTHENTICATION_FAILED")
        );
        assert!(err.message().starts_with("Authentication failed"));
        let err = map_error(&response(502, "<html>Bad Gateway</html>\n"));
        assert!(matches!(err, Error::Provider(_)));
        assert_eq!(err.message(), "<html>Bad Gateway</html>");
        assert_eq!(map_error(&response(503, "")).message(), "HTTP 503");
        let odd = map_error(&response(409, r#"{"something": 1}"#));
        assert!(matches!(odd, Error::Conflict(_)));
        assert_eq!(odd.message(), r#"{"something": 1}"#);
        let limited = Response {
            headers: vec![("retry-after".into(), "3".into())],
            ..response(
                429,
                r#"{"type": "x#ERROR_TOO_MANY_REQUESTS", "title": "Slow down."}"#,
            )
        };
        let Error::RateLimited(limit) = map_error(&limited) else {
            panic!("expected rate-limited");
        };
        assert_eq!(limit.retry_after_secs, Some(3));
        assert_eq!(limit.problem.code.as_deref(), Some("TOO_MANY_REQUESTS"));
    }

    #[test]
    fn offsets_page_through_full_pages() {
        assert_eq!(next_cursor(0, 2, 1).unwrap(), None);
        let next = next_cursor(4, 2, 2).unwrap().unwrap();
        let page = Page {
            limit: Some(2),
            cursor: Some(next),
        };
        assert_eq!(page_offset(&page).unwrap(), 6);
        assert_eq!(page_limit(&page), 2);
        assert_eq!(
            page_limit(&Page {
                limit: None,
                cursor: None
            }),
            100
        );
        assert_eq!(
            page_limit(&Page {
                limit: Some(500),
                cursor: None
            }),
            100
        );
        let bad = Page {
            limit: None,
            cursor: Some("%%".into()),
        };
        assert!(page_offset(&bad).unwrap_err().message().contains("cursor"));
    }

    #[test]
    fn invoked_gateway_lists_continue_after_full_pages() {
        let full = response(200, &json!([{}, {}]).to_string());
        let first = Request::get("https://api.upcloud.com/1.3/gateway?limit=2");
        let next = next_gateways_page(&first, &full).unwrap();
        assert_eq!(
            next,
            [
                ("limit".to_owned(), "2".to_owned()),
                ("offset".into(), "2".into())
            ]
        );
        let second = Request::get("https://api.upcloud.com/1.3/gateway?limit=2&offset=2");
        let after = next_gateways_page(&second, &full).unwrap();
        assert_eq!(after[1], ("offset".to_owned(), "4".to_owned()));
        let short = response(200, &json!([{}]).to_string());
        assert_eq!(next_gateways_page(&second, &short), None);
        // Without a limit the API's default page size of 10 applies.
        let ten = response(200, &Value::Array(vec![json!({}); 10]).to_string());
        let bare = Request::get("https://api.upcloud.com/1.3/gateway");
        assert!(next_gateways_page(&bare, &ten).is_some());
        assert_eq!(next_gateways_page(&bare, &response(200, "")), None);
    }
}
