//! `POST /_reflect/{anything}`: an unauthenticated endpoint that answers every string field of
//! its JSON body back in altered forms, the way real APIs quote input upper-cased, truncated or
//! encoded in messages, headers and search results. Host tests use it to prove the broker
//! scrubs each altered form of a secret before the adapter sees it. Unlike the admin endpoints
//! it is recorded, faulted and delayed like a provider request.
//!
//! The response is `{"fields": {"/pointer": {"upper": ..., ...}}}`, one entry per string in the
//! body keyed by its JSON pointer, with the forms of [`REFLECT_FORMS`]. One form of one field (by
//! default `upper` of the first string in document order; `?form=NAME&pointer=/p` choose) also
//! goes into the `x-reflect` header, and with `?fail=1` the answer is instead a `400` with a
//! plain-text body `invalid key '<that form>' (starts with <first 8 characters>...)`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Shared;

/// The names of the altered forms, in the order they appear in each field's entry.
pub const REFLECT_FORMS: [&str; 13] = [
    "upper",
    "lower",
    "first_half",
    "second_half",
    "base64",
    "base64_nopad",
    "base64url",
    "base64url_nopad",
    "hex",
    "hex_upper",
    "percent",
    "reversed",
    "slice8",
];

/// Response header carrying one chosen form.
const HEADER: HeaderName = HeaderName::from_static("x-reflect");

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_reflect", post(reflect))
        .route("/_reflect/{*rest}", post(reflect))
}

#[derive(Deserialize)]
struct ReflectQuery {
    /// `1` or `true`: answer 400 with a message quoting the chosen form.
    #[serde(default)]
    fail: Option<String>,
    /// The form for the header and the message (default `upper`).
    #[serde(default)]
    form: Option<String>,
    /// The JSON pointer of the field for the header and the message (default: the first).
    #[serde(default)]
    pointer: Option<String>,
}

/// Every altered form the endpoint answers for `value`, named as in [`REFLECT_FORMS`], so a test
/// can look for each of them where they must not be.
pub fn reflected_forms(value: &str) -> Vec<(&'static str, String)> {
    forms(value).to_vec()
}

/// Each altered form of `value`, named as in [`REFLECT_FORMS`]. Halves and the slice count characters,
/// not bytes; `slice8` is the middle eight characters (all of a shorter value).
fn forms(value: &str) -> [(&'static str, String); 13] {
    let chars: Vec<char> = value.chars().collect();
    let half = chars.len() / 2;
    let start = chars.len().saturating_sub(8) / 2;
    let end = (start + 8).min(chars.len());
    let collect = |part: &[char]| part.iter().collect::<String>();
    [
        ("upper", value.to_uppercase()),
        ("lower", value.to_lowercase()),
        ("first_half", collect(&chars[..half])),
        ("second_half", collect(&chars[half..])),
        ("base64", STANDARD.encode(value)),
        ("base64_nopad", STANDARD_NO_PAD.encode(value)),
        ("base64url", URL_SAFE.encode(value)),
        ("base64url_nopad", URL_SAFE_NO_PAD.encode(value)),
        ("hex", hex::encode(value)),
        ("hex_upper", hex::encode_upper(value)),
        ("percent", percent_encode(value)),
        ("reversed", chars.iter().rev().collect()),
        ("slice8", collect(&chars[start..end])),
    ]
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every string in `value` with its JSON pointer, in document order.
fn strings<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(s) => out.push((pointer, s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                strings(item, format!("{pointer}/{key}"), out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn plain(status: StatusCode, message: String) -> Response {
    (
        status,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn reflect(Query(query): Query<ReflectQuery>, body: Bytes) -> Response {
    let value: Value = if body.is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(err) => return plain(StatusCode::BAD_REQUEST, format!("body is not JSON: {err}")),
        }
    };
    let form = query.form.as_deref().unwrap_or("upper");
    if !REFLECT_FORMS.contains(&form) {
        let known = REFLECT_FORMS.join(", ");
        return plain(
            StatusCode::BAD_REQUEST,
            format!("unknown form {form:?} (known: {known})"),
        );
    }
    let mut found = Vec::new();
    strings(&value, String::new(), &mut found);
    let mut fields = Map::new();
    for (pointer, s) in &found {
        let entry: Map<String, Value> = forms(s)
            .into_iter()
            .map(|(name, altered)| (name.to_owned(), Value::String(altered)))
            .collect();
        fields.insert(pointer.clone(), Value::Object(entry));
    }
    let chosen = match query.pointer.as_deref() {
        Some(wanted) => match found.iter().find(|(p, _)| p == wanted) {
            Some((_, s)) => Some(*s),
            None => {
                let message = format!("no string field at pointer {wanted:?}");
                return plain(StatusCode::BAD_REQUEST, message);
            }
        },
        None => found.first().map(|(_, s)| *s),
    };
    let altered = chosen.and_then(|s| forms(s).into_iter().find(|(n, _)| *n == form));
    let fail = matches!(query.fail.as_deref(), Some("1" | "true"));
    let mut response = match (fail, chosen, &altered) {
        (true, Some(value), Some((_, altered))) => {
            let start: String = value.chars().take(8).collect();
            let message = format!("invalid key '{altered}' (starts with {start}...)");
            plain(StatusCode::BAD_REQUEST, message)
        }
        (true, _, _) => plain(
            StatusCode::BAD_REQUEST,
            "invalid request (no string field to reflect)".to_owned(),
        ),
        (false, _, _) => {
            let body = serde_json::json!({ "fields": fields });
            (StatusCode::OK, axum::Json(body)).into_response()
        }
    };
    // Non-ASCII goes out as raw UTF-8 bytes; a value with control characters cannot be a
    // header at all, and is then only in the body.
    if let Some(header) = altered.and_then(|(_, a)| HeaderValue::from_str(&a).ok()) {
        response.headers_mut().insert(HEADER, header);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_short_value() {
        let all: Vec<(&str, String)> = forms("AbC/dé+").into_iter().collect();
        let get = |name: &str| {
            all.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .expect(name)
        };
        assert_eq!(get("upper"), "ABC/DÉ+");
        assert_eq!(get("lower"), "abc/dé+");
        assert_eq!((get("first_half"), get("second_half")), ("AbC", "/dé+"));
        assert_eq!(get("base64"), "QWJDL2TDqSs=");
        assert_eq!(get("base64url_nopad"), "QWJDL2TDqSs");
        assert_eq!(get("hex"), "4162432f64c3a92b");
        assert_eq!(get("percent"), "AbC%2Fd%C3%A9%2B");
        assert_eq!(get("reversed"), "+éd/CbA");
        assert_eq!(get("slice8"), "AbC/dé+", "shorter than 8: all of it");
        let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, REFLECT_FORMS);
    }

    #[test]
    fn slice8_is_the_middle_of_a_long_value() {
        let slice = forms("0123456789abcdef")
            .into_iter()
            .find(|(n, _)| *n == "slice8");
        assert_eq!(slice.map(|(_, v)| v), Some("456789ab".to_owned()));
    }

    #[test]
    fn pointers_escape_and_follow_document_order() {
        let value = serde_json::json!({"a/b": "x", "list": [1, "y", {"m~n": "z"}], "n": null});
        let mut found = Vec::new();
        strings(&value, String::new(), &mut found);
        let expected = vec![
            ("/a~1b".to_owned(), "x"),
            ("/list/1".to_owned(), "y"),
            ("/list/2/m~0n".to_owned(), "z"),
        ];
        assert_eq!(found, expected);
        for (pointer, s) in found {
            assert_eq!(value.pointer(&pointer).and_then(Value::as_str), Some(s));
        }
    }
}
