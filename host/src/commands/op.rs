//! `portico op list|show|call`: every provider operation, by name.

use super::inputs;
use super::paging::paginate;
use super::{Ctx, key_value};
use crate::broker::secrets::placeholder;
use crate::cli::OpCommand;
use crate::error::input;
use crate::output::Column;
use crate::wit::method_text;
use crate::wit::operations::{Body, Location, Operation};
use crate::wit::types;
use anyhow::Result;
use serde_json::{Value, json};

/// Runs an `op` command.
pub(crate) async fn run(ctx: &mut Ctx, command: OpCommand) -> Result<()> {
    match command {
        OpCommand::List => {
            let mut bound = ctx.bind(&[]).await?;
            let catalog = bound.session.catalog().await?;
            let items: Vec<Value> = catalog.iter().map(view).collect();
            ctx.printer.list(
                &[
                    Column::keep("NAME", "name"),
                    Column::keep("METHOD", "method"),
                    Column::short("PATH", "path"),
                    Column::free("SUMMARY", "summary"),
                ],
                &items,
            )
        }
        OpCommand::Show { name } => {
            let mut bound = ctx.bind(&[]).await?;
            let catalog = bound.session.catalog().await?;
            let op = catalog
                .iter()
                .find(|o| o.name == name)
                .ok_or_else(|| no_operation(&bound.description.name, &name, &catalog))?;
            ctx.printer.one(&view(op))
        }
        OpCommand::Call {
            name,
            params,
            body,
            cursor,
            secrets,
        } => {
            let params = params
                .iter()
                .map(|p| key_value(p, "parameter"))
                .collect::<Result<Vec<_>>>()?;
            let body = body.map(|b| inputs::read_json(&b, "--body")).transpose()?;
            let secret_args = inputs::parse_secret_args(&secrets)?;
            let placeholders: Vec<types::SecretInput> = secret_args
                .iter()
                .map(|a| types::SecretInput {
                    name: a.name.clone(),
                    placeholder: placeholder(&a.name),
                })
                .collect();
            let mut bound = ctx.bind(&secret_args).await?;
            let adapter = bound.description.name.clone();
            let session = &mut bound.session;
            let listed = paginate(&adapter, cursor, ctx.global.all, async |cursor| {
                let outcome = session
                    .invoke(
                        &name,
                        &params,
                        body.as_deref(),
                        cursor.as_deref(),
                        &placeholders,
                    )
                    .await?;
                tracing::info!("{name}: HTTP {}", outcome.status);
                let document = match outcome.body {
                    Some(Body::Json(text)) => {
                        serde_json::from_str(&text).unwrap_or(Value::String(text))
                    }
                    Some(Body::Text(text)) => Value::String(text),
                    None => Value::Null,
                };
                Ok((vec![document], outcome.next))
            })
            .await;
            let listed = match listed {
                Err(err) if is_unsupported(&err) => {
                    let catalog = bound.session.catalog().await?;
                    if catalog.iter().any(|o| o.name == name) {
                        return Err(err);
                    }
                    return Err(no_operation(&adapter, &name, &catalog));
                }
                other => other?,
            };
            if let Some(next) = &listed.next {
                eprintln!(
                    "more results: add --all, or continue with --cursor {}",
                    crate::output::terminal_safe(next)
                );
            }
            let mut pages = listed.items;
            if ctx.global.all {
                ctx.printer.document(&Value::Array(pages))
            } else {
                let document = pages.pop().unwrap_or(Value::Null);
                if document.is_null() {
                    eprintln!("{name}: done (no response body)");
                    Ok(())
                } else {
                    ctx.printer.document(&document)
                }
            }
        }
    }
}

/// "adapter X has no operation N", with the closest names of its catalogue.
fn no_operation(adapter: &str, name: &str, catalog: &[Operation]) -> anyhow::Error {
    let hint = crate::suggest::hint(name, catalog.iter().map(|o| o.name.as_str()));
    input(format!(
        "adapter {adapter} has no operation {name:?}{hint}; `portico op list` shows them all"
    ))
}

/// Whether the adapter answered `unsupported`.
fn is_unsupported(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|c| c.downcast_ref::<crate::error::AdapterError>())
        .any(|e| matches!(e.error, types::Error::Unsupported(_)))
}

fn view(op: &Operation) -> Value {
    json!({
        "name": op.name,
        "method": method_text(op.method),
        "path": op.path,
        "summary": op.summary,
        "takes_body": op.takes_body,
        "paginated": op.paginated,
        "parameters": op.parameters.iter().map(|p| json!({
            "name": p.name,
            "in": match p.location { Location::Path => "path", Location::Query => "query", Location::Header => "header" },
            "required": p.required,
            "description": p.description,
        })).collect::<Vec<_>>(),
    })
}
