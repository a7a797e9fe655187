//! Printing: documents to stdout, diagnostics to stderr.
//!
//! In `json` and `yaml` modes stdout carries exactly one document (an array for lists, an
//! object for one resource) so scripts can pipe it; tables, hints and progress go elsewhere.

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;
use std::io::Write as _;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Human-readable tables.
    Table,
    /// JSON on stdout only (an array for lists, an object for one resource).
    Json,
    /// YAML on stdout only.
    Yaml,
}

/// A column of a table: header and the key of the JSON view it shows.
pub(crate) type Column = (&'static str, &'static str);

/// Writes command output in the chosen format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    format: Format,
}

impl Printer {
    /// A printer for `format`.
    pub(crate) fn new(format: Format) -> Self {
        Self { format }
    }

    /// Whether output is for people (tables) rather than scripts.
    pub(crate) fn is_human(&self) -> bool {
        self.format == Format::Table
    }

    /// Prints a list: a table of `columns`, or the array of views.
    pub(crate) fn list(&self, columns: &[Column], items: &[Value]) -> Result<()> {
        match self.format {
            Format::Table => {
                let mut table = new_table();
                table.set_header(columns.iter().map(|(h, _)| *h));
                for item in items {
                    table.add_row(columns.iter().map(|(_, key)| cell(item.get(*key))));
                }
                write_stdout(&format!("{table}\n"))
            }
            _ => self.document(&Value::Array(items.to_vec())),
        }
    }

    /// Prints one resource: a two-column table of its fields (the provider document last,
    /// as JSON), or the object.
    pub(crate) fn one(&self, item: &Value) -> Result<()> {
        match self.format {
            Format::Table => {
                let mut table = new_table();
                // A resource's `provider` is the provider's document (an object); an adapter's
                // `provider` is the provider's name, an ordinary row.
                let document = item
                    .get("provider")
                    .filter(|p| p.is_object() || p.is_array());
                if let Value::Object(map) = item {
                    for (key, value) in map {
                        if key == "provider" && document.is_some() {
                            continue;
                        }
                        table.add_row(vec![
                            terminal_safe(&key.replace('_', " ")).into_owned(),
                            cell(Some(value)),
                        ]);
                    }
                }
                let mut text = format!("{table}\n");
                if let Some(provider) = document {
                    text.push_str("provider document:\n");
                    // JSON escapes every control character, so this part is safe as is.
                    text.push_str(&serde_json::to_string_pretty(provider)?);
                    text.push('\n');
                }
                write_stdout(&text)
            }
            _ => self.document(item),
        }
    }

    /// Prints a document as JSON (pretty in table mode too) or YAML.
    pub(crate) fn document(&self, value: &Value) -> Result<()> {
        let text = match self.format {
            Format::Yaml => serde_yaml_ng::to_string(value)?,
            Format::Json | Format::Table => format!("{}\n", serde_json::to_string_pretty(value)?),
        };
        write_stdout(&text)
    }
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => terminal_safe(s).into_owned(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join(", "),
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
    fn cells_flatten_lists_and_nulls() {
        assert_eq!(cell(Some(&serde_json::json!(["a", "b"]))), "a, b");
        assert_eq!(cell(Some(&Value::Null)), "");
        assert_eq!(cell(Some(&serde_json::json!(5))), "5");
        assert_eq!(cell(None), "");
    }
}
