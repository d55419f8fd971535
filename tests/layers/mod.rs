//! Shared by the crates' layer tests: read a crate's `lib.rs` for the order
//! of its modules, and every module's `crate::…` uses (comments excluded).

use std::path::Path;

/// `lib.rs`'s `mod` declarations, in order.
fn declared_modules(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("pub mod ").or_else(|| l.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_string())
        })
        .collect()
}

/// The crate modules a source file refers to through `crate::`.
fn used_modules(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                    _ if depth == 1 => item.push(c),
                    _ => {}
                }
                if depth == 0 {
                    items.push(std::mem::take(&mut item));
                    break;
                }
            }
            out.extend(items.iter().map(|i| first_segment(i.trim())).filter(|s| !s.is_empty()));
        } else {
            out.push(first_segment(rest));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn first_segment(path: &str) -> String {
    path.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// Fail, naming them, when modules of the crate at `crate_dir` use modules
/// declared after them.
pub fn check(crate_dir: &str) {
    let violations = violations(&Path::new(crate_dir).join("src"));
    assert!(violations.is_empty(), "modules using later modules:\n{}", violations.join("\n"));
}

/// `module uses later-module` for every use of a module declared after the
/// user (or of the user itself through `crate::`), for the crate whose
/// sources are in `src`.
pub fn violations(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let order = declared_modules(&lib);
    let mut out = Vec::new();
    for (i, module) in order.iter().enumerate() {
        let file = src.join(format!("{module}.rs"));
        let nested = src.join(module).join("mod.rs");
        let text = std::fs::read_to_string(&file).or_else(|_| std::fs::read_to_string(&nested)).unwrap_or_default();
        assert!(!text.is_empty(), "cannot read module {module}");
        for used in used_modules(&text) {
            if let Some(j) = order.iter().position(|m| *m == used) {
                if j >= i && used != *module {
                    out.push(format!("{module} uses {used}"));
                }
            }
        }
    }
    out
}

#[test]
fn uses_are_read_from_code_not_comments() {
    let source = "use crate::{a, b::{C, D}, c::E};\nuse crate::d;\n// see crate::e\nfn f() { crate::g::h(); }";
    assert_eq!(used_modules(source), ["a", "b", "c", "d", "g"]);
    assert_eq!(declared_modules("pub mod x;\nmod y;\n// mod z;\n"), ["x", "y"]);
}
