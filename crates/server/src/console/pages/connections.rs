//! The connection family's pages: invitations and connections, a list and a
//! page each.

use pcentral_core::invitations;
use pcentral_core::records::{Connection, Invitation};
use pcentral_core::store::{AdminConnectionQuery, AdminEventQuery, AdminInvitationQuery, TypeFilter};
use pcentral_core::{OpResult, Tx};
use pcentral_model::account::{ConnectionType, ConnectionTypeStatus, InvitationStatus};
use pcentral_model::{Catalog, ConnectionId, InvitationId, Millis};

use super::tools::history;
use crate::app::AppState;
use crate::console::common::{
    account_link, bad, connection_link, cursor_text, invitation_link, json, not_found, optional_time, record_page,
    time, Html, PageError, QueryString,
};
use crate::console::list::{Filter, List};
use crate::console::view::{css_name, Cell, Section, Table};

pub const CONNECTION_HEADERS: [&str; 5] = ["connection", "participant", "participant", "types", "created"];

/// The badges of a connection's types: `TYPE STATUS` each.
pub fn type_badges(c: &Connection) -> Vec<Cell> {
    c.types
        .iter()
        .map(|(kind, entry)| Cell {
            text: format!("{} {}", kind.as_str(), entry.status.as_str()),
            class: format!("badge s-{}", css_name(entry.status.as_str())),
            ..Cell::default()
        })
        .collect()
}

pub fn connection_row(c: &Connection) -> Vec<Cell> {
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

/// `GET …/catalogs/{catalog}/invitations[?account=A&type=T&status=S&after=CURSOR]`.
pub fn invitations(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let connection_type: Option<ConnectionType> = q.one_of("type")?;
    let status: Option<InvitationStatus> = q.one_of("status")?;
    let after = q.cursor()?;
    let list = List {
        note: "Newest first, every account's. The status is the one at service time: a PENDING invitation past its expiry is EXPIRED.",
        filters: vec![
            Filter::text("account", "account (sent or received)", account.as_ref().map(|a| a.to_string())),
            Filter::select("type", "type", &ConnectionType::ALL.map(ConnectionType::as_str), connection_type.map(|t| t.as_str().into())),
            Filter::select("status", "status", &InvitationStatus::ALL.map(InvitationStatus::as_str), status.map(|s| s.as_str().into())),
        ],
        headers: INVITATION_HEADERS.to_vec(),
        empty: "No invitations match.",
        ..List::in_catalog(catalog, "invitations", "invitations")
    };
    list.render(state, |tx, now, limit| {
        let query = AdminInvitationQuery {
            catalog,
            account: account.clone(),
            connection_type,
            status,
            now,
            after: after.clone(),
            limit,
        };
        let found = tx.admin_invitations(&query)?;
        Ok(found.iter().map(|i| (cursor_text(i.created_at, i.id.as_str()), invitation_row(i, now))).collect())
    })
}

/// `GET …/catalogs/{catalog}/invitations/{id}`.
pub fn invitation(state: &AppState, catalog: Catalog, id: &str) -> Html {
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

/// `GET …/catalogs/{catalog}/connections[?account=A&type=T&status=S&after=CURSOR]`.
pub fn connections(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let kind: Option<ConnectionType> = q.one_of("type")?;
    let status = q.get("status");
    let types = type_filter(kind, status.as_deref())?;
    let after = q.cursor()?;
    let mut statuses = vec!["live"];
    statuses.extend(ConnectionTypeStatus::ALL.map(ConnectionTypeStatus::as_str));
    let list = List {
        note: "Newest first, every account's. \"live\": at least one type ACTIVE.",
        filters: vec![
            Filter::text("account", "account", account.as_ref().map(|a| a.to_string())),
            Filter::select(
                "type",
                "type",
                &ConnectionType::ALL.map(ConnectionType::as_str),
                kind.map(|t| t.as_str().into()),
            ),
            Filter::select("status", "status", &statuses, status.clone()),
        ],
        headers: CONNECTION_HEADERS.to_vec(),
        empty: "No connections match.",
        ..List::in_catalog(catalog, "connections", "connections")
    };
    list.render(state, |tx, _, limit| {
        let query = AdminConnectionQuery { catalog, account: account.clone(), types, after: after.clone(), limit };
        let found = tx.admin_connections(&query)?;
        Ok(found.iter().map(|c| (cursor_text(c.created_at, c.id.as_str()), connection_row(c))).collect())
    })
}

/// `GET …/catalogs/{catalog}/connections/{id}`.
pub fn connection(state: &AppState, catalog: Catalog, id: &str) -> Html {
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
