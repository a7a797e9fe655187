//! Adapters shipped through a real OCI registry: Debian's `docker-registry` (distribution 2.8,
//! installed by `just setup`), started by each test on a free loopback port with its own
//! storage, anonymous or behind htpasswd basic auth. Publish, install by tag and by digest and
//! a lifecycle against the emulator; the CNCF media types and the component's world, read from
//! the registry's own answers; a blob tampered with in the registry's storage refused with
//! nothing installed; unsigned and untrusted adapters refused when keys are trusted; a tag
//! moved to a build with one more host and a newer release, found by `outdated` and installed
//! by `upgrade` only after approval while the approved build keeps running; wrong registry
//! credentials refused with a clear error and no secret printed; HTTPS trusted by the same
//! rule as the brokered requests.
//!
//! Without the registry binary every test fails, saying that `just setup` installs it.

mod harness;

use crate::support::{Env, assert_no_secrets, outputs, random_hex};
use harness::{Options, Registry, get};
use serde_json::Value;
use std::io::Cursor;

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const WASM_CONFIG: &str = "application/vnd.wasm.config.v0+json";
const WASM_LAYER: &str = "application/wasm";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `adapter publish FILE REF EXTRA...`; returns the manifest digest it printed.
#[track_caller]
fn publish(env: &Env, file: &str, reference: &str, extra: &[&str]) -> String {
    let mut args = vec!["adapter", "publish", file, reference];
    args.extend(extra);
    let run = env.run(&args).expect_code(0);
    let printed = run.stdout.trim();
    let (at, digest) = printed
        .rsplit_once('@')
        .unwrap_or_else(|| panic!("publish printed {printed:?}\n{}", run.stderr));
    assert_eq!(at, reference, "{printed}");
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{printed}"
    );
    digest.to_string()
}

/// Writes `config.toml`: the registry entry of `host` (credential and extra lines) and the
/// trusted keys.
fn configure(env: &Env, host: &str, credential: Option<&str>, extra: &str, keys: &[String]) {
    env.run(&["adapter", "list"]).expect_code(0);
    let mut text = format!("[registries.\"{host}\"]\n{extra}");
    if let Some(name) = credential {
        text.push_str(&format!("credential = \"{name}\"\n"));
    }
    if !keys.is_empty() {
        let list: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
        text.push_str(&format!("[trust]\nkeys = [{}]\n", list.join(", ")));
    }
    std::fs::write(env.file("config/config.toml"), text).expect("write config.toml");
}

/// Profile `t` for toy-vpn at the emulator with its token.
fn toy_profile(env: &Env) {
    let token = env.emu().config().toy_token.clone();
    env.set_credential("toy", &["token"], &[&token]);
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "t",
        "--adapter",
        "toy-vpn",
        "--credential",
        "toy",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
}

/// create → list → delete of a Toy VPN gateway through the installed adapter.
fn lifecycle(env: &Env) {
    let created = env.json(&[
        "gateway",
        "create",
        "--name",
        "edge",
        "--network",
        "10.10.0.0/24",
        "--wait",
    ]);
    let id = created["id"].as_str().expect("an id").to_string();
    let list = env.json(&["gateway", "list"]);
    assert_eq!(list[0]["id"], id.as_str(), "{list}");
    env.run(&["gateway", "delete", &id, "--wait"])
        .expect_code(0);
    assert_eq!(env.json(&["gateway", "list"]), serde_json::json!([]));
}

/// The approval summary lines an install printed (up to the changes or the refusal).
fn summary(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.starts_with("error:") && !l.starts_with("  from oci://"))
        .collect()
}

#[test]
fn publish_install_by_tag_and_by_digest_and_run_a_lifecycle() {
    let registry = Registry::anonymous();
    let env = Env::with_emulator(Env::config());
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    let digest = publish(&env, portico_test_artifacts::TOY_VPN, &reference, &[]);

    // What a file install shows, for comparison.
    let file = env
        .run(&["adapter", "install", portico_test_artifacts::TOY_VPN])
        .expect_code(1);
    let installed = env
        .run(&["adapter", "install", &reference, "--yes"])
        .expect_code(0);
    assert_eq!(
        summary(&installed.stderr),
        summary(&file.stderr),
        "a registry install shows what a file install shows"
    );
    assert!(
        installed.stderr.contains("[grant] api.toyvpn.example")
            && installed.stderr.contains("api: token (secret) via bearer"),
        "{}",
        installed.stderr
    );
    let bare = reference.trim_start_matches("oci://");
    assert!(
        installed
            .stderr
            .contains(&format!("  from {reference}, manifest {digest}")),
        "{}",
        installed.stderr
    );
    let list = env.json(&["adapter", "list"]);
    assert_eq!(list[0]["registry"]["reference"], bare, "{list}");
    assert_eq!(list[0]["registry"]["digest"], digest.as_str(), "{list}");
    let component = std::fs::read(portico_test_artifacts::TOY_VPN).unwrap();
    assert_eq!(list[0]["sha256"], sha256_hex(&component).as_str());
    let lock = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap();
    assert!(lock.contains(&digest) && lock.contains(bare), "{lock}");
    toy_profile(&env);
    lifecycle(&env);

    // By digest, in another home.
    let other = Env::with_emulator(Env::config());
    let by_digest = format!("oci://{}/portico/toy-vpn@{digest}", registry.host);
    other
        .run(&["adapter", "install", &by_digest, "--yes"])
        .expect_code(0);
    let list = other.json(&["adapter", "list"]);
    assert_eq!(list[0]["registry"]["digest"], digest.as_str(), "{list}");
    toy_profile(&other);
    lifecycle(&other);
    let signature = other
        .run(&["adapter", "install", &by_digest, "--signature", "x.minisig"])
        .expect_code(1);
    assert!(
        signature.stderr.contains("--signature is for a file"),
        "{}",
        signature.stderr
    );
}

#[test]
fn the_manifest_has_the_cncf_media_types_and_a_config_describing_the_world() {
    let registry = Registry::anonymous();
    let env = Env::new();
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    let digest = publish(&env, portico_test_artifacts::TOY_VPN, &reference, &[]);
    let answer = get(
        &registry.host,
        "/v2/portico/toy-vpn/manifests/0.1.0",
        MANIFEST,
        None,
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some(MANIFEST));
    assert_eq!(format!("sha256:{}", sha256_hex(&answer.body)), digest);
    let manifest = answer.json();
    assert_eq!(manifest["schemaVersion"], 2, "{manifest}");
    assert_eq!(manifest["mediaType"], MANIFEST, "{manifest}");
    assert_eq!(manifest["config"]["mediaType"], WASM_CONFIG, "{manifest}");
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 1, "{manifest}");
    assert_eq!(layers[0]["mediaType"], WASM_LAYER, "{manifest}");
    let component = std::fs::read(portico_test_artifacts::TOY_VPN).unwrap();
    let layer_digest = format!("sha256:{}", sha256_hex(&component));
    assert_eq!(layers[0]["digest"], layer_digest.as_str());
    assert_eq!(layers[0]["size"], component.len());
    assert_eq!(
        manifest["annotations"]["org.opencontainers.image.version"],
        "0.1.0"
    );

    let config_digest = manifest["config"]["digest"].as_str().expect("digest");
    let config = get(
        &registry.host,
        &format!("/v2/portico/toy-vpn/blobs/{config_digest}"),
        WASM_CONFIG,
        None,
    );
    assert_eq!(config.status, 200);
    let config = config.json();
    assert_eq!(config["architecture"], "wasm", "{config}");
    assert_eq!(config["os"], "wasip2", "{config}");
    assert_eq!(config["layerDigests"], serde_json::json!([layer_digest]));
    assert_eq!(
        config["component"]["target"], "portico:adapter/provider@0.2.0",
        "{config}"
    );
    let names = |key: &str| -> Vec<String> {
        config["component"][key]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let exports = names("exports");
    for export in ["adapter", "gateways", "operations"] {
        let name = format!("portico:adapter/{export}@0.2.0");
        assert!(exports.contains(&name), "{name} in {exports:?}");
    }
    let imports = names("imports");
    assert!(
        imports.contains(&"portico:adapter/http@0.2.0".to_string()),
        "{imports:?}"
    );
}

#[test]
fn a_blob_tampered_with_in_the_registry_is_refused_and_nothing_is_installed() {
    let registry = Registry::anonymous();
    let env = Env::new();
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    publish(&env, portico_test_artifacts::TOY_VPN, &reference, &[]);
    let component = std::fs::read(portico_test_artifacts::TOY_VPN).unwrap();
    let blob = registry.blob_file(&format!("sha256:{}", sha256_hex(&component)));
    let mut bytes = std::fs::read(&blob).expect("the layer's blob in the registry's storage");
    assert_eq!(bytes, component);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&blob, &bytes).unwrap();

    let run = env
        .run(&["adapter", "install", &reference, "--yes"])
        .expect_code(2);
    assert!(run.stderr.contains("digest mismatch"), "{}", run.stderr);
    assert!(run.stderr.contains(&registry.host), "{}", run.stderr);
    assert_eq!(env.json(&["adapter", "list"]), serde_json::json!([]));
    assert!(!env.file("adapters/toy-vpn.wasm").exists());
    let lock = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap_or_default();
    assert!(!lock.contains("toy-vpn"), "{lock}");
}

/// A minisign key pair, and its secret key in a file as `minisign -G -W` writes it.
struct Key {
    pk: minisign::PublicKey,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Key {
    fn new() -> Self {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("adapter.key");
        std::fs::write(&file, kp.sk.to_box(None).unwrap().into_string()).unwrap();
        Self {
            pk: kp.pk,
            file,
            _dir: dir,
        }
    }

    fn id(&self) -> String {
        let number: [u8; 8] = self.pk.keynum().try_into().expect("8-byte key id");
        format!("{:016X}", u64::from_le_bytes(number))
    }

    fn path(&self) -> &str {
        self.file.to_str().unwrap()
    }
}

#[test]
fn signatures_are_published_beside_the_adapter_and_checked_against_trusted_keys() {
    let registry = Registry::anonymous();
    let key = Key::new();
    let env = Env::new();
    configure(&env, &registry.host, None, "", &[key.pk.to_base64()]);

    // Unsigned: refused while keys are trusted, and nothing installed.
    let unsigned = registry.reference("portico/toy-vpn", "0.1.0");
    let digest = publish(&env, portico_test_artifacts::TOY_VPN, &unsigned, &[]);
    let refused = env
        .run(&["adapter", "install", &unsigned, "--yes"])
        .expect_code(1);
    let tag = format!("sha256-{}.sig", digest.trim_start_matches("sha256:"));
    assert!(
        refused
            .stderr
            .contains("it is not signed and trusted keys are configured")
            && refused.stderr.contains(&tag),
        "{}",
        refused.stderr
    );
    assert_eq!(env.json(&["adapter", "list"]), serde_json::json!([]));

    // Signed by the trusted key: accepted and recorded.
    let signed = registry.reference("portico/toy-vpn", "0.1.0");
    let digest = publish(
        &env,
        portico_test_artifacts::TOY_VPN,
        &signed,
        &["--sign", key.path()],
    );
    let tag = format!("sha256-{}.sig", digest.trim_start_matches("sha256:"));
    let answer = get(
        &registry.host,
        &format!("/v2/portico/toy-vpn/manifests/{tag}"),
        MANIFEST,
        None,
    );
    assert_eq!(answer.status, 200, "the signature artifact is under {tag}");
    let artifact = answer.json();
    assert_eq!(artifact["subject"]["digest"], digest.as_str(), "{artifact}");
    assert_eq!(artifact["subject"]["mediaType"], MANIFEST, "{artifact}");
    assert_eq!(
        artifact["artifactType"], "application/vnd.portico.adapter.signature.v1",
        "{artifact}"
    );
    assert_eq!(
        artifact["layers"][0]["mediaType"], "application/vnd.portico.minisign.v1",
        "{artifact}"
    );
    let run = env
        .run(&["adapter", "install", &signed, "--yes"])
        .expect_code(0);
    assert!(
        run.stderr
            .contains("(trusted comment: portico adapter toy-vpn 0.1.0)"),
        "{}",
        run.stderr
    );
    let list = env.json(&["adapter", "list"]);
    assert_eq!(
        list[0]["signature"],
        format!("minisign key {}", key.id()).as_str(),
        "{list}"
    );

    // Signed by another key: refused.
    let other = Key::new();
    let elsewhere = registry.reference("other/toy-vpn", "0.1.0");
    publish(
        &env,
        portico_test_artifacts::TOY_VPN,
        &elsewhere,
        &["--sign", other.path()],
    );
    let refused = env
        .run(&["adapter", "install", &elsewhere, "--yes"])
        .expect_code(1);
    assert!(
        refused.stderr.contains(&format!(
            "signed by key {}, which is not trusted",
            other.id()
        )),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_moved_tag_and_a_newer_release_show_in_outdated_and_upgrade_installs_only_after_approval() {
    let registry = Registry::anonymous();
    let env = Env::with_emulator(Env::config());
    let tag = registry.reference("portico/toy-vpn", "0.1.0");
    let first = publish(&env, portico_test_artifacts::TOY_VPN, &tag, &[]);
    env.run(&["adapter", "install", &tag, "--yes"])
        .expect_code(0);
    toy_profile(&env);
    env.run(&["gateway", "list"]).expect_code(0);
    let none = env.run(&["adapter", "outdated"]).expect_code(0);
    assert!(none.stderr.contains("all up to date"), "{}", none.stderr);

    // The same tag now names a build with one more host; 0.2.0 is released.
    let moved = env
        .run(&[
            "adapter",
            "publish",
            portico_test_artifacts::REGISTRY_TOY_MOVED,
            &tag,
        ])
        .expect_code(0);
    let moved_digest = moved.stdout.trim().rsplit_once('@').unwrap().1.to_string();
    assert!(
        moved.stderr.contains(&format!(
            "note: tag 0.1.0 moved from {first} to {moved_digest}"
        )),
        "{}",
        moved.stderr
    );
    let next = registry.reference("portico/toy-vpn", "0.2.0");
    publish(&env, portico_test_artifacts::REGISTRY_TOY_NEXT, &next, &[]);

    let outdated = env.json(&["adapter", "outdated"]);
    assert_eq!(outdated.as_array().map(Vec::len), Some(1), "{outdated}");
    assert_eq!(outdated[0]["name"], "toy-vpn");
    assert_eq!(outdated[0]["version"], "0.1.0");
    assert_eq!(outdated[0]["latest"], "0.2.0");
    assert_eq!(outdated[0]["digest"], first.as_str());
    assert_eq!(outdated[0]["moved_to"], moved_digest.as_str());
    let table = env.run(&["adapter", "outdated"]).expect_code(0);
    assert!(table.stdout.contains("0.2.0"), "{}", table.stdout);

    // The moved tag: the diff, and nothing installed without approval.
    let approved = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap();
    let refused = env
        .run(&["adapter", "upgrade", "toy-vpn", "--to", "0.1.0"])
        .expect_code(1);
    let shown: Vec<&str> = refused
        .stderr
        .lines()
        .skip_while(|l| !l.contains("changes since the approved version 0.1.0"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    assert_eq!(
        shown[0], "  + host status.toyvpn.example",
        "{}",
        refused.stderr
    );
    assert!(
        shown.contains(&format!("  ~ registry digest {first} -> {moved_digest}").as_str()),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("re-approving adapter toy-vpn (1 host added, new sha256) needs confirmation"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(env.file("config/adapters.lock")).unwrap(),
        approved
    );
    // The approved build keeps running.
    env.run(&["gateway", "list"]).expect_code(0);
    assert_eq!(
        env.json(&["adapter", "list"])[0]["registry"]["digest"],
        first.as_str()
    );

    // Without --to: the newest release of the major, after approval.
    let upgraded = env
        .run(&["adapter", "upgrade", "toy-vpn", "--yes"])
        .expect_code(0);
    assert!(
        upgraded.stderr.contains("  ~ version 0.1.0 -> 0.2.0")
            && upgraded.stderr.contains("  + host status.toyvpn.example"),
        "{}",
        upgraded.stderr
    );
    let list = env.json(&["adapter", "list"]);
    assert_eq!(list[0]["version"], "0.2.0", "{list}");
    assert_eq!(
        list[0]["registry"]["reference"],
        next.trim_start_matches("oci://"),
        "{list}"
    );
    assert!(
        list[0]["hosts"]
            .as_array()
            .unwrap()
            .contains(&Value::from("status.toyvpn.example")),
        "{list}"
    );
    lifecycle(&env);
    assert_eq!(env.json(&["adapter", "outdated"]), serde_json::json!([]));
    let again = env.run(&["adapter", "upgrade", "toy-vpn"]).expect_code(0);
    assert!(again.stderr.contains("is up to date"), "{}", again.stderr);
}

#[test]
fn behind_basic_auth_the_bound_credential_is_used_and_anonymous_is_told_what_to_do() {
    let password = format!("pw-{}", random_hex(12));
    let registry = Registry::start(&Options {
        user: Some(("portico", &password)),
        ..Options::default()
    });
    let env = Env::with_emulator(Env::config());
    env.set_credential("reg", &["username", "password"], &["portico", &password]);
    configure(&env, &registry.host, Some("reg"), "", &[]);
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    let publish_run = env
        .run(&[
            "adapter",
            "publish",
            portico_test_artifacts::TOY_VPN,
            &reference,
        ])
        .expect_code(0);
    let install = env
        .run(&["adapter", "install", &reference, "--yes", "-vv"])
        .expect_code(0);
    toy_profile(&env);
    lifecycle(&env);
    let outdated = env.run(&["adapter", "outdated", "-vv"]).expect_code(0);
    assert_eq!(
        get(
            &registry.host,
            "/v2/portico/toy-vpn/manifests/0.1.0",
            MANIFEST,
            None
        )
        .status,
        401,
        "the registry does require the credential"
    );
    let mut haystacks = outputs(&[publish_run, install, outdated]);
    haystacks.extend(
        env.home_files()
            .into_iter()
            .filter(|(path, _)| !path.ends_with("/config/credentials.toml")),
    );
    assert_no_secrets(&haystacks, &[("registry password", &password)]);

    let anonymous = Env::new();
    let run = anonymous
        .run(&["adapter", "install", &reference, "--yes"])
        .expect_code(1);
    assert!(
        run.stderr
            .contains(&format!("registry {} needs credentials", registry.host))
            && run
                .stderr
                .contains(&format!("[registries.\"{}\"] credential", registry.host)),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_registry_credentials_give_a_clear_error_naming_the_registry_and_no_secret() {
    let password = format!("pw-{}", random_hex(12));
    let wrong = format!("wrong-{}", random_hex(12));
    let registry = Registry::start(&Options {
        user: Some(("portico", &password)),
        ..Options::default()
    });
    let env = Env::new();
    env.set_credential("reg", &["username", "password"], &["portico", &wrong]);
    configure(&env, &registry.host, Some("reg"), "", &[]);
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    let expected = format!("registry {} refused credential \"reg\"", registry.host);
    let mut runs = Vec::new();
    for args in [
        vec![
            "adapter",
            "publish",
            portico_test_artifacts::TOY_VPN,
            &reference,
        ],
        vec!["adapter", "install", &reference, "--yes"],
        vec!["adapter", "install", &reference, "--yes", "-vv"],
    ] {
        let run = env.run(&args).expect_code(1);
        assert!(run.stderr.contains(&expected), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("portico credential set reg"),
            "{}",
            run.stderr
        );
        runs.push(run);
    }
    assert_eq!(env.json(&["adapter", "list"]), serde_json::json!([]));
    let mut haystacks = outputs(&runs);
    haystacks.extend(
        env.home_files()
            .into_iter()
            .filter(|(path, _)| !path.ends_with("/config/credentials.toml")),
    );
    assert_no_secrets(
        &haystacks,
        &[("wrong password", &wrong), ("registry password", &password)],
    );
}

#[test]
fn publish_refuses_a_tag_that_is_not_the_adapters_version() {
    let registry = Registry::anonymous();
    let env = Env::new();
    let reference = registry.reference("portico/toy-vpn", "9.9.9");
    let run = env
        .run(&[
            "adapter",
            "publish",
            portico_test_artifacts::TOY_VPN,
            &reference,
        ])
        .expect_code(1);
    assert!(
        run.stderr
            .contains("the tag must be the version the adapter describes")
            && run.stderr.contains("portico/toy-vpn:0.1.0"),
        "{}",
        run.stderr
    );
    let untagged = format!("oci://{}/portico/toy-vpn", registry.host);
    let run = env
        .run(&[
            "adapter",
            "publish",
            portico_test_artifacts::TOY_VPN,
            &untagged,
        ])
        .expect_code(1);
    assert!(run.stderr.contains("publish to a tag"), "{}", run.stderr);
    let tags = get(&registry.host, "/v2/portico/toy-vpn/tags/list", "*/*", None);
    assert_eq!(tags.status, 404, "nothing was pushed");
}

/// A CA and a certificate it issued for 127.0.0.1, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "portico registry test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().unwrap();
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
        leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = leaf.signed_by(&key, &issuer).unwrap();
        let other_key = KeyPair::generate().unwrap();
        let mut other = CertificateParams::new(Vec::<String>::new()).unwrap();
        other.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let other = other.self_signed(&other_key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, pem) in [
            ("ca.pem", ca_cert.pem()),
            ("cert.pem", cert.pem()),
            ("key.pem", key.serialize_pem()),
            ("other-ca.pem", other.pem()),
        ] {
            std::fs::write(dir.path().join(name), pem).unwrap();
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn text(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

#[test]
fn https_registries_are_trusted_by_the_roots_rule_of_the_brokered_requests() {
    let pki = Pki::new();
    let (cert, key) = (pki.path("cert.pem"), pki.path("key.pem"));
    let registry = Registry::start(&Options {
        tls: Some((&cert, &key)),
        ..Options::default()
    });
    let reference = registry.reference("portico/toy-vpn", "0.1.0");

    // The entry's CA file.
    let env = Env::new();
    let ca_file = format!("ca_file = {:?}\n", pki.text("ca.pem"));
    configure(&env, &registry.host, None, &ca_file, &[]);
    publish(&env, portico_test_artifacts::TOY_VPN, &reference, &[]);
    env.run(&["adapter", "install", &reference, "--yes"])
        .expect_code(0);

    // HTTPS by `insecure = false`, trusting SSL_CERT_FILE.
    let system = Env::new();
    configure(&system, &registry.host, None, "insecure = false\n", &[]);
    let args = ["adapter", "install", &reference, "--yes"];
    system
        .run_with(&args, "", &[("SSL_CERT_FILE", &pki.text("ca.pem"))])
        .expect_code(0);

    // A CA that did not issue the registry's certificate: refused, naming the registry.
    let wrong = Env::new();
    configure(&wrong, &registry.host, None, "insecure = false\n", &[]);
    let run = wrong.run_with(&args, "", &[("SSL_CERT_FILE", &pki.text("other-ca.pem"))]);
    let run = run.expect_code(2);
    assert!(
        run.stderr
            .contains(&format!("cannot reach registry {}", registry.host))
            && run.stderr.to_lowercase().contains("certificate"),
        "{}",
        run.stderr
    );
    assert_eq!(wrong.json(&["adapter", "list"]), serde_json::json!([]));
    // Plain HTTP to a loopback registry that speaks TLS fails too: no silent downgrade
    // question arises, portico never tries the other protocol.
    let plain = Env::new();
    plain.run(&args).expect_code(2);
}

#[test]
fn minisign_signatures_of_publish_are_what_a_file_install_accepts() {
    // The same signature check for both sources: the text publish pushes verifies the file.
    let key = Key::new();
    let text = std::fs::read_to_string(&key.file).unwrap();
    let sk = minisign::SecretKey::from_unencrypted_box(
        minisign::SecretKeyBox::from_string(&text).unwrap(),
    )
    .expect("unencrypted key");
    let bytes = std::fs::read(portico_test_artifacts::TOY_VPN).unwrap();
    let signature = minisign::sign(Some(&key.pk), &sk, Cursor::new(&bytes), None, None)
        .unwrap()
        .into_string();
    let registry = Registry::anonymous();
    let env = Env::new();
    configure(&env, &registry.host, None, "", &[key.pk.to_base64()]);
    let reference = registry.reference("portico/toy-vpn", "0.1.0");
    let digest = publish(
        &env,
        portico_test_artifacts::TOY_VPN,
        &reference,
        &["--sign", key.path()],
    );
    let tag = format!("sha256-{}.sig", digest.trim_start_matches("sha256:"));
    let artifact = get(
        &registry.host,
        &format!("/v2/portico/toy-vpn/manifests/{tag}"),
        MANIFEST,
        None,
    )
    .json();
    let layer = artifact["layers"][0]["digest"].as_str().expect("a layer");
    let pushed = get(
        &registry.host,
        &format!("/v2/portico/toy-vpn/blobs/{layer}"),
        "*/*",
        None,
    );
    let pushed = String::from_utf8(pushed.body).expect("text");
    // Both verify the component with minisign itself.
    let pk = key.pk.clone();
    for text in [&pushed, &signature] {
        let boxed = minisign::SignatureBox::from_string(text).expect("a signature");
        minisign::verify(&pk, &boxed, Cursor::new(&bytes), true, false, false)
            .expect("minisign verifies it");
    }
}
