//! The shape of the source tree, held by a test so that it cannot drift:
//! `api` and `web` are leaves that import neither each other, `config`
//! depends on no route module, and no source file outside tests passes 600
//! lines (past that a file holds more than one concept).

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file below `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out
}

/// The code of a file without its comments, so that a doc line naming a
/// module is not mistaken for a use of it.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn api_and_web_are_leaves_and_config_stands_alone() {
    let src = repo().join("lottopro-http/src");
    for (leaf, other) in [("api", "web"), ("web", "api")] {
        for (path, text) in sources(&src.join(leaf)) {
            let code = code(&text);
            assert!(
                !code.contains(&format!("crate::{other}")),
                "{} imports crate::{other}",
                path.display()
            );
        }
    }
    let config = code(&std::fs::read_to_string(src.join("config.rs")).unwrap());
    for module in ["crate::api", "crate::web", "crate::app"] {
        assert!(!config.contains(module), "config.rs imports {module}");
    }
}

#[test]
fn no_source_file_passes_600_lines() {
    let root = repo();
    let mut long = Vec::new();
    for dir in [
        "lottopro-core/src",
        "lottopro-http/src",
        "lottopro-py/src",
        "benches",
        "examples",
        "fuzz/src",
    ] {
        for (path, text) in sources(&root.join(dir)) {
            // A module's tests in a file of their own are tests.
            if path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let lines = text.lines().count();
            if lines > 600 {
                long.push(format!("{} ({lines} lines)", path.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these along their seams: {long:?}");
}

#[test]
fn nothing_reads_outside_the_repository() {
    // A clone with nothing beside it must build, run and pass its tests.
    let root = repo();
    let needle = ["..", "/shared"].concat();
    let mut found = Vec::new();
    for dir in [
        "lottopro-core",
        "lottopro-http",
        "lottopro-py",
        "benches",
        "examples",
        "fuzz/src",
        "scripts",
        "tests",
        ".ci",
    ] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if path.is_dir() {
                    if name != "target" && name != "__pycache__" && !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if let Ok(text) = std::fs::read_to_string(&path)
                    && text.contains(&needle)
                {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "these read a folder beside the repository: {found:?}"
    );
}
