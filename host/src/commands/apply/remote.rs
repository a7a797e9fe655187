//! `apply --write-remote-config DIR`: the strongSwan configuration of each link's unmanaged
//! site (`NAME.swanctl.conf`, mode 0600 since it holds the pre-shared key).

use super::expand::LinkPlan;
use super::links::RemoteSite;
use crate::cli::ApplyArgs;
use crate::commands::Ctx;
use crate::commands::inputs::read_source;
use crate::commands::remote_config::swanctl::{Site, render};
use crate::error::input;
use crate::secret::SecretString;
use crate::wit::types::IpsecParams;
use anyhow::{Context as _, Result};

/// The site end of link `name`, whose peer is the gateway at `gateway` serving `networks`.
fn site_of(
    name: &str,
    site: &RemoteSite,
    gateway: &str,
    networks: &[String],
    p: &IpsecParams,
) -> Site {
    let proposal = |p: Option<&crate::wit::types::Proposal>, ike| {
        p.map_or_else(|| "default".to_string(), |p| crate::ipsec::format(p, ike))
    };
    Site {
        name: format!("portico-{name}"),
        local_address: site.address.clone(),
        remote_address: gateway.to_string(),
        local_networks: site.networks.clone(),
        remote_networks: networks.to_vec(),
        ike_version: p.ike_version.unwrap_or(2),
        ike: proposal(p.ike.as_ref(), true),
        esp: proposal(p.esp.as_ref(), false),
        ike_lifetime_secs: p.ike_lifetime_secs,
        esp_lifetime_secs: p.esp_lifetime_secs,
        dpd_interval_secs: p.dpd_interval_secs,
    }
}

/// Writes the configuration of every link to an unmanaged site into `--write-remote-config`.
pub(super) fn write(ctx: &Ctx, args: &ApplyArgs, links: &[LinkPlan]) -> Result<()> {
    let Some(dir) = &args.write_remote_config else {
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    for l in links {
        let Some((site, address, end)) = &l.remote else {
            continue;
        };
        let Some(address) = address else {
            return Err(input(format!(
                "link {}: gateway {}/{} has no public address yet, so its site's configuration \
                 cannot be written",
                l.name, end.profile, end.gateway
            )));
        };
        let psk = SecretString::from(read_source(
            &l.psk.source(),
            "psk",
            &format!("link {}: ", l.name),
            &ctx.credentials,
        )?);
        let text = render(
            &site_of(&l.name, site, address, &end.networks, &l.params),
            Some(&psk),
        );
        let path = dir.join(format!("{}.swanctl.conf", l.name));
        write_private(&path, text.as_bytes())?;
        eprintln!("Wrote {}.", path.display());
    }
    Ok(())
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("failed to write {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("failed to write {}", path.display()))
}
