//! [`assert_placements`]: every secret placeholder a request carries sits at a placement its
//! secret input declares, as the host will insist.

use serde_json::Value;

use crate::http::WireRequest;
use crate::{Description, PlacementTarget, SecretPlacement};

const OPEN: &str = "{{secret:";
const CLOSE: &str = "}}";

/// The secret-input names of the placeholders in `text`, in order.
fn placeholders_in(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find(CLOSE) else { break };
        names.push(&after[..end]);
        rest = &after[end + CLOSE.len()..];
    }
    names
}

/// The path of an absolute URL, without query or fragment.
fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..]);
    path.split(['?', '#']).next().unwrap_or_default()
}

/// Whether `template` (`/a/{x}/b`) matches the end of `path`; `{name}` is one non-empty segment.
pub(crate) fn path_matches(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').skip(1).collect();
    let path: Vec<&str> = path.split('/').skip(1).collect();
    if template.len() > path.len() {
        return false;
    }
    let tail = &path[path.len() - template.len()..];
    template.iter().zip(tail).all(|(want, got)| {
        if want.starts_with('{') && want.ends_with('}') {
            !got.is_empty()
        } else {
            want == got
        }
    })
}

/// Whether a JSON pointer pattern (`/tunnels/*/psk`) matches `pointer`.
pub(crate) fn pointer_matches(pattern: &str, pointer: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let pointer: Vec<&str> = pointer.split('/').collect();
    pattern.len() == pointer.len()
        && pattern
            .iter()
            .zip(&pointer)
            .all(|(want, got)| *want == "*" || want == got)
}

/// Every string in `value` with its JSON pointer.
fn strings<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => out.push((pointer, text)),
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
        _ => {}
    }
}

#[expect(
    clippy::panic,
    reason = "a test helper reports an undeclared secret by failing the test"
)]
fn placements<'a>(description: &'a Description, name: &str) -> &'a [SecretPlacement] {
    match description.secret_inputs.iter().find(|s| s.name == name) {
        Some(input) => &input.placements,
        None => panic!(
            "a request carries a placeholder of `{name}`, which is not a declared secret input"
        ),
    }
}

fn matching<'a>(
    description: &'a Description,
    name: &str,
    request: &WireRequest,
) -> Vec<&'a SecretPlacement> {
    let path = url_path(&request.url);
    placements(description, name)
        .iter()
        .filter(|p| p.method == request.method && path_matches(&p.path, path))
        .collect()
}

/// Check that every secret placeholder (`{{secret:NAME}}`) in `sent` sits at a placement the
/// secret input `NAME` declares in `description`: never in a URL; in a header only where a
/// header placement of a matching request names it; in a JSON body only as the whole value of a
/// string at a declared body-field pointer of a matching request (method, and path template
/// matched against the end of the URL path). Returns how many placeholders were checked, and
/// fails when there were none, so a test that stopped sending its secret does not pass unseen.
#[expect(
    clippy::panic,
    reason = "a test helper reports a misplaced secret by failing the test"
)]
pub fn assert_placements(description: &Description, sent: &[WireRequest]) -> usize {
    let mut checked = 0;
    for request in sent {
        let what = format!("{} {}", request.method.as_str(), request.url);
        if let Some(name) = placeholders_in(&request.url).first() {
            panic!("{what}: the placeholder of `{name}` is in the URL");
        }
        for (header, value) in &request.headers {
            for name in placeholders_in(value) {
                let ok = matching(description, name, request).iter().any(|p| {
                    matches!(&p.target, PlacementTarget::Header(h) if h.eq_ignore_ascii_case(header))
                });
                assert!(
                    ok,
                    "{what}: `{name}` in header `{header}` matches no placement"
                );
                checked += 1;
            }
        }
        let Some(body) = &request.body else { continue };
        if placeholders_in(&String::from_utf8_lossy(body)).is_empty() {
            continue;
        }
        let json: Value = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("{what}: a body with a placeholder is not JSON: {e}"));
        let mut found = Vec::new();
        strings(&json, String::new(), &mut found);
        for (pointer, text) in found {
            for name in placeholders_in(text) {
                assert!(
                    text == crate::testing::placeholder(name),
                    "{what}: at `{pointer}` the placeholder of `{name}` is not the whole value"
                );
                let declared = matching(description, name, request);
                let ok = declared.iter().any(|p| {
                    matches!(&p.target, PlacementTarget::BodyField(pattern) if pointer_matches(pattern, &pointer))
                });
                assert!(
                    ok,
                    "{what}: `{name}` at body field `{pointer}` matches no placement; \
                     placements for this request: {declared:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no request carried a secret placeholder");
    checked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Method, describe, testing};

    #[test]
    fn templates_match_the_end_of_the_path() {
        assert!(path_matches("/gw/{id}/tunnels", "/v1/gw/abc/tunnels"));
        assert!(path_matches("/gw/{id}/tunnels", "/gw/abc/tunnels"));
        assert!(!path_matches("/gw/{id}/tunnels", "/gw//tunnels"));
        assert!(!path_matches("/gw/{id}/tunnels", "/gw/abc/peers"));
        assert!(!path_matches("/a/b/c", "/b/c"));
        assert!(path_matches("/c/{x}/", "/1.3/c/u/"));
        assert!(!path_matches("/c/{x}/", "/1.3/c/u"));
        assert_eq!(url_path("http://127.0.0.1:9/v1/x?y=1#z"), "/v1/x");
        assert!(pointer_matches("/t/*/psk", "/t/3/psk"));
        assert!(!pointer_matches("/t/*/psk", "/t/3/x/psk"));
    }

    fn description() -> crate::Description {
        describe::adapter("t", "1", "p", "s").with_secret_input(
            describe::secret_input("psk", "a key")
                .used_by(&["tunnel.create"])
                .with_placement(describe::placement(
                    Method::Post,
                    "/gw/{id}/tunnels",
                    "/tunnels/*/psk",
                ))
                .with_placement(describe::header_placement(Method::Put, "/keys", "X-Key")),
        )
    }

    fn request(method: Method, url: &str, body: Option<&str>) -> WireRequest {
        let mut request = crate::http::Request::new(method, url);
        if let Some(body) = body {
            request = request.json_text(body);
        }
        request.to_wire()
    }

    #[test]
    fn placed_secrets_pass() {
        let body = format!(
            r#"{{"tunnels": [{{"psk": "{}"}}]}}"#,
            testing::placeholder("psk")
        );
        let sent = [
            request(Method::Get, "https://h/v1/gw/g/tunnels", None),
            request(Method::Post, "https://h/v1/gw/g/tunnels", Some(&body)),
            crate::http::Request::put("https://h/keys")
                .header("x-key", format!("Key {}", testing::placeholder("psk")))
                .to_wire(),
        ];
        assert_eq!(assert_placements(&description(), &sent), 2);
    }

    fn refused(sent: WireRequest) -> String {
        let description = description();
        let panic = std::panic::catch_unwind(|| assert_placements(&description, &[sent]))
            .expect_err("the placement check must fail");
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    }

    #[test]
    fn misplaced_secrets_fail() {
        let p = testing::placeholder("psk");
        let url = "https://h/gw/g/tunnels";
        let at = |field: &str, value: &str| format!(r#"{{"tunnels": [{{"{field}": "{value}"}}]}}"#);
        assert!(refused(request(Method::Post, &format!("{url}?k={p}"), None)).contains("URL"));
        assert!(
            refused(request(Method::Post, url, Some(&at("other", &p)))).contains("no placement")
        );
        assert!(refused(request(Method::Put, url, Some(&at("psk", &p)))).contains("no placement"));
        assert!(
            refused(request(
                Method::Post,
                url,
                Some(&at("psk", &format!("x{p}")))
            ))
            .contains("whole")
        );
        let header = crate::http::Request::post(url)
            .header("X-Key", p.clone())
            .to_wire();
        assert!(refused(header).contains("header"));
        let undeclared = at("psk", &testing::placeholder("other"));
        assert!(refused(request(Method::Post, url, Some(&undeclared))).contains("not a declared"));
        assert!(refused(request(Method::Get, url, None)).contains("no request"));
    }
}
