//! SECURITY.md names a test for every claim: each named test must exist, so the document cannot
//! drift from the suite. A reference is `path/to/file.rs::name`, or `::name` after a file was
//! named (as `path/to/file.rs::other` or just `path/to/file.rs`); the file must define
//! `fn name`.

use std::path::Path;

/// Every `(file, test)` SECURITY.md references, resolving `::name` to the last file named.
fn references(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut file = String::new();
    for token in text.split('`') {
        let token = token.trim();
        if token.ends_with(".rs") && !token.contains(' ') {
            file = token.to_string();
        } else if let Some((path, name)) = token.split_once(".rs::") {
            if !path.contains(' ') {
                file = format!("{path}.rs");
                out.push((file.clone(), name.to_string()));
            }
        } else if let Some(name) = token.strip_prefix("::")
            && !file.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push((file.clone(), name.to_string()));
        }
    }
    out
}

#[test]
fn every_test_security_md_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("SECURITY.md")).expect("SECURITY.md");
    let refs = references(&doc);
    assert!(refs.len() > 50, "only {} references found", refs.len());
    let mut missing = Vec::new();
    for (file, name) in &refs {
        let source = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        if !source.contains(&format!("fn {name}(")) {
            missing.push(format!("{file}::{name}"));
        }
    }
    assert!(
        missing.is_empty(),
        "SECURITY.md names tests that do not exist: {missing:#?}"
    );
}
