//! `portico adapter new`: for each language, the generated project builds with the
//! repository's pinned toolchain, passes its own unit tests, installs, and drives a gateway
//! lifecycle and the conformance suite against the emulator's Toy VPN API; bad arguments are
//! refused. And the kept example `tests/adapters/toy-vpn` is exactly what `adapter new
//! toy-vpn` writes, in the number of lines its README states, passes the suite, and passes it
//! again from a cassette of that run with no emulator (`adapter test --record`/`--replay`).
//!
//! Each language test makes one build: Rust shares `adapters/target/scaffold` between runs so
//! the SDK and its dependencies compile once (first build about a minute, then seconds);
//! Python and JavaScript take about ten seconds each.

use crate::support::Env;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `program` in `dir`; panics with its output unless it succeeds. Says how long it took,
/// for the build times in the test log.
fn run_in(dir: &Path, mut command: Command, what: &str) {
    let started = Instant::now();
    let out = command.current_dir(dir).output().expect(what);
    assert!(
        out.status.success(),
        "{what} failed in {}\nstdout:\n{}\nstderr:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{what}: {:.1} s", started.elapsed().as_secs_f64());
}

/// A pinned toolchain program of the repository; panics naming `just setup-polyglot` when it
/// is not installed.
fn toolchain(relative: &str) -> PathBuf {
    let path = root().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run `just setup-polyglot`",
        path.display()
    );
    path
}

/// `adapter new NAME --lang LANG --dir DIR`; returns its JSON summary.
fn generate(env: &Env, name: &str, lang: &str, dir: &Path) -> Value {
    let dir = dir.to_str().expect("UTF-8 temp path");
    env.json(&["adapter", "new", name, "--lang", lang, "--dir", dir])
}

/// Installs `component` as `adapter`, with the emulator's Toy VPN token as the credential and
/// profile `t` at the emulator; then create → list → get → delete through the CLI, and the
/// conformance suite.
fn lifecycle(env: &Env, component: &Path, adapter: &str) {
    let token = env.emu().config().toy_token.clone();
    env.set_credential("toy", &["token"], &[&token]);
    let component = component.to_str().expect("UTF-8 path");
    env.install_with_profile(component, adapter, Some("toy"), &[]);
    let created = env.json(&[
        "gateway",
        "create",
        "--name",
        "edge",
        "--network",
        "10.10.0.0/24",
        "--properties",
        r#"{"region": "us-1"}"#,
        "--wait",
    ]);
    let id = created["id"].as_str().expect("an id").to_string();
    assert!(id.starts_with("gw-"), "{created}");
    assert_eq!(created["kind"], "standard", "{created}");
    assert_eq!(created["provider"]["region"], "us-1", "{created}");
    let list = env.json(&["gateway", "list"]);
    let ids: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()], "{list}");
    let got = env.json(&["gateway", "get", &id]);
    assert_eq!(got["name"], "edge", "{got}");
    assert_eq!(got["state"], "available", "{got}");
    assert_eq!(
        got["networks"],
        serde_json::json!(["10.10.0.0/24"]),
        "{got}"
    );
    assert!(got["public_addresses"][0].is_string(), "{got}");
    env.run(&["gateway", "delete", &id, "--wait"])
        .expect_code(0);
    let gone = env.run(&["gateway", "get", &id]).expect_code(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    assert!(
        !env.audit().contains(&token),
        "the token reached the audit log"
    );
    let rows = passes(env, adapter);
    assert!(ran(
        &rows,
        "gateway/standard: get after delete is not-found"
    ));
}

/// Runs the conformance suite; panics with the report unless every check passed or was skipped.
fn passes(env: &Env, adapter: &str) -> Vec<Value> {
    let run = env.run(&["adapter", "test", adapter, "-p", "t", "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no report ({e}):\n{}\n{}", run.stdout, run.stderr));
    let failed: Vec<&Value> = rows.iter().filter(|r| r["result"] == "fail").collect();
    assert!(failed.is_empty(), "{adapter}: {failed:#?}\n{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
    rows
}

fn ran(rows: &[Value], check: &str) -> bool {
    rows.iter()
        .any(|r| r["check"].as_str().is_some_and(|c| c.contains(check)) && r["result"] == "pass")
}

/// `cargo` for a generated project: the nested-build hygiene of `tests/artifacts/build.rs`,
/// warnings as errors, and a target directory of its own under `adapters/target`.
fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        command.env_remove(var);
    }
    command
        .env("CARGO_TARGET_DIR", root().join("adapters/target/scaffold"))
        .env("RUSTFLAGS", "-D warnings");
    command
}

#[test]
fn a_rust_project_builds_passes_its_tests_and_runs_against_the_emulator() {
    let env = Env::with_emulator(Env::config());
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("toy-vpn");
    // No --sdk: the SDK of this checkout, baked in at compile time.
    let summary = generate(&env, "toy-vpn", "rust", &dir);
    assert_eq!(summary["build"], "cargo build --release");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let sdk = root().join("adapters/sdk").canonicalize().unwrap();
    assert!(
        manifest.contains(&format!("path = {:?}", sdk.display().to_string())),
        "{manifest}"
    );
    run_in(
        &dir,
        cargo(&["build", "--release"]),
        "cargo build --release",
    );
    run_in(
        &dir,
        cargo(&["test", "--target", "host-tuple"]),
        "cargo test --target host-tuple",
    );
    let component =
        root().join("adapters/target/scaffold/wasm32-wasip2/release/portico_adapter_toy_vpn.wasm");
    lifecycle(&env, &component, "toy-vpn");
}

#[test]
fn a_python_project_builds_passes_its_tests_and_runs_against_the_emulator() {
    let env = Env::with_emulator(Env::config());
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("acme-py");
    let summary = generate(&env, "acme-py", "python", &dir);
    assert_eq!(summary["component"], "dist/portico_adapter_acme_py.wasm");
    let componentize = toolchain("target/toolchains/python/bin/componentize-py");
    let mut build = Command::new("bash");
    build.arg("build.sh").env("COMPONENTIZE_PY", &componentize);
    run_in(&dir, build, "python build.sh");
    let mut test = Command::new(toolchain("target/toolchains/python/bin/python"));
    test.args(["-m", "unittest", "discover", "-s", "tests"])
        .env("COMPONENTIZE_PY", &componentize);
    run_in(&dir, test, "python unit tests");
    lifecycle(
        &env,
        &dir.join("dist/portico_adapter_acme_py.wasm"),
        "acme-py",
    );
}

#[test]
fn a_javascript_project_builds_passes_its_tests_and_runs_against_the_emulator() {
    let env = Env::with_emulator(Env::config());
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("acme-js");
    let summary = generate(&env, "acme-js", "js", &dir);
    assert_eq!(summary["test"], "node --test");
    let modules = root().join("adapters/soracom-napter-js/node_modules");
    toolchain("adapters/soracom-napter-js/node_modules/.bin/jco");
    let mut build = Command::new("bash");
    build.arg("build.sh").env("NODE_PATH", &modules);
    run_in(&dir, build, "js build.sh");
    let mut test = Command::new("node");
    test.arg("--test");
    run_in(&dir, test, "js unit tests");
    lifecycle(
        &env,
        &dir.join("dist/portico_adapter_acme_js.wasm"),
        "acme-js",
    );
}

#[test]
fn bad_arguments_are_refused_and_nothing_is_overwritten() {
    let env = Env::new();
    let work = tempfile::tempdir().unwrap();
    let taken = work.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    let taken = taken.to_str().unwrap();
    let run = env
        .run(&["adapter", "new", "acme", "--dir", taken])
        .expect_code(1);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_dir(taken).unwrap().count(),
        1,
        "nothing was written"
    );
    for bad in ["Acme", "acme_vpn", "../acme", "9lives", "a--b"] {
        let dir = work.path().join("never");
        let run = env
            .run(&["adapter", "new", bad, "--dir", dir.to_str().unwrap()])
            .expect_code(1);
        assert!(
            run.stderr.contains("invalid adapter name"),
            "{bad}: {}",
            run.stderr
        );
        assert!(!dir.exists(), "{bad}");
    }
    let lang = env
        .run(&["adapter", "new", "acme", "--lang", "go"])
        .expect_code(2);
    assert!(
        lang.stderr.contains("possible values: rust, python, js"),
        "{}",
        lang.stderr
    );
    let dir = work.path().join("no-sdk");
    let sdk = env
        .run(&[
            "adapter",
            "new",
            "acme",
            "--dir",
            dir.to_str().unwrap(),
            "--sdk",
            work.path().to_str().unwrap(),
        ])
        .expect_code(1);
    assert!(sdk.stderr.contains("--sdk must name"), "{}", sdk.stderr);
    assert!(!dir.exists());
}

/// Lines of Rust as the example's README counts them: not blank, not a comment.
fn code_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with("//")
        })
        .count()
}

#[test]
fn the_kept_example_is_what_adapter_new_writes_in_the_lines_its_readme_says() {
    let env = Env::new();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("toy-vpn");
    generate(&env, "toy-vpn", "rust", &dir);
    let kept = root().join("tests/adapters/toy-vpn");
    let mut lines = 0;
    let mut files: Vec<String> = std::fs::read_dir(kept.join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["describe.rs", "gateways.rs", "lib.rs", "tests.rs"]);
    for file in &files {
        let ours = std::fs::read_to_string(kept.join("src").join(file)).unwrap();
        let written = std::fs::read_to_string(dir.join("src").join(file)).unwrap();
        assert_eq!(
            ours, written,
            "tests/adapters/toy-vpn/src/{file} differs from the scaffold's"
        );
        lines += code_lines(&ours);
    }
    assert!(lines <= 150, "{lines} lines");
    let readme = std::fs::read_to_string(kept.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("**{lines} lines of Rust**")),
        "the README must say {lines} lines"
    );
}

#[test]
fn the_kept_example_passes_the_conformance_suite() {
    let env = Env::with_emulator(Env::config());
    let token = env.emu().config().toy_token.clone();
    env.set_credential("toy", &["token"], &[&token]);
    env.install_with_profile(portico_test_artifacts::TOY_VPN, "toy-vpn", Some("toy"), &[]);
    let rows = passes(&env, "toy-vpn");
    for check in [
        "describe: complete and self-consistent",
        "gateway/standard: list finds it",
        "gateway/standard: get after delete is not-found",
        "paging: a second page is reachable",
        "errors: an unknown kind is invalid-input",
        "errors: a wrong credential is unauthorized",
        "audit: nothing undeclared",
        "memory: no secret",
    ] {
        assert!(ran(&rows, check), "{check} did not pass: {rows:#?}");
    }
}

#[test]
fn the_kept_example_s_recorded_suite_replays_with_no_emulator() {
    let mut env = Env::with_emulator(Env::config());
    let token = env.emu().config().toy_token.clone();
    env.set_credential("toy", &["token"], &[&token]);
    env.install_with_profile(portico_test_artifacts::TOY_VPN, "toy-vpn", Some("toy"), &[]);
    let work = tempfile::tempdir().unwrap();
    let cassette = work.path().join("toy-vpn.cassette.json");
    let cassette = cassette.to_str().unwrap();
    let test = ["adapter", "test", "toy-vpn", "-p", "t", "-o", "json"];
    let recorded = env.run(&[&test[..], &["--record", cassette]].concat());
    assert_eq!(recorded.code, 0, "{}\n{}", recorded.stdout, recorded.stderr);
    let text = std::fs::read_to_string(cassette).unwrap();
    assert!(text.contains("/toy/v1/gateways"), "{text}");
    assert!(!text.contains(&token), "the token is in the cassette");
    env.emulator = None;
    let replayed = env.run(&[&test[..], &["--replay", cassette]].concat());
    assert_eq!(replayed.code, 0, "{}\n{}", replayed.stdout, replayed.stderr);
    let rows: Vec<Value> = serde_json::from_str(&replayed.stdout).unwrap();
    assert!(
        ran(&rows, "gateway/standard: get after delete is not-found"),
        "{rows:#?}"
    );
    assert!(
        ran(&rows, "errors: a wrong credential is unauthorized"),
        "{rows:#?}"
    );
    let live = env.run(&test).expect_code(1);
    assert!(
        live.stdout.contains("\"fail\""),
        "without the emulator or the cassette the suite fails"
    );
}
