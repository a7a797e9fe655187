//! Printing: documents to stdout, diagnostics to stderr.
//!
//! In `json` and `yaml` modes stdout carries exactly one document (an array for lists, an
//! object for one resource) so scripts can pipe it; tables, hints and progress go elsewhere.
//! Tables are borderless aligned columns (`table.rs`); on a terminal they fit its width (ids
//! are never cut) and states are coloured unless `NO_COLOR` is set; piped, they are printed
//! whole and plain. `-o name` prints only ids, one a line.

mod table;

pub(crate) use table::Fit;

use anyhow::Result;
use serde_json::Value;
use std::io::{IsTerminal as _, Write as _};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for people.
    Table,
    /// Aligned columns, every column (lists) and the whole of each value.
    Wide,
    /// JSON on stdout only (an array for lists, an object for one resource).
    Json,
    /// YAML on stdout only.
    Yaml,
    /// Only ids, one a line, for scripts.
    Name,
}

/// A column of a list: its header, the key of the JSON view it shows, how it fits a narrow
/// terminal, and whether only `-o wide` shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    header: &'static str,
    key: &'static str,
    fit: Fit,
    wide: bool,
    state: bool,
    digest: bool,
}

impl Column {
    const fn new(header: &'static str, key: &'static str, fit: Fit) -> Self {
        Self {
            header,
            key,
            fit,
            wide: false,
            state: false,
            digest: false,
        }
    }

    /// An id, a kind or a short word: never cut.
    pub(crate) const fn keep(header: &'static str, key: &'static str) -> Self {
        Self::new(header, key, Fit::Keep)
    }

    /// A name, an address, a list: shortened after free text when the terminal is narrow.
    pub(crate) const fn short(header: &'static str, key: &'static str) -> Self {
        Self::new(header, key, Fit::Shorten)
    }

    /// Free text (a summary, a description): shortened first.
    pub(crate) const fn free(header: &'static str, key: &'static str) -> Self {
        Self::new(header, key, Fit::Free)
    }

    /// A normalised state, coloured on a terminal.
    pub(crate) const fn state(header: &'static str, key: &'static str) -> Self {
        let mut c = Self::new(header, key, Fit::Keep);
        c.state = true;
        c
    }

    /// A digest, shown as its first 12 characters except with `-o wide`.
    pub(crate) const fn digest(header: &'static str, key: &'static str) -> Self {
        let mut c = Self::new(header, key, Fit::Keep);
        c.digest = true;
        c
    }

    /// Shown only with `-o wide`.
    pub(crate) const fn wide(mut self) -> Self {
        self.wide = true;
        self
    }
}

/// Writes command output in the chosen format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    format: Format,
    show_provider: bool,
    /// The terminal's width, when stdout is a terminal.
    width: Option<usize>,
    color: bool,
}

/// The width of the terminal on stdout, if stdout is one.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .or(Some(80))
}

impl Printer {
    /// A printer for `format`; `show_provider` adds the provider's document to one resource.
    pub(crate) fn new(format: Format, show_provider: bool) -> Self {
        let width = terminal_width();
        let color = width.is_some()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Self {
            format,
            show_provider,
            width,
            color,
        }
    }

    /// Whether output is for people (tables) rather than scripts.
    pub(crate) fn is_human(&self) -> bool {
        matches!(self.format, Format::Table | Format::Wide)
    }

    /// The format asked for.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// Prints text meant for people as it is (the caller made it terminal-safe); in colour
    /// only when `color` says the terminal takes it.
    pub(crate) fn text(&self, text: &str) -> Result<()> {
        write_stdout(text)
    }

    /// Whether stdout takes colour.
    pub(crate) fn color(&self) -> bool {
        self.color
    }

    /// Prints a list: aligned columns, ids, or the array of views.
    pub(crate) fn list(&self, columns: &[Column], items: &[Value]) -> Result<()> {
        match self.format {
            Format::Table | Format::Wide => {
                let wide = self.format == Format::Wide;
                let shown: Vec<&Column> = columns.iter().filter(|c| wide || !c.wide).collect();
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|item| {
                        shown
                            .iter()
                            .map(|c| {
                                let text = cell(item.get(c.key));
                                if c.digest && !wide {
                                    text.chars().take(12).collect()
                                } else {
                                    text
                                }
                            })
                            .collect()
                    })
                    .collect();
                let headers: Vec<&str> = shown.iter().map(|c| c.header).collect();
                let fits: Vec<Fit> = shown.iter().map(|c| c.fit).collect();
                let paint = |i: usize, raw: &str, padded: String| {
                    if self.color && shown[i].state {
                        paint_state(raw, padded)
                    } else {
                        padded
                    }
                };
                let width = self.width.filter(|_| !wide);
                write_stdout(&table::render(&headers, &fits, &rows, width, &paint))
            }
            Format::Name => {
                let mut text = String::new();
                for item in items {
                    text.push_str(&name_of(item));
                    text.push('\n');
                }
                write_stdout(&text)
            }
            Format::Json | Format::Yaml => self.document(&Value::Array(items.to_vec())),
        }
    }

    /// Prints one resource: its typed fields as aligned `key: value` lines (the provider's
    /// document only with `--show-provider`), its id, or the object.
    pub(crate) fn one(&self, item: &Value) -> Result<()> {
        match self.format {
            Format::Table | Format::Wide => {
                let Value::Object(map) = item else {
                    return self.document(item);
                };
                // A resource's `provider` is the provider's document (an object); an adapter's
                // `provider` is the provider's name, an ordinary field.
                let document = map
                    .get("provider")
                    .filter(|p| p.is_object() || p.is_array());
                let fields: Vec<(&String, &Value)> = map
                    .iter()
                    .filter(|(k, _)| !(k.as_str() == "provider" && document.is_some()))
                    .collect();
                let key_width = fields.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
                let mut text = String::new();
                for (key, value) in fields {
                    let label = format!("{}:", terminal_safe(&key.replace('_', " ")));
                    let pad = " ".repeat(key_width.saturating_sub(label.len()) + 2);
                    match value {
                        Value::Object(_) | Value::Array(_) if nested(value) => {
                            text.push_str(&format!("{label}\n"));
                            for line in serde_yaml_ng::to_string(value)?.lines() {
                                text.push_str(&format!("  {}\n", terminal_safe(line)));
                            }
                        }
                        _ => {
                            let shown = cell(Some(value));
                            let shown = if self.color && key.as_str() == "state" {
                                paint_state(&shown, shown.clone())
                            } else {
                                shown
                            };
                            text.push_str(format!("{label}{pad}{shown}").trim_end());
                            text.push('\n');
                        }
                    }
                }
                if self.show_provider
                    && let Some(provider) = document
                {
                    text.push_str("provider document:\n");
                    // JSON escapes every control character, so this part is safe as is.
                    text.push_str(&serde_json::to_string_pretty(provider)?);
                    text.push('\n');
                }
                write_stdout(&text)
            }
            Format::Name => write_stdout(&format!("{}\n", name_of(item))),
            Format::Json | Format::Yaml => self.document(item),
        }
    }

    /// Prints a document as JSON (pretty in table mode too) or YAML; `-o name` prints the ids
    /// of the objects it holds.
    pub(crate) fn document(&self, value: &Value) -> Result<()> {
        let text = match self.format {
            Format::Yaml => serde_yaml_ng::to_string(value)?,
            Format::Name => match value {
                Value::Array(items) => items.iter().map(|i| format!("{}\n", name_of(i))).collect(),
                other => format!("{}\n", name_of(other)),
            },
            Format::Json | Format::Table | Format::Wide => {
                format!("{}\n", serde_json::to_string_pretty(value)?)
            }
        };
        write_stdout(&text)
    }
}

/// Whether a value reads better as an indented block than on one line.
fn nested(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|i| i.is_object() || i.is_array()),
        Value::Object(map) => !map.is_empty(),
        _ => false,
    }
}

/// What `-o name` prints for an item: its id, or its name when it has no id.
fn name_of(item: &Value) -> String {
    match item.get("id").or_else(|| item.get("name")) {
        Some(Value::String(s)) => terminal_safe(s).into_owned(),
        Some(other) => other.to_string(),
        None => terminal_safe(&item.to_string()).into_owned(),
    }
}

/// Colours a state word: available green, failed red, transitional yellow.
fn paint_state(raw: &str, padded: String) -> String {
    let code = match raw {
        "available" => "32",
        "failed" => "31",
        "provisioning" | "updating" | "deleting" => "33",
        _ => return padded,
    };
    format!("\u{1b}[{code}m{padded}\u{1b}[0m")
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => terminal_safe(s).into_owned(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| format!("{}={}", terminal_safe(k), cell(Some(v))))
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => terminal_safe(&other.to_string()).into_owned(),
    }
}

/// `text` with control characters (other than newline and tab) and Unicode bidirectional
/// overrides escaped, so adapter-supplied text cannot drive the terminal (move the cursor, set
/// the title, hide or reorder what is shown).
pub(crate) fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_escapes_control_and_bidi_characters() {
        assert_eq!(
            terminal_safe("plain name\twith tab"),
            "plain name\twith tab"
        );
        let escaped = terminal_safe("a\u{1b}]0;pwned\u{7}b\u{202e}c");
        assert!(!escaped.contains('\u{1b}') && !escaped.contains('\u{202e}'));
        assert_eq!(escaped, "a\\u{1b}]0;pwned\\u{7}b\\u{202e}c");
    }

    #[test]
    fn cells_flatten_lists_objects_and_nulls() {
        assert_eq!(cell(Some(&serde_json::json!(["a", "b"]))), "a,b");
        assert_eq!(cell(Some(&serde_json::json!({"team": "net"}))), "team=net");
        assert_eq!(cell(Some(&Value::Null)), "");
        assert_eq!(cell(Some(&serde_json::json!(5))), "5");
        assert_eq!(cell(None), "");
    }

    #[test]
    fn names_are_ids_or_names() {
        assert_eq!(
            name_of(&serde_json::json!({"id": "g1", "name": "edge"})),
            "g1"
        );
        assert_eq!(name_of(&serde_json::json!({"name": "fra"})), "fra");
    }
}
