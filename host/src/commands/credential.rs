//! `portico credential set|list|remove`. Values are read from stdin or a prompt without echo,
//! never from the command line, and never printed.

use super::Ctx;
use crate::broker::scrub::is_distinctive;
use crate::cli::CredentialCommand;
use crate::error::input;
use crate::output::Column;
use crate::secret::SecretString;
use anyhow::{Context as _, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read as _;
use zeroize::Zeroize as _;

/// Runs a `credential` command.
pub(crate) fn run(ctx: &mut Ctx, command: CredentialCommand) -> Result<()> {
    match command {
        CredentialCommand::Set {
            name,
            fields,
            process,
        } => {
            crate::home::validate_name("credential", &name)?;
            if let Some(command) = process {
                ctx.credentials.set_process(&name, &command)?;
            } else {
                let fields = if fields.is_empty() {
                    vec!["token".to_string()]
                } else {
                    fields
                };
                let values = read_values(&fields)?;
                for (field, value) in &values {
                    if !is_distinctive(value.expose().as_bytes()) {
                        eprintln!(
                            "note: the value of {name}.{field} is short or a plain word; if it \
                             is secret, portico cannot tell it apart from ordinary provider text \
                             and will not scrub it from responses"
                        );
                    }
                }
                ctx.credentials.set(&name, values)?;
            }
            eprintln!("stored credential {name}");
            Ok(())
        }
        CredentialCommand::List => {
            let items: Vec<Value> = ctx
                .credentials
                .list()?
                .into_iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?;
            ctx.printer.list(
                &[
                    Column::keep("NAME", "name"),
                    Column::short("FIELDS", "fields"),
                    Column::short("SOURCE", "source"),
                ],
                &items,
            )
        }
        CredentialCommand::Remove { name } => {
            if !ctx.credentials.remove(&name)? {
                let known: Vec<String> = ctx
                    .credentials
                    .list()?
                    .into_iter()
                    .map(|s| s.name)
                    .collect();
                let hint = crate::suggest::hint(&name, known.iter().map(String::as_str));
                return Err(input(format!("credential {name:?} is not stored{hint}")));
            }
            let sessions = crate::broker::tokens::remove_all(&ctx.home, &name)?;
            if sessions > 0 {
                eprintln!("removed credential {name} and {sessions} cached session(s)");
            } else {
                eprintln!("removed credential {name}");
            }
            Ok(())
        }
    }
}

fn read_values(fields: &[String]) -> Result<BTreeMap<String, SecretString>> {
    let mut values = BTreeMap::new();
    if super::stdin_is_terminal() {
        for field in fields {
            let value = rpassword::prompt_password(format!("{field}: "))
                .with_context(|| format!("failed to read {field}"))?;
            values.insert(field.clone(), SecretString::new(value));
        }
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("failed to read credential values from stdin")?;
        let lines: Vec<&str> = text.lines().collect();
        let ok = lines.len() == fields.len() && lines.iter().all(|l| !l.is_empty());
        if ok {
            for (field, line) in fields.iter().zip(&lines) {
                values.insert(field.clone(), SecretString::new((*line).to_string()));
            }
        }
        let count = lines.len();
        text.zeroize();
        if !ok {
            return Err(input(format!(
                "expected {} non-empty line(s) on stdin, one per field ({}), got {count}",
                fields.len(),
                fields.join(", ")
            )));
        }
    }
    Ok(values)
}
