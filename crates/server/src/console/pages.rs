//! The console's pages. Each page reads what it shows in one read
//! transaction (service time taken inside it), turns records into the view
//! model, and renders a template. Derived state (an invitation's expiry, a
//! task's or verification's status, the published profile, qualifications)
//! comes from the core's own functions, as the API shows it.

use askama::Template;
use pcentral_core::partners::{task_state, PublishedProfile};
use pcentral_core::records::{
    Connection, DeliveryState, DetailType, FaultKind, Invitation, Partner, StoredEvent, Verification,
};
use pcentral_core::store::{
    AdminAssociationQuery, AdminConnectionQuery, AdminEventQuery, AdminInvitationQuery, AdminPartnerQuery,
    AdminProfileTaskQuery, AdminVerificationQuery, Cursor, TypeFilter,
};
use pcentral_core::{clock, invitations, qualifications, verification, Failure, OpResult, Tx};
use pcentral_model::wire::{ConnectionType, ConnectionTypeStatus, InvitationStatus, VerificationType};
use pcentral_model::{timestamp, AccountId, Catalog, ConnectionId, InvitationId, Millis, PartnerId};

use super::view::{Cell, Controls, ErrorPage, FaultView, Field, Filters, Layout, Page, Section, Table};
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

fn bad(message: impl Into<String>) -> PageError {
    PageError { status: 400, message: message.into() }
}

fn not_found(message: impl Into<String>) -> PageError {
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

/// Render the page at `route` (the path below [`PREFIX`]) with `query`.
pub fn render(state: &AppState, route: &str, query: &str) -> Html {
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    let q = Query(query);
    match segments.as_slice() {
        [] => overview(state),
        ["catalogs", catalog, rest @ ..] => {
            let catalog: Catalog = catalog.parse().map_err(|e| not_found(format!("{e}")))?;
            match rest {
                ["graph"] => super::graph::page(state, catalog, &q),
                ["partners"] => partners(state, catalog, &q),
                ["partners", id] => partner(state, catalog, id),
                ["invitations"] => invitation_list(state, catalog, &q),
                ["invitations", id] => invitation(state, catalog, id),
                ["connections"] => connection_list(state, catalog, &q),
                ["connections", id] => connection(state, catalog, id),
                ["profile-tasks"] => profile_tasks(state, catalog, &q),
                ["qualifications"] => qualifications_list(state, catalog, &q),
                _ => Err(not_found("There is no console page here.")),
            }
        }
        ["accounts", account] => account_page(state, account),
        ["verifications"] => verifications(state, &q),
        ["events"] => events(state, &q),
        ["outbox"] => outbox(state, &q),
        ["requests"] => requests(state),
        ["controls"] => controls(state),
        _ => Err(not_found("There is no console page here.")),
    }
}

// ------------------------------------------------------------------ helpers

/// A page's query string.
pub struct Query<'a>(pub &'a str);

impl Query<'_> {
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

fn cursor_text(created_at: Millis, id: &str) -> String {
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

fn optional_time(ms: Option<Millis>) -> Cell {
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

fn page(title: impl Into<String>, nav: &'static str, now: Millis, sections: Vec<Section>) -> Html {
    let heading = title.into();
    Ok(Page { layout: layout(heading.clone(), nav, now), heading, sections }.render()?)
}

/// A catalog's list page: a note, its filters, one table, and links to the
/// same list in the other catalog. `rest` is the list's path under the
/// catalog and its navigation entry.
struct CatalogList {
    rest: &'static str,
    title: &'static str,
    note: &'static str,
    fields: Vec<Field>,
    table: Table,
}

fn catalog_list(catalog: Catalog, now: Millis, list: CatalogList) -> Html {
    let section = Section {
        note: list.note.into(),
        filters: Some(Filters { action: catalog_path(catalog, list.rest), fields: list.fields }),
        table: Some(list.table),
        links: catalog_switch(list.rest),
        ..Section::default()
    };
    page(format!("{catalog} {}", list.title), list.rest, now, vec![section])
}

/// A record's page: `find` reads its sections (`None`: no such record, answered 404 with `missing`).
fn record_page(
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

/// Links to the same list in each catalog.
fn catalog_switch(rest: &str) -> Vec<Cell> {
    let mut links = vec![Cell::text("Catalog:")];
    links.extend(Catalog::ALL.iter().rev().map(|c| Cell::link(c.as_str(), catalog_path(*c, rest))));
    links
}

/// The page's rows and the link to the next page (the query asked one row more).
fn paged<T>(mut rows: Vec<T>, next: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    if rows.len() <= PAGE_SIZE {
        return (rows, None);
    }
    rows.truncate(PAGE_SIZE);
    let link = rows.last().map(next);
    (rows, link)
}

// ------------------------------------------------------------------ shared rows

/// A partner's display name as published, or as its draft, and whether it is published.
pub fn profile_of(tx: &mut dyn Tx, partner: &Partner, now: Millis) -> OpResult<(String, bool)> {
    Ok(match PublishedProfile::load(tx, partner, now)? {
        PublishedProfile::Published(content) => (content.display_name, true),
        PublishedProfile::Draft => (partner.draft.display_name.clone(), false),
    })
}

const PARTNER_HEADERS: [&str; 5] = ["legal name", "display name", "account", "profile", "created"];

fn partner_row(tx: &mut dyn Tx, p: &Partner, now: Millis) -> OpResult<Vec<Cell>> {
    let (display, published) = profile_of(tx, p, now)?;
    let profile = if published { Cell::mono(p.profile_id.as_str()) } else { Cell::badge("DRAFT") };
    Ok(vec![
        partner_link(p.catalog, &p.id, &p.legal_name),
        Cell::text(display),
        account_link(&p.account),
        profile,
        time(p.created_at),
    ])
}

const CONNECTION_HEADERS: [&str; 5] = ["connection", "participant", "participant", "types", "created"];

/// The badges of a connection's types: `TYPE STATUS` each.
pub fn type_badges(c: &Connection) -> Vec<Cell> {
    c.types
        .iter()
        .map(|(kind, entry)| Cell {
            text: format!("{} {}", kind.as_str(), entry.status.as_str()),
            class: format!("badge s-{}", super::view::css_name(entry.status.as_str())),
            ..Cell::default()
        })
        .collect()
}

fn connection_row(c: &Connection) -> Vec<Cell> {
    vec![
        connection_link(c.catalog, &c.id),
        account_link(&c.participants[0]),
        account_link(&c.participants[1]),
        Cell::default().with_badges(type_badges(c)),
        time(c.created_at),
    ]
}

const INVITATION_HEADERS: [&str; 8] =
    ["invitation", "type", "status", "sender", "receiver", "expires", "created", "message"];

fn invitation_row(i: &Invitation, now: Millis) -> Vec<Cell> {
    let (status, _) = invitations::effective_status(i, now);
    vec![
        invitation_link(i.catalog, &i.id),
        Cell::text(i.connection_type.as_str()),
        Cell::badge(status.as_str()),
        account_link(&i.sender_account),
        account_link(&i.receiver_account),
        time(i.expires_at),
        time(i.created_at),
        Cell::text(i.message.clone()),
    ]
}

/// The columns of an event row; `console.js` renders live rows the same way.
pub const EVENT_HEADERS: [&str; 7] = ["seq", "time", "type", "account", "catalog", "resource", "delivery"];

fn delivery_text(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::NotScheduled => "not_scheduled",
        DeliveryState::Pending => "pending",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
    }
}

/// The invitation or connection an event is about, as a link.
fn resource_link(e: &StoredEvent) -> Cell {
    let id = e.event["resources"][0].as_str().and_then(|arn| arn.rsplit('/').next()).unwrap_or_default();
    if let Ok(id) = InvitationId::parse(id) {
        invitation_link(e.catalog, &id)
    } else if let Ok(id) = ConnectionId::parse(id) {
        connection_link(e.catalog, &id)
    } else {
        Cell::mono(id)
    }
}

pub fn event_row(e: &StoredEvent) -> Vec<Cell> {
    let delivery = e.delivery.state();
    let mut delivery_cell = Cell::badge(delivery_text(delivery));
    if e.delivery.attempts > 0 {
        let error = e.delivery.last_error.as_deref().map(|m| format!(", last error: {m}")).unwrap_or_default();
        delivery_cell.badges = vec![Cell::text(format!("{} attempt(s){error}", e.delivery.attempts))];
    }
    vec![
        Cell::mono(e.seq.to_string()),
        Cell::text(e.event["time"].as_str().unwrap_or_default()),
        Cell::text(e.detail_type.as_str()),
        account_link(&e.account),
        Cell::text(e.catalog.as_str()),
        resource_link(e),
        delivery_cell,
    ]
}

/// A record's history: the events its accounts received about it, newest first.
pub fn history(tx: &mut dyn Tx, query: AdminEventQuery) -> OpResult<Section> {
    let events = tx.admin_events(&AdminEventQuery { limit: PAGE_SIZE, ..query })?;
    Ok(Section {
        heading: "History (events)".into(),
        table: Some(Table {
            headers: EVENT_HEADERS.to_vec(),
            rows: events.iter().map(event_row).collect(),
            empty: "No events.",
            ..Table::default()
        }),
        ..Section::default()
    })
}

// ------------------------------------------------------------------ overview

fn overview(state: &AppState) -> Html {
    let (sections, now) = read(state, |tx, now| {
        let mut sections = Vec::new();
        for catalog in [Catalog::Sandbox, Catalog::Aws] {
            let partners = tx.admin_partners(&AdminPartnerQuery {
                catalog,
                account: None,
                name: None,
                after: None,
                limit: PAGE_SIZE + 1,
            })?;
            let more_partners = partners.len() > PAGE_SIZE;
            let mut rows = Vec::new();
            for p in partners.iter().take(PAGE_SIZE) {
                rows.push(partner_row(tx, p, now)?);
            }
            sections.push(Section {
                heading: format!("{catalog}: partners"),
                table: Some(Table {
                    headers: PARTNER_HEADERS.to_vec(),
                    rows,
                    empty: "No partners.",
                    next: more_partners.then(|| catalog_path(catalog, "partners")),
                    ..Table::default()
                }),
                links: vec![
                    Cell::link(format!("{catalog} graph"), catalog_path(catalog, "graph")),
                    Cell::link("all partners", catalog_path(catalog, "partners")),
                ],
                ..Section::default()
            });
            let connections = tx.admin_connections(&AdminConnectionQuery {
                catalog,
                account: None,
                types: TypeFilter::Any,
                after: None,
                limit: PAGE_SIZE + 1,
            })?;
            sections.push(Section {
                heading: format!("{catalog}: connections"),
                table: Some(Table {
                    headers: CONNECTION_HEADERS.to_vec(),
                    rows: connections.iter().take(PAGE_SIZE).map(connection_row).collect(),
                    empty: "No connections.",
                    next: (connections.len() > PAGE_SIZE).then(|| catalog_path(catalog, "connections")),
                    ..Table::default()
                }),
                links: vec![
                    Cell::link("all connections", catalog_path(catalog, "connections")),
                    Cell::link("invitations", catalog_path(catalog, "invitations")),
                ],
                ..Section::default()
            });
        }
        Ok(sections)
    })?;
    page("Overview", "overview", now, sections)
}

// ------------------------------------------------------------------ partners

fn partners(state: &AppState, catalog: Catalog, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let name = q.get("name");
    let after = q.get("after");
    let (rows, now) = read(state, |tx, now| {
        let found = tx.admin_partners(&AdminPartnerQuery {
            catalog,
            account: account.clone(),
            name: name.clone(),
            after: after.clone(),
            limit: PAGE_SIZE + 1,
        })?;
        let mut rows = Vec::new();
        for p in &found {
            rows.push((pcentral_core::partners::legal_name_key(&p.legal_name), partner_row(tx, p, now)?));
        }
        Ok(rows)
    })?;
    let path = catalog_path(catalog, "partners");
    let (rows, next) = paged(rows, |(key, _)| {
        href(
            &path,
            &[
                ("account", account.as_ref().map(|a| a.to_string())),
                ("name", name.clone()),
                ("after", Some(key.clone())),
            ],
        )
    });
    let list = CatalogList {
        rest: "partners",
        title: "partners",
        note: "",
        fields: vec![
            Field::text("account", "account", account.as_ref().map(AccountId::as_str)),
            Field::text("name", "legal name contains", name.as_deref()),
        ],
        table: Table {
            headers: PARTNER_HEADERS.to_vec(),
            rows: rows.into_iter().map(|(_, row)| row).collect(),
            empty: "No partners match.",
            next,
            ..Table::default()
        },
    };
    catalog_list(catalog, now, list)
}

fn partner(state: &AppState, catalog: Catalog, id: &str) -> Html {
    let id = PartnerId::parse(id).map_err(|e| not_found(e.to_string()))?;
    record_page(state, "partners", format!("Partner {id}"), format!("No partner {id} in {catalog}."), |tx, now| {
        let Some(p) = tx.partner_by_id(catalog, &id)? else { return Ok(None) };
        Ok(Some(partner_sections(tx, &p, now)?))
    })
}

/// A partner's record: facts, profile tasks, qualifications, the stored record, history.
pub fn partner_sections(tx: &mut dyn Tx, p: &Partner, now: Millis) -> OpResult<Vec<Section>> {
    let (display, published) = profile_of(tx, p, now)?;
    let tasks = tx.profile_tasks(&p.id)?;
    let task_rows = tasks.iter().rev().map(|t| task_row(p, t, now)).collect();
    let quals = qualifications::load(tx, p.catalog, &[&p.account], now)?;
    let mut qual_facts = Vec::new();
    match quals.association_of(&p.account) {
        Some(a) => {
            qual_facts.push(("associated with", account_link(&a.primary_account)));
            qual_facts.push(("since", time(a.associated_at)));
        }
        None => qual_facts.push(("associated with", Cell::text("nobody"))),
    }
    let members = quals.members_of(&p.account);
    if !members.is_empty() {
        let names: Vec<&str> = members.iter().map(|a| a.subsidiary_account.as_str()).collect();
        qual_facts.push(("subsidiaries", Cell::text(names.join(", "))));
    }
    if let Some(t) = quals.open_task_of(&p.id) {
        qual_facts.push(("open task", Cell::mono(format!("{} {}", t.kind().as_str(), t.task_id))));
    }
    let visibility = p.visibility.map_or("PUBLIC (never set)", |v| v.as_str());
    let facts = vec![
        ("legal name", Cell::text(p.legal_name.clone())),
        ("display name", Cell::text(display)),
        ("account", account_link(&p.account)),
        ("catalog", Cell::text(p.catalog.as_str())),
        ("profile", if published { Cell::mono(p.profile_id.as_str()) } else { Cell::badge("DRAFT") }),
        ("visibility", Cell::text(visibility)),
        ("created", time(p.created_at)),
    ];
    Ok(vec![
        Section { heading: p.legal_name.clone(), facts, ..Section::default() },
        Section {
            heading: "Profile update tasks".into(),
            table: Some(Table {
                headers: TASK_HEADERS.to_vec(),
                rows: task_rows,
                empty: "No profile update tasks.",
                ..Table::default()
            }),
            ..Section::default()
        },
        Section { heading: "Qualifications".into(), facts: qual_facts, ..Section::default() },
        Section { heading: "Record".into(), json: json(p), ..Section::default() },
        history(
            tx,
            AdminEventQuery {
                catalog: Some(p.catalog),
                accounts: vec![p.account.clone()],
                ..AdminEventQuery::default()
            },
        )?,
    ])
}

const TASK_HEADERS: [&str; 6] = ["task", "partner", "display name", "status", "started", "ended"];

fn task_row(p: &Partner, t: &pcentral_core::records::ProfileTask, now: Millis) -> Vec<Cell> {
    let state = task_state(t, now);
    vec![
        Cell::copyable(t.task_id.as_str()),
        partner_link(p.catalog, &p.id, &p.legal_name),
        Cell::text(t.details.display_name.clone()),
        Cell::badge(state.status.as_str()),
        time(t.started_at),
        optional_time(state.ended_at),
    ]
}

fn profile_tasks(state: &AppState, catalog: Catalog, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let before = q.get("before").map(|b| b.parse::<i64>().map_err(|_| bad("before: not a position"))).transpose()?;
    let (rows, now) = read(state, |tx, now| {
        let tasks = tx.admin_profile_tasks(&AdminProfileTaskQuery {
            catalog,
            account: account.clone(),
            before,
            limit: PAGE_SIZE + 1,
        })?;
        let mut rows = Vec::new();
        for listed in &tasks {
            let Some(p) = tx.partner_by_id(catalog, &listed.task.partner_id)? else { continue };
            rows.push((listed.seq, task_row(&p, &listed.task, now)));
        }
        Ok(rows)
    })?;
    let path = catalog_path(catalog, "profile-tasks");
    let (rows, next) = paged(rows, |(seq, _)| {
        href(&path, &[("account", account.as_ref().map(|a| a.to_string())), ("before", Some(seq.to_string()))])
    });
    let list = CatalogList {
        rest: "profile-tasks",
        title: "profile update tasks",
        note: "Newest first. A task succeeds on its own at its due time; the controls can hold, fail or finish it.",
        fields: vec![Field::text("account", "account", account.as_ref().map(AccountId::as_str))],
        table: Table {
            headers: TASK_HEADERS.to_vec(),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
            empty: "No profile update tasks match.",
            next,
            ..Table::default()
        },
    };
    catalog_list(catalog, now, list)
}

// ------------------------------------------------------------------ invitations

fn invitation_list(state: &AppState, catalog: Catalog, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let connection_type: Option<ConnectionType> = q.one_of("type")?;
    let status: Option<InvitationStatus> = q.one_of("status")?;
    let after = q.cursor()?;
    let (found, now) = read(state, |tx, now| {
        Ok(tx.admin_invitations(&AdminInvitationQuery {
            catalog,
            account: account.clone(),
            connection_type,
            status,
            now,
            after: after.clone(),
            limit: PAGE_SIZE + 1,
        })?)
    })?;
    let path = catalog_path(catalog, "invitations");
    let filters = [
        ("account", account.as_ref().map(|a| a.to_string())),
        ("type", connection_type.map(|t| t.as_str().to_string())),
        ("status", status.map(|s| s.as_str().to_string())),
    ];
    let (found, next) = paged(found, |i| {
        let mut params = filters.to_vec();
        params.push(("after", Some(cursor_text(i.created_at, i.id.as_str()))));
        href(&path, &params)
    });
    let list = CatalogList {
        rest: "invitations",
        title: "invitations",
        note: "Newest first, every account's. The status is the one at service time: a PENDING invitation past its expiry is EXPIRED.",
        fields: vec![
            Field::text("account", "account (sent or received)", account.as_ref().map(AccountId::as_str)),
            Field::select("type", "type", &ConnectionType::ALL.map(ConnectionType::as_str), connection_type.map(|t| t.as_str())),
            Field::select("status", "status", &InvitationStatus::ALL.map(InvitationStatus::as_str), status.map(|s| s.as_str())),
        ],
        table: Table {
            headers: INVITATION_HEADERS.to_vec(),
            rows: found.iter().map(|i| invitation_row(i, now)).collect(),
            empty: "No invitations match.",
            next,
            ..Table::default()
        },
    };
    catalog_list(catalog, now, list)
}

fn invitation(state: &AppState, catalog: Catalog, id: &str) -> Html {
    let id = InvitationId::parse(id).map_err(|e| not_found(e.to_string()))?;
    let (title, missing) = (format!("Invitation {id}"), format!("No invitation {id} in {catalog}."));
    record_page(state, "invitations", title, missing, |tx, now| {
        let Some(i) = tx.invitation(catalog, &id)? else { return Ok(None) };
        Ok(Some(invitation_sections(tx, &i, now)?))
    })
}

/// An invitation's record: facts, the stored record, history.
pub fn invitation_sections(tx: &mut dyn Tx, i: &Invitation, now: Millis) -> OpResult<Vec<Section>> {
    let (status, updated) = invitations::effective_status(i, now);
    let mut facts = vec![
        ("invitation", invitation_link(i.catalog, &i.id)),
        ("status", Cell::badge(status.as_str())),
        ("type", Cell::text(i.connection_type.as_str())),
        ("sender", account_link(&i.sender_account)),
        ("sender profile", Cell::mono(i.sender_profile_id.as_str())),
        ("receiver", account_link(&i.receiver_account)),
        ("receiver as typed", Cell::mono(i.receiver_identifier.clone())),
        ("inviter", Cell::text(format!("{} <{}>", i.inviter_name, i.inviter_email))),
        ("message", Cell::text(i.message.clone())),
        ("created", time(i.created_at)),
        ("updated", time(updated)),
        ("expires", time(i.expires_at)),
    ];
    if let Some(c) = &i.connection_id {
        facts.push(("connection", connection_link(i.catalog, c)));
    }
    Ok(vec![
        Section { heading: format!("{} invitation", i.connection_type.as_str()), facts, ..Section::default() },
        Section { heading: "Record".into(), json: json(i), ..Section::default() },
        history(
            tx,
            AdminEventQuery {
                catalog: Some(i.catalog),
                accounts: vec![i.sender_account.clone(), i.receiver_account.clone()],
                resource: Some(i.id.to_string()),
                ..AdminEventQuery::default()
            },
        )?,
    ])
}

// ------------------------------------------------------------------ connections

/// The connection filter of the list: a type, a status, or both. A type
/// alone lists the live connections that have it, as the API's `TYPE` does.
fn type_filter(kind: Option<ConnectionType>, status: Option<&str>) -> Result<TypeFilter, PageError> {
    match (kind, status) {
        (None, None) => Ok(TypeFilter::Any),
        (None, Some("live")) => Ok(TypeFilter::Live),
        (Some(kind), Some("live")) => Ok(TypeFilter::TypeStatus(kind, ConnectionTypeStatus::Active)),
        (kind, Some(status)) => {
            let status = status.parse::<ConnectionTypeStatus>().map_err(|e| bad(format!("status: {e}")))?;
            let kind = kind.ok_or_else(|| bad("Choose a type to filter by a status (or status \"live\")."))?;
            Ok(TypeFilter::TypeStatus(kind, status))
        }
        (Some(kind), None) => Ok(TypeFilter::LiveWith(kind)),
    }
}

fn connection_list(state: &AppState, catalog: Catalog, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let kind: Option<ConnectionType> = q.one_of("type")?;
    let status = q.get("status");
    let types = type_filter(kind, status.as_deref())?;
    let after = q.cursor()?;
    let (found, now) = read(state, |tx, _| {
        Ok(tx.admin_connections(&AdminConnectionQuery {
            catalog,
            account: account.clone(),
            types,
            after: after.clone(),
            limit: PAGE_SIZE + 1,
        })?)
    })?;
    let path = catalog_path(catalog, "connections");
    let filters = [
        ("account", account.as_ref().map(|a| a.to_string())),
        ("type", kind.map(|t| t.as_str().to_string())),
        ("status", status.clone()),
    ];
    let (found, next) = paged(found, |c| {
        let mut params = filters.to_vec();
        params.push(("after", Some(cursor_text(c.created_at, c.id.as_str()))));
        href(&path, &params)
    });
    let mut statuses = vec!["live"];
    statuses.extend(ConnectionTypeStatus::ALL.map(ConnectionTypeStatus::as_str));
    let list = CatalogList {
        rest: "connections",
        title: "connections",
        note: "Newest first, every account's. \"live\": at least one type ACTIVE.",
        fields: vec![
            Field::text("account", "account", account.as_ref().map(AccountId::as_str)),
            Field::select("type", "type", &ConnectionType::ALL.map(ConnectionType::as_str), kind.map(|t| t.as_str())),
            Field::select("status", "status", &statuses, status.as_deref()),
        ],
        table: Table {
            headers: CONNECTION_HEADERS.to_vec(),
            rows: found.iter().map(connection_row).collect(),
            empty: "No connections match.",
            next,
            ..Table::default()
        },
    };
    catalog_list(catalog, now, list)
}

fn connection(state: &AppState, catalog: Catalog, id: &str) -> Html {
    let id = ConnectionId::parse(id).map_err(|e| not_found(e.to_string()))?;
    let (title, missing) = (format!("Connection {id}"), format!("No connection {id} in {catalog}."));
    record_page(state, "connections", title, missing, |tx, _| {
        let Some(c) = tx.connection(catalog, &id)? else { return Ok(None) };
        Ok(Some(connection_sections(tx, &c)?))
    })
}

/// A connection's record: participants, types, the stored record, history.
pub fn connection_sections(tx: &mut dyn Tx, c: &Connection) -> OpResult<Vec<Section>> {
    let rows = c
        .types
        .iter()
        .map(|(kind, e)| {
            vec![
                Cell::text(kind.as_str()),
                Cell::badge(e.status.as_str()),
                time(e.created_at),
                account_link(&e.inviter_account),
                Cell::text(format!("{} <{}>", e.inviter_name, e.inviter_email)),
                optional_time(e.canceled_at),
                e.canceled_by.as_ref().map_or_else(|| Cell::text("—"), account_link),
            ]
        })
        .collect();
    let facts = vec![
        ("connection", connection_link(c.catalog, &c.id)),
        ("participant", account_link(&c.participants[0])),
        ("participant", account_link(&c.participants[1])),
        ("types", Cell::default().with_badges(type_badges(c))),
        ("created", time(c.created_at)),
        ("updated", time(c.updated_at)),
    ];
    Ok(vec![
        Section { heading: "Connection".into(), facts, ..Section::default() },
        Section {
            heading: "Types".into(),
            table: Some(Table {
                headers: vec!["type", "status", "since", "inviter account", "inviter", "canceled", "canceled by"],
                rows,
                empty: "No types.",
                ..Table::default()
            }),
            ..Section::default()
        },
        Section { heading: "Record".into(), json: json(c), ..Section::default() },
        history(
            tx,
            AdminEventQuery {
                catalog: Some(c.catalog),
                accounts: c.participants.to_vec(),
                resource: Some(c.id.to_string()),
                ..AdminEventQuery::default()
            },
        )?,
    ])
}

// ------------------------------------------------------------------ qualifications

fn qualifications_list(state: &AppState, catalog: Catalog, q: &Query<'_>) -> Html {
    let primary = q.account("primary")?;
    let subsidiary = q.account("subsidiary")?;
    let after = q.account("after")?;
    let (rows, now) = read(state, |tx, now| {
        let accounts = tx.admin_qualifications_subsidiaries(&AdminAssociationQuery {
            catalog,
            primary: primary.clone(),
            subsidiary: subsidiary.clone(),
            after: after.clone(),
            limit: PAGE_SIZE + 1,
        })?;
        let shown: Vec<&AccountId> = accounts.iter().take(PAGE_SIZE).collect();
        let state = qualifications::load(tx, catalog, &shown, now)?;
        let mut rows: Vec<(AccountId, Vec<Cell>)> = Vec::new();
        for account in &accounts {
            let association = state.association_of(account);
            let open = state.open.iter().find(|t| &t.owner_account == account);
            rows.push((
                account.clone(),
                vec![
                    account_link(account),
                    association.map_or_else(|| Cell::text("—"), |a| account_link(&a.primary_account)),
                    association.map_or_else(|| Cell::text("—"), |a| time(a.associated_at)),
                    open.map_or_else(
                        || Cell::text("—"),
                        |t| Cell::copyable(t.task_id.as_str()).with_badges(vec![Cell::badge(t.kind().as_str())]),
                    ),
                    open.map_or_else(|| Cell::text("—"), |t| time(t.due_at)),
                ],
            ));
        }
        Ok(rows)
    })?;
    let path = catalog_path(catalog, "qualifications");
    let (rows, next) = paged(rows, |(account, _)| {
        href(
            &path,
            &[
                ("primary", primary.as_ref().map(|a| a.to_string())),
                ("subsidiary", subsidiary.as_ref().map(|a| a.to_string())),
                ("after", Some(account.to_string())),
            ],
        )
    });
    let list = CatalogList {
        rest: "qualifications",
        title: "qualifications associations",
        note: "Subsidiaries with an association or an open task, in account order; the association is the one at service time.",
        fields: vec![
            Field::text("primary", "primary account", primary.as_ref().map(AccountId::as_str)),
            Field::text("subsidiary", "subsidiary account", subsidiary.as_ref().map(AccountId::as_str)),
        ],
        table: Table {
            headers: vec!["subsidiary", "associated with", "since", "open task", "due"],
            rows: rows.into_iter().map(|(_, r)| r).collect(),
            empty: "No qualifications associations match.",
            next,
            ..Table::default()
        },
    };
    catalog_list(catalog, now, list)
}

// ------------------------------------------------------------------ verifications and accounts

const VERIFICATION_HEADERS: [&str; 6] = ["account", "type", "status", "reason", "started", "completed"];

fn verification_row(v: &Verification, now: Millis) -> Vec<Cell> {
    let s = verification::state(v, now);
    vec![
        account_link(&v.account),
        Cell::text(v.verification_type.as_str()),
        Cell::badge(s.status.as_str()),
        Cell::text(s.reason.unwrap_or_default()),
        time(v.started_at),
        optional_time(s.completed_at),
    ]
}

fn verifications(state: &AppState, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let kind: Option<VerificationType> = q.one_of("type")?;
    let after = match q.get("after") {
        None => None,
        Some(text) => {
            let (a, t) = text.split_once(':').ok_or_else(|| bad("after: not a page position"))?;
            let a = AccountId::parse(a).map_err(|e| bad(format!("after: {e}")))?;
            Some((a, t.parse::<VerificationType>().map_err(|e| bad(format!("after: {e}")))?))
        }
    };
    let (found, now) = read(state, |tx, _| {
        Ok(tx.admin_verifications(&AdminVerificationQuery {
            account: account.clone(),
            verification_type: kind,
            after: after.clone(),
            limit: PAGE_SIZE + 1,
        })?)
    })?;
    let path = format!("{PREFIX}/verifications");
    let (found, next) = paged(found, |v| {
        href(
            &path,
            &[
                ("account", account.as_ref().map(|a| a.to_string())),
                ("type", kind.map(|k| k.as_str().to_string())),
                ("after", Some(format!("{}:{}", v.account, v.verification_type.as_str()))),
            ],
        )
    });
    let section = Section {
        note: "Per account, in account order; the status is the one at service time.".into(),
        filters: Some(Filters {
            action: path.clone(),
            fields: vec![
                Field::text("account", "account", account.as_ref().map(AccountId::as_str)),
                Field::select(
                    "type",
                    "type",
                    &VerificationType::ALL.map(VerificationType::as_str),
                    kind.map(|k| k.as_str()),
                ),
            ],
        }),
        table: Some(Table {
            headers: VERIFICATION_HEADERS.to_vec(),
            rows: found.iter().map(|v| verification_row(v, now)).collect(),
            empty: "No verifications match.",
            next,
            ..Table::default()
        }),
        ..Section::default()
    };
    page("Verifications", "verifications", now, vec![section])
}

fn account_page(state: &AppState, account: &str) -> Html {
    let account = AccountId::parse(account).map_err(|e| not_found(e.to_string()))?;
    let (sections, now) = read(state, |tx, now| account_sections(tx, &account, now))?;
    page(format!("Account {account}"), "", now, sections)
}

/// An account: how it is configured, its partners, verifications and events.
pub fn account_sections(tx: &mut dyn Tx, account: &AccountId, now: Millis) -> OpResult<Vec<Section>> {
    let configured = tx.account(account)?;
    let mut facts = vec![("account", account_link(account))];
    match &configured {
        Some(record) => {
            facts.push(("display name", Cell::text(record.display_name.clone().unwrap_or_else(|| "—".into()))));
            if let Some(seller) = &record.seller_profile {
                facts.push(("seller profile", Cell::text(format!("{} ({})", seller.name, seller.id))));
            }
        }
        None => facts.push(("configured", Cell::text("no (pcentral accounts create)"))),
    }
    let mut partner_rows = Vec::new();
    for catalog in [Catalog::Sandbox, Catalog::Aws] {
        if let Some(p) = tx.partner_by_account(catalog, account)? {
            let mut row = vec![Cell::text(catalog.as_str())];
            row.extend(partner_row(tx, &p, now)?);
            partner_rows.push(row);
        }
    }
    let mut verification_rows = Vec::new();
    for kind in VerificationType::ALL {
        if let Some(v) = tx.verification(account, kind)? {
            verification_rows.push(verification_row(&v, now));
        }
    }
    let mut partner_headers = vec!["catalog"];
    partner_headers.extend(PARTNER_HEADERS);
    Ok(vec![
        Section {
            heading: "Account".into(),
            facts,
            json: configured.as_ref().map(json).unwrap_or_default(),
            ..Section::default()
        },
        Section {
            heading: "Partners".into(),
            table: Some(Table {
                headers: partner_headers,
                rows: partner_rows,
                empty: "No partners.",
                ..Table::default()
            }),
            ..Section::default()
        },
        Section {
            heading: "Verifications".into(),
            table: Some(Table {
                headers: VERIFICATION_HEADERS.to_vec(),
                rows: verification_rows,
                empty: "No verifications.",
                ..Table::default()
            }),
            ..Section::default()
        },
        history(tx, AdminEventQuery { accounts: vec![account.clone()], ..AdminEventQuery::default() })?,
    ])
}

// ------------------------------------------------------------------ events, outbox, requests

fn events(state: &AppState, q: &Query<'_>) -> Html {
    let account = q.account("account")?;
    let detail_type: Option<DetailType> = q.one_of("type")?;
    let before = q.get("before").map(|b| b.parse::<i64>().map_err(|_| bad("before: not a position"))).transpose()?;
    let (found, now) = read(state, |tx, _| {
        Ok(tx.admin_events(&AdminEventQuery {
            accounts: account.iter().cloned().collect(),
            detail_type,
            before,
            limit: PAGE_SIZE + 1,
            ..AdminEventQuery::default()
        })?)
    })?;
    let path = format!("{PREFIX}/events");
    let filters =
        [("account", account.as_ref().map(|a| a.to_string())), ("type", detail_type.map(|t| t.as_str().to_string()))];
    let (found, next) = paged(found, |e| {
        let mut params = filters.to_vec();
        params.push(("before", Some(e.seq.to_string())));
        href(&path, &params)
    });
    // The live table follows the newest events (the first page only).
    let (live, source) = if before.is_none() {
        let oldest = found.last().map_or(0, |e| e.seq - 1);
        let mut params = filters.to_vec();
        params.push(("after", Some(oldest.to_string())));
        ("events", href("/_pcentral/events", &params))
    } else {
        ("", String::new())
    };
    let section = Section {
        note: "Newest first, with each event's webhook delivery. The first page follows new events live.".into(),
        filters: Some(Filters {
            action: path.clone(),
            fields: vec![
                Field::text("account", "account", account.as_ref().map(AccountId::as_str)),
                Field::select(
                    "type",
                    "type",
                    &DetailType::ALL.map(DetailType::as_str),
                    detail_type.map(DetailType::as_str),
                ),
            ],
        }),
        table: Some(Table {
            headers: EVENT_HEADERS.to_vec(),
            rows: found.iter().map(event_row).collect(),
            empty: "No events yet.",
            next,
            live,
            source,
        }),
        ..Section::default()
    };
    page("Events", "events", now, vec![section])
}

fn outbox(state: &AppState, q: &Query<'_>) -> Html {
    let address = q.get("address");
    let (messages, now) = read(state, |tx, _| Ok(tx.outbox(address.as_deref())?))?;
    let rows = messages
        .iter()
        .rev()
        .take(200)
        .map(|m| {
            vec![
                time(m.sent_at),
                Cell::text(m.catalog.as_str()),
                Cell::text(m.address.clone()),
                m.code.as_deref().map_or_else(|| Cell::text("—"), Cell::copyable),
                Cell::text(m.body.subject.clone()),
            ]
        })
        .collect();
    let path = format!("{PREFIX}/outbox");
    let section = Section {
        note: "What pcentral \"sent\": verification codes, newest first (the last 200).".into(),
        filters: Some(Filters { action: path, fields: vec![Field::text("address", "address", address.as_deref())] }),
        table: Some(Table {
            headers: vec!["sent", "catalog", "address", "code", "subject"],
            rows,
            empty: "Nothing was sent.",
            ..Table::default()
        }),
        ..Section::default()
    };
    page("Outbox", "outbox", now, vec![section])
}

/// The columns of a request row; `console.js` renders live rows the same way.
pub const REQUEST_HEADERS: [&str; 8] =
    ["time", "request id", "account", "operation", "status", "error", "latency ms", "replayed"];

fn requests(state: &AppState) -> Html {
    let ((), now) = read(state, |_, _| Ok(()))?;
    let rows = state
        .observe
        .recent(100)
        .into_iter()
        .map(|r| {
            vec![
                Cell::text(pcentral_model::timestamp::format(r.time)),
                Cell::mono(r.request_id),
                Cell::text(r.account.unwrap_or_default()),
                Cell::text(r.operation.unwrap_or_default()),
                Cell {
                    text: r.status.to_string(),
                    class: format!("badge s-http-{}xx", r.status / 100),
                    ..Cell::default()
                },
                Cell::text(r.error_type.unwrap_or_default()),
                Cell::text(format!("{:.2}", r.latency_ms)),
                Cell::text(if r.replayed { "yes" } else { "" }),
            ]
        })
        .collect();
    let section = Section {
        note: "This node's recent API requests, newest first (in memory; a restart empties them). Updated live.".into(),
        table: Some(Table {
            headers: REQUEST_HEADERS.to_vec(),
            rows,
            empty: "No API requests yet.",
            live: "requests",
            source: "/_pcentral/requests?limit=100".into(),
            ..Table::default()
        }),
        ..Section::default()
    };
    page("Requests", "requests", now, vec![section])
}

// ------------------------------------------------------------------ controls

fn controls(state: &AppState) -> Html {
    let ((offset, faults), now) = read(state, |tx, _| Ok((tx.service_state()?.clock_offset_ms, tx.fault_rules()?)))?;
    let text = |v: Option<String>| v.unwrap_or_else(|| "any".into());
    let faults = faults
        .into_iter()
        .map(|f| FaultView {
            id: f.id,
            kind: f.kind.as_str().to_string(),
            operation: text(f.operation.map(|o| o.name().to_string())),
            account: text(f.account.map(|a| a.to_string())),
            remaining: f.remaining.map_or_else(|| "unlimited".into(), |n| n.to_string()),
            probability: f.probability.map_or_else(|| "1".into(), |p| p.to_string()),
            delay_ms: f.delay_ms.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let page = Controls {
        layout: layout("Controls", "controls", now),
        offset_seconds: offset / 1000,
        faults,
        operations: pcentral_model::Operation::ALL.iter().map(|o| o.name()).collect(),
        fault_kinds: FaultKind::ALL.iter().map(|k| k.as_str()).collect(),
        catalogs: Catalog::ALL.iter().map(|c| c.as_str()).collect(),
        verification_types: VerificationType::ALL.iter().map(|t| t.as_str()).collect(),
        verification_outcomes: pcentral_core::records::VerificationOutcome::ALL
            .iter()
            .map(|o| o.status().as_str())
            .collect(),
    };
    Ok(page.render()?)
}
