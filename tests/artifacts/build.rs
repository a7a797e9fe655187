//! Builds every guest (the shipped adapters and the test-only adapters) for wasm32-wasip2 and
//! generates one constant per component with its path, for the integration tests.
//!
//! The nested builds share `adapters/target` (the directory `just adapters` uses), so the SDK
//! is compiled once for both guest workspaces and the host build never mixes with wasm builds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const GUEST_WORKSPACES: &[&str] = &["adapters", "tests/adapters"];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().expect("workspace root");
    let target_dir = root.join("adapters/target");
    println!("cargo:rerun-if-changed={}", root.join("wit").display());
    for workspace in GUEST_WORKSPACES {
        let dir = root.join(workspace);
        watch(&dir);
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&dir)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--workspace",
            ])
            .env("CARGO_TARGET_DIR", &target_dir);
        for var in [
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTFLAGS",
            "CARGO_BUILD_TARGET",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_BUILD_RUSTFLAGS",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("CARGO_TARGET_DIR", &target_dir);
        if std::env::var_os("PORTICO_DENY_WARNINGS").is_some() {
            cmd.env("RUSTFLAGS", "-D warnings");
        }
        let status = cmd.status().expect("failed to run cargo for the guests");
        assert!(
            status.success(),
            "building the guests in {workspace} failed"
        );
    }
    let out = target_dir.join("wasm32-wasip2/release");
    let mut components: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("guest output directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
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
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("artifacts.rs"), generated).expect("write artifacts.rs");
}

/// Re-runs when anything in a guest workspace changes, except its build output.
fn watch(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("guest workspace").flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
