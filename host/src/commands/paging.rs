//! Following cursors: one loop for noun lists and paginated catalogue operations, with the
//! guards against an adapter whose cursor never ends.

use anyhow::{Result, bail};

/// Most pages one listing follows before it stops, as a guard against a cursor that never
/// ends.
const MAX_PAGES: usize = 10_000;

/// What a listing collected.
pub(super) struct Pages<T> {
    /// Every page's items, in order.
    pub items: Vec<T>,
    /// The cursor of the page after the last one fetched, when `all` was false.
    pub next: Option<String>,
    /// How many pages were fetched.
    pub pages: usize,
}

/// Fetches the page at `cursor` and, when `all`, every page after it. `fetch` gets the cursor
/// of the page to fetch and returns its items and the next cursor. A cursor that repeats the
/// one just used, or more than [`MAX_PAGES`] pages, is an error naming `adapter`.
pub(super) async fn paginate<T>(
    adapter: &str,
    mut cursor: Option<String>,
    all: bool,
    mut fetch: impl AsyncFnMut(Option<String>) -> Result<(Vec<T>, Option<String>)>,
) -> Result<Pages<T>> {
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        let (page, next) = fetch(cursor.clone()).await?;
        items.extend(page);
        pages += 1;
        match next {
            Some(next) if all => {
                if cursor.as_deref() == Some(next.as_str()) || pages >= MAX_PAGES {
                    bail!("adapter {adapter} returned a cursor that does not advance");
                }
                cursor = Some(next);
            }
            next => return Ok(Pages { items, next, pages }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn follows_every_page_only_when_asked() {
        let pages = |cursor: Option<String>| {
            let n: u32 = cursor.as_deref().map_or(0, |c| c.parse().unwrap());
            let next = (n < 2).then(|| (n + 1).to_string());
            (vec![n], next)
        };
        let all = paginate("a", None, true, async |c| Ok(pages(c)))
            .await
            .unwrap();
        assert_eq!((all.items, all.next, all.pages), (vec![0, 1, 2], None, 3));
        let one = paginate("a", None, false, async |c| Ok(pages(c)))
            .await
            .unwrap();
        assert_eq!((one.items, one.next), (vec![0], Some("1".to_string())));
    }

    #[tokio::test]
    async fn a_cursor_that_does_not_advance_is_an_error() {
        let err = paginate("stuck", None, true, async |_| {
            Ok((vec![1], Some("same".to_string())))
        })
        .await
        .err()
        .expect("stuck cursor");
        assert!(format!("{err}").contains("adapter stuck returned a cursor that does not advance"));
    }
}
