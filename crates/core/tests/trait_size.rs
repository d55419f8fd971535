//! A house rule for every crate: no trait in `crates/*/src` declares more
//! than [`MAX_METHODS`] methods. A trait that would grow past it is split by
//! what its methods hold, the way `pcentral_core::store::Tx` is the sum of one
//! trait per resource family.
//!
//! The sources are read simply: comments, string and character literals are
//! skipped, and the `fn` items directly inside each `trait Name … { … }` block
//! are counted (the bodies of default methods are not looked into).

use std::path::{Path, PathBuf};

const MAX_METHODS: usize = 30;

#[test]
fn no_trait_has_more_than_thirty_methods() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the crates folder");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(crates).expect("the crates folder") {
        let src = entry.expect("a crate folder").path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut sources);
        }
    }
    assert!(sources.len() > 20, "found too few sources under {}: {sources:?}", crates.display());
    let mut traits = 0;
    let mut too_big = Vec::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("a readable source");
        for (name, methods) in trait_sizes(&text) {
            traits += 1;
            if methods > MAX_METHODS {
                too_big.push(format!("{}: trait {name} has {methods} methods", file.display()));
            }
        }
    }
    assert!(traits > 5, "found too few traits ({traits}): the reader is broken");
    assert!(too_big.is_empty(), "traits over {MAX_METHODS} methods (split them by family):\n{}", too_big.join("\n"));
}

#[test]
fn the_reader_counts_the_methods_of_each_trait() {
    let many: String = (0..31).map(|i| format!("    fn m{i}(&self) -> u8;\n")).collect();
    let source = format!(
        "// trait Commented {{ fn a(); }}\n\
         /// A doc comment naming trait Doc {{ fn b(); }}\n\
         pub trait Big: Send {{\n{many}}}\n\
         trait Small<T> where T: Fn(u8) {{\n\
             /* fn hidden(); */\n\
             fn with_default(&self) -> char {{ fn inner() {{}} let _ = \"fn s() {{\"; '{{' }}\n\
             fn takes(&self, f: fn(u8) -> u8, g: &dyn FnMut());\n\
             type Item<'a>;\n\
         }}\n\
         pub trait Sum: Big + Small<u8> {{}}\n\
         fn outside() {{}}\n"
    );
    let sizes = trait_sizes(&source);
    assert_eq!(sizes, [("Big".to_string(), 31), ("Small".to_string(), 2), ("Sum".to_string(), 0)]);
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a source entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each trait declared in `source`, in order, with the number of `fn` items
/// directly inside its block.
fn trait_sizes(source: &str) -> Vec<(String, usize)> {
    let tokens = tokens(source);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "trait" && tokens.get(i + 1).is_some_and(|t| is_identifier(t)) {
            let name = tokens[i + 1].clone();
            let Some(open) = tokens[i..].iter().position(|t| t == "{").map(|p| i + p) else {
                break;
            };
            let mut depth = 0;
            let mut methods = 0;
            let mut j = open;
            while j < tokens.len() {
                match tokens[j].as_str() {
                    "{" => depth += 1,
                    "}" => depth -= 1,
                    "fn" if depth == 1 && tokens.get(j + 1).is_some_and(|t| is_identifier(t)) => methods += 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                j += 1;
            }
            out.push((name, methods));
            i = j;
        }
        i += 1;
    }
    out
}

fn is_identifier(token: &str) -> bool {
    token.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// Identifiers (and keywords) and single punctuation characters of `source`,
/// without comments, string literals and character literals.
fn tokens(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 1;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
        } else if c == '"' {
            i = after_quoted(&chars, i + 1, '"');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) {
            // A raw string: r"…" or r#"…"#, with as many # on both ends.
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            let start = i + 1 + hashes;
            if chars.get(start) == Some(&'"') {
                let closes = |k: usize| chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#'));
                i = (start + 1..chars.len()).find(|k| closes(*k)).map_or(chars.len(), |k| k + 1 + hashes);
            } else {
                out.push("r".to_string());
                i += 1;
            }
        } else if c == '\'' {
            // A character literal ('x', '\n', '{'), or a lifetime ('a).
            if next == Some('\\') || chars.get(i + 2) == Some(&'\'') {
                i = after_quoted(&chars, i + 1, '\'');
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// The index after the closing `quote` of a literal whose text starts at `i`.
fn after_quoted(chars: &[char], mut i: usize, quote: char) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    i
}
