//! Tables in the kubectl/gh style: no borders, upper-case headers, columns aligned with two
//! spaces. Ids are never cut or wrapped, so a double click copies one. On a terminal too
//! narrow for the whole row, free text (summaries, descriptions) is shortened with `…` first,
//! then other shortenable columns; piped output is never shortened.

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// How a column may be fitted to the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Never shortened (ids, kinds, states).
    Keep,
    /// Shortened with `…` when the row is too wide, after every [`Fit::Free`] column.
    Shorten,
    /// Free text, shortened first.
    Free,
}

/// Shortest a shortened column gets, `…` included.
const MIN_WIDTH: usize = 6;
/// Between columns.
const GAP: &str = "  ";

/// `text` cut to `width` display columns, ending in `…` when cut.
pub(crate) fn shorten(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Renders `rows` (already plain text) under `headers`, fitting `fits` into `width` columns
/// when `width` is given. `paint` may colour a cell after it is padded (it must not change its
/// width).
pub(crate) fn render(
    headers: &[&str],
    fits: &[Fit],
    rows: &[Vec<String>],
    width: Option<usize>,
    paint: &dyn Fn(usize, &str, String) -> String,
) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.width());
        }
    }
    if let Some(limit) = width {
        let total = |w: &[usize]| w.iter().sum::<usize>() + GAP.len() * columns.saturating_sub(1);
        for fit in [Fit::Free, Fit::Shorten] {
            // Take from the widest shortenable column of this kind until the row fits.
            while total(&widths) > limit {
                let widest = (0..columns)
                    .filter(|&i| fits[i] == fit && widths[i] > MIN_WIDTH)
                    .max_by_key(|&i| widths[i]);
                let Some(i) = widest else { break };
                widths[i] -= 1;
            }
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String], header: bool| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let shown = shorten(cell, widths[i]);
            let last = i + 1 == columns;
            let padded = if last {
                shown.clone()
            } else {
                format!("{shown}{}", " ".repeat(widths[i] - shown.width()))
            };
            text.push_str(&if header {
                padded
            } else {
                paint(i, cell, padded)
            });
            if !last {
                text.push_str(GAP);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    line(&head, true);
    for row in rows {
        line(row, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(_: usize, _: &str, padded: String) -> String {
        padded
    }

    #[test]
    fn columns_align_without_borders() {
        let text = render(
            &["ID", "NAME"],
            &[Fit::Keep, Fit::Shorten],
            &[
                vec!["a1".into(), "edge".into()],
                vec!["b22".into(), "x".into()],
            ],
            None,
            &plain,
        );
        assert_eq!(text, "ID   NAME\na1   edge\nb22  x\n");
    }

    #[test]
    fn a_narrow_terminal_shortens_free_text_first_and_never_ids() {
        let id = "2ad32c63-ef5b-4d69-a424-8c1b4b41bd5d";
        let rows = vec![vec![
            id.to_string(),
            "a rather long name".to_string(),
            "a summary that goes on and on about what this is".to_string(),
        ]];
        let fits = [Fit::Keep, Fit::Shorten, Fit::Free];
        let text = render(&["ID", "NAME", "SUMMARY"], &fits, &rows, Some(70), &plain);
        assert!(text.contains(id), "{text}");
        assert!(text.contains("a rather long name"), "{text}");
        assert!(text.lines().all(|l| l.width() <= 70), "{text}");
        assert!(text.contains('…'));
        let narrower = render(&["ID", "NAME", "SUMMARY"], &fits, &rows, Some(56), &plain);
        assert!(narrower.contains(id), "{narrower}");
        assert!(narrower.lines().all(|l| l.width() <= 56), "{narrower}");
    }

    #[test]
    fn shorten_counts_display_width() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("日本語テキスト", 5), "日本…");
        assert_eq!(shorten("ok", 4), "ok");
    }
}
