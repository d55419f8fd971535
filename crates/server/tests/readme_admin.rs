//! The README's table of admin endpoints is the route table
//! (`pcentral_server::admin::ROUTES`): the same endpoints in the same order,
//! each with the CLI command the route names.

use std::path::Path;

use pcentral_server::admin::ROUTES;

/// `METHOD path` with the query and the name of a `{…}` or `<…>` part left out.
fn endpoint(method: &str, path: &str) -> String {
    let path = path.split(['?', '[']).next().unwrap_or_default();
    let mut out = String::new();
    let mut hole = false;
    for c in path.chars() {
        match c {
            '{' | '<' => hole = true,
            '}' | '>' => {
                hole = false;
                out.push_str("{}");
            }
            _ if hole => {}
            _ => out.push(c),
        }
    }
    format!("{method} {out}")
}

/// The cells of a table row, trimmed (`\|` is a `|` inside a cell).
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.trim().trim_matches('|').chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            _ => cells.last_mut().expect("a cell").push(c),
        }
        escaped = c == '\\';
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

/// (endpoint, CLI cell) of each row of the table under "## Admin API and CLI".
fn readme_rows() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let section = readme.split("\n## Admin API and CLI\n").nth(1).expect("the README has an admin section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let rows =
        section.lines().skip_while(|l| !l.starts_with("| endpoint |")).skip(2).take_while(|l| l.starts_with('|'));
    rows.map(|row| {
        let cells = cells(row);
        let first = cells[0].trim_start_matches('`');
        let (method, rest) = first.split_once(' ').unwrap_or_else(|| panic!("a row without an endpoint: {row}"));
        let path = rest.split('`').next().unwrap_or_default();
        (endpoint(method, path), cells.get(1).cloned().unwrap_or_default())
    })
    .collect()
}

#[test]
fn the_readme_lists_every_admin_route_in_order() {
    let rows = readme_rows();
    let listed: Vec<&String> = rows.iter().map(|(e, _)| e).collect();
    let declared: Vec<String> = ROUTES.iter().map(|r| endpoint(r.method.as_str(), r.path)).collect();
    assert_eq!(listed, declared.iter().collect::<Vec<_>>(), "the README's admin table and admin::ROUTES differ");
    for ((endpoint, cli), route) in rows.iter().zip(ROUTES.iter()) {
        match route.cli {
            None => assert_eq!(cli, "", "{endpoint}: the route has no CLI command"),
            Some(command) => {
                let named = cli.strip_prefix('`').and_then(|c| c.strip_prefix(command));
                assert!(
                    named.is_some_and(|rest| rest.starts_with([' ', '`'])),
                    "{endpoint}: the README's CLI cell {cli:?} does not start with `{command}`"
                );
            }
        }
    }
}
