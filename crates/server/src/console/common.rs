//! What every console page is made with: the error a page answers, its
//! query string, links and URLs, time cells, the read transaction at
//! service time, and the page frames (a page of sections, a record's page).
//! Each page reads what it shows in one read transaction (service time taken
//! inside it), turns records into the view model, and renders a template.
//! Derived state (an invitation's expiry, a task's or verification's status,
//! the published profile, qualifications) comes from the core's own
//! functions, as the API shows it.

use askama::Template;
use pcentral_core::store::Cursor;
use pcentral_core::{clock, Failure, OpResult, Tx};
use pcentral_model::{timestamp, AccountId, Catalog, ConnectionId, InvitationId, Millis, PartnerId};

use super::view::{Cell, ErrorPage, Layout, Page, Section};
use super::PREFIX;
use crate::app::{wall_ms, AppState};

/// Rows per list page.
pub const PAGE_SIZE: usize = 50;

/// Why a page cannot be shown.
#[derive(Debug)]
pub struct PageError {
    pub status: u16,
    pub message: String,
}

impl From<Failure> for PageError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Tool(e) => PageError { status: 400, message: format!("{e:?}") },
            Failure::Api(e) => PageError { status: 400, message: e.message },
            Failure::Store(e) => {
                tracing::error!(error = %e, "console: storage failed");
                PageError { status: 500, message: "Storage failed; see the server log.".into() }
            }
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "console: a template failed");
        PageError { status: 500, message: "A page template failed; see the server log.".into() }
    }
}

pub type Html = Result<String, PageError>;

pub fn bad(message: impl Into<String>) -> PageError {
    PageError { status: 400, message: message.into() }
}

pub fn not_found(message: impl Into<String>) -> PageError {
    PageError { status: 404, message: message.into() }
}

/// The error page for `e` (plain text when even that fails to render).
pub fn error_page(e: &PageError) -> String {
    let page = ErrorPage {
        layout: Layout { title: format!("{}", e.status), nav: "", clock: String::new() },
        status: e.status,
        message: e.message.clone(),
    };
    page.render().unwrap_or_else(|_| e.message.clone())
}

/// A page's query string.
pub struct QueryString<'a>(pub &'a str);

impl QueryString<'_> {
    /// The decoded, non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        crate::url::query_param(self.0, name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    pub fn account(&self, name: &str) -> Result<Option<AccountId>, PageError> {
        self.get(name).map(|a| AccountId::parse(&a).map_err(|e| bad(format!("{name}: {e}")))).transpose()
    }

    /// A value of a closed set (a catalog, a status, a type).
    pub fn one_of<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, PageError>
    where
        T::Err: std::fmt::Display,
    {
        self.get(name).map(|v| v.parse::<T>().map_err(|e| bad(format!("{name}: {e}")))).transpose()
    }

    /// A keyset cursor written by [`cursor_text`].
    pub fn cursor(&self) -> Result<Option<Cursor>, PageError> {
        let Some(text) = self.get("after") else { return Ok(None) };
        let parsed =
            text.split_once(':').and_then(|(at, id)| Some(Cursor { created_at: at.parse().ok()?, id: id.into() }));
        parsed.map(Some).ok_or_else(|| bad("after: not a page position"))
    }
}

pub fn cursor_text(created_at: Millis, id: &str) -> String {
    format!("{created_at}:{id}")
}

/// `path` with the non-empty `params`, percent-encoded.
pub fn href(path: &str, params: &[(&str, Option<String>)]) -> String {
    let pairs: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| v.as_ref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::url::encode(v))))
        .collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

pub fn catalog_path(catalog: Catalog, rest: &str) -> String {
    format!("{PREFIX}/catalogs/{}/{rest}", catalog.as_str())
}

pub fn account_link(account: &AccountId) -> Cell {
    Cell::link(account.as_str(), format!("{PREFIX}/accounts/{account}"))
}

pub fn partner_link(catalog: Catalog, id: &PartnerId, text: &str) -> Cell {
    Cell::link(text, catalog_path(catalog, &format!("partners/{id}")))
}

pub fn invitation_link(catalog: Catalog, id: &InvitationId) -> Cell {
    Cell { class: "mono".into(), ..Cell::link(id.as_str(), catalog_path(catalog, &format!("invitations/{id}"))) }
}

pub fn connection_link(catalog: Catalog, id: &ConnectionId) -> Cell {
    Cell { class: "mono".into(), ..Cell::link(id.as_str(), catalog_path(catalog, &format!("connections/{id}"))) }
}

pub fn time(ms: Millis) -> Cell {
    Cell::text(timestamp::format(ms))
}

pub fn optional_time(ms: Option<Millis>) -> Cell {
    ms.map_or_else(|| Cell::text("—"), time)
}

pub fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Run `body` in a read transaction at service time; answers its value and the time.
pub fn read<T>(
    state: &AppState,
    mut body: impl FnMut(&mut dyn Tx, Millis) -> OpResult<T>,
) -> Result<(T, Millis), PageError> {
    let wall = wall_ms();
    Ok(pcentral_core::store::read(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall)?;
        Ok((body(tx, now)?, now))
    })?)
}

pub fn layout(title: impl Into<String>, nav: &'static str, now: Millis) -> Layout {
    Layout { title: title.into(), nav, clock: timestamp::format(now) }
}

pub fn page(title: impl Into<String>, nav: &'static str, now: Millis, sections: Vec<Section>) -> Html {
    let heading = title.into();
    Ok(Page { layout: layout(heading.clone(), nav, now), heading, sections }.render()?)
}

/// A record's page: `find` reads its sections (`None`: no such record, answered 404 with `missing`).
pub fn record_page(
    state: &AppState,
    nav: &'static str,
    title: String,
    missing: String,
    find: impl FnMut(&mut dyn Tx, Millis) -> OpResult<Option<Vec<Section>>>,
) -> Html {
    let (sections, now) = read(state, find)?;
    let sections = sections.ok_or_else(|| not_found(missing))?;
    page(title, nav, now, sections)
}
