//! Scrubbing known secrets out of what a provider answers, before the adapter sees it.
//!
//! Providers reflect input, and not always verbatim: an error message quotes half a value, a
//! name comes back upper-cased, a filter echoes a prefix, a field holds it Base64-encoded. So
//! for every secret the command knows (secret credential fields, secret inputs, session
//! tokens) of at least [`MIN_LEN`] bytes, a response loses:
//! - the exact value and its JSON-escaped form (→ the secret's replacement: a secret input's
//!   placeholder, or `[redacted NAME]`);
//! - its case-insensitive, reversed, Base64 and Base64url (padded or not), hex and
//!   percent-encoded forms (→ `[redacted NAME]`);
//! - any run of [`MIN_LEN`] or more consecutive bytes of the value or of any of those forms,
//!   compared case-insensitively (→ `[redacted NAME]`). A value or form made only of hex
//!   digits needs a run of [`HEX_RUN`]: eight hex digits carry 32 bits, and would match pieces
//!   of ordinary ids (UUIDs) in a response.
//!
//! Only *distinctive* values are scrubbed: at least 16 bytes, or at least [`MIN_LEN`] bytes
//! mixing two kinds of character (lower case, upper case, digits, others). A shorter value or a
//! plain word (`active`, `wrong`, `AVAILABLE`) cannot be told apart from ordinary provider text:
//! rewriting every `active` in a response would corrupt provider data, and hiding a plain word
//! protects little. `credential set` and `--secret` warn about such values; no credential
//! format is refused. SECURITY.md states what remains possible.

use base64::Engine as _;
use std::collections::HashMap;

/// Shortest secret that is scrubbed, and the length of a run that counts as a leak.
pub(crate) const MIN_LEN: usize = 8;

/// The run that counts as a leak of a value made only of hex digits.
pub(crate) const HEX_RUN: usize = 12;

/// Whether `value` can be told apart from ordinary text (see the module documentation).
pub(crate) fn is_distinctive(value: &[u8]) -> bool {
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    value.len() >= 16 || (value.len() >= MIN_LEN && classes.iter().filter(|c| **c).count() >= 2)
}

/// How long a run of `form` must be to count as a leak.
fn run_len(form: &[u8]) -> usize {
    if form.iter().all(u8::is_ascii_hexdigit) {
        HEX_RUN
    } else {
        MIN_LEN
    }
}

/// One secret to scrub.
#[derive(Clone)]
pub(crate) struct Secret {
    /// The value.
    pub value: Vec<u8>,
    /// What replaces the exact value.
    pub exact: String,
    /// What replaces an altered form or a run (`[redacted NAME]`).
    pub altered: String,
}

impl Secret {
    /// A secret replaced by `label` in every form.
    pub(crate) fn named(value: &crate::secret::SecretString, label: String) -> Self {
        Self {
            value: value.expose().as_bytes().to_vec(),
            exact: label.clone(),
            altered: label,
        }
    }
}

/// Scrubs a set of secrets from response bytes.
pub(crate) struct Scrubber {
    /// (form, replacement, case-insensitive), longest first.
    forms: Vec<(Vec<u8>, String, bool)>,
    /// For each run length: every run of that many bytes of a value or an encoded form, folded
    /// to lower case, and the index of its secret's label.
    runs: Vec<(usize, HashMap<Vec<u8>, usize>)>,
    labels: Vec<String>,
}

fn json_escaped(value: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(value);
    let quoted = serde_json::Value::String(text.into_owned()).to_string();
    quoted.as_bytes()[1..quoted.len() - 1].to_vec()
}

fn percent_encoded(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() * 3);
    for &b in value {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

/// The altered forms of `value` that a provider might reflect, with whether they compare
/// case-insensitively.
fn altered_forms(value: &[u8]) -> Vec<(Vec<u8>, bool)> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let mut reversed = value.to_vec();
    reversed.reverse();
    vec![
        (value.to_vec(), true),
        (reversed, true),
        (STANDARD.encode(value).into_bytes(), false),
        (STANDARD_NO_PAD.encode(value).into_bytes(), false),
        (URL_SAFE.encode(value).into_bytes(), false),
        (URL_SAFE_NO_PAD.encode(value).into_bytes(), false),
        (hex::encode(value).into_bytes(), true),
        (percent_encoded(value), true),
    ]
}

fn folded(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

impl Scrubber {
    /// A scrubber for `secrets`; those that are not [distinctive](is_distinctive) are left out.
    pub(crate) fn new(secrets: &[Secret]) -> Self {
        let mut forms = Vec::new();
        let mut runs: Vec<(usize, HashMap<Vec<u8>, usize>)> = Vec::new();
        let mut labels = Vec::new();
        for secret in secrets.iter().filter(|s| is_distinctive(&s.value)) {
            let label = labels.len();
            labels.push(secret.altered.clone());
            forms.push((secret.value.clone(), secret.exact.clone(), false));
            let escaped = json_escaped(&secret.value);
            if escaped != secret.value {
                forms.push((escaped, secret.exact.clone(), false));
            }
            for (form, fold) in altered_forms(&secret.value) {
                {
                    let len = run_len(&form);
                    let at = match runs.iter().position(|(l, _)| *l == len) {
                        Some(at) => at,
                        None => {
                            runs.push((len, HashMap::new()));
                            runs.len() - 1
                        }
                    };
                    for run in form.windows(len) {
                        runs[at].1.entry(folded(run)).or_insert(label);
                    }
                }
                forms.push((form, secret.altered.clone(), fold));
            }
        }
        // Longer forms first, so a value is replaced whole before a shorter form inside it.
        forms.sort_by_key(|(form, _, _)| std::cmp::Reverse(form.len()));
        Self {
            forms,
            runs,
            labels,
        }
    }

    /// Whether there is nothing to scrub.
    pub(crate) fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `bytes` without any form or run of a secret, and how many places were rewritten.
    pub(crate) fn scrub(&self, bytes: &[u8]) -> (Vec<u8>, usize) {
        if self.is_empty() || bytes.len() < MIN_LEN {
            return (bytes.to_vec(), 0);
        }
        let mut out = bytes.to_vec();
        let mut count = 0;
        for (form, replacement, folded) in &self.forms {
            let (next, n) = replace_all(&out, form, replacement.as_bytes(), *folded);
            out = next;
            count += n;
        }
        for (len, runs) in &self.runs {
            let (next, n) = self.scrub_runs(&out, *len, runs);
            out = next;
            count += n;
        }
        (out, count)
    }

    /// Replaces every stretch covered by `len`-byte runs of a secret with its label.
    fn scrub_runs(
        &self,
        bytes: &[u8],
        len: usize,
        runs: &HashMap<Vec<u8>, usize>,
    ) -> (Vec<u8>, usize) {
        if bytes.len() < len {
            return (bytes.to_vec(), 0);
        }
        let lower = folded(bytes);
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        for start in 0..=bytes.len() - len {
            let Some(&label) = runs.get(&lower[start..start + len]) else {
                continue;
            };
            let end = start + len;
            match spans.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => spans.push((start, end, label)),
            }
        }
        if spans.is_empty() {
            return (bytes.to_vec(), 0);
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for &(mut start, mut end, label) in &spans {
            // Never cut a UTF-8 character in two.
            while start > at && (bytes[start] & 0xC0) == 0x80 {
                start -= 1;
            }
            while end < bytes.len() && (bytes[end] & 0xC0) == 0x80 {
                end += 1;
            }
            out.extend_from_slice(&bytes[at..start]);
            out.extend_from_slice(self.labels[label].as_bytes());
            at = end;
        }
        out.extend_from_slice(&bytes[at..]);
        (out, spans.len())
    }
}

/// Replaces every occurrence of `needle` in `haystack` (ASCII case-insensitively when
/// `folded`), and counts them.
pub(crate) fn replace_all(
    haystack: &[u8],
    needle: &[u8],
    replacement: &[u8],
    folded: bool,
) -> (Vec<u8>, usize) {
    if needle.is_empty() || haystack.len() < needle.len() {
        return (haystack.to_vec(), 0);
    }
    let matches = |at: &[u8]| {
        if folded {
            at[..needle.len()].eq_ignore_ascii_case(needle)
        } else {
            at.starts_with(needle)
        }
    };
    let mut out = Vec::with_capacity(haystack.len());
    let mut count = 0;
    let mut i = 0;
    while i < haystack.len() {
        if haystack.len() - i >= needle.len() && matches(&haystack[i..]) {
            out.extend_from_slice(replacement);
            i += needle.len();
            count += 1;
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    const KEY: &str = "Xq7vR2mKp9LwZt4N";

    fn scrubber() -> Scrubber {
        Scrubber::new(&[Secret {
            value: KEY.as_bytes().to_vec(),
            exact: "{{secret:psk}}".into(),
            altered: "[redacted psk]".into(),
        }])
    }

    fn clean(text: &str) -> String {
        String::from_utf8(scrubber().scrub(text.as_bytes()).0).unwrap()
    }

    #[test]
    fn the_exact_value_becomes_the_placeholder() {
        assert_eq!(
            clean(&format!(r#"{{"key":"{KEY}"}}"#)),
            r#"{"key":"{{secret:psk}}"}"#
        );
    }

    #[test]
    fn every_altered_form_is_removed() {
        let reversed: String = KEY.chars().rev().collect();
        let forms = [
            KEY.to_uppercase(),
            KEY.to_lowercase(),
            KEY[..8].to_string(),
            KEY[8..].to_string(),
            STANDARD.encode(KEY),
            URL_SAFE_NO_PAD.encode(KEY),
            hex::encode(KEY),
            hex::encode_upper(KEY),
            reversed,
            KEY[4..12].to_string(),
        ];
        for form in forms {
            let run = if form.bytes().all(|b| b.is_ascii_hexdigit()) {
                HEX_RUN
            } else {
                MIN_LEN
            };
            let out = clean(&format!(
                "invalid key '{form}' (starts with {})",
                &form[..run]
            ));
            assert!(!out.contains(&form), "{form} survived in {out}");
            assert!(
                !out.contains(&form[..run]),
                "a run of {form} survived in {out}"
            );
            assert!(out.contains("[redacted psk]"), "{out}");
        }
    }

    #[test]
    fn plain_words_are_not_distinctive_but_real_credentials_are() {
        for plain in ["active", "wrong", "AVAILABLE", "12345678", "password"] {
            assert!(!is_distinctive(plain.as_bytes()), "{plain}");
        }
        for real in [
            "keyId-4f7b2c",
            "9f86d081884c7d65",
            "correcthorsebatterystaple",
            "ucat_01HZX3",
            "eyJhbGciOi",
        ] {
            assert!(is_distinctive(real.as_bytes()), "{real}");
        }
    }

    #[test]
    fn short_values_and_unrelated_text_are_left_alone() {
        let short = Scrubber::new(&[Secret {
            value: b"active".to_vec(),
            exact: "[redacted t]".into(),
            altered: "[redacted t]".into(),
        }]);
        let body = br#"{"provider_state":"active","message":"missing or wrong bearer token"}"#;
        assert_eq!(short.scrub(body), (body.to_vec(), 0));
        let text = r#"{"id":"2ad32c63-ef5b-4d69-a424-8c1b4b41bd5d","name":"edge"}"#;
        assert_eq!(clean(text), text);
    }

    #[test]
    fn runs_spanning_utf8_stay_valid_text() {
        let s = Scrubber::new(&[Secret {
            value: "päss-wörd-ünïcödé".as_bytes().to_vec(),
            exact: "X".into(),
            altered: "[r]".into(),
        }]);
        let (out, n) = s.scrub("say päss-wörd-ü!".as_bytes());
        assert!(n > 0);
        let out = String::from_utf8(out).expect("valid UTF-8");
        assert!(out.contains("[r]") && !out.contains("wörd"), "{out}");
    }

    #[test]
    fn hex_values_need_longer_runs_than_ids_share() {
        let s = Scrubber::new(&[Secret {
            value: b"9f86d081884c7d659a2feaa0c55ad015".to_vec(),
            exact: "X".into(),
            altered: "[r]".into(),
        }]);
        // Eight hex digits of the key inside an id are a coincidence, not a leak...
        let id = b"{\"id\":\"2ad32c63-884c7d65-a424\"}";
        assert_eq!(s.scrub(id).1, 0);
        // ...twelve are not.
        let (out, n) = s.scrub(b"echo 81884c7d659a2f");
        assert_eq!((n, out), (1, b"echo [r]".to_vec()));
    }

    #[test]
    fn replace_all_edges() {
        assert_eq!(replace_all(b"aaa", b"aa", b"b", false).0, b"ba".to_vec());
        assert_eq!(replace_all(b"", b"a", b"b", false).0, b"".to_vec());
        assert_eq!(replace_all(b"abc", b"", b"x", false).0, b"abc".to_vec());
        assert_eq!(
            replace_all(b"xAbC", b"abc", b"-", true),
            (b"x-".to_vec(), 1)
        );
    }
}
