//! Adapter integrity through the real CLI: minisign signatures checked at install against the
//! trusted keys in `config.toml`, recorded in the lock file and shown by `adapter list` and
//! `adapter inspect`; and upgrades that ask for other hosts or credentials, which show exactly
//! what changed and need re-approval while the approved version keeps working.

use crate::support::{Env, random_hex};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A minisign key pair, as `minisign -G` makes one.
struct Key {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Key {
    fn new() -> Self {
        let kp = minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        Self {
            pk: kp.pk,
            sk: kp.sk,
        }
    }

    /// The key id as minisign prints it.
    fn id(&self) -> String {
        let number: [u8; 8] = self.pk.keynum().try_into().expect("8-byte key id");
        format!("{:016X}", u64::from_le_bytes(number))
    }

    /// The text of a `.minisig` file for `bytes`, as `minisign -S` writes it.
    fn sign(&self, bytes: &[u8]) -> String {
        minisign::sign(
            Some(&self.pk),
            &self.sk,
            Cursor::new(bytes),
            Some("file:portico_adapter_ionos_vpn.wasm"),
            None,
        )
        .expect("sign")
        .into_string()
    }
}

/// A home that trusts `keys`, and a directory holding a copy of the IONOS adapter.
struct Setup {
    env: Env,
    dir: tempfile::TempDir,
    component: PathBuf,
}

impl Setup {
    fn new(keys: &[&Key]) -> Self {
        let env = Env::new();
        env.run(&["adapter", "list"]).expect_code(0);
        if !keys.is_empty() {
            let list = keys
                .iter()
                .map(|k| format!("{:?}", k.pk.to_base64()))
                .collect::<Vec<_>>()
                .join(", ");
            std::fs::write(
                env.file("config/config.toml"),
                format!("[trust]\nkeys = [{list}]\n"),
            )
            .expect("write config.toml");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let component = dir.path().join("ionos-vpn.wasm");
        std::fs::copy(portico_test_artifacts::IONOS_VPN, &component).expect("copy component");
        Self {
            env,
            dir,
            component,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.component).expect("read component")
    }

    /// Writes `COMPONENT.minisig` beside the component.
    fn sign_beside(&self, key: &Key) {
        std::fs::write(sig_beside(&self.component), key.sign(&self.bytes())).expect("write sig");
    }

    fn install(&self, extra: &[&str]) -> crate::support::Run {
        let path = self.component.to_str().expect("UTF-8 path");
        let mut args = vec!["adapter", "install", path, "--yes"];
        args.extend(extra);
        self.env.run(&args)
    }

    /// The lock file's `signature` line for the adapter, and what list and inspect show.
    fn recorded_signature(&self) -> String {
        let list = self.env.json(&["adapter", "list"]);
        let listed = list[0]["signature"].as_str().expect("listed").to_string();
        let inspect = self.env.json(&["adapter", "inspect", "ionos-vpn"]);
        assert_eq!(inspect["signature"], listed.as_str());
        let lock = std::fs::read_to_string(self.env.file("config/adapters.lock")).unwrap();
        assert!(
            lock.contains(&format!("signature = {listed:?}")),
            "lock file records {listed:?}:\n{lock}"
        );
        listed
    }

    fn assert_nothing_installed(&self) {
        let list = self.env.json(&["adapter", "list"]);
        assert_eq!(list, serde_json::json!([]), "nothing was installed");
        assert!(!self.env.file("adapters/ionos-vpn.wasm").exists());
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn sig_beside(component: &Path) -> PathBuf {
    let mut name = component.as_os_str().to_os_string();
    name.push(".minisig");
    PathBuf::from(name)
}

#[test]
fn good_signature_is_accepted_and_recorded() {
    let key = Key::new();
    let other = Key::new();
    // Any of the trusted keys may sign.
    let s = Setup::new(&[&other, &key]);
    s.sign_beside(&key);
    let run = s.install(&[]).expect_code(0);
    assert!(
        run.stderr.contains(&format!(
            "signature: minisign key {} (trusted comment: file:",
            key.id()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(s.recorded_signature(), format!("minisign key {}", key.id()));
    let table = s.env.run(&["adapter", "list"]).expect_code(0);
    assert!(table.stdout.contains(&key.id()), "{}", table.stdout);
}

#[test]
fn signature_given_with_a_flag_is_used() {
    let key = Key::new();
    let s = Setup::new(&[&key]);
    let elsewhere = s.dir.path().join("detached.sig");
    std::fs::write(&elsewhere, key.sign(&s.bytes())).unwrap();
    s.install(&["--signature", elsewhere.to_str().unwrap()])
        .expect_code(0);
    assert_eq!(s.recorded_signature(), format!("minisign key {}", key.id()));
}

#[test]
fn tampered_component_with_the_original_signature_is_refused() {
    let key = Key::new();
    let s = Setup::new(&[&key]);
    s.sign_beside(&key);
    let mut bytes = s.bytes();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&s.component, bytes).unwrap();
    let run = s.install(&[]).expect_code(1);
    assert!(
        run.stderr.contains(&format!(
            "the signature by key {} does not match the component",
            key.id()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refusing to install"), "{}", run.stderr);
    s.assert_nothing_installed();
}

#[test]
fn signature_by_an_untrusted_key_is_refused() {
    let trusted = Key::new();
    let stranger = Key::new();
    let s = Setup::new(&[&trusted]);
    s.sign_beside(&stranger);
    let run = s.install(&[]).expect_code(1);
    assert!(
        run.stderr.contains(&format!(
            "signed by key {}, which is not trusted",
            stranger.id()
        )),
        "{}",
        run.stderr
    );
    s.assert_nothing_installed();
}

#[test]
fn unsigned_component_is_refused_when_keys_are_configured() {
    let key = Key::new();
    let s = Setup::new(&[&key]);
    let run = s.install(&[]).expect_code(1);
    assert!(
        run.stderr
            .contains("is not signed and trusted keys are configured")
            && run.stderr.contains("--allow-unsigned"),
        "{}",
        run.stderr
    );
    s.assert_nothing_installed();
    // A malformed signature file is no better than none.
    std::fs::write(
        sig_beside(&s.component),
        "untrusted comment: x\nnot base64\n",
    )
    .unwrap();
    let run = s.install(&[]).expect_code(1);
    assert!(run.stderr.contains("malformed"), "{}", run.stderr);
    s.assert_nothing_installed();
}

#[test]
fn allow_unsigned_is_explicit_and_recorded() {
    let key = Key::new();
    let s = Setup::new(&[&key]);
    let run = s.install(&["--allow-unsigned"]).expect_code(0);
    assert!(
        run.stderr
            .contains("signature: unsigned (allowed by --allow-unsigned)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.recorded_signature(),
        "unsigned (allowed by --allow-unsigned)"
    );
    // A badly signed component too, with the reason on record.
    s.sign_beside(&Key::new());
    s.install(&["--allow-unsigned"]).expect_code(0);
    let recorded = s.recorded_signature();
    assert!(
        recorded.starts_with("unverified: signed by key")
            && recorded.ends_with("(allowed by --allow-unsigned)"),
        "{recorded}"
    );
}

#[test]
fn without_trusted_keys_install_is_allowed_and_recorded_as_unsigned() {
    let s = Setup::new(&[]);
    s.install(&[]).expect_code(0);
    assert_eq!(
        s.recorded_signature(),
        "unsigned (no trusted keys configured)"
    );
    // A signature file beside it cannot be checked, and the record says so.
    s.sign_beside(&Key::new());
    let run = s.install(&[]).expect_code(0);
    assert!(
        run.stderr.contains(
            "~ signature unsigned (no trusted keys configured) -> not checked (no trusted keys \
             configured)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.recorded_signature(),
        "not checked (no trusted keys configured)"
    );
    // Asking for a check that cannot be made is an error.
    let sig = sig_beside(&s.component);
    let run = s
        .install(&["--signature", sig.to_str().unwrap()])
        .expect_code(1);
    assert!(
        run.stderr.contains("no trusted keys are configured"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_trusted_key_is_reported() {
    let env = Env::new();
    env.run(&["adapter", "list"]).expect_code(0);
    std::fs::write(
        env.file("config/config.toml"),
        "[trust]\nkeys = [\"not-a-key\"]\n",
    )
    .unwrap();
    let run = env
        .run(&[
            "adapter",
            "install",
            portico_test_artifacts::IONOS_VPN,
            "--yes",
        ])
        .expect_code(2);
    assert!(run.stderr.contains("[trust] keys[0]"), "{}", run.stderr);
}

/// Replaces the only occurrence of `from` in `bytes` that is not part of one of `within`, with
/// `to` (same length), so a component declares something else. Panics if the occurrence is
/// not unique: then the probe changed and this helper needs a new anchor.
fn patch_unique(bytes: &mut [u8], from: &str, to: &str, within: &[&str]) {
    assert_eq!(from.len(), to.len());
    let at: Vec<usize> = (0..=bytes.len() - from.len())
        .filter(|&i| &bytes[i..i + from.len()] == from.as_bytes())
        .filter(|&i| {
            !within.iter().any(|w| {
                let offset = w.find(from).expect("`within` contains `from`");
                i >= offset
                    && bytes
                        .get(i - offset..i - offset + w.len())
                        .is_some_and(|s| s == w.as_bytes())
            })
        })
        .collect();
    assert_eq!(
        at.len(),
        1,
        "{from:?} occurs {} times outside {within:?}",
        at.len()
    );
    bytes[at[0]..at[0] + to.len()].copy_from_slice(to.as_bytes());
}

#[test]
fn upgrade_asking_for_other_hosts_and_credentials_shows_the_difference_and_needs_approval() {
    let env = Env::with_emulator(Env::config());
    let token = random_hex(16);
    env.set_credential("probe-cred", &["token", "account"], &[&token, "acct-1"]);
    env.run(&[
        "adapter",
        "install",
        portico_test_artifacts::BROKER_PROBE,
        "--yes",
    ])
    .expect_code(0);
    let endpoint = format!("endpoint={}", env.emu().url());
    env.run(&[
        "profile",
        "add",
        "p",
        "--adapter",
        "broker-probe",
        "--credential",
        "probe-cred",
        "--set",
        &endpoint,
    ])
    .expect_code(0);
    let url = format!("url={}/probe/upgrade", env.emu().url());
    let call = [
        "op",
        "call",
        "fetch",
        "--param",
        &url,
        "--param",
        "credential=probe",
    ];
    env.run(&call).expect_code(0);
    let approved = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap();
    let old_sha = env.json(&["adapter", "list"])[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();

    // The next version declares `extra.example.com` instead of `other.example.com` and
    // asks for credential `probf` instead of `probe`.
    let mut bytes = std::fs::read(portico_test_artifacts::BROKER_PROBE).unwrap();
    patch_unique(&mut bytes, "other.example.com", "extra.example.com", &[]);
    patch_unique(
        &mut bytes,
        "probe",
        "probf",
        &["broker-probe", "probe-secret", "the probe was"],
    );
    let dir = tempfile::tempdir().unwrap();
    let upgrade = dir.path().join("broker-probe-next.wasm");
    std::fs::write(&upgrade, &bytes).unwrap();
    let upgrade = upgrade.to_str().unwrap();

    let refused = env.run(&["adapter", "install", upgrade]).expect_code(1);
    let shown: Vec<&str> = refused
        .stderr
        .lines()
        .skip_while(|l| !l.contains("changes since the approved version 0.1.0"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    let new_sha = sha256_hex(&bytes);
    assert_eq!(
        shown,
        [
            "  + host extra.example.com".to_string(),
            "  - host other.example.com".to_string(),
            "  + credential probf".to_string(),
            "  - credential probe".to_string(),
            format!("  ~ sha256 {old_sha} -> {new_sha}"),
        ],
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains(
            "re-approving adapter broker-probe (1 host added, 1 host removed, 1 credential \
             added, 1 credential removed, new sha256) needs confirmation: run in a terminal or \
             pass --yes"
        ),
        "{}",
        refused.stderr
    );

    // Until it is re-approved, the approved version stays installed and keeps working.
    assert_eq!(
        std::fs::read_to_string(env.file("config/adapters.lock")).unwrap(),
        approved
    );
    let installed = std::fs::read(env.file("adapters/broker-probe.wasm")).unwrap();
    assert_eq!(sha256_hex(&installed), old_sha);
    env.run(&call).expect_code(0);

    // --yes approves exactly the new grants.
    env.run(&["adapter", "install", upgrade, "--yes"])
        .expect_code(0);
    let inspect = env.json(&["adapter", "inspect", "broker-probe"]);
    assert_eq!(inspect["sha256"], new_sha.as_str());
    assert_eq!(
        inspect["granted_hosts"],
        serde_json::json!(["allowed.example.com", "extra.example.com"])
    );
    let lock = std::fs::read_to_string(env.file("config/adapters.lock")).unwrap();
    assert!(lock.contains("credentials = [\"probf\"]"), "{lock}");
    // The credential the upgrade dropped is no longer usable, and nothing is sent with it.
    env.emu().clear_requests();
    let run = env.run(&call).expect_code(2);
    assert!(
        run.stderr
            .contains("adapter broker-probe may not use credential \"probe\""),
        "{}",
        run.stderr
    );
    assert!(
        env.emu()
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "no request carried the old credential"
    );
}
