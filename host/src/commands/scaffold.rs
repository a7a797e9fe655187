//! `portico adapter new NAME [--lang rust|python|js] [--dir DIR] [--sdk PATH]`: writes a
//! buildable adapter project for the made-up Toy VPN API that the bundled emulator serves (one
//! gateway noun with list, get, create and delete, a bearer credential, the `endpoint`
//! setting, a unit test against a fake host and a README with the build command).
//!
//! The project lives outside the repository, so it carries what its build needs: a Rust
//! project depends on `portico-adapter-sdk` by path (`--sdk`, by default the SDK of the
//! checkout this binary was built from) and starts from the repository's `Cargo.lock`; Python
//! and JavaScript projects get their own copy of the WIT, and JavaScript the pinned lock file of
//! its toolchain. Nothing is ever overwritten: the directory must be new or empty, and each file
//! is created, never replaced.

mod templates;

use super::Ctx;
use crate::cli::AdapterCommand;
use crate::error::input;
use crate::home;
use anyhow::{Context as _, Result};
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use templates::Template;

/// The names a project derives from its adapter name.
struct Names {
    /// The adapter name, kebab-case (`acme-vpn`).
    name: String,
    /// The package name (`portico-adapter-acme-vpn`).
    package: String,
    /// The component's file stem, also the Python package (`portico_adapter_acme_vpn`).
    lib: String,
    /// The Rust type of the adapter (`AcmeVpn`).
    rust_type: String,
}

impl Names {
    /// The names of adapter `name`: a valid adapter name (as `home::validate_name` checks)
    /// that is also kebab-case, so that every derived name is a valid identifier.
    fn new(name: &str) -> Result<Self> {
        home::validate_name("adapter", name)?;
        let kebab = name.starts_with(|c: char| c.is_ascii_lowercase())
            && !name.ends_with('-')
            && !name.contains("--")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !kebab {
            return Err(input(format!(
                "invalid adapter name {name:?}: use kebab-case, lower-case words of letters and \
                 digits joined by '-', starting with a letter (e.g. acme-vpn)"
            )));
        }
        let snake = name.replace('-', "_");
        let rust_type = name
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect();
        Ok(Self {
            name: name.to_string(),
            package: format!("portico-adapter-{name}"),
            lib: format!("portico_adapter_{snake}"),
            rust_type,
        })
    }

    /// `text` with the placeholders filled in; `sdk` is the SDK path as a TOML string.
    fn fill(&self, text: &str, sdk: &str) -> String {
        text.replace("{{name}}", &self.name)
            .replace("{{crate}}", &self.package)
            .replace("{{lib}}", &self.lib)
            .replace("{{type}}", &self.rust_type)
            .replace("{{sdk}}", sdk)
    }
}

/// What a language's project is made of and how it is built.
struct Project {
    lang: &'static str,
    templates: &'static [Template],
    /// The one build command, run in the project directory.
    build: &'static str,
    /// Where the build writes the component, relative to the project (`{{lib}}` filled in).
    component: &'static str,
    /// The command that runs the project's unit tests.
    test: &'static str,
}

const PROJECTS: &[Project] = &[
    Project {
        lang: "rust",
        templates: templates::RUST,
        build: "cargo build --release",
        component: "target/wasm32-wasip2/release/{{lib}}.wasm",
        test: "cargo test --target host-tuple",
    },
    Project {
        lang: "python",
        templates: templates::PYTHON,
        build: "./build.sh",
        component: "dist/{{lib}}.wasm",
        test: ".venv/bin/python -m unittest discover -s tests",
    },
    Project {
        lang: "js",
        templates: templates::JS,
        build: "./build.sh",
        component: "dist/{{lib}}.wasm",
        test: "node --test",
    },
];

/// Runs `adapter new`.
pub(super) fn run(ctx: &Ctx, command: AdapterCommand) -> Result<()> {
    let AdapterCommand::New {
        name,
        lang,
        dir,
        sdk,
    } = command
    else {
        return Err(anyhow::anyhow!(
            "adapter.rs dispatches only `adapter new` here"
        ));
    };
    let names = Names::new(&name)?;
    let project = PROJECTS
        .iter()
        .find(|p| p.lang == lang)
        .ok_or_else(|| input(format!("unknown language {lang:?}: rust, python or js")))?;
    let dir = dir.unwrap_or_else(|| PathBuf::from(&names.name));
    refuse_non_empty(&dir)?;
    let sdk = match project.lang {
        "rust" => toml::Value::String(sdk_path(sdk)?.display().to_string()).to_string(),
        _ => String::new(),
    };
    let mut files: Vec<(String, String, bool)> = project
        .templates
        .iter()
        .map(|t| {
            (
                names.fill(t.path, ""),
                names.fill(t.text, &sdk),
                t.executable,
            )
        })
        .collect();
    match project.lang {
        "rust" => files.push(("Cargo.lock".into(), templates::CARGO_LOCK.into(), false)),
        "js" => files.push(("package-lock.json".into(), package_lock(&names)?, false)),
        _ => {}
    }
    if project.lang != "rust" {
        for (file, text) in templates::WIT {
            files.push((format!("wit/{file}"), (*text).to_string(), false));
        }
    }
    for (path, text, executable) in &files {
        write_new(&dir.join(path), text, *executable)?;
    }
    let component = names.fill(project.component, "");
    eprintln!(
        "created adapter {} ({}) in {}: build it with `cd {} && {}`",
        names.name,
        project.lang,
        dir.display(),
        dir.display(),
        project.build
    );
    let mut written: Vec<&str> = files.iter().map(|(p, _, _)| p.as_str()).collect();
    written.sort_unstable();
    ctx.printer.one(&json!({
        "name": names.name,
        "lang": project.lang,
        "dir": dir.display().to_string(),
        "build": project.build,
        "test": project.test,
        "component": component,
        "files": written,
    }))
}

/// A new project goes into a new or empty directory, never over anything.
fn refuse_non_empty(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(input(format!(
                "{} is not empty: refusing to write a project over it (choose another --dir)",
                dir.display()
            ))),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.exists() => Err(input(format!(
            "{} exists and is not a directory: choose another --dir",
            dir.display()
        ))),
        Err(err) => Err(err).with_context(|| format!("failed to read {}", dir.display())),
    }
}

/// The SDK a Rust project depends on: `--sdk`, or the `adapters/sdk` of the checkout this
/// binary was built from, when it is still there. The binary cannot know where a checkout is
/// at run time, so a missing one is a clear error naming the option.
fn sdk_path(given: Option<PathBuf>) -> Result<PathBuf> {
    let (path, hint) = match given {
        Some(path) => (
            path,
            "--sdk must name the adapters/sdk directory of a portico checkout",
        ),
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("adapters/sdk"),
            "this portico was built from a checkout that is not there any more: pass --sdk \
             PATH, the adapters/sdk directory of a portico checkout",
        ),
    };
    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap_or_default();
    if !manifest.contains("name = \"portico-adapter-sdk\"") {
        return Err(input(format!(
            "no portico-adapter-sdk at {}: {hint}",
            path.display()
        )));
    }
    path.canonicalize()
        .with_context(|| format!("failed to resolve {}", path.display()))
}

/// The JavaScript toolchain's lock file with the project as its root package.
fn package_lock(names: &Names) -> Result<String> {
    let mut lock: Value =
        serde_json::from_str(templates::PACKAGE_LOCK).context("the embedded package-lock.json")?;
    lock["name"] = json!(names.package);
    if let Some(root) = lock["packages"][""].as_object_mut() {
        root.insert("name".into(), json!(names.package));
        // The project's package.json names no license: that is the author's to choose.
        root.shift_remove("license");
    }
    Ok(serde_json::to_string_pretty(&lock)? + "\n")
}

/// Creates `path` (and its directories) with `text`; an existing file is never replaced.
fn write_new(path: &Path, text: &str, executable: bool) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, if executable { 0o755 } else { 0o644 });
    #[cfg(not(unix))]
    let _ = executable;
    let mut file = options
        .open(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("failed to write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derive_from_a_kebab_case_name() {
        let names = Names::new("acme-vpn2").unwrap();
        assert_eq!(names.package, "portico-adapter-acme-vpn2");
        assert_eq!(names.lib, "portico_adapter_acme_vpn2");
        assert_eq!(names.rust_type, "AcmeVpn2");
        for bad in [
            "", "Acme", "acme_vpn", "1vpn", "-vpn", "vpn-", "a--b", "a/b", "../x",
        ] {
            assert!(Names::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        let names = Names::new("acme").unwrap();
        for project in PROJECTS {
            for t in project.templates {
                let text = names.fill(t.text, "\"/sdk\"");
                assert!(!text.contains("{{"), "{} {}: {text}", project.lang, t.path);
                assert!(!names.fill(t.path, "").contains('{'), "{}", t.path);
            }
        }
    }

    #[test]
    fn the_embedded_contract_is_all_of_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit/since_v0.2.0");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = templates::WIT.iter().map(|(f, _)| *f).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_package_lock_names_the_project() {
        let lock: Value =
            serde_json::from_str(&package_lock(&Names::new("acme").unwrap()).unwrap()).unwrap();
        assert_eq!(lock["name"], "portico-adapter-acme");
        assert_eq!(lock["packages"][""]["name"], "portico-adapter-acme");
        let dev = &lock["packages"][""]["devDependencies"];
        assert_eq!(dev["@bytecodealliance/componentize-js"], "0.23.0");
        assert_eq!(dev["@bytecodealliance/jco"], "1.35.0");
    }

    #[test]
    fn a_directory_with_anything_in_it_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(refuse_non_empty(&tmp.path().join("new")).is_ok());
        assert!(refuse_non_empty(tmp.path()).is_ok());
        std::fs::write(tmp.path().join(".keep"), "").unwrap();
        assert!(refuse_non_empty(tmp.path()).is_err());
        assert!(refuse_non_empty(&tmp.path().join(".keep")).is_err());
    }
}
