//! `adapter inspect` of every shipped adapter, as JSON and as a table, pinned by snapshots
//! (`tests/all/snapshots/`; review a change with `cargo insta review`). The digest and the
//! approval time differ per build and run, so they are replaced before comparing.

use crate::support::Env;

/// `text` with the volatile parts of an inspect replaced.
fn stable(text: &str, sha: &str) -> String {
    let mut out = text.replace(sha, "[sha256]");
    let short: String = sha.chars().take(12).collect();
    out = out.replace(&short, "[sha256]");
    out.lines()
        .map(|l| {
            if l.contains("approved_at") || l.starts_with("approved at:") {
                let key = l.split(':').next().unwrap_or_default();
                format!("{key}: [time]")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(component: &str, adapter: &str) {
    let env = Env::new();
    env.run(&["adapter", "install", component, "--yes"])
        .expect_code(0);
    let json = env.json(&["adapter", "inspect", adapter]);
    let sha = json["sha256"].as_str().unwrap().to_string();
    let text = serde_json::to_string_pretty(&json).unwrap();
    insta::assert_snapshot!(format!("{adapter}.json"), stable(&text, &sha));
    let table = env
        .run(&["adapter", "inspect", adapter, "-o", "table"])
        .expect_code(0);
    insta::assert_snapshot!(format!("{adapter}.table"), stable(&table.stdout, &sha));
}

#[test]
fn ionos_vpn() {
    snapshot(portico_test_artifacts::IONOS_VPN, "ionos-vpn");
}

#[test]
fn soracom_vpg() {
    snapshot(portico_test_artifacts::SORACOM_VPG, "soracom-vpg");
}

#[test]
fn soracom_napter() {
    snapshot(portico_test_artifacts::SORACOM_NAPTER, "soracom-napter");
}

#[test]
fn scp_vpn() {
    snapshot(portico_test_artifacts::SCP_VPN, "scp-vpn");
}

#[test]
fn upcloud_gateway() {
    snapshot(portico_test_artifacts::UPCLOUD_GATEWAY, "upcloud-gateway");
}
