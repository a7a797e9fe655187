//! Which request headers a guest may set. Credentials and the transport are the host's: a
//! guest never sets `Authorization`, a provider's credential header, a header one of its own
//! credential schemes fills, or `Host`/`Content-Length` and friends.

/// Headers a guest may never set because they carry credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "cookie2",
    "x-api-key",
    "x-auth-token",
    "scp-signature",
    "x-cmp-signature",
];

/// Header prefixes a guest may never set (provider credential headers). SCP's `Scp-*` headers
/// other than the signature are not secret (access key, timestamp, API version), so only
/// `Scp-Signature` is forbidden; the host sets it through `request.signatures`.
const FORBIDDEN_PREFIXES: &[&str] = &["x-soracom-", "proxy-"];

/// Headers that belong to the transport: neither a guest nor a credential scheme sets them.
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
];

/// Whether `name` (any case) is a transport header.
pub(crate) fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether a guest may set header `name`, given the headers the adapter's own credential
/// schemes fill (`scheme_headers`, lower case).
pub(super) fn guest_may_set(name: &str, scheme_headers: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    !(CREDENTIAL_HEADERS.contains(&lower.as_str())
        || is_transport_header(&lower)
        || FORBIDDEN_PREFIXES.iter().any(|p| lower.starts_with(p))
        || scheme_headers.contains(&lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_transport_and_scheme_headers_are_the_hosts() {
        let scheme = vec!["x-token".to_string()];
        for name in [
            "Authorization",
            "COOKIE",
            "X-Soracom-API-Key",
            "Proxy-Foo",
            "Host",
            "Content-Length",
            "x-TOKEN",
            "Scp-Signature",
        ] {
            assert!(!guest_may_set(name, &scheme), "{name}");
        }
        for name in ["Accept", "Content-Type", "Scp-AccessKey", "X-Request-Id"] {
            assert!(guest_may_set(name, &scheme), "{name}");
        }
    }
}
