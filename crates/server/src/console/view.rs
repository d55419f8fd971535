//! The console's view model: what the templates show, as plain values, and
//! the templates themselves (compiled in by askama; every `{{ }}` is
//! HTML-escaped). Pages are built from a few generic parts (sections holding
//! facts, a filter form, a table, a record's JSON) so that escaping, links
//! and the table markup are written once.

use askama::Template;

/// The frame of every page: title, the navigation entry it belongs to, and
/// the service time it was rendered at.
pub struct Layout {
    pub title: String,
    /// The navigation entry to mark as current (see `base.html`).
    pub nav: &'static str,
    /// Service time, RFC 3339.
    pub clock: String,
}

/// One value on a page: text, optionally a link, a badge class, a copy button.
#[derive(Default, Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// CSS classes (from closed sets only: statuses, kinds), e.g. `badge s-active`.
    pub class: String,
    /// A button that copies `text`.
    pub copy: bool,
    /// Further badges after the text (a connection's types).
    pub badges: Vec<Cell>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), ..Cell::default() }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: Some(href.into()), ..Cell::default() }
    }

    /// A status badge; the class is `s-` and the status in lower case.
    pub fn badge(status: &str) -> Cell {
        Cell { text: status.to_string(), class: format!("badge s-{}", css_name(status)), ..Cell::default() }
    }

    pub fn mono(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), class: "mono".into(), ..Cell::default() }
    }

    pub fn copyable(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), class: "mono".into(), copy: true, ..Cell::default() }
    }

    pub fn with_badges(mut self, badges: Vec<Cell>) -> Cell {
        self.badges = badges;
        self
    }
}

/// A CSS class fragment for a status or kind: lower case, `_` and spaces as `-`,
/// anything else dropped.
pub fn css_name(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            '_' | ' ' | '-' => Some('-'),
            _ => None,
        })
        .collect()
}

/// A choice of a select box.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field of a filter form: a text box, or a select box when it has choices.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub choices: Vec<Choice>,
}

impl Field {
    pub fn text(name: &'static str, label: &'static str, value: Option<&str>) -> Field {
        Field { name, label, value: value.unwrap_or_default().to_string(), choices: Vec::new() }
    }

    /// A select box of `values` (and "any"), with `current` selected.
    pub fn select(name: &'static str, label: &'static str, values: &[&str], current: Option<&str>) -> Field {
        let mut choices = vec![Choice { value: String::new(), label: "any".into(), selected: current.is_none() }];
        choices.extend(values.iter().map(|v| Choice {
            value: v.to_string(),
            label: v.to_string(),
            selected: current == Some(*v),
        }));
        Field { name, label, value: current.unwrap_or_default().to_string(), choices }
    }
}

/// A filter form (GET, so the filtered page has its own URL).
pub struct Filters {
    pub action: String,
    pub fields: Vec<Field>,
}

/// A table, optionally refreshed live by `console.js` from an admin endpoint.
#[derive(Default)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// Shown when there are no rows.
    pub empty: &'static str,
    /// The next page, when there is one.
    pub next: Option<String>,
    /// `events` or `requests`: the kind of live refresh (`data-live`).
    pub live: &'static str,
    /// The admin endpoint the live refresh reads, with its filters.
    pub source: String,
}

/// A part of a page: a heading and any of facts, filters, table, record JSON, links.
#[derive(Default)]
pub struct Section {
    pub heading: String,
    pub note: String,
    pub facts: Vec<(&'static str, Cell)>,
    pub filters: Option<Filters>,
    pub table: Option<Table>,
    /// The stored record, pretty-printed.
    pub json: String,
    pub links: Vec<Cell>,
    /// Controls that call the admin API (`console.js`), after the table.
    pub forms: Vec<AdminForm>,
}

/// A form `console.js` sends to the admin API as JSON, reloading the page on success.
pub struct AdminForm {
    pub method: &'static str,
    pub path: &'static str,
    pub submit: String,
    /// Asked before sending (destructive controls); empty: not asked.
    pub confirm: String,
    /// Fixed members of the body.
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<FormField>,
}

/// One typed member of an [`AdminForm`]'s body.
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    /// A JSON value in a text area (`data-type="json"`), else one line of text.
    pub json: bool,
    pub placeholder: &'static str,
}

/// A page made of sections.
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page {
    pub layout: Layout,
    pub heading: String,
    pub sections: Vec<Section>,
}

/// A node of the graph: an account, with its partner when it has one.
pub struct Node {
    pub key: String,
    pub x: i64,
    pub y: i64,
    pub class: String,
    pub href: String,
    /// Lines of text under the circle, the first in bold (shortened to fit).
    pub lines: Vec<String>,
    /// The lines in full (the node's tooltip).
    pub title: String,
}

/// An edge of the graph: one connection type, or an invitation.
pub struct Edge {
    pub key: String,
    /// SVG path data.
    pub path: String,
    pub class: String,
    pub href: String,
    /// The edge in full (its tooltip).
    pub title: String,
    /// The label as shown beside the curve, maybe shortened; empty when there was no room.
    pub label: String,
    /// The label's centre.
    pub label_x: i64,
    pub label_y: i64,
}

/// One catalog as a graph, with the selected record beside it.
#[derive(Template)]
#[template(path = "graph.html")]
pub struct Graph {
    pub layout: Layout,
    pub catalog: &'static str,
    pub width: i64,
    pub height: i64,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub selected: Vec<Section>,
}

/// A fault rule as the controls list it.
pub struct FaultView {
    pub id: String,
    pub kind: String,
    pub service: String,
    pub operation: String,
    pub account: String,
    pub remaining: String,
    pub probability: String,
    pub delay_ms: String,
}

/// The controls: each form calls an admin endpoint from `console.js`.
#[derive(Template)]
#[template(path = "controls.html")]
pub struct Controls {
    pub layout: Layout,
    pub offset_seconds: i64,
    pub faults: Vec<FaultView>,
    pub services: Vec<&'static str>,
    /// Every operation name of every service, once each, sorted.
    pub operations: Vec<&'static str>,
    pub fault_kinds: Vec<&'static str>,
    pub catalogs: Vec<&'static str>,
    pub verification_types: Vec<&'static str>,
    pub verification_outcomes: Vec<&'static str>,
}

/// The sign-in form (answered with 403 until the admin token is presented).
#[derive(Template)]
#[template(path = "login.html")]
pub struct Login {
    pub message: String,
    /// The caller may use the console already (loopback, or signed in).
    pub allowed: bool,
    /// The server has an admin token to sign in with.
    pub token_configured: bool,
}

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r#"<script>alert(1)</script>"><img src=x onerror="alert(2)">'"#;

    fn layout() -> Layout {
        Layout { title: HOSTILE.into(), nav: "overview", clock: "2030-01-01T00:00:00.000Z".into() }
    }

    /// The rendered page holds no markup from `HOSTILE`: its `<` and quotes are escaped.
    fn assert_escaped(html: &str) {
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains(r#""><img"#) && !html.contains(r#"" onerror"#), "an attribute was closed early: {html}");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{html}");
        assert!(html.contains("&#34;&#62;&#60;img src=x onerror=&#34;alert(2)&#34;&#62;&#39;"), "{html}");
    }

    #[test]
    fn every_value_of_a_page_is_escaped_in_text_and_attributes() {
        let hostile = Cell {
            text: HOSTILE.into(),
            href: Some(format!("/_pcentral/ui/x?{HOSTILE}")),
            copy: true,
            badges: vec![Cell::text(HOSTILE)],
            ..Cell::default()
        };
        let page = Page {
            layout: layout(),
            heading: HOSTILE.into(),
            sections: vec![Section {
                heading: HOSTILE.into(),
                note: HOSTILE.into(),
                facts: vec![("legal name", hostile.clone())],
                forms: vec![AdminForm {
                    method: "POST",
                    path: "/_pcentral/iam/users/delete",
                    submit: HOSTILE.into(),
                    confirm: HOSTILE.into(),
                    hidden: vec![("user", HOSTILE.into())],
                    fields: Vec::new(),
                }],
                filters: Some(Filters {
                    action: "/_pcentral/ui/catalogs/Sandbox/partners".into(),
                    fields: vec![
                        Field::text("name", "legal name", Some(HOSTILE)),
                        Field::select("type", "type", &[HOSTILE], Some(HOSTILE)),
                    ],
                }),
                table: Some(Table {
                    headers: vec!["legal name"],
                    rows: vec![vec![hostile.clone()]],
                    empty: "none",
                    next: Some(format!("/_pcentral/ui/x?after={HOSTILE}")),
                    live: "events",
                    source: format!("/_pcentral/events?account={HOSTILE}"),
                }),
                json: serde_json::to_string_pretty(&serde_json::json!({ "legal_name": HOSTILE })).unwrap_or_default(),
                links: vec![hostile],
            }],
        };
        let html = page.render().unwrap_or_default();
        assert_escaped(&html);
        // The console's own script is a file; nothing inline.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains(r#"<script src="/_pcentral/ui/static/console.js" defer></script>"#));
        assert!(!html.contains("style="), "no inline style: the content security policy forbids it");
    }

    #[test]
    fn graph_labels_are_escaped_inside_the_svg() {
        let graph = Graph {
            layout: layout(),
            catalog: "Sandbox",
            width: 500,
            height: 400,
            nodes: vec![Node {
                key: "account:111111111111".into(),
                x: 10,
                y: 20,
                class: "published".into(),
                href: "/_pcentral/ui/catalogs/Sandbox/graph?select=account%3A111111111111".into(),
                lines: vec![HOSTILE.into(), "account 111111111111".into()],
                title: HOSTILE.into(),
            }],
            edges: vec![Edge {
                key: "invitation:pacinv-aaaaaaaaaaaaa".into(),
                path: "M0 0 Q1 1 2 2".into(),
                class: "invitation s-pending".into(),
                href: "/_pcentral/ui/catalogs/Sandbox/graph".into(),
                title: HOSTILE.into(),
                label: HOSTILE.into(),
                label_x: 1,
                label_y: 1,
            }],
            selected: vec![Section { heading: HOSTILE.into(), json: HOSTILE.into(), ..Section::default() }],
        };
        let html = graph.render().unwrap_or_default();
        assert_escaped(&html);
        assert!(html.contains(r#"<tspan x="10" dy="0" class="strong">&#60;script&#62;"#), "{html}");
    }

    #[test]
    fn css_names_keep_letters_digits_and_dashes_only() {
        assert_eq!(css_name("PENDING_CUSTOMER_ACTION"), "pending-customer-action");
        assert_eq!(css_name(r#"x" onload="y"#), "x-onloady");
    }

    #[test]
    fn fault_kinds_are_named_as_the_admin_api_reads_them() {
        for kind in pcentral_core::records::FaultKind::ALL {
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
        }
    }

    #[test]
    fn the_sign_in_form_posts_the_token_and_says_why_it_refused() {
        let html =
            Login { message: HOSTILE.into(), allowed: false, token_configured: true }.render().unwrap_or_default();
        assert!(html.contains(r#"<form method="post" action="/_pcentral/ui/login">"#));
        assert!(html.contains(r#"type="password" name="token""#));
        assert!(!html.contains("<script"), "the sign-in page runs nothing");
        assert!(html.contains("&#60;script&#62;alert(1)"));
    }
}
