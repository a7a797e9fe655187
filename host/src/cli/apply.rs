//! `portico plan` and `portico apply` arguments.

use clap::Args;
use std::path::PathBuf;

/// `portico plan -f FILE`
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The topology file (YAML or JSON; `-` for stdin).
    #[arg(short, long, value_name = "FILE")]
    pub file: PathBuf,
    /// Also delete what portico created that the file no longer names.
    #[arg(long)]
    pub prune: bool,
}

/// `portico apply -f FILE`
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// What to converge to.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Apply without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Most changes in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Write the strongSwan configuration (`NAME.swanctl.conf`, with the pre-shared key) of
    /// each link's unmanaged site into this directory.
    #[arg(long, value_name = "DIR")]
    pub write_remote_config: Option<std::path::PathBuf>,
}
