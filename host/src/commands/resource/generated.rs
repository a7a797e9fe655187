//! `--generate-key` on `peer create` and `gateway create`: the peer's public key goes in its
//! spec (set when the spec was built); a gateway's private key goes through the secret input
//! the adapter declares with the form `wireguard-private-key`, so the adapter only sees the
//! placeholder. Either way the private key is kept in the credential store after the create.

use crate::broker::secrets::placeholder;
use crate::commands::inputs::{self, SecretArg};
use crate::commands::remote_config::keys::{self, KeyPair};
use crate::commands::{Bound, Ctx};
use crate::error::input;
use crate::wit::adapter::{Description, Noun, SecretForm};
use crate::wit::types;
use anyhow::Result;

/// The secret input of `description` that takes a generated WireGuard private key on
/// `gateway.create`.
fn key_input(description: &Description) -> Result<String> {
    description
        .secret_inputs
        .iter()
        .find(|s| {
            s.form == Some(SecretForm::WireguardPrivateKey)
                && s.used_by.iter().any(|u| u == "gateway.create")
        })
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            input(format!(
                "--generate-key: adapter {} declares no WireGuard private key input for gateway \
                 create (a secret input with the form wireguard-private-key)",
                description.name
            ))
        })
}

/// Binds the session; for a gateway with a generated key, adds the key as the adapter's
/// WireGuard private key input and returns the input the spec must name.
pub(super) async fn bind(
    ctx: &mut Ctx,
    noun: Noun,
    key: Option<&KeyPair>,
    args: &[SecretArg],
) -> Result<(Bound, Option<types::SecretInput>)> {
    let Some(key) = key.filter(|_| noun == Noun::Gateway) else {
        return Ok((ctx.bind(args).await?, None));
    };
    let mut named = None;
    let store = ctx.credentials.clone();
    let bound = ctx
        .bind_with(
            |description, credentials| {
                let name = key_input(description)?;
                if args.iter().any(|a| a.name == name) {
                    return Err(input(format!(
                        "--generate-key makes the secret input {name}: leave out --secret {name}"
                    )));
                }
                let mut values =
                    inputs::read_secrets(args, &description.secret_inputs, credentials)?;
                values.insert(name.clone(), key.private.clone());
                named = Some(types::SecretInput {
                    placeholder: placeholder(&name),
                    name,
                });
                Ok(values)
            },
            store,
        )
        .await?;
    Ok((bound, named))
}

/// Keeps the private key of the created `noun` `id`.
pub(super) fn keep(ctx: &Ctx, noun: &str, id: &str, key: &KeyPair) -> Result<()> {
    let name = keys::store(&ctx.credentials, noun, id, key)?;
    let used = if noun == "peer" {
        "; `portico peer config` writes it into the peer's file"
    } else {
        ""
    };
    eprintln!(
        "kept the generated private key as credential {name} (field {}){used}",
        keys::FIELD
    );
    Ok(())
}
