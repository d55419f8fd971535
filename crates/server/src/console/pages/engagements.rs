//! The Selling API's engagements: a list of a catalog's engagements (newest
//! first, optionally one account's) and a page each with its facts, members,
//! invitations and the stored record.

use pcentral_core::records::Engagement;
use pcentral_core::store::EngagementCursor;
use pcentral_core::{OpResult, Tx};
use pcentral_model::{Catalog, EngagementId, Millis};

use crate::app::AppState;
use crate::console::common::{
    account_link, catalog_path, cursor_text, json, not_found, record_page, time, Html, PageError, QueryString,
};
use crate::console::list::{Filter, List};
use crate::console::view::{Cell, Section, Table};

const HEADERS: [&str; 7] = ["engagement", "title", "created by", "members", "contexts", "created", "modified"];

fn engagement_link(e: &Engagement) -> Cell {
    Cell::link(e.id.as_str(), catalog_path(e.catalog, &format!("engagements/{}", e.id)))
}

fn row(tx: &mut dyn Tx, e: &Engagement) -> OpResult<Vec<Cell>> {
    let members = tx.count_engagement_members(e.catalog, &e.id)?;
    let types: Vec<&str> = e.context_types().iter().map(|t| t.as_str()).collect();
    Ok(vec![
        engagement_link(e),
        Cell::text(e.title.clone().unwrap_or_default()),
        account_link(&e.created_by),
        Cell::text(members.to_string()),
        Cell::text(types.join(", ")),
        time(e.created_at),
        time(e.modified_at),
    ])
}

/// The `after` position of the list.
fn position(q: &QueryString<'_>) -> Result<Option<EngagementCursor>, PageError> {
    Ok(q.cursor()?.map(|c| EngagementCursor { created_at: c.created_at, id: c.id }))
}

/// `GET …/catalogs/{catalog}/engagements[?account=A&after=CURSOR]`.
pub fn list(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let after = position(q)?;
    let list = List {
        note: "Newest first, every account's. An account's engagements are those it is a member of.",
        filters: vec![Filter::text("account", "account (member)", account.as_ref().map(|a| a.to_string()))],
        headers: HEADERS.to_vec(),
        empty: "No engagements match.",
        ..List::in_catalog(catalog, "engagements", "engagements")
    };
    list.render(state, |tx, _now, limit| {
        let found = tx.admin_engagements(catalog, account.as_ref(), after.as_ref(), limit)?;
        found.iter().map(|e| Ok((cursor_text(e.created_at, e.id.as_str()), row(tx, e)?))).collect()
    })
}

/// `GET …/catalogs/{catalog}/engagements/{id}`.
pub fn engagement(state: &AppState, catalog: Catalog, id: &str) -> Html {
    let id = EngagementId::parse(id).map_err(|e| not_found(e.to_string()))?;
    let (title, missing) = (format!("Engagement {id}"), format!("No engagement {id} in {catalog}."));
    record_page(state, "engagements", title, missing, |tx, now| {
        let Some(e) = tx.engagement(catalog, &id)? else { return Ok(None) };
        Ok(Some(sections(tx, &e, now)?))
    })
}

/// An engagement's record: facts, members, the stored record.
pub fn sections(tx: &mut dyn Tx, e: &Engagement, _now: Millis) -> OpResult<Vec<Section>> {
    let facts = vec![
        ("engagement", engagement_link(e)),
        ("title", Cell::text(e.title.clone().unwrap_or_default())),
        ("description", Cell::text(e.description.clone().unwrap_or_default())),
        ("created by", account_link(&e.created_by)),
        ("created", time(e.created_at)),
        ("modified by", account_link(&e.modified_by)),
        ("modified", time(e.modified_at)),
    ];
    let members = tx.engagement_members(e.catalog, &e.id, None, usize::MAX)?;
    let rows = members.iter().map(|m| vec![account_link(&m.account), time(m.joined_at)]).collect();
    Ok(vec![
        Section { heading: "Engagement".into(), facts, ..Section::default() },
        Section {
            heading: "Members".into(),
            table: Some(Table { headers: vec!["account", "joined"], rows, empty: "No members.", ..Table::default() }),
            ..Section::default()
        },
        Section { heading: "Record".into(), json: json(e), ..Section::default() },
    ])
}
