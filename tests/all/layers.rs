//! The host's shape, checked so it stays true (see the README's architecture map):
//! - the doors open one way: no module under `host/src/broker` names `runtime`, `commands` or
//!   `cli`; none under `host/src/runtime` names `commands` or `cli`; `output.rs` does not name
//!   `cli`;
//! - no host source file holds more than 400 lines of non-test code.

use std::path::{Path, PathBuf};

fn host_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("host/src")
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level crate modules a source text names: `crate::x`, and each `x` of
/// `crate::{x, y::z}`.
fn crate_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            rest = &group[i..];
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        out.push(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out
}

fn violations(files: &[PathBuf], forbidden: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("readable source");
        for module in crate_modules(&text) {
            if forbidden.contains(&module.as_str()) {
                out.push(format!("{} uses crate::{module}", file.display()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_crate_module_scanner_sees_grouped_and_nested_imports() {
    let text = "use crate::broker::x;\nuse crate::{cli::Command, output, wit::{a, b}};\n\
                fn f() { crate::runtime::go(); }";
    assert_eq!(
        crate_modules(text),
        ["broker", "cli", "output", "wit", "runtime"]
    );
}

#[test]
fn doors_open_one_way() {
    let src = host_src();
    let mut broker = rust_files(&src.join("broker"));
    broker.push(src.join("broker.rs"));
    let mut runtime = rust_files(&src.join("runtime"));
    runtime.push(src.join("runtime.rs"));
    let mut found = violations(&broker, &["runtime", "commands", "cli"]);
    found.extend(violations(&runtime, &["commands", "cli"]));
    found.extend(violations(&[src.join("output.rs")], &["cli"]));
    assert!(found.is_empty(), "doors opened the wrong way: {found:#?}");
}

/// Lines of code (not blank, not comments) before a file's test module.
fn code_lines(text: &str) -> usize {
    text.lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("//")
        })
        .count()
}

#[test]
fn no_host_file_over_400_lines_of_code() {
    let files = rust_files(&host_src());
    // Files included only as test modules (`#[cfg(test)] #[path = "x.rs"] mod ...;`).
    let mut test_only = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        let mut lines = text.lines().map(str::trim).peekable();
        while let Some(line) = lines.next() {
            if line == "#[cfg(test)]"
                && let Some(next) = lines.peek()
                && let Some(path) = next.strip_prefix("#[path = \"")
            {
                test_only.push(path.trim_end_matches("\"]").to_string());
            }
        }
    }
    let mut long = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if test_only.iter().any(|t| t == name) {
            continue;
        }
        let n = code_lines(&std::fs::read_to_string(file).expect("readable source"));
        if n > 400 {
            long.push(format!("{}: {n} lines", file.display()));
        }
    }
    assert!(long.is_empty(), "split these by responsibility: {long:#?}");
}
