//! `list` over several profiles (`-p fra -p jp`, `--all-profiles`): one session per profile,
//! all binding and listing at once (with `--all`, each fetching the pages its adapter names
//! ahead at once, as a single profile's listing does); the table gains a PROFILE column and JSON a `profile` field. A profile
//! that fails is reported on stderr and the others' results are still printed; the exit code
//! is then the failure's (1 or 2).

use super::capability::{self, Call};
use super::{Resource, page_counter};
use crate::broker::secrets::SecretInputs;
use crate::cli::ListArgs;
use crate::commands::Ctx;
use crate::commands::paging::{self, Page, paginate_ahead};
use crate::error::{exit, exit_code, input};
use crate::output::{Column, terminal_safe};
use crate::wit::adapter as contract;
use crate::wit::types;
use anyhow::{Context as _, Result};
use serde_json::{Value, json};

/// Lists `R` in every profile of `names`.
pub(super) async fn list<R: Resource>(
    ctx: &mut Ctx,
    names: Vec<String>,
    a: ListArgs,
    filters: Vec<(String, String)>,
) -> Result<()> {
    if a.cursor.is_some() {
        return Err(input(
            "--cursor continues one profile's listing; give a single profile with -p",
        ));
    }
    // Each profile's adapter is checked and loaded in turn (once per adapter); then every
    // profile binds and lists at once, so one's instantiation overlaps another's requests.
    let store = ctx.credentials.clone();
    let mut loaded = Vec::new();
    let prepared: Vec<_> = names
        .into_iter()
        .map(|name| {
            let p = ctx.prepare_profile(&name, &mut loaded);
            (name, p)
        })
        .collect();
    let all = ctx.global.all;
    // A cassette records and replays requests in order: one page after the other.
    let width = if ctx.tape().is_some() {
        1
    } else {
        paging::width()
    };
    let counter = all.then(|| page_counter(R::NOUN));
    let counter = counter.as_ref();
    let filters = &filters;
    let a = &a;
    let shared = &*ctx;
    let listings = prepared.into_iter().map(|(name, prepared)| {
        let store = store.clone();
        async move {
            let result = async {
                let mut b = shared
                    .bind_prepared(prepared?, |_, _| Ok(SecretInputs::default()), store)
                    .await?;
                let call = Call {
                    noun: R::CONTRACT_NOUN,
                    action: contract::Action::List,
                    kind: a.kind.as_deref(),
                    parent: a.gateway.as_deref(),
                    filters,
                    labels: false,
                    description: false,
                    ipsec: None,
                };
                capability::check(&b.description, &b.contract, &call)?;
                let query = types::Query {
                    parent_id: a.gateway.clone(),
                    kind: a.kind.clone(),
                    filters: filters.clone(),
                    page: types::Page {
                        limit: a.limit,
                        cursor: None,
                    },
                };
                let adapter = b.session.name().to_string();
                let spare = &b.spare;
                let listed = paginate_ahead(
                    &adapter,
                    None,
                    all,
                    width,
                    &mut b.session,
                    async || shared.sibling(spare).await,
                    async |s, cursor| {
                        let mut query = query.clone();
                        query.page.cursor = cursor;
                        let page = R::list(s, &query).await?;
                        if let Some(bar) = counter {
                            bar.inc(1);
                        }
                        Ok(Page {
                            items: page.items.iter().map(Resource::view).collect(),
                            next: page.next,
                            ahead: page.ahead,
                        })
                    },
                )
                .await?;
                Ok::<_, anyhow::Error>((listed.items, listed.next))
            }
            .await
            .with_context(|| format!("profile {name}"));
            (name, result)
        }
    });
    let results = futures_util::future::join_all(listings).await;
    if let Some(bar) = counter {
        bar.finish_and_clear();
    }
    let mut items = Vec::new();
    let mut code = 0;
    for (name, result) in results {
        match result {
            Ok((listed, next)) => {
                for mut item in listed {
                    if let Value::Object(map) = &mut item {
                        map.insert("profile".into(), json!(name));
                    }
                    items.push(item);
                }
                if next.is_some() {
                    eprintln!(
                        "more {}s in profile {}: add --all",
                        R::NOUN,
                        terminal_safe(&name)
                    );
                }
            }
            Err(err) => {
                eprintln!("error: {}", terminal_safe(&format!("{err:#}")));
                code = code.max(exit_code(&err));
            }
        }
    }
    let mut columns = vec![Column::keep("PROFILE", "profile")];
    columns.extend_from_slice(R::COLUMNS);
    ctx.printer.list(&columns, &items)?;
    if code != 0 {
        return Err(exit(code));
    }
    Ok(())
}
