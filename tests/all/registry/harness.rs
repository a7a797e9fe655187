//! A real registry for the tests: Debian's `docker-registry` (distribution 2.8), started on a
//! free loopback port with its storage in a temporary directory, optionally behind htpasswd
//! basic auth or TLS; killed when dropped. And raw HTTP reads of what it holds, so the tests
//! check the registry's own answers rather than portico's idea of them.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary of Debian's package `docker-registry`.
const BINARY: &str = "docker-registry";

/// How long the registry may take to say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The registry binary; panics, saying how to get it, when it is not installed (the tests
/// never pass without a registry).
fn binary() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(BINARY))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!(
                "{BINARY} is not installed: `just setup` installs it (the Debian package \
                 docker-registry, distribution 2.8); the registry tests need a real registry"
            )
        })
}

/// How to start a registry.
#[derive(Default)]
pub struct Options<'a> {
    /// A user and password the registry requires (htpasswd, bcrypt).
    pub user: Option<(&'a str, &'a str)>,
    /// Certificate and key PEM files: the registry speaks only HTTPS.
    pub tls: Option<(&'a Path, &'a Path)>,
}

/// A running registry.
pub struct Registry {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub host: String,
    dir: tempfile::TempDir,
}

impl Registry {
    /// An anonymous registry over plain HTTP.
    pub fn anonymous() -> Self {
        Self::start(&Options::default())
    }

    /// A registry as `options` say.
    pub fn start(options: &Options<'_>) -> Self {
        let dir = tempfile::tempdir().expect("registry directory");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  \
             filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:0\n  secret: {}\n",
            dir.path().join("data").display(),
            crate::support::random_hex(16),
        );
        if let Some((cert, key)) = options.tls {
            config.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                cert.display(),
                key.display()
            ));
        }
        if let Some((user, password)) = options.user {
            let hash = bcrypt::hash_with_result(password, 4)
                .expect("bcrypt")
                .format_for_version(bcrypt::Version::TwoY);
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(&htpasswd, format!("{user}:{hash}\n")).expect("write htpasswd");
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: portico-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        let path = dir.path().join("config.yml");
        std::fs::write(&path, config).expect("write registry config");
        let mut child = Command::new(binary())
            .arg("serve")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("docker-registry starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        // Reads the log to its end, so the registry never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let addr: String = rest
                        .chars()
                        .take_while(|c| !matches!(c, '"' | ',' | ' '))
                        .collect();
                    let _ = tx.send(Ok(addr));
                } else if line.contains("level=fatal") || line.contains("level=panic") {
                    let _ = tx.send(Err(line));
                }
            }
        });
        let host = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(addr)) => addr,
            Ok(Err(line)) => panic!("docker-registry failed to start: {line}"),
            Err(_) => panic!("docker-registry did not say where it listens"),
        };
        Self { child, host, dir }
    }

    /// `oci://HOST/REPOSITORY:TAG`.
    pub fn reference(&self, repository: &str, tag: &str) -> String {
        format!("oci://{}/{repository}:{tag}", self.host)
    }

    /// The file that holds blob `digest` (`sha256:HEX`) in the registry's storage.
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        self.dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer of the registry.
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// `GET http://HOST{path}` with `accept`, as basic-auth `user` if given.
pub fn get(host: &str, path: &str, accept: &str, user: Option<(&str, &str)>) -> Answer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder().build().expect("client");
        let mut request = client
            .get(format!("http://{host}{path}"))
            .header(reqwest::header::ACCEPT, accept);
        if let Some((name, password)) = user {
            request = request.basic_auth(name, Some(password));
        }
        let response = request.send().await.expect("the registry answers");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let body = response.bytes().await.expect("body").to_vec();
        Answer {
            status,
            content_type,
            body,
        }
    })
}
