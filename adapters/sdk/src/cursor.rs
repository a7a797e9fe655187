//! Opaque page cursors.
//!
//! A cursor is whatever state the adapter needs to fetch the next page (an offset, a page token,
//! which collection it is walking), serialised as compact JSON and then base64url-encoded without
//! padding. The host and the user only pass it back; a cursor that does not decode is answered
//! with `invalid-input` naming `cursor`.
//!
//! ```
//! use portico_adapter_sdk::cursor;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! struct Position { kind: String, offset: u32 }
//!
//! let at = Position { kind: "wireguard".into(), offset: 100 };
//! let text = cursor::encode(&at).unwrap();
//! assert_eq!(cursor::decode::<Position>(&text).unwrap(), at);
//! assert!(cursor::decode::<Position>("not a cursor!").is_err());
//! ```

use serde::{Serialize, de::DeserializeOwned};

use crate::{Result, error};

const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STANDARD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Serialise `state` into an opaque cursor.
pub fn encode<T: Serialize + ?Sized>(state: &T) -> Result<String> {
    let json = serde_json::to_vec(state)
        .map_err(|e| error::provider(format!("cannot encode cursor: {e}")))?;
    Ok(base64url_encode(&json))
}

/// Decode a cursor made by [`encode`]. Anything else is `invalid-input` naming `cursor`.
pub fn decode<T: DeserializeOwned>(cursor: &str) -> Result<T> {
    let bytes = base64url_decode(cursor.trim()).ok_or_else(malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| malformed())
}

/// Where an offset-paged listing continues.
#[derive(serde::Serialize, serde::Deserialize)]
struct OffsetCursor {
    offset: usize,
}

/// One page of `items` (a collection the provider returns whole) from the offset `cursor`
/// carries: at most `limit` of them (all when `None`), and the cursor of the rest when there
/// is more.
///
/// ```
/// use portico_adapter_sdk::cursor::slice;
/// let (page, next) = slice(vec![1, 2, 3], Some(2), None).unwrap();
/// assert_eq!(page, [1, 2]);
/// let (page, next) = slice(vec![1, 2, 3], Some(2), next.as_deref()).unwrap();
/// assert_eq!((page, next), (vec![3], None));
/// ```
pub fn slice<T>(
    items: Vec<T>,
    limit: Option<usize>,
    cursor: Option<&str>,
) -> Result<(Vec<T>, Option<String>)> {
    let offset = match cursor.filter(|c| !c.trim().is_empty()) {
        Some(text) => decode::<OffsetCursor>(text)?.offset,
        None => 0,
    };
    let total = items.len();
    let end = offset
        .saturating_add(limit.map_or(usize::MAX, |l| l.max(1)))
        .min(total);
    let page: Vec<T> = items
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    let next = (end < total)
        .then(|| encode(&OffsetCursor { offset: end }))
        .transpose()?;
    Ok((page, next))
}

/// Most pages an offset-paged listing without a total names in `ahead`.
pub const AHEAD_WINDOW: u64 = 7;

/// Fewest pages an offset-paged listing without a total names in `ahead`.
pub const AHEAD_START: u64 = 3;

/// Most pages a listing with a known total names in `ahead` at once.
pub const AHEAD_KNOWN: u64 = 64;

/// The `ahead` cursors of an offset- or page-number-paged listing whose next page starts at
/// position `next` (an offset, or a page number with `step` 1), each page `step` positions
/// after the one before: every page up to `total` when the provider told it (at most
/// [`AHEAD_KNOWN`]); without a total, a window of twice as many pages as were listed before
/// `next`, at least [`AHEAD_START`] and at most [`AHEAD_WINDOW`] (a page past the end only comes
/// back empty, so a short listing asks for a few pages too many, a long one little more). `cursor` makes
/// the cursor of a position. The host fetches `next` and these at once; a cursor provider
/// names none.
///
/// ```
/// use portico_adapter_sdk::cursor::ahead;
/// // Offsets, pages of 10, the first page listed, total unknown: three pages ahead of offset 10.
/// assert_eq!(ahead(10, 10, None, |o| Ok(o.to_string())).unwrap(), ["20", "30", "40"]);
/// // Five pages listed: ten would be twice that, seven is the most.
/// assert_eq!(ahead(50, 10, None, |o| Ok(o.to_string())).unwrap().len(), 7);
/// // Page numbers (step 1) with a total of 5 pages: every one after page 1.
/// assert_eq!(ahead(1, 1, Some(5), |p| Ok(p.to_string())).unwrap(), ["2", "3", "4"]);
/// ```
pub fn ahead(
    next: u64,
    step: u64,
    total: Option<u64>,
    cursor: impl Fn(u64) -> Result<String>,
) -> Result<Vec<String>> {
    if step == 0 {
        return Ok(Vec::new());
    }
    let pages = match total {
        Some(total) => total
            .saturating_sub(next)
            .div_ceil(step)
            .saturating_sub(1)
            .min(AHEAD_KNOWN),
        None => (next / step)
            .saturating_mul(2)
            .clamp(AHEAD_START, AHEAD_WINDOW),
    };
    (1..=pages)
        .map(|k| cursor(next.saturating_add(k.saturating_mul(step))))
        .collect()
}

fn malformed() -> crate::Error {
    error::invalid_input_field(
        "cursor",
        "malformed `cursor`: pass back the `next` value of the previous page",
    )
}

/// Base64url (RFC 4648 §5) without padding.
///
/// ```
/// assert_eq!(portico_adapter_sdk::cursor::base64url_encode(b"\xfb\xff"), "-_8");
/// ```
pub fn base64url_encode(bytes: &[u8]) -> String {
    encode_with(bytes, URL_ALPHABET, false)
}

/// Standard Base64 (RFC 4648 §4) with padding, as signature headers carry it.
///
/// ```
/// assert_eq!(portico_adapter_sdk::cursor::base64_encode(b"\xfb\xff"), "+/8=");
/// ```
pub fn base64_encode(bytes: &[u8]) -> String {
    encode_with(bytes, STANDARD_ALPHABET, true)
}

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for sextet in sextets.iter().take(chunk.len() + 1) {
            out.push(char::from(alphabet[*sextet as usize]));
        }
        if pad {
            out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
        }
    }
    out
}

/// Decode base64url text without padding (trailing `=` are tolerated); `None` when it is not
/// valid base64url.
///
/// ```
/// use portico_adapter_sdk::cursor::base64url_decode;
/// assert_eq!(base64url_decode("-_8").as_deref(), Some(&b"\xfb\xff"[..]));
/// assert_eq!(base64url_decode("a"), None);
/// ```
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // Leftover bits must be zero, or the text is not what an encoder would produce.
    if acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn base64url_matches_rfc_vectors() {
        let vectors: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (raw, text) in vectors {
            assert_eq!(base64url_encode(raw), text);
            assert_eq!(base64_encode(raw).trim_end_matches('='), text);
            assert_eq!(base64_encode(raw).len() % 4, 0);
            assert_eq!(base64url_decode(text).unwrap(), raw);
        }
    }

    #[test]
    fn base64url_roundtrips_all_bytes() {
        let raw: Vec<u8> = (0..=255).collect();
        for len in 0..raw.len() {
            assert_eq!(
                base64url_decode(&base64url_encode(&raw[..len])).unwrap(),
                &raw[..len]
            );
        }
    }

    #[test]
    fn base64url_rejects_garbage() {
        assert_eq!(base64url_decode("ab+c"), None);
        assert_eq!(base64url_decode("abcde"), None);
        assert_eq!(base64url_decode("Zh"), None);
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct State {
        kind: String,
        offset: u32,
    }

    #[test]
    fn cursor_roundtrips() {
        let state = State {
            kind: "ipsec".into(),
            offset: 3,
        };
        let text = encode(&state).unwrap();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode::<State>(&text).unwrap(), state);
    }

    #[test]
    fn malformed_cursor_is_invalid_input_naming_cursor() {
        for bad in ["%%%", "Zm9v", &base64url_encode(br#"{"kind":1}"#)] {
            let err = decode::<State>(bad).unwrap_err();
            assert!(matches!(err, crate::Error::InvalidInput(_)), "{bad}");
            assert!(err.message().contains("cursor"));
        }
    }
}
