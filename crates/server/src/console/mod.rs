//! The web console under `/_pcentral/ui/`: server-rendered HTML pages over
//! the store, readable without JavaScript, with plain JavaScript for live
//! tables and for the controls, which call the admin API (`/_pcentral/…`).
//!
//! * Access is the admin API's rule ([`crate::gate::admitted`]):
//!   loopback, or the admin token. A browser presents the token through the
//!   sign-in form, which sets it as an HttpOnly, SameSite=Strict cookie
//!   ([`TOKEN_COOKIE`]) that the admin API accepts too. Without access, every
//!   console path answers 403 with the sign-in form.
//! * The console reads the store only when one of its pages is asked for,
//!   in read transactions; it adds nothing to the API's request path.
//! * Everything is compiled in: templates (`templates/`, askama, HTML-escaped)
//!   and static files (`static/`). Every answer carries a content security
//!   policy that allows the console's own files only: no inline script or
//!   style, so a stored value that slipped through escaping could not run.
//!
//! The parts: this module routes (sign-in, static files, and `render`'s
//! table of pages); `pages` holds the pages by resource family (`partners`,
//! `connections`, `accounts`, `tools`, `overview`), each adding its routes
//! here; `list` is the one list page the families configure; `common` the
//! helpers every page uses; `view` the view model and templates; `graph` the
//! graph page (with its geometry, `graph::layout`). Pages never import the graph;
//! the graph shows the families' record sections.

mod common;
mod graph;
mod list;
mod pages;
mod view;

use std::net::IpAddr;

use askama::Template;
use pcentral_model::Catalog;

use crate::app::AppState;
use crate::gate::token_matches;
use common::{not_found, Html, QueryString};
use pages::{accounts, connections, engagements, overview, partners, tools};

/// Where the console lives.
pub const PREFIX: &str = "/_pcentral/ui";
/// The cookie that carries the admin token (hex-encoded) for a signed-in browser.
pub const TOKEN_COOKIE: &str = "pcentral_admin_token";
/// What every console answer allows the browser to load: its own files only.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A console request, as the listener read it.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Vec<u8>,
    pub remote: IpAddr,
    /// Whether the admin access rule lets the caller in (loopback, or the token).
    pub allowed: bool,
}

/// A console answer: status, headers and body.
pub struct PageReply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl PageReply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> PageReply {
        PageReply {
            status,
            headers: vec![
                ("content-type", content_type.to_string()),
                ("content-security-policy", CONTENT_SECURITY_POLICY.to_string()),
                ("x-content-type-options", "nosniff".to_string()),
                // `same-origin`, not `no-referrer`: under `no-referrer` a browser sends
                // `Origin: null` with the console's own form posts, which the admin
                // gate refuses; links to other sites still carry no referrer.
                ("referrer-policy", "same-origin".to_string()),
                ("cache-control", "no-store".to_string()),
            ],
            body: body.into(),
        }
    }

    fn html(status: u16, html: String) -> PageReply {
        PageReply::new(status, "text/html; charset=utf-8", html)
    }

    fn redirect(location: &str) -> PageReply {
        let mut reply = PageReply::new(303, "text/plain; charset=utf-8", "");
        reply.headers.push(("location", location.to_string()));
        reply
    }

    /// A failure outside any page (the worker thread failed).
    pub fn failure(message: &str) -> PageReply {
        tracing::error!(message, "console failed");
        PageReply::new(500, "text/plain; charset=utf-8", "The console failed; see the server log.")
    }
}

/// Whether `path` belongs to the console.
pub fn is_console_path(path: &str) -> bool {
    path == PREFIX || path.starts_with("/_pcentral/ui/")
}

/// The admin token a request presents: the `x-pcentral-admin-token` header,
/// or the console's sign-in cookie.
pub fn presented_token(headers: &hyper::HeaderMap) -> Option<String> {
    if let Some(token) = headers.get("x-pcentral-admin-token").and_then(|v| v.to_str().ok()) {
        return Some(token.to_string());
    }
    headers.get_all(hyper::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(cookie_token)
}

/// The token in a `Cookie` header's [`TOKEN_COOKIE`], if well-formed.
fn cookie_token(header: &str) -> Option<String> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == TOKEN_COOKIE).then(|| hex::decode(value).ok().and_then(|b| String::from_utf8(b).ok()))?
    })
}

/// Answer a console request.
pub fn handle(state: &AppState, req: &Request) -> PageReply {
    let route = req.path.strip_prefix(PREFIX).unwrap_or_default();
    let method = req.method.as_str();
    if route == "/login" {
        return match method {
            "POST" => sign_in(state, req),
            _ => login_page(state, req.allowed, ""),
        };
    }
    if !req.allowed {
        return login_page(state, false, "");
    }
    match (method, route) {
        ("POST", "/logout") => {
            let mut reply = PageReply::redirect(&format!("{PREFIX}/login"));
            reply.headers.push((
                "set-cookie",
                format!("{TOKEN_COOKIE}=; Path=/_pcentral/; HttpOnly; SameSite=Strict; Max-Age=0"),
            ));
            reply
        }
        ("GET" | "HEAD", "") => PageReply::redirect(&format!("{PREFIX}/")),
        ("GET" | "HEAD", r) if r.starts_with("/static/") => asset(&r["/static/".len()..]),
        ("GET" | "HEAD", r) => match render(state, r, &req.query) {
            Ok(html) => PageReply::html(200, html),
            Err(e) => PageReply::html(e.status, common::error_page(&e)),
        },
        _ => PageReply::new(
            405,
            "text/plain; charset=utf-8",
            "The console answers GET; its controls call the admin API.",
        ),
    }
}

/// Render the page at `route` (the path below [`PREFIX`]) with `query`.
fn render(state: &AppState, route: &str, query: &str) -> Html {
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    let q = QueryString(query);
    match segments.as_slice() {
        [] => overview::overview(state),
        ["catalogs", catalog, rest @ ..] => {
            let catalog: Catalog = catalog.parse().map_err(|e| not_found(format!("{e}")))?;
            match rest {
                ["graph"] => graph::page(state, catalog, &q),
                ["partners"] => partners::list(state, catalog, &q),
                ["partners", id] => partners::partner(state, catalog, id),
                ["invitations"] => connections::invitations(state, catalog, &q),
                ["invitations", id] => connections::invitation(state, catalog, id),
                ["connections"] => connections::connections(state, catalog, &q),
                ["connections", id] => connections::connection(state, catalog, id),
                ["profile-tasks"] => partners::profile_tasks(state, catalog, &q),
                ["qualifications"] => partners::qualifications(state, catalog, &q),
                ["engagements"] => engagements::list(state, catalog, &q),
                ["engagements", id] => engagements::engagement(state, catalog, id),
                _ => Err(not_found("There is no console page here.")),
            }
        }
        ["accounts", account] => accounts::account_page(state, account),
        ["verifications"] => accounts::verifications(state, &q),
        ["events"] => tools::events(state, &q),
        ["outbox"] => tools::outbox(state, &q),
        ["requests"] => tools::requests(state),
        ["controls"] => tools::controls(state),
        _ => Err(not_found("There is no console page here.")),
    }
}

/// The sign-in form: 403 unless the caller may use the console already.
fn login_page(state: &AppState, allowed: bool, message: &str) -> PageReply {
    let page = view::Login { message: message.to_string(), allowed, token_configured: state.admin_token.is_some() };
    match page.render() {
        Ok(html) => PageReply::html(if allowed { 200 } else { 403 }, html),
        Err(e) => PageReply::failure(&e.to_string()),
    }
}

/// `POST /_pcentral/ui/login` with `token=…` (a form): the right token sets
/// the cookie and opens the console; anything else is 403 and the form again.
fn sign_in(state: &AppState, req: &Request) -> PageReply {
    let body = String::from_utf8_lossy(&req.body);
    let token = crate::url::query_param(&body, "token").unwrap_or_default();
    if !token_matches(state.admin_token.as_deref(), Some(&token)) {
        return login_page(state, req.allowed, "That is not the admin token.");
    }
    let mut reply = PageReply::redirect(&format!("{PREFIX}/"));
    reply.headers.push((
        "set-cookie",
        format!("{TOKEN_COOKIE}={}; Path=/_pcentral/; HttpOnly; SameSite=Strict", hex::encode(token.as_bytes())),
    ));
    reply
}

/// The console's static files, compiled in.
fn asset(name: &str) -> PageReply {
    let (content_type, body): (&str, &[u8]) = match name {
        "console.css" => ("text/css; charset=utf-8", include_bytes!("static/console.css")),
        "console.js" => ("text/javascript; charset=utf-8", include_bytes!("static/console.js")),
        "favicon.svg" => ("image/svg+xml", include_bytes!("static/favicon.svg")),
        _ => return PageReply::new(404, "text/plain; charset=utf-8", "no such file"),
    };
    let mut reply = PageReply::new(200, content_type, body);
    if let Some(cache) = reply.headers.iter_mut().find(|(n, _)| *n == "cache-control") {
        cache.1 = "no-cache".to_string();
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_carries_the_token_hex_encoded() {
        let cookie = format!("other=1; {TOKEN_COOKIE}={}; x=y", hex::encode("s3cret; =token"));
        assert_eq!(cookie_token(&cookie).as_deref(), Some("s3cret; =token"));
        assert_eq!(cookie_token("other=1"), None);
        assert_eq!(cookie_token(&format!("{TOKEN_COOKIE}=zz")), None, "not hex");
        let mut headers = hyper::HeaderMap::new();
        headers.insert(
            hyper::header::COOKIE,
            cookie.parse().unwrap_or_else(|_| hyper::header::HeaderValue::from_static("")),
        );
        assert_eq!(presented_token(&headers).as_deref(), Some("s3cret; =token"));
        headers.insert("x-pcentral-admin-token", hyper::header::HeaderValue::from_static("header"));
        assert_eq!(presented_token(&headers).as_deref(), Some("header"), "the header wins");
    }

    #[test]
    fn console_paths_are_the_prefix_and_below() {
        assert!(is_console_path("/_pcentral/ui"));
        assert!(is_console_path("/_pcentral/ui/events"));
        assert!(!is_console_path("/_pcentral/uix"));
        assert!(!is_console_path("/_pcentral/events"));
    }
}
