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
    /// The cloud side's networks (repeatable), for providers that do not report them (at
    /// Samsung Cloud Platform a tunnel's local side is its VPC, whose subnets the VPN API does
    /// not show). Replaces what the tunnel and gateway records say.
    #[arg(long = "cloud-network", value_name = "CIDR", value_parser = cidr)]
    pub cloud_networks: Vec<String>,
}

/// An IPv4 or IPv6 network in CIDR notation (`10.1.0.0/16`), as written.
fn cidr(text: &str) -> Result<String, String> {
    let (address, prefix) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not a network in CIDR notation (10.1.0.0/16)"))?;
    let address: std::net::IpAddr = address
        .parse()
        .map_err(|_| format!("`{address}` is not an IP address"))?;
    let most = if address.is_ipv4() { 32 } else { 128 };
    match prefix.parse::<u8>() {
        Ok(n) if n <= most => Ok(text.to_string()),
        _ => Err(format!("`/{prefix}` is not a prefix length (0 to {most})")),
    }
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
