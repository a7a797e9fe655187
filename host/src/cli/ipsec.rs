//! The typed IPSec flags of `tunnel create` and `tunnel update`.

use clap::Args;
use std::time::Duration;

/// IPSec parameters, in strongSwan's proposal syntax.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "IPSec")]
pub(crate) struct IpsecArgs {
    /// IKE version (1 or 2).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub ike_version: Option<u8>,
    /// Phase 1 proposal, e.g. aes256gcm16-prfsha384-ecp384 (encryption, integrity or PRF, DH
    /// groups; several of each allowed).
    #[arg(long, value_name = "PROPOSAL")]
    pub ike: Option<String>,
    /// Phase 2 proposal, e.g. aes256gcm16-ecp384 (its DH groups are PFS; none: no PFS).
    #[arg(long, value_name = "PROPOSAL")]
    pub esp: Option<String>,
    /// IKE SA lifetime (e.g. 8h).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub ike_lifetime: Option<Duration>,
    /// Child SA lifetime (e.g. 1h).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub esp_lifetime: Option<Duration>,
    /// Dead peer detection interval (e.g. 30s; 0s turns it off).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub dpd_interval: Option<Duration>,
}
