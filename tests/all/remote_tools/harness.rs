//! What the real-tool tests share: the skip rule (root and the tools, or a loud failure under
//! CI=true), network namespaces and veth pairs that clean up after themselves, a charon started
//! with its own strongswan.conf and vici socket, and a wireguard-go interface.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A tool's path: `PATH`, then the sbin directories a test's `PATH` may lack.
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether the test can run: root and every tool present. Otherwise it fails under `CI=true`
/// and prints why it did not run (never a silent pass).
#[track_caller]
pub fn ready(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| tool(t).is_none())
        .collect();
    let root = rustix::process::geteuid().is_root();
    if root && missing.is_empty() {
        return true;
    }
    let reason = if root {
        format!(
            "missing {} (`just setup-system` installs them as root)",
            missing.join(", ")
        )
    } else {
        "needs root (network namespaces)".to_string()
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: cannot run under CI: {reason}"
    );
    eprintln!("SKIPPED {test}: {reason}");
    false
}

/// Runs a command, returns its output (panics when it cannot start).
pub fn run(program: &str, args: &[&str]) -> Output {
    let path = tool(program).unwrap_or_else(|| PathBuf::from(program));
    Command::new(path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

/// Runs a command and panics, with its output, unless it succeeds.
#[track_caller]
pub fn ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A name no other test in this run (or a concurrent run) uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Polls `f` until it returns `Some`, or `None` after `timeout`.
pub fn poll<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A network namespace, deleted on drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new() -> Self {
        let name = unique("portico-t");
        ok("ip", &["netns", "add", &name]);
        let ns = Self { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// `ip -n NAME ARGS`.
    #[track_caller]
    pub fn ip(&self, args: &[&str]) -> String {
        let mut all = vec!["-n", &self.name];
        all.extend(args);
        ok("ip", &all)
    }

    /// `ip netns exec NAME PROGRAM ARGS` as a command.
    pub fn command(&self, program: &str, args: &[&str]) -> Command {
        let path = tool(program).unwrap_or_else(|| PathBuf::from(program));
        let mut cmd = Command::new(tool("ip").expect("ip"));
        cmd.args(["netns", "exec", &self.name])
            .arg(path)
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `program` inside the namespace.
    pub fn exec(&self, program: &str, args: &[&str]) -> Output {
        self.command(program, args)
            .output()
            .expect("ip netns exec runs")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = run("ip", &["netns", "del", &self.name]);
    }
}

/// Two namespaces joined by a veth pair carrying `a_addr` and `b_addr`, each the other's
/// point-to-point peer (so any two addresses do, such as a provider-allocated one).
pub fn pair(a_addr: &str, b_addr: &str) -> (Netns, Netns) {
    let (a, b) = (Netns::new(), Netns::new());
    let (va, vb) = (unique("pva"), unique("pvb"));
    ok(
        "ip",
        &[
            "link", "add", &va, "netns", &a.name, "type", "veth", "peer", "name", &vb, "netns",
            &b.name,
        ],
    );
    for (ns, dev, addr, peer) in [(&a, &va, a_addr, b_addr), (&b, &vb, b_addr, a_addr)] {
        ns.ip(&["addr", "add", addr, "peer", peer, "dev", dev]);
        ns.ip(&["link", "set", dev, "up"]);
    }
    (a, b)
}

/// A child process killed on drop.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The plugins each charon loads: crypto for every proposal the providers offer, the vici
/// socket, netlink for addresses, and kernel-libipsec (before kernel-netlink, so it takes the
/// IPsec SAs in userspace: this kernel lacks the ESP algorithms).
const PLUGINS: &str = "random nonce openssl pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink \
                       socket-default vici curve25519 gmp hmac aes sha1 sha2 kdf gcm ctr ccm \
                       chapoly xcbc cmac md5";

/// A charon in a namespace, with its own strongswan.conf, vici socket and log in a temp dir.
pub struct Charon {
    pub dir: tempfile::TempDir,
    _process: Guard,
}

impl Charon {
    #[track_caller]
    pub fn start(ns: &Netns) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let conf = format!(
            "charon-systemd {{\n  load = {PLUGINS}\n  plugins {{\n    vici {{\n      socket = \
             unix://{sock}\n    }}\n  }}\n  journal {{\n    default = -1\n  }}\n  filelog {{\n    \
             log {{\n      path = {log}\n      default = 1\n      flush_line = yes\n    }}\n  \
             }}\n}}\n",
            sock = dir.path().join("charon.vici").display(),
            log = dir.path().join("charon.log").display(),
        );
        std::fs::write(dir.path().join("strongswan.conf"), conf).expect("strongswan.conf");
        let child = ns
            .command("charon-systemd", &[])
            .env("STRONGSWAN_CONF", dir.path().join("strongswan.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("charon-systemd starts");
        let charon = Self {
            dir,
            _process: Guard(child),
        };
        let sock = charon.dir.path().join("charon.vici");
        assert!(
            poll(Duration::from_secs(15), || sock.exists().then_some(())).is_some(),
            "charon did not open its vici socket; log:\n{}",
            charon.log()
        );
        charon
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("charon.log")).unwrap_or_default()
    }

    /// `swanctl ARGS --uri` this charon's socket, in `ns`.
    pub fn swanctl(&self, ns: &Netns, args: &[&str]) -> Output {
        let uri = format!("unix://{}", self.dir.path().join("charon.vici").display());
        let mut all = args.to_vec();
        all.extend(["--uri", &uri]);
        ns.exec("swanctl", &all)
    }

    /// Loads `conf` (written to the temp dir) with `swanctl --load-all`; returns stdout.
    #[track_caller]
    pub fn load(&self, ns: &Netns, conf: &str) -> String {
        let file = self.dir.path().join("swanctl.conf");
        std::fs::write(&file, conf).expect("swanctl.conf");
        let out = self.swanctl(ns, &["--load-all", "--file", path(&file)]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "swanctl --load-all refused:\n{conf}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// `swanctl --list-sas`.
    pub fn sas(&self, ns: &Netns) -> String {
        String::from_utf8_lossy(&self.swanctl(ns, &["--list-sas"]).stdout).into_owned()
    }
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// A wireguard-go interface in a namespace, its process killed on drop.
pub struct WgInterface {
    pub name: String,
    process: Guard,
}

impl Drop for WgInterface {
    fn drop(&mut self) {
        let _ = self.process.0.kill();
        let _ = self.process.0.wait();
        // Killed, wireguard-go leaves its UAPI socket behind (the file system is shared).
        let _ = std::fs::remove_file(format!("/var/run/wireguard/{}.sock", self.name));
    }
}

impl WgInterface {
    /// Sets a wg-quick file on the interface as `wg-quick up` would hand it to `wg`: after
    /// `wg-quick strip`, with `wg setconf` (panics, with both, when refused). Returns the
    /// stripped file.
    #[track_caller]
    pub fn set_wg_quick(&self, ns: &Netns, conf: &str) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(format!("{}.conf", self.name));
        std::fs::write(&file, conf).expect("write conf");
        let stripped = ok("wg-quick", &["strip", path(&file)]);
        self.setconf(ns, &stripped);
        stripped
    }

    /// `wg setconf` of a wg(8) file (panics, with it, when refused).
    #[track_caller]
    pub fn setconf(&self, ns: &Netns, conf: &str) {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("wg.conf");
        std::fs::write(&file, conf).expect("write conf");
        let set = ns.exec("wg", &["setconf", &self.name, path(&file)]);
        assert!(
            set.status.success(),
            "wg setconf refused:\n{conf}\n{}",
            String::from_utf8_lossy(&set.stderr)
        );
    }

    #[track_caller]
    pub fn start(ns: &Netns) -> Self {
        let name = unique("ptwg");
        let child = ns
            .command("wireguard-go", &[&name])
            .env("WG_PROCESS_FOREGROUND", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wireguard-go starts");
        let iface = Self {
            name,
            process: Guard(child),
        };
        let up = poll(Duration::from_secs(10), || {
            ns.exec("wg", &["show", &iface.name])
                .status
                .success()
                .then_some(())
        });
        assert!(up.is_some(), "wireguard-go did not bring up {}", iface.name);
        iface
    }
}
