//! `portico plan` / `portico apply` against the emulator (#14): one file across IONOS, UpCloud
//! and Samsung Cloud Platform converges and a second plan finds nothing to do; updates show
//! each field old → new; `--prune` deletes only what portico marked; an injected fault fails
//! one change, the rest is applied and a re-run completes it; secrets never reach the plan,
//! the audit log or any file. Also `list` over several profiles with one failing.

use crate::support::{Env, Run, assert_no_secrets, outputs, random_hex, random_key};
use portico_emulator::FaultRule;
use serde_json::{Value, json};

const DC: &str = "5a029f4a-58ba-11ee-8c99-0242ac120002";
const ROUTER: &str = "04c0ffee-1234-4abc-8def-0123456789ab";

/// Secret values, given to portico through the environment.
struct Secrets {
    wg_key: String,
    upcloud_psk: String,
    scp_psk: String,
}

impl Secrets {
    fn new() -> Self {
        Self {
            wg_key: random_key(),
            upcloud_psk: random_hex(16),
            scp_psk: random_hex(16),
        }
    }

    fn env(&self) -> [(&str, &str); 3] {
        [
            ("WG_KEY", self.wg_key.as_str()),
            ("UP_PSK", self.upcloud_psk.as_str()),
            ("SCP_PSK", self.scp_psk.as_str()),
        ]
    }

    fn all(&self) -> [(&str, &str); 3] {
        [
            ("the WireGuard private key", self.wg_key.as_str()),
            ("the UpCloud pre-shared key", self.upcloud_psk.as_str()),
            ("the SCP pre-shared key", self.scp_psk.as_str()),
        ]
    }
}

/// Profiles `fra` (IONOS), `waw` (UpCloud) and `seoul` (SCP) on one emulator.
pub(crate) fn three() -> Env {
    let env = Env::with_emulator(Env::config());
    let c = env.emu().config().clone();
    env.set_credential("ionos", &["token"], &[&c.ionos_token]);
    let (user, password) = c.upcloud_basic.clone();
    env.set_credential("up", &["username", "password"], &[&user, &password]);
    env.set_credential(
        "scp",
        &["access-key", "secret-key"],
        &[&c.scp_access_key, &c.scp_secret_key],
    );
    let endpoint = format!("endpoint={}", env.emu().url());
    for (component, adapter, profile, credential, settings) in [
        (
            portico_test_artifacts::IONOS_VPN,
            "ionos-vpn",
            "fra",
            "ionos",
            &[][..],
        ),
        (
            portico_test_artifacts::UPCLOUD_GATEWAY,
            "upcloud-gateway",
            "waw",
            "up",
            &["zone=pl-waw1"][..],
        ),
        (
            portico_test_artifacts::SCP_VPN,
            "scp-vpn",
            "seoul",
            "scp",
            &["region=kr-west1", "environment=s"][..],
        ),
    ] {
        env.run(&["adapter", "install", component, "--yes"])
            .expect_code(0);
        let mut args = vec![
            "profile",
            "add",
            profile,
            "--adapter",
            adapter,
            "--credential",
            credential,
            "--set",
            &endpoint,
        ];
        for s in settings {
            args.extend(["--set", s]);
        }
        env.run(&args).expect_code(0);
    }
    env
}

/// The topology: an IONOS WireGuard gateway with `peers` (name, allowed network), an UpCloud
/// gateway with a tunnel, an SCP gateway with a tunnel.
fn topology(peers: &[(&str, &str)], keys: &[String], upcloud_description: &str) -> String {
    let peers: String = peers
        .iter()
        .zip(keys)
        .map(|((name, net), key)| {
            format!(
                "          - name: {name}\n            public-key: \"{key}\"\n            \
                 allowed-networks: [{net}]\n"
            )
        })
        .collect();
    format!(
        "profiles:
  fra:
    gateways:
      - name: fra-wg
        kind: wireguard
        public-address: 203.0.113.10
        networks: [10.8.0.1/24]
        properties: {{connections: [{{datacenterId: {DC}, lanId: \"1\", ipv4CIDR: 192.168.1.10/24}}]}}
        secrets: {{private-key: env:WG_KEY}}
        peers:
{peers}  waw:
    gateways:
      - name: waw-edge
        kind: vpn
        labels: {{team: net}}
        properties: {{routers: [{{uuid: {ROUTER}}}], plan: advanced, addresses: [{{name: vpn-ip}}]}}
        tunnels:
          - name: office
            remote-address: 198.51.100.7,198.51.100.8
            local-networks: [10.0.0.0/24]
            remote-networks: [172.16.0.0/16]
            secrets: {{pre-shared-key: env:UP_PSK}}
  seoul:
    gateways:
      - name: seoulgw
        description: {upcloud_description}
        public-address: 123.0.0.9
        properties: {{vpc_id: ceb44ea5ecb34a49b16495f9a63b0718, ip_id: fcde872f75c145a0893d656cc698f109}}
        tunnels:
          - name: toseoul
            remote-address: 198.51.100.40
            remote-networks: [10.40.0.0/16]
            secrets: {{pre-shared-key: env:SCP_PSK}}
"
    )
}

pub(crate) fn write(env: &Env, text: &str) -> String {
    let path = env.file("topology.yaml");
    std::fs::write(&path, text).expect("write topology");
    path.display().to_string()
}

fn run(env: &Env, args: &[&str], secrets: &Secrets) -> Run {
    env.run_with(args, "", &secrets.env())
}

fn summary(plan: &Value) -> [u64; 4] {
    let s = &plan["summary"];
    ["create", "update", "delete", "unchanged"].map(|k| s[k].as_u64().unwrap())
}

fn ionos_gateway(env: &Env) -> String {
    let gateways = env.json(&["-p", "fra", "gateway", "list"]);
    gateways[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn plan_apply_plan_again_across_three_providers_and_no_secret_anywhere() {
    let env = three();
    let secrets = Secrets::new();
    let keys = vec![random_key(), random_key()];
    let file = write(
        &env,
        &topology(
            &[("laptop", "10.8.0.2/32"), ("phone", "10.8.0.3/32")],
            &keys,
            "core",
        ),
    );
    let plan = run(&env, &["plan", "-f", &file], &secrets).expect_code(2);
    assert!(
        plan.stdout.contains("+ gateway fra-wg") && plan.stdout.contains("+ tunnel office"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("secrets.pre-shared-key: (secret)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged."),
        "{}",
        plan.stdout
    );
    assert!(
        env.emu().requests().iter().all(|r| r.method == "GET"),
        "plan writes nothing"
    );
    let json = run(&env, &["plan", "-f", &file, "-o", "json"], &secrets).expect_code(2);
    assert_eq!(summary(&json.json()), [7, 0, 0, 0]);

    let applied = run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(0);
    assert!(
        applied
            .stdout
            .contains("Apply: 7 created, 0 updated, 0 deleted."),
        "{}",
        applied.stdout
    );
    let again = run(&env, &["plan", "-f", &file, "-o", "json"], &secrets).expect_code(0);
    assert_eq!(summary(&again.json()), [0, 0, 0, 7], "{}", again.stdout);
    let quiet = run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(0);
    assert!(
        quiet.stderr.contains("Nothing to change."),
        "{}",
        quiet.stderr
    );

    // What was created is what the file says, marked as portico's.
    let up = env.json(&["-p", "waw", "gateway", "list"]);
    assert_eq!(
        up[0]["labels"],
        json!({"team": "net", "managed-by": "portico"})
    );
    let scp = env.json(&["-p", "seoul", "gateway", "list"]);
    assert_eq!(scp[0]["description"], "core (managed-by=portico)");
    let peers = env.json(&[
        "-p",
        "fra",
        "peer",
        "list",
        "--gateway",
        &ionos_gateway(&env),
    ]);
    let mut names: Vec<&str> = peers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["laptop", "phone"]);

    let mut haystacks = outputs(&[plan, json, applied, again, quiet]);
    haystacks.extend(env.home_files());
    assert_no_secrets(&haystacks, &secrets.all());
    // The provider did get them: the emulator saw the pre-shared keys.
    let bodies: String = env
        .emu()
        .requests()
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert!(bodies.contains(&secrets.scp_psk) && bodies.contains(&secrets.upcloud_psk));
}

#[test]
fn updates_show_each_field_and_prune_deletes_only_what_portico_marked() {
    let env = three();
    let secrets = Secrets::new();
    let keys = vec![random_key(), random_key()];
    let peers = [("laptop", "10.8.0.2/32"), ("phone", "10.8.0.3/32")];
    let file = write(&env, &topology(&peers, &keys, "core"));
    run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(0);
    // A peer someone made by hand, on the same gateway: not portico's.
    let gateway = ionos_gateway(&env);
    let theirs = env.json(&[
        "-p",
        "fra",
        "peer",
        "create",
        "--gateway",
        &gateway,
        "--name",
        "theirs",
        "--public-key",
        &random_key(),
        "--allowed-network",
        "10.8.0.9/32",
    ]);

    // phone moves network, laptop leaves the file, SCP's description changes.
    let file = write(
        &env,
        &topology(&[("phone", "10.8.0.4/32")], &keys[1..], "edge"),
    );
    let plan = run(&env, &["plan", "-f", &file], &secrets).expect_code(2);
    assert!(
        plan.stdout
            .contains(r#"allowed-networks: ["10.8.0.3/32"] → ["10.8.0.4/32"]"#),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains(r#"description: "core (managed-by=portico)" → "edge (managed-by=portico)""#),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("- peer"),
        "no deletes without --prune"
    );
    assert!(
        plan.stderr
            .contains("1 resource(s) that portico created are not in the file"),
        "{}",
        plan.stderr
    );
    let pruning = run(
        &env,
        &["plan", "-f", &file, "--prune", "-o", "json"],
        &secrets,
    )
    .expect_code(2)
    .json();
    assert_eq!(summary(&pruning), [0, 2, 1, 4], "{pruning}");
    let deletes: Vec<&Value> = pruning["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["changes"].as_array().unwrap())
        .filter(|c| c["action"] == "delete")
        .collect();
    assert_eq!(deletes[0]["name"], "laptop");

    run(&env, &["apply", "-f", &file, "--prune", "--yes"], &secrets).expect_code(0);
    let peers = env.json(&["-p", "fra", "peer", "list", "--gateway", &gateway]);
    let mut left: Vec<(&str, &Value)> = peers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), &p["allowed_networks"]))
        .collect();
    left.sort_by_key(|(name, _)| *name);
    assert_eq!(
        left,
        [
            ("phone", &json!(["10.8.0.4/32"])),
            ("theirs", &theirs["allowed_networks"])
        ],
        "laptop pruned, the hand-made peer kept"
    );
    run(&env, &["plan", "-f", &file, "--prune"], &secrets).expect_code(0);
}

#[test]
fn a_failed_change_is_reported_the_rest_applied_and_a_rerun_completes() {
    let env = three();
    let secrets = Secrets::new();
    let keys = vec![random_key(), random_key()];
    let file = write(
        &env,
        &topology(
            &[("laptop", "10.8.0.2/32"), ("phone", "10.8.0.3/32")],
            &keys,
            "core",
        ),
    );
    // The first peer create of IONOS is refused; UpCloud's tunnel create too.
    env.emu().add_fault(
        FaultRule::status("/wireguardgateways/", 422)
            .method("POST")
            .times(1),
    );
    env.emu().add_fault(
        FaultRule::status("/1.3/gateway/", 400)
            .method("POST")
            .times(1),
    );
    let failed = run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(1);
    assert!(
        failed.stdout.contains("failed: create peer")
            && failed.stdout.contains("failed: create tunnel office (waw)"),
        "{}",
        failed.stdout
    );
    assert!(
        failed.stdout.contains("5 created") && failed.stdout.contains("2 failed"),
        "{}",
        failed.stdout
    );
    let plan = run(&env, &["plan", "-f", &file, "-o", "json"], &secrets)
        .expect_code(2)
        .json();
    assert_eq!(summary(&plan), [2, 0, 0, 5], "only what failed is left");
    run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(0);
    run(&env, &["plan", "-f", &file], &secrets).expect_code(0);
}

#[test]
fn apply_asks_first_and_bad_files_fail_plan_with_1() {
    let env = three();
    let secrets = Secrets::new();
    let file = write(&env, &topology(&[], &[], "core"));
    let refused = run(&env, &["apply", "-f", &file], &secrets).expect_code(1);
    assert!(refused.stderr.contains("add --yes"), "{}", refused.stderr);
    assert!(env.emu().requests().iter().all(|r| r.method == "GET"));
    let literal = write(
        &env,
        "profiles:\n  seoul:\n    gateways:\n      - name: g\n        secrets: {pre-shared-key: hunter2hunter2}\n",
    );
    let bad = run(&env, &["plan", "-f", &literal], &secrets).expect_code(1);
    assert!(
        bad.stderr.contains("never taken from the command line") && !bad.stderr.contains("hunter2"),
        "{}",
        bad.stderr
    );
    let missing = write(&env, "profiles:\n  nowhere:\n    gateways: [{name: g}]\n");
    let err = run(&env, &["plan", "-f", &missing], &secrets).expect_code(1);
    assert!(
        err.stderr.contains("profile \"nowhere\" does not exist"),
        "{}",
        err.stderr
    );
    let schema = env.run(&["schema"]).expect_code(0).json();
    assert_eq!(schema["title"], "portico topology");
    assert!(schema.to_string().contains("remote-address"));
}

#[test]
fn listing_several_profiles_at_once_with_one_failing() {
    let env = three();
    let secrets = Secrets::new();
    let file = write(&env, &topology(&[], &[], "core"));
    run(&env, &["apply", "-f", &file, "--yes"], &secrets).expect_code(0);
    // A profile whose credential the provider refuses.
    env.set_credential("wrong", &["token"], &[&random_hex(16)]);
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "bad",
        "--adapter",
        "ionos-vpn",
        "--credential",
        "wrong",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    let table = env
        .run(&["gateway", "list", "-p", "fra", "-p", "bad", "-p", "waw"])
        .expect_code(1);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("PROFILE"), "{}", table.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("fra ") && l.contains("fra-wg"))
            && lines
                .iter()
                .any(|l| l.starts_with("waw ") && l.contains("waw-edge")),
        "{}",
        table.stdout
    );
    assert!(table.stderr.contains("profile bad"), "{}", table.stderr);
    let all = env.run(&["gateway", "list", "--all-profiles", "-o", "json"]);
    assert_eq!(all.code, 1, "{}", all.stderr);
    let mut seen: Vec<(String, String)> = all
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["profile"].as_str().unwrap().to_string(),
                g["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("fra".to_string(), "fra-wg".to_string()),
            ("seoul".into(), "seoulgw".into()),
            ("waw".into(), "waw-edge".into())
        ]
    );
    let one = env.run(&["gateway", "create", "-p", "fra", "-p", "waw", "--name", "x"]);
    assert_eq!(one.code, 1);
    assert!(
        one.stderr
            .contains("only `list` commands take more than one"),
        "{}",
        one.stderr
    );
}
