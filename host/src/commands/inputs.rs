//! Inputs that are not plain flags: secret inputs and JSON documents.

use crate::broker::scrub::is_distinctive;
use crate::broker::secrets::SecretInputs;
use crate::credential_store::CredentialStore;
use crate::error::input;
use crate::secret::SecretString;
use crate::wit::adapter;
use anyhow::{Context as _, Result};
use std::io::Read as _;
use zeroize::Zeroize as _;

/// Where a secret input's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretSource {
    /// Standard input, whole (one trailing newline removed).
    Stdin,
    /// A prompt on the terminal, without echo.
    Prompt,
    /// An environment variable.
    Env(String),
    /// A file, whole (one trailing newline removed).
    File(String),
    /// A field of a stored credential.
    Credential(String, String),
}

/// A `--secret NAME=SOURCE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretArg {
    /// Secret input name.
    pub name: String,
    /// Where its value comes from.
    pub source: SecretSource,
}

/// Parses `--secret` arguments. A literal value is refused: secrets never come from argv.
pub(crate) fn parse_secret_args(args: &[String]) -> Result<Vec<SecretArg>> {
    let mut out = Vec::new();
    for arg in args {
        let (name, source) = match arg.split_once('=') {
            Some((name, source)) => (name.trim(), source.trim()),
            None => (
                arg.trim(),
                if super::stdin_is_terminal() {
                    "prompt"
                } else {
                    "stdin"
                },
            ),
        };
        let source = parse_source(source, name)?;
        out.push(SecretArg {
            name: name.to_string(),
            source,
        });
    }
    if out
        .iter()
        .filter(|a| a.source == SecretSource::Stdin)
        .count()
        > 1
    {
        return Err(input("only one secret input can come from stdin"));
    }
    Ok(out)
}

/// Reads one source (`stdin`, `-`, `prompt`, `env:VAR`, `file:PATH`, `credential:NAME.FIELD`)
/// for the secret `name` (named in errors).
pub(crate) fn parse_source(source: &str, name: &str) -> Result<SecretSource> {
    Ok(match source {
        "stdin" | "-" => SecretSource::Stdin,
        "prompt" => SecretSource::Prompt,
        s if s.starts_with("env:") && s.len() > 4 => SecretSource::Env(s[4..].to_string()),
        s if s.starts_with("file:") && s.len() > 5 => SecretSource::File(s[5..].to_string()),
        s if s.starts_with("credential:") => {
            let (cred, field) = s["credential:".len()..].split_once('.').ok_or_else(|| {
                input(format!(
                    "secret input {name}: expected credential:NAME.FIELD"
                ))
            })?;
            SecretSource::Credential(cred.to_string(), field.to_string())
        }
        _ => {
            return Err(input(format!(
                "secret input {name}: values are never taken from the command line; use \
                 {name}=stdin, {name}=prompt, {name}=env:VAR, {name}=file:PATH or \
                 {name}=credential:NAME.FIELD"
            )));
        }
    })
}

/// The value of `source` for the secret `name` (`of`: the resource named in prompts).
pub(crate) fn read_source(
    source: &SecretSource,
    name: &str,
    of: &str,
    credentials: &CredentialStore,
) -> Result<String> {
    Ok(match source {
        SecretSource::Stdin => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("failed to read a secret input from stdin")?;
            let trimmed = text.trim_end_matches(['\n', '\r']).to_string();
            text.zeroize();
            trimmed
        }
        SecretSource::File(path) => {
            let mut text = std::fs::read_to_string(path)
                .with_context(|| format!("{of}secret input {name}: failed to read {path}"))?;
            let trimmed = text.trim_end_matches(['\n', '\r']).to_string();
            text.zeroize();
            trimmed
        }
        SecretSource::Prompt => rpassword::prompt_password(format!("{of}{name}: "))
            .with_context(|| format!("failed to prompt for secret input {name}"))?,
        SecretSource::Env(var) => std::env::var(var).map_err(|_| {
            input(format!(
                "{of}secret input {name}: environment variable {var} is not set"
            ))
        })?,
        SecretSource::Credential(cred, field) => credentials
            .resolve(cred, std::slice::from_ref(field))?
            .field(field)
            .map(|v| v.expose().to_string())
            .ok_or_else(|| {
                input(format!(
                    "secret input {name}: credential {cred} has no field {field}"
                ))
            })?,
    })
}

/// Reads the values of `args`, checking each name against what the adapter declared.
pub(crate) fn read_secrets(
    args: &[SecretArg],
    declared: &[adapter::SecretInputSpec],
    credentials: &CredentialStore,
) -> Result<SecretInputs> {
    read_secrets_of(args, declared, credentials, None)
}

/// [`read_secrets`] for the resource `of` (named in prompts and errors).
pub(crate) fn read_secrets_of(
    args: &[SecretArg],
    declared: &[adapter::SecretInputSpec],
    credentials: &CredentialStore,
    of: Option<&str>,
) -> Result<SecretInputs> {
    let of = of.map(|o| format!("{o}: ")).unwrap_or_default();
    let mut inputs = SecretInputs::default();
    for arg in args {
        if !declared.iter().any(|d| d.name == arg.name) {
            let names: Vec<&str> = declared.iter().map(|d| d.name.as_str()).collect();
            return Err(input(format!(
                "the adapter declares no secret input {:?} (it declares: {})",
                arg.name,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        let value = read_source(&arg.source, &arg.name, &of, credentials)?;
        if value.is_empty() {
            return Err(input(format!("secret input {} is empty", arg.name)));
        }
        if !is_distinctive(value.as_bytes()) {
            eprintln!(
                "note: secret input {} is short or a plain word; portico cannot tell it apart \
                 from ordinary provider text and will not scrub it from responses",
                arg.name
            );
        }
        inputs.insert(arg.name.clone(), SecretString::new(value));
    }
    Ok(inputs)
}

/// Reads a JSON argument: inline JSON, `@FILE`, or `-` for stdin. Checks that it parses.
pub(crate) fn read_json(arg: &str, what: &str) -> Result<String> {
    let text = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .with_context(|| format!("failed to read {what} from stdin"))?;
        text
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::read_to_string(path)
            .with_context(|| format!("failed to read {what} from {path}"))?
    } else {
        arg.to_string()
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|err| input(format!("{what} is not valid JSON: {err}")))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_sources() {
        let args = parse_secret_args(&[
            "psk=env:MY_PSK".into(),
            "key=credential:vault.psk".into(),
            "k2=prompt".into(),
        ])
        .unwrap();
        assert_eq!(args[0].source, SecretSource::Env("MY_PSK".into()));
        assert_eq!(
            args[1].source,
            SecretSource::Credential("vault".into(), "psk".into())
        );
        assert_eq!(args[2].source, SecretSource::Prompt);
    }

    #[test]
    fn literal_values_are_refused_without_echoing_them() {
        let err = parse_secret_args(&["psk=hunter2".into()]).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("never taken from the command line"), "{msg}");
        assert!(!msg.contains("hunter2"));
    }

    #[test]
    fn one_stdin_only() {
        assert!(parse_secret_args(&["a=stdin".into(), "b=-".into()]).is_err());
    }
}
