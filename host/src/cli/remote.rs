//! `portico tunnel config` and `portico peer config`: the other end's configuration.

use clap::{Args, ValueEnum};

/// What `tunnel config` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TunnelConfigFormat {
    /// A strongSwan swanctl.conf (connections and secrets sections).
    Swanctl,
    /// A human summary (never the pre-shared key).
    Text,
}

/// Options of `tunnel config`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TunnelConfigArgs {
    /// Tunnel id.
    pub id: String,
    /// Gateway the tunnel belongs to (its public address is the remote site's peer).
    #[arg(long, visible_alias = "parent")]
    pub gateway: String,
    /// Kind, when the id alone is ambiguous.
    #[arg(long)]
    pub kind: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TunnelConfigFormat::Swanctl)]
    pub format: TunnelConfigFormat,
    /// Where the tunnel's pre-shared key comes from, to write it into the secrets section:
    /// `stdin`, `prompt`, `env:VAR`, `file:PATH` or `credential:CRED.FIELD`. Providers never
    /// return it, so without this flag the secret is left for you to fill in.
    #[arg(long, value_name = "SOURCE")]
    pub psk: Option<String>,
}

/// Options of `peer config`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PeerConfigArgs {
    /// Peer id.
    pub id: String,
    /// Gateway the peer belongs to.
    #[arg(long, visible_alias = "parent")]
    pub gateway: String,
    /// Kind, when the id alone is ambiguous.
    #[arg(long)]
    pub kind: Option<String>,
    /// Where the peer's private key comes from (`stdin`, `prompt`, `env:VAR`, `file:PATH`,
    /// `credential:CRED.FIELD`). Without it, the key portico stored when the peer was created
    /// with --generate-key is used, if there is one.
    #[arg(long, value_name = "SOURCE")]
    pub private_key: Option<String>,
    /// Draw the file as a QR code on the terminal (for phone clients).
    #[arg(long)]
    pub qr: bool,
}
