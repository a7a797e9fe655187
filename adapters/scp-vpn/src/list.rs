//! Noun lists: SCP's zero-based `page`/`size` paging behind the contract's opaque cursor.

use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Query, Result, cursor};
use serde::{Deserialize, Serialize};

use crate::api::{self, CATALOGUE};

/// Where a noun listing continues.
#[derive(Serialize, Deserialize)]
struct PageCursor {
    page: u64,
}

/// One page of collection operation `op`: the items under `key`, the `next` cursor and the
/// cursors of every page after it (`count` is SCP's total, so all of them can be named).
/// `fixed` are query parameters the noun adds (a parent gateway); `query.filters` go to SCP as
/// they are (the SDK has refused keys the noun does not declare).
pub fn page(
    op: &str,
    key: &str,
    fixed: &[(&str, &str)],
    query: &Query,
) -> Result<(Vec<Value>, Option<String>, Vec<String>)> {
    let page = match query
        .page
        .cursor
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        Some(text) => cursor::decode::<PageCursor>(text)?.page,
        None => 0,
    };
    let page_text = page.to_string();
    let size = api::page_size(query.page.limit).to_string();
    let mut params: Vec<(&str, &str)> = vec![("page", &page_text), ("size", &size)];
    params.extend_from_slice(fixed);
    params.extend(query.filters.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let doc = CATALOGUE.call(op, &params)?;
    let items = doc
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let at = |page: u64| cursor::encode(&PageCursor { page });
    let Some((next, size)) = api::next_page(&doc).filter(|(next, _)| *next > page) else {
        return Ok((items, None, Vec::new()));
    };
    let count = doc.get("count").and_then(Value::as_u64).unwrap_or(0);
    let ahead = cursor::ahead(next, 1, Some(count.div_ceil(size)), at)?;
    Ok((items, Some(at(next)?), ahead))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::serde_json::json;
    use portico_adapter_sdk::{Page, testing};

    fn query(limit: Option<u32>, cursor: Option<String>) -> Query {
        Query {
            parent_id: None,
            kind: None,
            filters: vec![("name".into(), "a b".into())],
            page: Page { limit, cursor },
        }
    }

    #[test]
    fn pages_follow_count_and_carry_filters() {
        testing::reset();
        testing::set_config("endpoint", "http://127.0.0.1:9");
        testing::set_identity("scp", "access-key", "AK");
        let _host = testing::mock_http(|request| {
            let page = if request.url.contains("page=1") { 1 } else { 0 };
            Ok(testing::json_response(
                200,
                &json!({"count": 7, "page": page, "size": 2, "items": [{"id": page}]}),
            ))
        });
        let (items, next, ahead) =
            page("listVpnGateways", "items", &[], &query(Some(2), None)).unwrap();
        assert_eq!(items, [json!({"id": 0})]);
        // `count` 7 in pages of 2: pages 1, 2 and 3 follow; the ones after `next` are named.
        let pages: Vec<u64> = ahead
            .iter()
            .map(|c| cursor::decode::<PageCursor>(c).unwrap().page)
            .collect();
        assert_eq!(pages, [2, 3]);
        let (_, after, ahead) =
            page("listVpnGateways", "items", &[], &query(Some(2), next)).unwrap();
        assert!(after.is_some() && ahead.len() == 1, "{ahead:?}");
        let urls: Vec<String> = testing::sent().into_iter().map(|r| r.url).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1:9/v1/vpn-gateways?page=0&size=2&name=a%20b",
                "http://127.0.0.1:9/v1/vpn-gateways?page=1&size=2&name=a%20b",
            ]
        );
        // A filter the noun does not declare is refused by the SDK before anything is sent.
        let mut bad = query(None, None);
        bad.filters = vec![("colour".into(), "red".into())];
        let err = crate::gateways::GATEWAYS.list(bad).unwrap_err();
        assert!(err.message().contains("`colour`"));
        assert_eq!(err.field(), Some("filters.colour"));
        testing::reset();
    }
}
