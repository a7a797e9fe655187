//! The IONOS VPN Gateway API as this adapter sees it: where it lives, how it pages, how it fails,
//! and the two gateway kinds with their collections.

use portico_adapter_sdk::http::{Api, Request, Response};
use portico_adapter_sdk::noun::KindSet;
use portico_adapter_sdk::serde_json::{Map, Value};
use portico_adapter_sdk::{Error, Page, Result, config, cursor, error, json, url};
use serde::{Deserialize, Serialize};

use crate::catalog::CATALOGUE;

/// The credential every request names.
pub const CREDENTIAL: &str = "ionos";

/// The locations with a regional VPN endpoint `https://vpn.<location>.ionos.com`.
pub const LOCATIONS: [&str; 9] = [
    "de-fra", "de-txl", "es-vit", "gb-bhx", "gb-lhr", "us-ewr", "us-las", "us-mci", "fr-par",
];

/// The location used when the profile sets none.
pub const DEFAULT_LOCATION: &str = "de-fra";

/// Page size when the caller asks for none, and the largest the API accepts.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// The API client for the active profile.
pub fn api() -> Result<Api> {
    let endpoint = config::get("endpoint");
    let region = config::get("region");
    Ok(Api::new(base_url(endpoint.as_deref(), region.as_deref())?)
        .with_credential(CREDENTIAL)
        .with_error_mapper(map_error))
}

/// The base URL: the `endpoint` setting when set (an emulator, a proxy), else the regional host.
pub fn base_url(endpoint: Option<&str>, region: Option<&str>) -> Result<String> {
    if let Some(endpoint) = json::non_blank(endpoint) {
        let endpoint = endpoint.trim().trim_end_matches('/');
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(error::invalid_input(format!(
                "setting `endpoint` must be an http(s) URL, got `{endpoint}`"
            )));
        }
        return Ok(endpoint.to_owned());
    }
    let region = json::non_blank(region).map_or(DEFAULT_LOCATION, str::trim);
    if !LOCATIONS.contains(&region) {
        return Err(error::invalid_input(format!(
            "setting `region` must be one of {}, got `{region}`",
            LOCATIONS.join(", ")
        )));
    }
    Ok(format!("https://vpn.{region}.ionos.com"))
}

/// Read an IONOS error body, `{"httpStatus": N, "messages": [{"errorCode", "message"}]}`:
/// the messages joined with `; `, the first error code, the response's HTTP status. Bodies of
/// another shape fall back to their text.
pub fn map_error(response: &Response) -> Error {
    let (message, code) = match response.json() {
        Ok(body) => parse_error_body(&body).unwrap_or_else(|| (response.text_excerpt(), None)),
        Err(_) => (response.text_excerpt(), None),
    };
    error::from_status(response.status, message, code, response.retry_after())
}

fn parse_error_body(body: &Value) -> Option<(String, Option<String>)> {
    let messages = body.get("messages")?.as_array()?;
    let texts: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.get("message").and_then(Value::as_str))
        .filter(|m| !m.trim().is_empty())
        .collect();
    let code = messages
        .iter()
        .filter_map(|m| m.get("errorCode").and_then(Value::as_str))
        .find(|c| !c.is_empty())
        .map(str::to_owned);
    if texts.is_empty() && code.is_none() {
        return None;
    }
    Some((texts.join("; "), code))
}

/// The query pairs of a collection's `_links.next` link: the next page of a paginated operation.
pub fn next_page(_request: &Request, response: &Response) -> Option<Vec<(String, String)>> {
    let body = response.json().ok()?;
    let next = body.pointer("/_links/next")?.as_str()?;
    let pairs = url::query_pairs(next);
    (!pairs.is_empty()).then_some(pairs)
}

/// The offset of the next page of a collection, when `_links.next` says there is one. A link
/// without an offset continues after the items received.
pub fn next_offset(collection: &Value, offset: u32) -> Option<u32> {
    let next = collection.pointer("/_links/next")?.as_str()?;
    let received = u32::try_from(items(collection).len()).unwrap_or(u32::MAX);
    let next_offset = url::query_pairs(next)
        .into_iter()
        .find(|(k, _)| k == "offset")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .unwrap_or_else(|| offset.saturating_add(received));
    // A link that does not move forward would page forever.
    (next_offset > offset).then_some(next_offset)
}

/// The items of a collection document.
pub fn items(collection: &Value) -> &[Value] {
    collection
        .get("items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The page size for a request: the caller's limit within 1..=1000, 100 by default.
pub fn page_limit(page: &Page) -> u32 {
    page.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// A created or replaced resource must come back as a document with an id.
pub fn expect_resource(doc: Value, what: &str) -> Result<Value> {
    if doc.get("id").and_then(Value::as_str).is_some() {
        Ok(doc)
    } else {
        Err(error::provider(format!(
            "IONOS answered the {what} request without the resource document"
        )))
    }
}

/// Fetch one page of a collection operation at `offset`.
pub fn fetch_page(op: &str, params: &[(&str, &str)], offset: u32, limit: u32) -> Result<Value> {
    let offset = offset.to_string();
    let limit = limit.to_string();
    let mut all = params.to_vec();
    all.extend([("offset", offset.as_str()), ("limit", limit.as_str())]);
    CATALOGUE.call(op, &all)
}

/// Where a single-collection listing continues.
#[derive(Serialize, Deserialize)]
struct OffsetCursor {
    offset: u32,
}

/// One page of a single collection (peers, tunnels): its item documents, the `next` cursor and
/// the cursors `ahead` of it (IONOS gives no total: a window of offsets after `next`).
pub fn list_page(
    op: &str,
    params: &[(&str, &str)],
    page: &Page,
) -> Result<(Vec<Value>, Option<String>, Vec<String>)> {
    let offset = match page.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(text) => cursor::decode::<OffsetCursor>(text)?.offset,
        None => 0,
    };
    let limit = page_limit(page);
    let doc = fetch_page(op, params, offset, limit)?;
    let at = |offset: u64| {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        cursor::encode(&OffsetCursor { offset })
    };
    let next_at = next_offset(&doc, offset);
    let next = next_at.map(|o| at(o.into())).transpose()?;
    let ahead = match next_at {
        Some(o) => cursor::ahead(o.into(), limit.into(), None, at)?,
        None => Vec::new(),
    };
    Ok((items(&doc).to_vec(), next, ahead))
}

/// The `properties` object of a resource document (empty when absent).
pub fn properties(doc: &Value) -> Map<String, Value> {
    doc.get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The id of a fetched document, or `fallback` when it has none.
pub fn id_of(doc: &Value, fallback: &str) -> String {
    json::str_at(doc, "/id").unwrap_or_else(|| fallback.to_owned())
}

/// The two gateway kinds, each with its own collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayKind {
    /// `/wireguardgateways`.
    Wireguard,
    /// `/ipsecgateways`.
    Ipsec,
}

impl KindSet for GatewayKind {
    const ALL: &'static [GatewayKind] = &[GatewayKind::Wireguard, GatewayKind::Ipsec];

    fn name(self) -> &'static str {
        match self {
            GatewayKind::Wireguard => "wireguard",
            GatewayKind::Ipsec => "ipsec",
        }
    }
}

impl GatewayKind {
    /// Catalogue operation names: (list, create, get, replace, delete).
    pub fn operations(self) -> GatewayOps {
        match self {
            GatewayKind::Wireguard => GatewayOps {
                list: "WireguardgatewaysGet",
                create: "WireguardgatewaysPost",
                get: "WireguardgatewaysFindById",
                put: "WireguardgatewaysPut",
                delete: "WireguardgatewaysDelete",
            },
            GatewayKind::Ipsec => GatewayOps {
                list: "IpsecgatewaysGet",
                create: "IpsecgatewaysPost",
                get: "IpsecgatewaysFindById",
                put: "IpsecgatewaysPut",
                delete: "IpsecgatewaysDelete",
            },
        }
    }
}

/// The catalogue operations of one gateway collection.
pub struct GatewayOps {
    /// Collection GET.
    pub list: &'static str,
    /// POST.
    pub create: &'static str,
    /// Item GET.
    pub get: &'static str,
    /// Item PUT.
    pub put: &'static str,
    /// Item DELETE.
    pub delete: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;
    use portico_adapter_sdk::testing;

    #[test]
    fn base_url_prefers_endpoint_and_validates_region() {
        assert_eq!(
            base_url(None, None).unwrap(),
            "https://vpn.de-fra.ionos.com"
        );
        assert_eq!(
            base_url(None, Some("fr-par")).unwrap(),
            "https://vpn.fr-par.ionos.com"
        );
        assert_eq!(
            base_url(Some("http://127.0.0.1:8080//"), Some("nowhere")).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base_url(Some(" "), Some("us-las")).unwrap(),
            "https://vpn.us-las.ionos.com"
        );
        let err = base_url(None, Some("de/fra")).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
        assert!(err.message().contains("`region`"));
        let err = base_url(Some("ftp://x"), None).unwrap_err();
        assert!(err.message().contains("`endpoint`"));
    }

    #[test]
    fn api_reads_the_profile() {
        testing::reset();
        testing::set_config("region", "gb-lhr");
        assert_eq!(api().unwrap().base_url(), "https://vpn.gb-lhr.ionos.com");
        testing::set_config("endpoint", "http://127.0.0.1:9/");
        assert_eq!(api().unwrap().base_url(), "http://127.0.0.1:9");
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
            attempts: 1,
        }
    }

    #[test]
    fn error_body_becomes_problem() {
        let body = r#"{"httpStatus": 422, "messages": [
            {"errorCode": "paas-validation-1", "message": "name is required"},
            {"errorCode": "paas-validation-2", "message": "gatewayIP is invalid"}]}"#;
        let err = map_error(&response(422, body, &[]));
        let Error::InvalidInput(problem) = err else {
            panic!("expected invalid-input, got {err:?}");
        };
        assert_eq!(problem.message, "name is required; gatewayIP is invalid");
        assert_eq!(problem.code.as_deref(), Some("paas-validation-1"));
        assert_eq!(problem.status, Some(422));
    }

    #[test]
    fn error_statuses_and_retry_after() {
        let body = r#"{"httpStatus": 429, "messages": [{"errorCode": "rl", "message": "slow"}]}"#;
        let Error::RateLimited(limit) = map_error(&response(429, body, &[("retry-after", "5")]))
        else {
            panic!("expected rate-limited");
        };
        assert_eq!(limit.retry_after_secs, Some(5));
        assert_eq!(limit.problem.code.as_deref(), Some("rl"));
        assert!(map_error(&response(404, "{}", &[])).is_not_found());
        assert!(matches!(
            map_error(&response(401, "", &[])),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            map_error(&response(403, "", &[])),
            Error::Forbidden(_)
        ));
        assert!(matches!(
            map_error(&response(409, "", &[])),
            Error::Conflict(_)
        ));
    }

    #[test]
    fn non_json_error_bodies_are_kept_as_text() {
        let err = map_error(&response(502, "<html>Bad Gateway</html>\n", &[]));
        assert!(matches!(err, Error::Provider(_)));
        assert_eq!(err.message(), "<html>Bad Gateway</html>");
        assert_eq!(err.problem().and_then(|p| p.status), Some(502));
        assert_eq!(map_error(&response(500, "", &[])).message(), "HTTP 500");
        let odd = map_error(&response(400, r#"{"messages": "x"}"#, &[]));
        assert_eq!(odd.message(), r#"{"messages": "x"}"#);
    }

    #[test]
    fn paging_follows_next_link() {
        let doc = json!({"items": [{}, {}], "_links": {"next": "https://vpn.de-fra.ionos.com/wireguardgateways?offset=2&limit=2"}});
        assert_eq!(next_offset(&doc, 0), Some(2));
        let no_offset = json!({"items": [{}, {}, {}], "_links": {"next": "/x?limit=3"}});
        assert_eq!(next_offset(&no_offset, 6), Some(9));
        let stuck = json!({"items": [], "_links": {"next": "/x?offset=4"}});
        assert_eq!(next_offset(&stuck, 4), None);
        assert_eq!(next_offset(&json!({"items": []}), 0), None);
        let page = response(200, &doc.to_string(), &[]);
        let request = Request::get("https://vpn.de-fra.ionos.com/wireguardgateways");
        assert_eq!(
            next_page(&request, &page).unwrap(),
            [
                ("offset".to_string(), "2".to_string()),
                ("limit".into(), "2".into())
            ]
        );
    }

    #[test]
    fn limits_are_clamped() {
        let page = |limit| Page {
            limit,
            cursor: None,
        };
        assert_eq!(page_limit(&page(None)), 100);
        assert_eq!(page_limit(&page(Some(0))), 1);
        assert_eq!(page_limit(&page(Some(5000))), 1000);
        assert_eq!(page_limit(&page(Some(7))), 7);
    }

    #[test]
    fn kinds_parse_and_select() {
        assert_eq!(GatewayKind::selected(None).unwrap(), GatewayKind::ALL);
        assert_eq!(GatewayKind::parse("ipsec").unwrap().name(), "ipsec");
        assert_eq!(
            GatewayKind::selected(Some("ipsec")).unwrap(),
            [GatewayKind::Ipsec]
        );
        let err = GatewayKind::selected(Some("openvpn")).unwrap_err();
        assert!(err.message().contains("`kind`"));
    }
}
