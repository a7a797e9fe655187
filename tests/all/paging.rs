//! Concurrent paging: `list --all` fetches the pages an adapter names ahead of `next` several at
//! once (IONOS offsets without a total, SCP page numbers from its total), in order, with the
//! error of a failing page reported as one page after the other reports it; with
//! `PORTICO_PAGE_CONCURRENCY=1` pages come one at a time.

use crate::support::{Env, create_wireguard, random_hex};
use portico_emulator::FaultRule;
use serde_json::Value;
use std::time::Duration;

const SEQUENTIAL: (&str, &str) = ("PORTICO_PAGE_CONCURRENCY", "1");

fn ids(listed: &Value) -> Vec<String> {
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|g| g["id"].as_str().expect("id").to_string())
        .collect()
}

/// `gateway list --all --limit 1` with `env`; the ids and the most requests the emulator had
/// in flight at once.
fn list_all(env: &Env, extra: &[(&str, &str)]) -> (Vec<String>, u64) {
    env.emu().clear_fault_stats();
    let args = ["gateway", "list", "--all", "--limit", "1", "-o", "json"];
    let run = env.run_with(&args, "", extra).expect_code(0);
    (ids(&run.json()), env.emu().fault_stats().most_in_flight)
}

#[test]
fn offset_pages_come_several_at_once_and_in_order() {
    let env = Env::ionos(Env::config());
    let created: Vec<String> = (0..10)
        .map(|i| create_wireguard(&env, &format!("wg-{i}"), &[])["id"].to_string())
        .map(|id| id.trim_matches('"').to_string())
        .collect();
    // Every response waits a little, so pages sent together are in flight together; the
    // page at offset 2 waits longest and completes after the pages behind it.
    env.emu().set_latency(Duration::from_millis(20));
    env.emu().add_fault(
        FaultRule::latency("/wireguardgateways", Duration::from_millis(200)).query("offset=2&"),
    );
    let (at_once, most) = list_all(&env, &[]);
    assert_eq!(
        at_once, created,
        "every gateway once, in the provider's order"
    );
    assert!(
        most > 1,
        "pages ahead were fetched at once (most in flight: {most})"
    );
    let (one_by_one, most) = list_all(&env, &[SEQUENTIAL]);
    assert_eq!(one_by_one, created);
    assert_eq!(
        most, 1,
        "PORTICO_PAGE_CONCURRENCY=1 fetches one page at a time"
    );
    // Without --all, one page and its cursor, as before.
    let run = env
        .run(&["gateway", "list", "--limit", "3", "-o", "json"])
        .expect_code(0);
    assert_eq!(ids(&run.json()), created[..3]);
    assert!(run.stderr.contains("--cursor"), "{}", run.stderr);
}

#[test]
fn a_failing_page_fails_the_listing_as_it_does_one_page_at_a_time() {
    let env = Env::ionos(Env::config());
    for i in 0..8 {
        create_wireguard(&env, &format!("wg-{i}"), &[]);
    }
    env.emu().set_latency(Duration::from_millis(10));
    let mut failures = Vec::new();
    for extra in [&[][..], &[SEQUENTIAL][..]] {
        // Page 4 fails; a later page fails too, but page 4 comes first.
        for (offset, status) in [("offset=4&", 500), ("offset=6&", 400)] {
            env.emu()
                .add_fault(FaultRule::status("/wireguardgateways", status).query(offset));
        }
        let args = ["gateway", "list", "--all", "--limit", "1", "-o", "json"];
        let run = env.run_with(&args, "", extra).expect_code(2);
        assert!(
            run.stdout.trim().is_empty(),
            "nothing listed: {}",
            run.stdout
        );
        failures.push(run.stderr);
        env.emu().clear_faults();
    }
    assert!(
        failures[0].contains("HTTP 500") && !failures[0].contains("HTTP 400"),
        "{}",
        failures[0]
    );
    assert_eq!(failures[0], failures[1], "the same error either way");
}

#[test]
fn page_numbers_from_the_total_are_fetched_at_once_without_guessing() {
    let env = Env::with_emulator(Env::config());
    let access = env.emu().config().scp_access_key.clone();
    let secret = env.emu().config().scp_secret_key.clone();
    env.set_credential("scp", &["access-key", "secret-key"], &[&access, &secret]);
    env.install_with_profile(portico_test_artifacts::SCP_VPN, "scp-vpn", Some("scp"), &[]);
    let mut created = Vec::new();
    for n in 1..=5 {
        let props = format!(
            r#"{{"vpc_id": "ceb44ea5ecb34a49b16495f9a63b0718", "ip_id": "{}"}}"#,
            random_hex(16)
        );
        let ip = format!("123.0.0.{n}");
        let gw = env.json(&[
            "gateway",
            "create",
            "--name",
            &format!("gw{n}"),
            "--public-address",
            &ip,
            "--properties",
            &props,
        ]);
        created.push(gw["id"].as_str().expect("id").to_string());
    }
    env.emu().set_latency(Duration::from_millis(20));
    env.emu().clear_requests();
    let (at_once, most) = list_all(&env, &[]);
    let mut expected = created.clone();
    let (one_by_one, _) = list_all(&env, &[SEQUENTIAL]);
    assert_eq!(at_once, one_by_one, "the same order either way");
    expected.sort();
    let mut sorted = at_once.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "every gateway once");
    assert!(most > 1, "pages named from the total came at once ({most})");
    // SCP gives the total: no page past the last one is asked for.
    let pages: Vec<String> = env
        .emu()
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/vpn-gateways")
        .filter_map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 10, "five pages, twice: {pages:?}");
    assert!(!pages.iter().any(|q| q.contains("page=5&")), "{pages:?}");
}

#[test]
fn several_profiles_each_fetch_their_pages_ahead_at_once() {
    let env = Env::ionos(Env::config());
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "u",
        "--adapter",
        "ionos-vpn",
        "--credential",
        "ionos-test",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    let created: Vec<String> = (0..8)
        .map(|i| create_wireguard(&env, &format!("wg-{i}"), &["-p", "t"])["id"].to_string())
        .map(|id| id.trim_matches('"').to_string())
        .collect();
    env.emu().set_latency(Duration::from_millis(20));
    let list = |extra: &[(&str, &str)]| {
        env.emu().clear_fault_stats();
        let args = [
            "gateway", "list", "-p", "t", "-p", "u", "--all", "--limit", "1", "-o", "json",
        ];
        let run = env.run_with(&args, "", extra).expect_code(0);
        let listed = run.json();
        let of = |profile: &str| -> Vec<String> {
            listed
                .as_array()
                .expect("a list")
                .iter()
                .filter(|g| g["profile"] == profile)
                .map(|g| g["id"].as_str().expect("id").to_string())
                .collect()
        };
        (of("t"), of("u"), env.emu().fault_stats().most_in_flight)
    };
    let (t, u, most) = list(&[]);
    assert_eq!(t, created, "profile t: every gateway once, in order");
    assert_eq!(u, created, "profile u: every gateway once, in order");
    assert!(
        most > 2,
        "each profile fetched pages ahead at once (most in flight: {most})"
    );
    let (t, u, most) = list(&[SEQUENTIAL]);
    assert_eq!((t.as_slice(), u.as_slice()), (&created[..], &created[..]));
    assert!(
        most <= 2,
        "one page at a time per profile, the two profiles at once (most in flight: {most})"
    );
}
