//! `apply --write-remote-config DIR`: the strongSwan configuration of each link's unmanaged
//! site (`NAME.swanctl.conf`, mode 0600 since it holds the pre-shared key).

use super::expand::LinkPlan;
use super::links::RemoteSite;
use crate::cli::ApplyArgs;
use crate::commands::Ctx;
use crate::commands::inputs::read_source;
use crate::error::input;
use crate::secret::SecretString;
use crate::wit::types::IpsecParams;
use anyhow::{Context as _, Result};
use std::fmt::Write as _;

/// The swanctl.conf of `site`, whose peer is the gateway at `gateway` serving `networks`.
pub(crate) fn swanctl(
    name: &str,
    site: &RemoteSite,
    gateway: &str,
    networks: &[String],
    p: &IpsecParams,
    psk: &SecretString,
) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# strongSwan configuration of the site end of portico link {name}."
    );
    let _ = writeln!(t, "connections {{\n    {name} {{");
    let _ = writeln!(t, "        version = {}", p.ike_version.unwrap_or(2));
    let _ = writeln!(t, "        local_addrs = {}", site.address);
    let _ = writeln!(t, "        remote_addrs = {gateway}");
    if let Some(ike) = &p.ike {
        let _ = writeln!(t, "        proposals = {}", crate::ipsec::format(ike, true));
    }
    if let Some(secs) = p.ike_lifetime_secs {
        let _ = writeln!(t, "        rekey_time = {secs}s");
    }
    if let Some(dpd) = p.dpd_interval_secs.filter(|d| *d > 0) {
        let _ = writeln!(t, "        dpd_delay = {dpd}s");
    }
    let _ = writeln!(
        t,
        "        local {{\n            auth = psk\n            id = {}\n        }}",
        site.address
    );
    let _ = writeln!(
        t,
        "        remote {{\n            auth = psk\n            id = {gateway}\n        }}"
    );
    let _ = writeln!(t, "        children {{\n            {name} {{");
    let _ = writeln!(t, "                local_ts = {}", site.networks.join(", "));
    let _ = writeln!(t, "                remote_ts = {}", networks.join(", "));
    if let Some(esp) = &p.esp {
        let _ = writeln!(
            t,
            "                esp_proposals = {}",
            crate::ipsec::format(esp, false)
        );
    }
    if let Some(secs) = p.esp_lifetime_secs {
        let _ = writeln!(t, "                rekey_time = {secs}s");
    }
    let _ = writeln!(
        t,
        "                start_action = trap\n            }}\n        }}\n    }}\n}}"
    );
    let _ = writeln!(t, "secrets {{\n    ike-{name} {{");
    let _ = writeln!(
        t,
        "        id-site = {}\n        id-gateway = {gateway}",
        site.address
    );
    let _ = writeln!(t, "        secret = \"{}\"\n    }}\n}}", psk.expose());
    t
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
        let psk = read_source(
            "psk",
            &l.psk.source(),
            &ctx.credentials,
            &format!("link {}: ", l.name),
        )?;
        let text = swanctl(&l.name, site, address, &end.networks, &l.params, &psk);
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
