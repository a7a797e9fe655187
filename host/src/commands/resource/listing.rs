//! `list` of one profile: one page, or with `--all` every page, fetched several at once where
//! the adapter names the pages ahead (see [`paginate_ahead`]), on sibling instances of the
//! adapter made only when a page names some.

use super::{Resource, page_counter};
use crate::cli::ListArgs;
use crate::commands::paging::{self, paginate_ahead};
use crate::commands::{Bound, Ctx};
use crate::wit::types;
use anyhow::Result;

/// Lists `R` on `bound`'s profile as `a` asks, and prints it.
pub(super) async fn one<R: Resource>(
    ctx: &mut Ctx,
    mut bound: Bound,
    a: ListArgs,
    filters: Vec<(String, String)>,
) -> Result<()> {
    let query = types::Query {
        parent_id: a.gateway.clone(),
        kind: a.kind.clone(),
        filters,
        page: types::Page {
            limit: a.limit,
            cursor: None,
        },
    };
    let printer = ctx.printer;
    let all = ctx.global.all;
    // A cassette records and replays requests in order: one page after the other.
    let width = if ctx.tape().is_some() {
        1
    } else {
        paging::width()
    };
    let adapter = bound.session.name().to_string();
    let counter = all.then(|| page_counter(R::NOUN));
    let spare = &bound.spare;
    let listed = paginate_ahead(
        &adapter,
        a.cursor.clone(),
        all,
        width,
        &mut bound.session,
        async || ctx.sibling(spare).await,
        async |s, cursor| {
            let mut query = query.clone();
            query.page.cursor = cursor;
            let page = R::list(s, &query).await?;
            if let Some(bar) = &counter {
                bar.inc(1);
            }
            Ok(paging::Page {
                items: page.items.iter().map(Resource::view).collect(),
                next: page.next,
                ahead: page.ahead,
            })
        },
    )
    .await;
    if let Some(bar) = counter {
        bar.finish_and_clear();
    }
    let listed = listed?;
    tracing::debug!(
        "listed {} {}s in {} page(s), up to {width} at once",
        listed.items.len(),
        R::NOUN,
        listed.pages
    );
    printer.list(R::COLUMNS, &listed.items)?;
    if let Some(cursor) = listed.next {
        eprintln!(
            "more {}s: add --all, or continue with --cursor {}",
            R::NOUN,
            crate::output::terminal_safe(&cursor)
        );
    }
    Ok(())
}
