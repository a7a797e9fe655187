//! The files `portico adapter new` writes, embedded in the binary: the project templates under
//! `host/templates/{rust,python,js}`, the contract `wit/since_v0.2.0` (written into Python and
//! JavaScript projects, so they build from their own files), and the lock files that pin what
//! the repository's own adapters are tested with (`adapters/Cargo.lock` for Rust projects, the
//! JavaScript Napter adapter's `package-lock.json` for the componentize-js toolchain).
//!
//! A template's text and output path may hold `{{name}}` (the adapter name), `{{crate}}` (the
//! package name), `{{lib}}` (the component's file stem and the Python package), `{{type}}` (the
//! Rust type of the adapter) and, in Rust's `Cargo.toml`, `{{sdk}}` (the SDK's path as a TOML
//! string).

/// One file of a project.
pub(super) struct Template {
    /// Where it goes, relative to the project directory.
    pub path: &'static str,
    /// Its text, with placeholders.
    pub text: &'static str,
    /// Whether it is a script to run (mode 0755).
    pub executable: bool,
}

macro_rules! template {
    ($path:literal, $file:literal) => {
        Template {
            path: $path,
            text: include_str!(concat!("../../../templates/", $file)),
            executable: false,
        }
    };
    ($path:literal, $file:literal, executable) => {
        Template {
            executable: true,
            ..template!($path, $file)
        }
    };
}

/// A Rust project: a `cdylib` on `portico-adapter-sdk`, built for wasm32-wasip2.
pub(super) const RUST: &[Template] = &[
    template!("Cargo.toml", "rust/Cargo.toml.tmpl"),
    template!(".cargo/config.toml", "rust/cargo-config.toml"),
    template!(".gitignore", "rust/gitignore"),
    template!("README.md", "rust/README.md"),
    template!("src/lib.rs", "rust/lib.rs"),
    template!("src/describe.rs", "rust/describe.rs"),
    template!("src/gateways.rs", "rust/gateways.rs"),
    template!("src/tests.rs", "rust/tests.rs"),
];

/// A Python project, built with componentize-py.
pub(super) const PYTHON: &[Template] = &[
    template!("build.sh", "python/build.sh", executable),
    template!("requirements.txt", "python/requirements.txt"),
    template!(".gitignore", "python/gitignore"),
    template!("README.md", "python/README.md"),
    template!("src/app.py", "python/app.py"),
    template!("src/{{lib}}/__init__.py", "python/init.py"),
    template!("src/{{lib}}/api.py", "python/api.py"),
    template!("src/{{lib}}/describe.py", "python/describe.py"),
    template!("src/{{lib}}/errors.py", "python/errors.py"),
    template!("src/{{lib}}/gateways.py", "python/gateways.py"),
    template!("tests/fake_host.py", "python/fake_host.py"),
    template!("tests/test_gateways.py", "python/test_gateways.py"),
];

/// A JavaScript project, built with componentize-js and checked with jco.
pub(super) const JS: &[Template] = &[
    template!("build.sh", "js/build.sh", executable),
    template!("package.json", "js/package.json"),
    template!(".gitignore", "js/gitignore"),
    template!("README.md", "js/README.md"),
    template!("src/adapter.js", "js/adapter.js"),
    template!("src/api.js", "js/api.js"),
    template!("src/describe.js", "js/describe.js"),
    template!("src/errors.js", "js/errors.js"),
    template!("src/gateways.js", "js/gateways.js"),
    template!("testing/fake-host.js", "js/fake-host.js"),
    template!("testing/harness.js", "js/harness.js"),
    template!("testing/hooks.js", "js/hooks.js"),
    template!("test/gateways.test.js", "js/gateways.test.js"),
];

macro_rules! wit {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../../../../wit/since_v0.2.0/", $file)))),*]
    };
}

/// The contract the projects build against, file by file (`wit/` in a Python or JS project).
pub(super) const WIT: &[(&str, &str)] = wit!(
    "adapter.wit",
    "config.wit",
    "credentials.wit",
    "gateways.wit",
    "http.wit",
    "log.wit",
    "mappings.wit",
    "operations.wit",
    "peers.wit",
    "tunnels.wit",
    "types.wit",
    "world.wit",
);

/// The dependency versions the repository's adapters build with; cargo keeps the ones a new
/// project uses and adds the project itself.
pub(super) const CARGO_LOCK: &str = include_str!("../../../../adapters/Cargo.lock");

/// The pinned componentize-js toolchain, as `just setup-polyglot` installs it for the
/// JavaScript Napter adapter; its root package is renamed for the new project.
pub(super) const PACKAGE_LOCK: &str =
    include_str!("../../../../adapters/soracom-napter-js/package-lock.json");
