//! URL building: percent-encoding, path templates and query strings.
//!
//! Values that come from users (ids, names, filters) go into URLs only through these functions, so
//! a `/`, `?` or `#` in an id can never change which resource a request addresses.

use crate::{Result, error};

/// Percent-encode `value` for use as one path segment or one query key or value: every byte
/// except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`.
///
/// ```
/// use portico_adapter_sdk::url::encode;
/// assert_eq!(encode("a b/c?d"), "a%20b%2Fc%3Fd");
/// assert_eq!(encode("Ünï"), "%C3%9Cn%C3%AF");
/// ```
pub fn encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Decode `%XX` escapes (and `+` as a space, as query strings use it). Invalid escapes are kept
/// as they are; invalid UTF-8 is replaced.
///
/// ```
/// assert_eq!(portico_adapter_sdk::url::decode("a%20b+c%zz"), "a b c%zz");
/// ```
pub fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| core::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Fill a path template such as `/gateways/{gatewayId}/peers/{peerId}`: each `{name}` is replaced
/// by the percent-encoded value `lookup(name)` returns. A name without a value, or with an empty
/// one (which would address the parent collection instead), is an `invalid-input` error naming
/// every such parameter; an unclosed `{` is kept literally.
///
/// ```
/// use portico_adapter_sdk::url::fill_path;
/// let path = fill_path("/gw/{gatewayId}", |name| (name == "gatewayId").then_some("a/b")).unwrap();
/// assert_eq!(path, "/gw/a%2Fb");
/// assert!(fill_path("/gw/{gatewayId}", |_| None).is_err());
/// ```
pub fn fill_path<'a>(template: &str, lookup: impl Fn(&str) -> Option<&'a str>) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..start + len];
        match lookup(name) {
            Some(value) if !value.is_empty() => out.push_str(&encode(value)),
            _ => missing.push(format!("`{name}`")),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(error::invalid_input(format!(
            "missing path parameter {}",
            missing.join(", ")
        )))
    }
}

/// The names of the `{name}` segments of a path template, in order.
///
/// ```
/// let names = portico_adapter_sdk::url::template_names("/a/{x}/b/{y}");
/// assert_eq!(names, ["x", "y"]);
/// ```
pub fn template_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        names.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    names
}

/// Encode pairs as a query string (without the leading `?`), keys and values percent-encoded.
///
/// ```
/// let q = portico_adapter_sdk::url::query_string(&[("limit", "10"), ("name", "a&b")]);
/// assert_eq!(q, "limit=10&name=a%26b");
/// ```
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Append a query string to a URL, with `?` or `&` as needed. Empty pairs leave the URL as is.
pub fn with_query<K: AsRef<str>, V: AsRef<str>>(url: &str, pairs: &[(K, V)]) -> String {
    if pairs.is_empty() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{}", query_string(pairs))
}

/// The decoded query pairs of a URL or path (everything after the first `?`, up to any `#`).
/// Useful to turn a provider's `next` link into the parameters of the next request.
///
/// ```
/// let pairs = portico_adapter_sdk::url::query_pairs("https://h/x?offset=100&limit=100");
/// assert_eq!(pairs, [("offset".to_string(), "100".to_string()), ("limit".into(), "100".into())]);
/// ```
pub fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(part), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_keeps_unreserved_only() {
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode("a+b=c&d#e%f"), "a%2Bb%3Dc%26d%23e%25f");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn decode_roundtrips_encode() {
        for s in ["a b/c", "ü+%", "x=y&z", ""] {
            assert_eq!(decode(&encode(s)), s);
        }
    }

    #[test]
    fn fill_path_replaces_every_parameter() {
        let values = [("gatewayId", "g 1"), ("peerId", "p/2")];
        let lookup = |name: &str| values.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        assert_eq!(
            fill_path("/wg/{gatewayId}/peers/{peerId}", lookup).unwrap(),
            "/wg/g%201/peers/p%2F2"
        );
        assert_eq!(fill_path("/plain", lookup).unwrap(), "/plain");
    }

    #[test]
    fn fill_path_names_all_missing_parameters() {
        let err = fill_path("/a/{x}/b/{y}", |_| None).unwrap_err();
        assert!(matches!(err, crate::Error::InvalidInput(_)));
        assert!(err.message().contains("`x`"));
        assert!(err.message().contains("`y`"));
        let err = fill_path("/a/{x}", |_| Some("")).unwrap_err();
        assert!(err.message().contains("`x`"));
    }

    #[test]
    fn fill_path_keeps_unclosed_brace() {
        assert_eq!(fill_path("/a/{x", |_| None).unwrap(), "/a/{x");
    }

    #[test]
    fn with_query_picks_separator() {
        assert_eq!(with_query("/a", &[("k", "v")]), "/a?k=v");
        assert_eq!(with_query("/a?x=1", &[("k", "v v")]), "/a?x=1&k=v%20v");
        assert_eq!(with_query::<&str, &str>("/a", &[]), "/a");
    }

    #[test]
    fn query_pairs_ignore_fragment_and_decode() {
        assert_eq!(
            query_pairs("/x?a=1&b=two%20words&flag#frag"),
            [
                ("a".to_string(), "1".to_string()),
                ("b".into(), "two words".into()),
                ("flag".into(), String::new())
            ]
        );
        assert!(query_pairs("/x").is_empty());
    }
}
