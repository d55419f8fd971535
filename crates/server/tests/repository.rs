//! What the repository's documents say about the repository, checked so that
//! it cannot go stale: the README's list of `scripts/test` phases, the
//! repository paths the documents name, and docs/testing.md (written by
//! scripts/testing-doc); and the guard scripts/test runs first,
//! scripts/conflict-markers, tried on a temporary git repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root")
}

fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The phases scripts/test runs or skips, in order: its `phase NAME …` and `skip NAME …` calls.
fn script_phases() -> Vec<String> {
    let mut phases: Vec<String> = Vec::new();
    for line in read("scripts/test").lines() {
        let call = line.trim_start().trim_start_matches("if ! ");
        let mut words = call.split_whitespace();
        if let (Some("phase" | "skip"), Some(name)) = (words.next(), words.next()) {
            if !phases.iter().any(|p| p == name) {
                phases.push(name.to_string());
            }
        }
    }
    phases
}

#[test]
fn the_readme_lists_the_phases_scripts_test_runs() {
    let phases = script_phases();
    assert!(phases.len() >= 9 && phases.contains(&"browser".to_string()), "scripts/test phases: {phases:?}");
    let readme = read("README.md");
    const LIST: &str = "It runs in phases (";
    let start = readme.find(LIST).expect("the README lists the phases: \"It runs in phases (…)\"") + LIST.len();
    let end = start + readme[start..].find(')').expect("the list of phases ends");
    let listed: Vec<String> = readme[start..end].split(',').map(|p| p.split_whitespace().collect()).collect();
    assert_eq!(listed, phases, "the README's list of phases is not scripts/test's");
    let summary = format!("`phases: {} passed, 0 failed, 0 skipped`", phases.len());
    assert!(readme.contains(&summary), "the README's example summary line should be {summary}");
}

/// The documents whose repository paths are checked.
fn documents() -> Vec<PathBuf> {
    let root = repo();
    let mut docs = vec![root.join("README.md"), root.join("ARCHITECTURE.md"), root.join("python/README.md")];
    for dir in ["docs", "examples/pytest-project"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a documents folder") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                docs.push(path);
            }
        }
    }
    docs.sort();
    docs
}

/// The folders at the root whose paths the documents name.
const TOP: [&str; 8] = ["crates/", "tests/", "scripts/", "docs/", "examples/", "python/", "container/", ".ci/"];

/// The repository paths named in backticks outside code blocks (`crates/x.rs`,
/// `scripts/bench --quick`: its first word), without globs or placeholders.
fn named_paths(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let mut paths = Vec::new();
    for (i, span) in prose.split('`').enumerate() {
        if i % 2 == 0 {
            continue; // outside backticks
        }
        let Some(word) = span.split_whitespace().next() else { continue };
        let word = word.split('#').next().unwrap_or_default().trim_end_matches([',', '.', ':', ';']);
        let placeholder = word.contains(['*', '…', '<', '>', '{', '}', '[', ']', '$', '|']);
        if TOP.iter().any(|top| word.starts_with(top)) && !placeholder {
            paths.push(word.to_string());
        }
    }
    paths
}

/// Targets of relative Markdown links, `[text](target)`, relative to the document.
fn linked_paths(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|target| target.split('#').next().unwrap_or_default().to_string())
        .filter(|target| !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:"))
        .collect()
}

#[test]
fn the_documents_name_only_paths_that_exist() {
    let root = repo();
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("a document");
        let shown = doc.strip_prefix(&root).unwrap_or(&doc).display().to_string();
        for path in named_paths(&text) {
            checked += 1;
            if !root.join(&path).exists() {
                missing.push(format!("{shown}: `{path}`"));
            }
        }
        let dir = doc.parent().unwrap_or(&root);
        for path in linked_paths(&text) {
            checked += 1;
            if !dir.join(&path).exists() {
                missing.push(format!("{shown}: link ({path})"));
            }
        }
    }
    assert!(checked > 50, "only {checked} paths found in the documents");
    assert!(missing.is_empty(), "the documents name paths that do not exist:\n{}", missing.join("\n"));
}

#[test]
fn docs_testing_md_is_what_scripts_testing_doc_writes() {
    let out = Command::new("python3")
        .arg(repo().join("scripts/testing-doc"))
        .arg("--check")
        .output()
        .expect("python3 runs scripts/testing-doc");
    assert!(
        out.status.success(),
        "docs/testing.md is stale: run scripts/testing-doc and commit docs/testing.md\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn conflict_markers(dir: &Path) -> Output {
    Command::new(repo().join("scripts/conflict-markers")).arg(dir).output().expect("scripts/conflict-markers runs")
}

#[test]
fn the_conflict_marker_guard_names_each_marker_line_of_tracked_files() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    // Markers are built here so that this file holds none.
    let (open, base, sep, close) = ("<".repeat(7), "|".repeat(7), "=".repeat(7), ">".repeat(7));
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("a file");
    // A Markdown heading underlined with seven `=`, outside any conflict.
    write("notes.md", &format!("Title\n{sep}\n\nText.\n"));
    git(dir, &["add", "notes.md"]);
    let clean = conflict_markers(dir);
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stderr));

    write("lib.rs", &format!("fn a() {{}}\n{open} HEAD\nfn b() {{}}\n{sep}\nfn c() {{}}\n{close} topic\n{sep}\n"));
    write("merge.txt", &format!("one\r\n{open} ours\r\ntwo\r\n{base} base\r\n{sep}\r\nthree\r\n{close} theirs\r\n"));
    write("untracked.txt", &format!("{open} HEAD\n{sep}\n{close} topic\n"));
    write("binary.dat", &format!("\0{open} HEAD\n{close} topic\n"));
    git(dir, &["add", "lib.rs", "merge.txt", "binary.dat"]);
    let found = conflict_markers(dir);
    assert_eq!(found.status.code(), Some(1), "{}", String::from_utf8_lossy(&found.stderr));
    let named: Vec<String> = String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(|line| line.split(": ").next().unwrap_or_default().to_string())
        .collect();
    // lib.rs:7 is a `=======` after the conflict ended: not a marker.
    assert_eq!(named, ["lib.rs:2", "lib.rs:4", "lib.rs:6", "merge.txt:2", "merge.txt:4", "merge.txt:5", "merge.txt:7"]);
    assert!(String::from_utf8_lossy(&found.stderr).contains("7 merge-conflict marker line(s)"));
}
