//! Following cursors: one loop for noun lists and paginated catalogue operations, with the
//! guards against an adapter whose cursor never ends, and its concurrent form for noun lists
//! whose pages name the cursors `ahead` of `next` (offset and page-number providers).

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

/// One page of a noun list, as the host reads it.
pub(crate) struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of the next page.
    pub next: Option<String>,
    /// Cursors of pages after `next` the adapter could already name.
    pub ahead: Vec<String>,
}

/// The environment variable that bounds how many pages of one listing are fetched at once.
pub(crate) const WIDTH_VAR: &str = "PORTICO_PAGE_CONCURRENCY";

/// How many pages of one listing are fetched at once by default.
const DEFAULT_WIDTH: usize = 8;

/// Pages fetched at once: [`WIDTH_VAR`] (1 fetches one page after the other), else
/// [`DEFAULT_WIDTH`].
pub(crate) fn width() -> usize {
    std::env::var(WIDTH_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(DEFAULT_WIDTH, |w| w.clamp(1, 64))
}

/// [`paginate`] for pages that name cursors `ahead`: with `all`, `next` and up to `width - 1`
/// of the cursors ahead are fetched at once, `first` serving the first of them and sessions from
/// `spare` (made only when needed, kept for the next batch) the others. Pages are taken in
/// order, each only where the page before it pointed (`next`): the first page that ends the
/// listing, or whose `next` is not the cursor fetched after it, ends the batch, and listing
/// continues from its `next`. The first failure in that order is the listing's failure, as it
/// would be one page after the other; later pages of the batch are dropped.
pub(super) async fn paginate_ahead<T, S>(
    adapter: &str,
    cursor: Option<String>,
    all: bool,
    width: usize,
    first: &mut S,
    mut spare: impl AsyncFnMut() -> Result<S>,
    fetch: impl AsyncFn(&mut S, Option<String>) -> Result<Page<T>>,
) -> Result<Pages<T>> {
    let mut page = fetch(first, cursor.clone()).await?;
    let mut items = std::mem::take(&mut page.items);
    let mut pages = 1;
    let mut at = cursor;
    let mut spares: Vec<S> = Vec::new();
    loop {
        let next = match page.next.take() {
            Some(next) if all => next,
            next => return Ok(Pages { items, next, pages }),
        };
        if at.as_deref() == Some(next.as_str()) || pages >= MAX_PAGES {
            bail!("adapter {adapter} returned a cursor that does not advance");
        }
        let mut batch = vec![next];
        batch.extend(page.ahead.drain(..).take(width.max(1) - 1));
        while spares.len() + 1 < batch.len() {
            spares.push(spare().await?);
        }
        let sessions = std::iter::once(&mut *first).chain(spares.iter_mut());
        let fetched = futures_util::future::join_all(
            sessions.zip(&batch).map(|(s, c)| fetch(s, Some(c.clone()))),
        )
        .await;
        let mut expected = batch[0].clone();
        for (cursor, result) in batch.into_iter().zip(fetched) {
            if cursor != expected {
                tracing::debug!("adapter {adapter}: a page ahead was not where `next` led");
                break;
            }
            let mut fetched = result?;
            items.append(&mut fetched.items);
            pages += 1;
            at = Some(cursor);
            let more = fetched.next.clone();
            page = fetched;
            match more {
                Some(more) => expected = more,
                None => break,
            }
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

    /// A listing of `total` pages of one item each; page `n`'s cursor is `n`, and it names
    /// `named` pages ahead (up to `names_to`, which may pass the end). Page `fail` fails.
    struct Listing {
        total: u32,
        named: u32,
        names_to: u32,
        fail: Vec<u32>,
        in_flight: std::cell::Cell<u32>,
        most: std::cell::Cell<u32>,
        fetched: std::cell::RefCell<Vec<u32>>,
    }

    impl Listing {
        fn new(total: u32, named: u32, names_to: u32) -> Self {
            Self {
                total,
                named,
                names_to,
                fail: Vec::new(),
                in_flight: 0.into(),
                most: 0.into(),
                fetched: Vec::new().into(),
            }
        }

        async fn page(&self, session: &mut u32, cursor: Option<String>) -> Result<Page<u32>> {
            let n: u32 = cursor.as_deref().map_or(0, |c| c.parse().unwrap());
            self.fetched.borrow_mut().push(n);
            self.in_flight.set(self.in_flight.get() + 1);
            self.most.set(self.most.get().max(self.in_flight.get()));
            // Later pages finish first.
            for _ in 0..(20 - n.min(20)) {
                tokio::task::yield_now().await;
            }
            self.in_flight.set(self.in_flight.get() - 1);
            *session += 1;
            if self.fail.contains(&n) {
                bail!("page {n} failed");
            }
            if n >= self.total {
                return Ok(Page {
                    items: vec![],
                    next: None,
                    ahead: vec![],
                });
            }
            let next = (n + 1 < self.total).then(|| (n + 1).to_string());
            let ahead = (n + 2..=n + 1 + self.named)
                .filter(|k| *k < self.names_to)
                .map(|k| k.to_string())
                .collect();
            Ok(Page {
                items: vec![n],
                next: next.clone(),
                ahead: if next.is_some() { ahead } else { vec![] },
            })
        }
    }

    async fn list(l: &Listing, width: usize) -> (Result<Pages<u32>>, u32) {
        let mut first = 0u32;
        let mut made = 0u32;
        let listed = paginate_ahead(
            "a",
            None,
            true,
            width,
            &mut first,
            async || {
                made += 1;
                Ok(0u32)
            },
            async |s, c| l.page(s, c).await,
        )
        .await;
        (listed, made)
    }

    #[tokio::test]
    async fn pages_ahead_come_at_once_and_in_order() {
        let l = Listing::new(20, 64, 20);
        let (listed, made) = list(&l, 4).await;
        let listed = listed.unwrap();
        assert_eq!(listed.items, (0..20).collect::<Vec<_>>());
        assert_eq!((listed.pages, listed.next), (20, None));
        assert_eq!(l.most.get(), 4, "four pages at once, never more");
        assert_eq!(made, 3, "three sibling sessions, made once and reused");
        let mut fetched = l.fetched.borrow().clone();
        fetched.sort_unstable();
        assert_eq!(fetched, (0..20).collect::<Vec<_>>(), "each page once");
    }

    #[tokio::test]
    async fn one_at_a_time_makes_no_sibling() {
        let l = Listing::new(5, 64, 5);
        let (listed, made) = list(&l, 1).await;
        assert_eq!(listed.unwrap().items, vec![0, 1, 2, 3, 4]);
        assert_eq!((l.most.get(), made), (1, 0));
    }

    #[tokio::test]
    async fn pages_named_past_the_end_are_dropped() {
        // No total: the adapter names pages beyond the last one; they come back empty.
        let l = Listing::new(6, 7, 100);
        let (listed, _) = list(&l, 8).await;
        let listed = listed.unwrap();
        assert_eq!(listed.items, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(listed.pages, 6);
    }

    #[tokio::test]
    async fn the_first_failing_page_in_order_is_the_error() {
        let mut l = Listing::new(10, 64, 10);
        l.fail = vec![6, 3];
        let (listed, _) = list(&l, 8).await;
        let err = listed.err().expect("page 3 fails");
        assert_eq!(format!("{err}"), "page 3 failed");
    }

    #[tokio::test]
    async fn a_page_ahead_that_next_does_not_lead_to_is_refetched_in_order() {
        // Page 2 ends the listing although pages ahead were named (the data changed).
        let mut l = Listing::new(10, 64, 10);
        l.total = 3;
        l.names_to = 10;
        let (listed, _) = list(&l, 8).await;
        assert_eq!(listed.unwrap().items, vec![0, 1, 2]);
    }
}
