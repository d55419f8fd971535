//! A lasting rule of the house: no source file under `crates/*/src` is over
//! 1,300 lines, so that each file stays one subject a reader can hold. A file
//! that grows past it is split by subject (see ARCHITECTURE.md for the
//! layout), not trimmed by squeezing lines.

use std::path::{Path, PathBuf};

/// The most lines a source file may have.
const LIMIT: usize = 1300;

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(&crates).expect("crates/").map(|e| e.expect("a crate").path()) {
        let src = krate.join("src");
        if src.is_dir() {
            files_under(&src, &mut files);
        }
    }
    assert!(files.len() > 20, "found only {} source files under {}", files.len(), crates.display());
    let mut over: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let lines = text.split(|b| *b == b'\n').count() - usize::from(text.ends_with(b"\n"));
            let shown = path.strip_prefix(&crates).unwrap_or(path).display().to_string();
            (lines > LIMIT).then(|| format!("crates/{shown}: {lines} lines"))
        })
        .collect();
    over.sort();
    assert!(over.is_empty(), "source files over {LIMIT} lines (split them by subject):\n{}", over.join("\n"));
}
