//! Each example the adapter gives goes through the whole lifecycle: create (after its parent,
//! for a child noun), get, list (following every page) finds it, update, get sees the change,
//! delete, and get answers not-found. The first one also proves a second page is reachable.

use super::{Report, placeholders};
use crate::commands::paging::paginate;
use crate::commands::resource::{Resource, SpecJson, wait_gone, wait_ready};
use crate::runtime::Session;
use crate::wit::adapter::{Action, Description, Example, Noun};
use crate::wit::{noun_name, types};
use anyhow::{Result, bail};
use serde_json::Value;
use std::time::Duration;

/// How long the suite waits for a resource to be ready or gone.
const WAIT: Duration = Duration::from_secs(300);

/// Everything one example's run needs.
struct Run<'a> {
    description: &'a Description,
    example: &'a Example,
    parent: Option<String>,
    suffix: String,
    label: String,
    page_check: bool,
}

fn supports(d: &Description, noun: Noun, action: Action) -> bool {
    d.nouns
        .iter()
        .any(|s| s.noun == noun && s.actions.contains(&action))
}

/// A run's unique suffix: fixed when a cassette records or replays (so the bodies match), random
/// otherwise (so leftovers of an earlier run never collide).
fn suffix(taped: bool, n: usize) -> String {
    if taped {
        return format!("c{n}");
    }
    let letters: String = (0..4)
        .map(|_| char::from(b'a' + rand::random_range(0..26u8)))
        .collect();
    format!("{letters}{n}")
}

/// The example's spec JSON with its name made unique and, unless it names one, its kind.
fn named(text: &str, suffix: &str, kind: Option<&str>) -> Result<Value> {
    let mut value: Value = serde_json::from_str(text)?;
    if let Some(name) = value.get("name").and_then(Value::as_str) {
        value["name"] = Value::String(format!("{name}{suffix}"));
    }
    if let (Some(kind), Some(map)) = (kind, value.as_object_mut()) {
        map.entry("kind")
            .or_insert_with(|| Value::String(kind.to_string()));
    }
    Ok(value)
}

/// Runs every example.
pub(super) async fn all(s: &mut Session, d: &Description, taped: bool, report: &mut Report) {
    let mut paged = false;
    for (n, example) in d.examples.iter().enumerate() {
        let label = format!(
            "{}/{}",
            noun_name(example.noun),
            example.kind.as_deref().unwrap_or("-")
        );
        if !supports(d, example.noun, Action::Create) {
            report.skip(format!("{label}: lifecycle"), "the noun has no create");
            continue;
        }
        let suffix = suffix(taped, n);
        let parent = match &example.parent_kind {
            Some(kind) => match parent(s, d, kind, &suffix).await {
                Ok(id) => Some(id),
                Err(err) => {
                    report.fail(format!("{label}: create its parent"), format!("{err:#}"));
                    continue;
                }
            },
            None => None,
        };
        if let Some(id) = &parent
            && let Err(err) = prepare(s, example, id).await
        {
            report.fail(format!("{label}: prepare its parent"), format!("{err:#}"));
        }
        let run = Run {
            description: d,
            example,
            parent: parent.clone(),
            suffix,
            label,
            page_check: !paged,
        };
        paged |= match example.noun {
            Noun::Gateway => lifecycle::<types::Gateway>(s, &run, report).await,
            Noun::Tunnel => lifecycle::<types::Tunnel>(s, &run, report).await,
            Noun::Peer => lifecycle::<types::Peer>(s, &run, report).await,
            Noun::Mapping => lifecycle::<types::Mapping>(s, &run, report).await,
        };
        if let Some(id) = parent {
            let l = types::Locator {
                id,
                parent_id: None,
                kind: example.parent_kind.clone(),
            };
            let gone = async {
                types::Gateway::delete(s, &l).await?;
                wait_gone::<types::Gateway>(s, &l, WAIT).await
            };
            if let Err(err) = gone.await {
                report.fail(
                    format!("{}: delete its parent", run.label),
                    format!("{err:#}"),
                );
            }
        }
    }
    if d.examples.is_empty() {
        report.skip("lifecycle", "the adapter gives no examples");
    }
    if !paged {
        report.skip(
            "paging: a second page is reachable",
            "no example could be created twice",
        );
    }
}

/// Invokes the example's preparation steps on its parent.
async fn prepare(s: &mut Session, example: &Example, parent: &str) -> Result<()> {
    for step in &example.prepare {
        let mut params = step.params.clone();
        params.push((step.parent_param.clone(), parent.to_string()));
        s.invoke(&step.operation, &params, step.body.as_deref(), None, &[])
            .await?;
    }
    Ok(())
}

/// Creates the gateway of kind `kind` from its example; returns its id once ready.
async fn parent(s: &mut Session, d: &Description, kind: &str, suffix: &str) -> Result<String> {
    let Some(example) = d
        .examples
        .iter()
        .find(|e| e.noun == Noun::Gateway && e.kind.as_deref() == Some(kind))
    else {
        bail!("no gateway example of kind {kind} to create the parent from");
    };
    let spec = types::GatewaySpec::from_json(
        &named(
            &example.create,
            &format!("p{suffix}"),
            example.kind.as_deref(),
        )?,
        "the parent's example",
        None,
        placeholders(d, &example.secrets),
    )?;
    let created = types::Gateway::create(s, &spec).await?;
    let ready = wait_ready::<types::Gateway>(s, &created.locator(), WAIT).await?;
    Ok(ready.locator().id)
}

/// Runs one example; returns whether it settled the paging check.
async fn lifecycle<R: Resource>(s: &mut Session, run: &Run<'_>, report: &mut Report) -> bool {
    let label = &run.label;
    let secrets = placeholders(run.description, &run.example.secrets);
    let spec = named(
        &run.example.create,
        &run.suffix,
        run.example.kind.as_deref(),
    )
    .and_then(|v| {
        R::Spec::from_json(
            &v,
            "the create example",
            run.parent.clone(),
            secrets.clone(),
        )
    });
    let created = match spec {
        Ok(spec) => R::create(s, &spec).await,
        Err(err) => Err(err),
    };
    report.check(format!("{label}: create"), &created);
    let Ok(created) = created else { return false };
    let locator = created.locator();
    let got = wait_ready::<R>(s, &locator, WAIT).await.and_then(|got| {
        if got.locator().id != locator.id {
            bail!("get answered id {} for {}", got.locator().id, locator.id);
        }
        Ok(got)
    });
    report.check(format!("{label}: get"), &got);
    let listed = find::<R>(s, &locator, run.parent.clone()).await;
    match &listed {
        Ok(pages) => report.pass(
            format!("{label}: list finds it"),
            format!("{pages} page(s)"),
        ),
        Err(err) => report.fail(format!("{label}: list finds it"), format!("{err:#}")),
    }
    let paged = run.page_check && second_page::<R>(s, run, report).await;
    let no_update = serde_json::from_str::<Value>(&run.example.update)
        .is_ok_and(|v| v.as_object().is_some_and(|m| m.is_empty()));
    if !supports(run.description, R::CONTRACT_NOUN, Action::Update) {
        report.skip(format!("{label}: update"), "the noun has no update");
    } else if no_update {
        report.skip(
            format!("{label}: update"),
            "the example has no update (this kind has none)",
        );
    } else {
        update::<R>(s, run, &locator, secrets, report).await;
    }
    let deleted = R::delete(s, &locator).await;
    report.check(format!("{label}: delete"), &deleted);
    if deleted.is_ok() {
        let gone = wait_gone::<R>(s, &locator, WAIT).await;
        report.check(format!("{label}: get after delete is not-found"), &gone);
    }
    paged
}

/// Lists every page under `parent` until `locator`'s id shows up; returns the pages read.
async fn find<R: Resource>(
    s: &mut Session,
    locator: &types::Locator,
    parent: Option<String>,
) -> Result<usize> {
    let name = s.name().to_string();
    let mut query = types::Query {
        parent_id: parent,
        kind: None,
        filters: Vec::new(),
        page: types::Page {
            limit: None,
            cursor: None,
        },
    };
    let pages = paginate(&name, None, true, async |cursor| {
        query.page.cursor = cursor;
        let page = R::list(s, &query).await?;
        Ok((
            page.items
                .iter()
                .map(|r| r.locator().id)
                .collect::<Vec<_>>(),
            page.next,
        ))
    })
    .await?;
    if !pages.items.contains(&locator.id) {
        bail!(
            "{} is not among the {} listed",
            locator.id,
            pages.items.len()
        );
    }
    Ok(pages.pages)
}

async fn update<R: Resource>(
    s: &mut Session,
    run: &Run<'_>,
    locator: &types::Locator,
    secrets: Vec<types::SecretInput>,
    report: &mut Report,
) {
    let label = &run.label;
    let wanted = match named(&run.example.update, &run.suffix, None) {
        Ok(v) => v,
        Err(err) => return report.fail(format!("{label}: update"), format!("{err:#}")),
    };
    let updated =
        match R::Spec::from_json(&wanted, "the update example", run.parent.clone(), secrets) {
            Ok(spec) => R::update(s, locator, &spec).await,
            Err(err) => Err(err),
        };
    report.check(format!("{label}: update"), &updated);
    if updated.is_err() {
        return;
    }
    let seen = match wait_ready::<R>(s, locator, WAIT).await {
        Ok(got) => sees(&got.view(), &wanted),
        Err(err) => Err(err),
    };
    report.check(format!("{label}: get sees the change"), &seen);
}

/// Whether `view` shows every typed field `wanted` sets.
fn sees(view: &Value, wanted: &Value) -> Result<()> {
    let Some(wanted) = wanted.as_object() else {
        return Ok(());
    };
    for (key, want) in wanted {
        let field = key.replace('-', "_");
        let ok = match (key.as_str(), want) {
            ("properties" | "kind", _) => true,
            ("public-address", Value::String(a)) => view["public_addresses"]
                .as_array()
                .is_some_and(|all| all.iter().any(|v| v == a)),
            ("labels", Value::Object(labels)) => {
                labels.iter().all(|(k, v)| view["labels"].get(k) == Some(v))
            }
            ("labels", Value::Array(labels)) => labels.iter().all(|l| {
                view["labels"].get(l["key"].as_str().unwrap_or_default()) == Some(&l["value"])
            }),
            (_, Value::Array(items)) => {
                let mut got: Vec<&Value> = view[&field]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                let mut want: Vec<&Value> = items.iter().collect();
                got.sort_by_key(|v| v.to_string());
                want.sort_by_key(|v| v.to_string());
                got == want
            }
            (_, want) => view[&field] == *want,
        };
        if !ok {
            bail!("{key} is {} after the update, not {want}", view[&field]);
        }
    }
    Ok(())
}

/// With a second resource of the same example, `list` with a limit of 1 has a next page that
/// can be fetched. Returns whether the check was settled; `false` when the example cannot be
/// created twice (a conflict), so a later example is tried.
async fn second_page<R: Resource>(s: &mut Session, run: &Run<'_>, report: &mut Report) -> bool {
    let check = "paging: a second page is reachable";
    if !supports(run.description, R::CONTRACT_NOUN, Action::List) {
        return false;
    }
    let secrets = placeholders(run.description, &run.example.secrets);
    let second = match named(
        &run.example.create,
        &format!("{}b", run.suffix),
        run.example.kind.as_deref(),
    )
    .and_then(|v| R::Spec::from_json(&v, "the create example", run.parent.clone(), secrets))
    {
        Ok(spec) => R::create(s, &spec).await,
        Err(err) => Err(err),
    };
    let second = match second {
        Ok(r) => r.locator(),
        Err(err) if is_conflict(&err) => return false,
        Err(err) => {
            report.fail(check, format!("creating a second one: {err:#}"));
            return true;
        }
    };
    let mut query = types::Query {
        parent_id: run.parent.clone(),
        kind: None,
        filters: Vec::new(),
        page: types::Page {
            limit: Some(1),
            cursor: None,
        },
    };
    let outcome = async {
        let first = R::list(s, &query).await?;
        match first.next {
            Some(cursor) => {
                query.page.cursor = Some(cursor);
                let page = R::list(s, &query).await?.items;
                Ok(Some(page.len() + first.items.len()))
            }
            None if first.items.len() > 1 => Ok(None),
            None => bail!("a limit of 1 gave one item and no cursor, so the second is unreachable"),
        }
    }
    .await;
    match outcome {
        Ok(Some(n)) => report.pass(check, format!("{n} items over two pages")),
        Ok(None) => report.skip(check, "the adapter returns every item on one page"),
        Err(err) => report.fail(check, format!("{err:#}")),
    }
    let gone = async {
        R::delete(s, &second).await?;
        wait_gone::<R>(s, &second, WAIT).await
    };
    if let Err(err) = gone.await {
        report.fail(
            format!("{}: delete the second one", run.label),
            format!("{err:#}"),
        );
    }
    true
}

fn is_conflict(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|c| c.downcast_ref::<crate::error::AdapterError>())
        .any(|e| matches!(e.error, types::Error::Conflict(_)))
}
