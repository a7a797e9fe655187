//! Nothing lost, nothing duplicated under faults (#13): per provider, with seeded random faults
//! (20% 503, 10% 429 with `Retry-After`, 5% dropped connections, 1% lost responses) on its API,
//! a script of 200 creates and deletes through the real CLI ends with exactly the intended
//! resources in the emulator, each once.
//!
//! The script behaves as a careful one does: it re-runs a command that failed, and before
//! re-running a create it lists (the CLI's error says the outcome may be unknown) to see
//! whether the resource exists after all; a delete that answers not-found is done. The seed is
//! printed; `PORTICO_SOAK_SEED=N` replays a run.

use crate::support::{Env, connections, random_key};
use portico_emulator::{FaultRates, RandomFaults};
use serde_json::Value;

/// Creates and deletes: create `i`, then delete `i - WINDOW`, so at most `WINDOW + 1` exist
/// (SCP allows five gateways).
const CREATES: usize = 102;
const WINDOW: usize = 4;
/// Attempts of one command before the script gives up.
const ATTEMPTS: usize = 25;

/// The arguments of one create, and the environment it runs with.
type CreateCall = (Vec<String>, Vec<(String, String)>);

/// One provider's resource, as the script drives it.
struct Target {
    /// The API paths the faults apply to.
    prefix: &'static str,
    noun: &'static str,
    /// `create` arguments for resource `i`, and its environment.
    create: fn(&Env, usize) -> CreateCall,
    /// The natural key a careful script recognises resource `i` by, in a listed item.
    key_of: fn(&Value) -> Option<String>,
    key: fn(usize) -> String,
}

fn seed() -> u64 {
    std::env::var("PORTICO_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

fn name_key(item: &Value) -> Option<String> {
    item["name"].as_str().map(String::from)
}

fn soak(env: &Env, target: &Target) {
    let seed = seed();
    let rates = FaultRates {
        status_503: 0.2,
        status_429: 0.1,
        retry_after_secs: Some(0),
        drop: 0.05,
        lose_response: 0.01,
    };
    let faults = RandomFaults::new(seed, rates).path_prefix(target.prefix);
    eprintln!(
        "soak {}: {faults} (replay with PORTICO_SOAK_SEED={seed})",
        target.noun
    );
    std::fs::write(
        env.file("config/config.toml"),
        "[limits]\nretry_base_ms = 1\nretries = 6\n",
    )
    .unwrap();
    env.emu().set_random_faults(faults).unwrap();
    let mut ids: Vec<Option<String>> = vec![None; CREATES];
    for i in 0..CREATES {
        ids[i] = Some(create(env, target, i, seed));
        if i >= WINDOW {
            let id = ids[i - WINDOW].take().expect("created");
            delete(env, target, &id, seed);
        }
    }
    env.emu().clear_random_faults();
    let listed = list(env, target).expect("a list without faults");
    let mut keys: Vec<String> = listed.iter().filter_map(target.key_of).collect();
    keys.sort();
    let mut wanted: Vec<String> = (CREATES - WINDOW..CREATES).map(target.key).collect();
    wanted.sort();
    let stats = env.emu().fault_stats();
    eprintln!("soak {}: injected {stats:?}", target.noun);
    assert_eq!(
        keys, wanted,
        "seed {seed}: the emulator holds other {}s than the script meant ({stats:?})",
        target.noun
    );
    assert!(
        stats.lose_response + stats.drop > 0 && !stats.status.is_empty(),
        "seed {seed}: the faults did not fire: {stats:?}"
    );
}

/// Every item of the noun, or `None` when the list itself failed.
fn list(env: &Env, target: &Target) -> Option<Vec<Value>> {
    let run = env.run(&[target.noun, "list", "--all", "-o", "json"]);
    (run.code == 0).then(|| run.json().as_array().cloned().unwrap_or_default())
}

/// The id of the listed item with `key`, once a list succeeds.
fn find(env: &Env, target: &Target, key: &str) -> Option<String> {
    for _ in 0..ATTEMPTS {
        if let Some(items) = list(env, target) {
            return items
                .iter()
                .find(|item| (target.key_of)(item).as_deref() == Some(key))
                .map(|item| item["id"].as_str().unwrap().to_string());
        }
    }
    panic!("{} list kept failing", target.noun)
}

fn create(env: &Env, target: &Target, i: usize, seed: u64) -> String {
    let (args, vars) = (target.create)(env, i);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let key = (target.key)(i);
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0
            && let Some(id) = find(env, target, &key)
        {
            return id;
        }
        let run = env.run_with(&args, "", &vars);
        if run.code == 0 {
            return run.json()["id"].as_str().expect("an id").to_string();
        }
        last = run.stderr;
    }
    panic!("seed {seed}: creating {key} kept failing: {last}")
}

fn delete(env: &Env, target: &Target, id: &str, seed: u64) {
    let mut last = String::new();
    for _ in 0..ATTEMPTS {
        let run = env.run(&[target.noun, "delete", id]);
        if run.code == 0 || run.stderr.contains("not found") {
            return;
        }
        last = run.stderr;
    }
    panic!("seed {seed}: deleting {id} kept failing: {last}")
}

fn owned(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn ionos_gateways() {
    let env = Env::ionos(Env::config());
    soak(
        &env,
        &Target {
            prefix: "/wireguardgateways",
            noun: "gateway",
            create: |_, i| {
                let mut args = owned(&["gateway", "create", "--kind", "wireguard", "--name"]);
                args.push(format!("soak{i}"));
                args.extend(owned(&["--public-address", "203.0.113.10", "--network"]));
                args.push("10.8.0.1/24".into());
                args.extend(owned(&["--properties", &connections(1), "-o", "json"]));
                args.extend(owned(&["--secret", "private-key=env:WG_KEY"]));
                (args, vec![("WG_KEY".into(), random_key())])
            },
            key_of: name_key,
            key: |i| format!("soak{i}"),
        },
    );
}

#[test]
fn soracom_vpgs() {
    let env = Env::with_emulator(Env::config());
    let c = env.emu().config().clone();
    env.set_credential(
        "soracom-test",
        &["auth-key-id", "auth-key"],
        &[&c.soracom_auth_key_id, &c.soracom_auth_key],
    );
    env.install_with_profile(
        portico_test_artifacts::SORACOM_VPG,
        "soracom-vpg",
        Some("soracom-test"),
        &[],
    );
    soak(
        &env,
        &Target {
            prefix: "/v1/virtual_private_gateways",
            noun: "gateway",
            create: |_, i| {
                let mut args = owned(&["gateway", "create", "--name"]);
                args.push(format!("soak{i}"));
                args.extend(owned(&["--properties", r#"{"type":14}"#, "-o", "json"]));
                (args, Vec::new())
            },
            key_of: name_key,
            key: |i| format!("soak{i}"),
        },
    );
}

#[test]
fn soracom_napter_mappings() {
    let env = Env::with_emulator(Env::config());
    let c = env.emu().config().clone();
    env.set_credential(
        "soracom-test",
        &["auth-key-id", "auth-key"],
        &[&c.soracom_auth_key_id, &c.soracom_auth_key],
    );
    env.install_with_profile(
        portico_test_artifacts::SORACOM_NAPTER,
        "soracom-napter",
        Some("soracom-test"),
        &[],
    );
    // Napter entries have no name: the script knows its entries by the device port.
    soak(
        &env,
        &Target {
            prefix: "/v1/port_mappings",
            noun: "mapping",
            create: |_, i| {
                let mut args = owned(&["mapping", "create", "--destination"]);
                args.push(format!("sim:8942310022000012345:{}", 1000 + i));
                args.extend(owned(&[
                    "--properties",
                    r#"{"duration":3600}"#,
                    "-o",
                    "json",
                ]));
                (args, Vec::new())
            },
            key_of: |item| item["destination"].as_str().map(String::from),
            key: |i| format!("sim:8942310022000012345:{}", 1000 + i),
        },
    );
}

#[test]
fn scp_gateways() {
    let env = Env::with_emulator(Env::config());
    let c = env.emu().config().clone();
    env.set_credential(
        "scp-test",
        &["access-key", "secret-key"],
        &[&c.scp_access_key, &c.scp_secret_key],
    );
    env.install_with_profile(
        portico_test_artifacts::SCP_VPN,
        "scp-vpn",
        Some("scp-test"),
        &["region=kr-west1", "environment=s"],
    );
    soak(
        &env,
        &Target {
            prefix: "/v1/vpn-gateways",
            noun: "gateway",
            create: |_, i| {
                let mut args = owned(&["gateway", "create", "--name"]);
                args.push(format!("soak{i}"));
                args.push("--public-address".into());
                args.push(format!("123.0.{}.{}", i / 200, i % 200 + 1));
                let props = serde_json::json!({
                    "vpc_id": "ceb44ea5ecb34a49b16495f9a63b0718",
                    "ip_id": format!("{:032x}", i + 1),
                });
                args.extend(owned(&["--properties", &props.to_string(), "-o", "json"]));
                (args, Vec::new())
            },
            key_of: name_key,
            key: |i| format!("soak{i}"),
        },
    );
}

#[test]
fn upcloud_gateways() {
    let env = Env::with_emulator(Env::config());
    let (user, password) = env.emu().config().upcloud_basic.clone();
    env.set_credential(
        "upcloud-test",
        &["username", "password"],
        &[&user, &password],
    );
    env.install_with_profile(
        portico_test_artifacts::UPCLOUD_GATEWAY,
        "upcloud-gateway",
        Some("upcloud-test"),
        &["zone=pl-waw1"],
    );
    soak(
        &env,
        &Target {
            prefix: "/1.3/gateway",
            noun: "gateway",
            create: |_, i| {
                let mut args = owned(&["gateway", "create", "--kind", "vpn", "--name"]);
                args.push(format!("soak{i}"));
                let props = serde_json::json!({
                    "routers": [{"uuid": "04c0ffee-1234-4abc-8def-0123456789ab"}],
                    "plan": "advanced",
                    "addresses": [{"name": "vpn-ip"}],
                });
                args.extend(owned(&["--properties", &props.to_string(), "-o", "json"]));
                (args, Vec::new())
            },
            key_of: name_key,
            key: |i| format!("soak{i}"),
        },
    );
}
