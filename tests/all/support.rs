//! Test harness: a home directory, an emulator, and a way to run the CLI.

use portico_emulator::{Config, Emulator};
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The result of one CLI run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A random hex string (for tokens and keys).
pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A WireGuard-looking base64 key.
pub fn random_key() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out: String = (0..43)
        .map(|_| alphabet[usize::from(rand::random::<u8>() % 64)] as char)
        .collect();
    out.push('=');
    out
}

/// One isolated portico installation, optionally with an emulator.
pub struct Env {
    pub home: tempfile::TempDir,
    pub emulator: Option<Emulator>,
    rt: tokio::runtime::Runtime,
}

impl Env {
    /// A fresh home without an emulator.
    pub fn new() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        Self {
            home: tempfile::tempdir().expect("temp home"),
            emulator: None,
            rt,
        }
    }

    /// A fresh home and an emulator with `config`.
    pub fn with_emulator(config: Config) -> Self {
        let mut env = Self::new();
        let emulator = env
            .rt
            .block_on(Emulator::start(config))
            .expect("emulator starts");
        env.emulator = Some(emulator);
        env
    }

    /// Emulator config with no delays.
    pub fn config() -> Config {
        Config {
            provision_delay: Duration::ZERO,
            delete_delay: Duration::ZERO,
            ..Config::default()
        }
    }

    /// A home with the IONOS adapter installed, a credential holding the emulator's token and
    /// a profile `t` pointing at the emulator.
    pub fn ionos(config: Config) -> Self {
        let env = Self::with_emulator(config);
        let token = env.emu().config().ionos_token.clone();
        env.set_credential("ionos-test", &["token"], &[&token]);
        env.install_ionos(Some("ionos-test"));
        env
    }

    /// Installs the IONOS adapter and adds profile `t` pointing at the emulator, using stored
    /// credential `credential` (or, without one, the adapter's own credential name `ionos`).
    pub fn install_ionos(&self, credential: Option<&str>) {
        self.install_with_profile(
            portico_test_artifacts::IONOS_VPN,
            "ionos-vpn",
            credential,
            &[],
        );
    }

    /// Installs `component` approving every declared host, then adds profile `t` for `adapter`
    /// with the emulator as its endpoint, `credential` (if any) and the extra `key=value`
    /// settings.
    pub fn install_with_profile(
        &self,
        component: &str,
        adapter: &str,
        credential: Option<&str>,
        settings: &[&str],
    ) {
        self.run(&["adapter", "install", component, "--yes"])
            .expect_code(0);
        let endpoint = format!("endpoint={}", self.emu().url());
        let mut args = vec![
            "profile",
            "add",
            "t",
            "--adapter",
            adapter,
            "--set",
            &endpoint,
        ];
        for setting in settings {
            args.extend(["--set", setting]);
        }
        if let Some(credential) = credential {
            args.extend(["--credential", credential]);
        }
        self.run(&args).expect_code(0);
    }

    /// The emulator.
    pub fn emu(&self) -> &Emulator {
        self.emulator.as_ref().expect("this env has an emulator")
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// A file under the home directory.
    pub fn file(&self, relative: &str) -> PathBuf {
        self.home.path().join(relative)
    }

    /// Stores a credential through `credential set`, values on stdin.
    pub fn set_credential(&self, name: &str, fields: &[&str], values: &[&str]) {
        let mut args = vec!["credential", "set", name];
        for f in fields {
            args.extend(["--field", f]);
        }
        let stdin = values.iter().map(|v| format!("{v}\n")).collect::<String>();
        self.run_with(&args, &stdin, &[]).expect_code(0);
    }

    /// A command for the CLI with this home and a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portico"));
        cmd.args(args);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PORTICO_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("PORTICO_HOME", self.home.path())
            // Every test home shares one compile cache, so each component compiles once a run.
            .env(
                "PORTICO_COMPILE_CACHE",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-cache"),
            )
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs the CLI.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "", &[])
    }

    /// Runs the CLI with stdin and extra environment variables.
    pub fn run_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped());
        let mut child = cmd.spawn().expect("portico runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("portico finishes");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the CLI with `-o json`, expects success, returns the document.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        self.run(&all).expect_code(0).json()
    }

    /// Runs with `-o json` and env vars, expects success.
    #[track_caller]
    pub fn json_env(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        self.run_with(&all, "", env).expect_code(0).json()
    }

    /// The audit log's text.
    pub fn audit(&self) -> String {
        std::fs::read_to_string(self.file("data/audit.jsonl")).unwrap_or_default()
    }

    /// The audit log's records.
    pub fn audit_records(&self) -> Vec<Value> {
        self.audit()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
            .collect()
    }
}

/// A datacenter id for connections.
pub const DC: &str = "5a029f4a-58ba-11ee-8c99-0242ac120002";

/// `--properties` for a gateway with one connection on `lan`.
pub fn connections(lan: u8) -> String {
    format!(
        r#"{{"connections":[{{"datacenterId":"{DC}","lanId":"{lan}","ipv4CIDR":"192.168.{lan}.10/24"}}]}}"#
    )
}

/// Creates a WireGuard gateway, returns its JSON view.
pub fn create_wireguard(env: &Env, name: &str, extra: &[&str]) -> Value {
    let key = random_key();
    let props = connections(1);
    let mut args = vec![
        "gateway",
        "create",
        "--kind",
        "wireguard",
        "--name",
        name,
        "--public-address",
        "203.0.113.10",
        "--network",
        "10.8.0.1/24",
        "--properties",
        &props,
        "--secret",
        "private-key=env:WG_KEY",
    ];
    args.extend(extra);
    env.json_env(&args, &[("WG_KEY", &key)])
}

/// Creates an IPSec gateway, returns its JSON view.
pub fn create_ipsec(env: &Env, name: &str, extra: &[&str]) -> Value {
    let props = connections(2);
    let mut args = vec![
        "gateway",
        "create",
        "--kind",
        "ipsec",
        "--name",
        name,
        "--public-address",
        "203.0.113.20",
        "--properties",
        &props,
    ];
    args.extend(extra);
    env.json(&args)
}

/// A free port on 127.0.0.1 that nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

impl Env {
    /// Where [`Env::run_dumping`] has the CLI write adapter memory dumps.
    pub fn dump_dir(&self) -> PathBuf {
        self.file("memory-dumps")
    }

    /// Runs the CLI with `-vv`, having it dump each adapter instance's linear memory into
    /// [`Env::dump_dir`] when its session ends (the `memory-dump` test feature).
    pub fn run_dumping(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let dir = self.dump_dir();
        let dir = dir.to_str().expect("UTF-8 temp path");
        let mut all_env = env.to_vec();
        all_env.push(("PORTICO_MEMORY_DUMP_DIR", dir));
        let mut all = args.to_vec();
        all.push("-vv");
        self.run_with(&all, "", &all_env)
    }

    /// Every memory dump written so far, by file name. Panics when there is none: the binary
    /// was then built without `--features portico/memory-dump` and a scan would prove nothing.
    #[track_caller]
    pub fn memory_dumps(&self) -> Vec<(String, Vec<u8>)> {
        let mut dumps: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.dump_dir())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let bytes = std::fs::read(e.path()).expect("read dump");
                        (format!("memory {name}"), bytes)
                    })
                    .collect()
            })
            .unwrap_or_default();
        dumps.sort();
        assert!(
            !dumps.is_empty(),
            "no adapter memory dumps: build the tests with `--features portico/memory-dump` \
             (`just test` does)"
        );
        dumps
    }

    /// Every file under the home directory (audit log, caches, sessions, config), by path.
    pub fn home_files(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path.display().to_string(), bytes));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.path(), &mut out);
        out
    }
}

/// The byte strings that would betray `secret`: the value, its hex, and its standard and
/// URL-safe Base64 at each of the three alignments it could have inside a longer encoded
/// string (as in `Basic base64(user:password)`).
pub fn secret_forms(secret: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let bytes = secret.as_bytes();
    let mut forms = vec![bytes.to_vec(), hex::encode(bytes).into_bytes()];
    for engine in [
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        for offset in 0..3usize {
            let mut shifted = vec![0u8; offset];
            shifted.extend_from_slice(bytes);
            let encoded = engine.encode(&shifted);
            // Characters that depend only on the secret: skip the ones mixing in the prefix,
            // and the last group, which depends on what follows.
            let start = if offset == 0 { 0 } else { 4 };
            let end = encoded.len().saturating_sub(4);
            if end > start + 8 {
                forms.push(encoded.as_bytes()[start..end].to_vec());
            }
        }
    }
    forms
}

/// Panics, naming the secret and the place, if any form of any secret occurs in any haystack.
#[track_caller]
pub fn assert_no_secrets(haystacks: &[(String, Vec<u8>)], secrets: &[(&str, &str)]) {
    let mut found = Vec::new();
    for (what, secret) in secrets {
        assert!(secret.len() >= 12, "secret {what} is too short to scan for");
        for form in secret_forms(secret) {
            for (place, bytes) in haystacks {
                if memchr::memmem::find(bytes, &form).is_some() {
                    found.push(format!("{what} ({} bytes form) in {place}", form.len()));
                }
            }
        }
    }
    assert!(found.is_empty(), "secrets leaked: {found:#?}");
}

/// stdout and stderr of runs, as haystacks.
pub fn outputs(runs: &[Run]) -> Vec<(String, Vec<u8>)> {
    runs.iter()
        .enumerate()
        .flat_map(|(n, r)| {
            [
                (format!("stdout of run {n}"), r.stdout.clone().into_bytes()),
                (format!("stderr of run {n}"), r.stderr.clone().into_bytes()),
            ]
        })
        .collect()
}
