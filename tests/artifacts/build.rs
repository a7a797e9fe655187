//! Builds every guest for the integration tests and generates one constant per component
//! with its path:
//! - the Rust guests (the shipped adapters and the test-only adapters) for wasm32-wasip2; the
//!   nested builds share `adapters/target` (the directory `just adapters` uses), so the SDK is
//!   compiled once for both guest workspaces and the host build never mixes with wasm builds;
//! - the Python and JavaScript Napter adapters, with their own build scripts and the pinned
//!   toolchains `just setup` installs, into `target/polyglot` (each script skips the rebuild
//!   when its inputs did not change);
//! - `HOSTILE_FUTURE_WIT`: the broker probe with its contract version bumped to 9.9.9, so a
//!   complete adapter whose only fault is a version no host serves comes from the current WIT.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const GUEST_WORKSPACES: &[&str] = &["adapters", "tests/adapters"];

/// Adapters in other languages: directory under `adapters/`, and the files their build reads.
const POLYGLOT: &[(&str, &[&str])] = &[
    (
        "soracom-napter-py",
        &["src", "build.sh", "requirements.txt"],
    ),
    (
        "soracom-napter-js",
        &["src", "build.sh", "package.json", "package-lock.json"],
    ),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().expect("workspace root");
    let target_dir = root.join("adapters/target");
    println!("cargo:rerun-if-changed={}", root.join("wit").display());
    for workspace in GUEST_WORKSPACES {
        let dir = root.join(workspace);
        watch(&dir);
        build_rust(&dir, workspace, &target_dir);
    }
    let release = target_dir.join("wasm32-wasip2/release");
    let mut components: Vec<PathBuf> = std::fs::read_dir(&release)
        .expect("guest output directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        // Left over from when the future-version adapter was a crate of its own.
        .filter(|p| !p.ends_with("portico_test_hostile_future_wit.wasm"))
        .collect();
    let polyglot = root.join("target/polyglot");
    for (dir, inputs) in POLYGLOT {
        let adapter = root.join("adapters").join(dir);
        for input in *inputs {
            println!("cargo:rerun-if-changed={}", adapter.join(input).display());
        }
        components.push(build_polyglot(&adapter, dir, &polyglot));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    components.push(future_version(
        &release.join("portico_test_broker_probe.wasm"),
        &out.join("portico_test_hostile_future_wit.wasm"),
    ));
    components.sort();
    let mut generated = String::new();
    for path in components {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let name = stem
            .trim_start_matches("portico_adapter_")
            .trim_start_matches("portico_test_")
            .to_ascii_uppercase();
        writeln!(
            generated,
            "/// Path of the `{stem}` component.\npub const {name}: &str = {:?};",
            path.display().to_string()
        )
        .expect("write to string");
    }
    std::fs::write(out.join("artifacts.rs"), generated).expect("write artifacts.rs");
}

fn build_rust(dir: &Path, workspace: &str, target_dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir).args([
        "build",
        "--release",
        "--target",
        "wasm32-wasip2",
        "--workspace",
    ]);
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CARGO_TARGET_DIR", target_dir);
    if std::env::var_os("PORTICO_DENY_WARNINGS").is_some() {
        cmd.env("RUSTFLAGS", "-D warnings");
    }
    let status = cmd.status().expect("failed to run cargo for the guests");
    assert!(
        status.success(),
        "building the guests in {workspace} failed"
    );
}

/// Runs `adapter/build.sh OUT` and returns the component it wrote.
fn build_polyglot(adapter: &Path, dir: &str, out: &Path) -> PathBuf {
    let status = Command::new("bash")
        .arg(adapter.join("build.sh"))
        .arg(out)
        .current_dir(adapter)
        .status()
        .expect("failed to run an adapter build script");
    assert!(
        status.success(),
        "building adapters/{dir} failed (its toolchain comes from `just setup`)"
    );
    let file = format!("portico_adapter_{}.wasm", dir.replace('-', "_"));
    let path = out.join(file);
    assert!(
        path.exists(),
        "adapters/{dir}/build.sh wrote no {}",
        path.display()
    );
    path
}

/// Writes `from` with every `portico:adapter` name of the newest version renamed to 9.9.9.
/// The version strings have the same length, so the component stays well-formed.
fn future_version(from: &Path, to: &Path) -> PathBuf {
    let mut bytes = std::fs::read(from).expect("the broker probe component");
    let mut patched = 0;
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"portico:adapter") {
        let start = at + found + b"portico:adapter".len();
        let rest = &bytes[start..];
        // `portico:adapter/NAME@0.2.0` (imports and exports) or `portico:adapter@0.2.0`.
        let name_len = if rest.first() == Some(&b'/') {
            1 + rest[1..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase() || **b == b'-')
                .count()
        } else {
            0
        };
        let version = start + name_len;
        if bytes[version..].starts_with(b"@0.2.0") {
            bytes[version + 1..version + 6].copy_from_slice(b"9.9.9");
            patched += 1;
        }
        at = version;
    }
    assert!(
        patched > 0,
        "no portico:adapter@0.2.0 name in {}",
        from.display()
    );
    std::fs::write(to, bytes).expect("write the future-version component");
    to.to_path_buf()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Re-runs when anything in a guest workspace changes, except build output and the
/// polyglot adapters (watched by their own inputs).
fn watch(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("guest workspace").flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == "target" || POLYGLOT.iter().any(|(p, _)| *p == name) {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
