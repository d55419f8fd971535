//! The tools' pages: events (and a record's history of events), the outbox,
//! this node's requests, and the controls (clock, fault rules, forced
//! outcomes, reset, export).

use askama::Template;
use pcentral_core::records::{DeliveryState, DetailType, FaultKind, StoredEvent};
use pcentral_core::store::AdminEventQuery;
use pcentral_core::{OpResult, Tx};
use pcentral_model::account::VerificationType;
use pcentral_model::{Catalog, ConnectionId, InvitationId, Operation};

use crate::app::AppState;
use crate::console::common::{
    account_link, bad, connection_link, href, invitation_link, layout, page, read, time, Html, QueryString, PAGE_SIZE,
};
use crate::console::list::{Filter, List};
use crate::console::view::{Cell, Controls, FaultView, Field, Filters, Section, Table};
use crate::console::PREFIX;

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

/// `GET /_pcentral/ui/events[?account=A&type=T&before=SEQ]`; the first
/// page follows new events live.
pub fn events(state: &AppState, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let detail_type: Option<DetailType> = q.one_of("type")?;
    let before = q.get("before").map(|b| b.parse::<i64>().map_err(|_| bad("before: not a position"))).transpose()?;
    let list = List {
        path: format!("{PREFIX}/events"),
        title: "Events".into(),
        nav: "events",
        note: "Newest first, with each event's webhook delivery. The first page follows new events live.",
        filters: vec![
            Filter::text("account", "account", account.as_ref().map(|a| a.to_string())),
            Filter::select(
                "type",
                "type",
                &DetailType::ALL.map(DetailType::as_str),
                detail_type.map(|t| t.as_str().into()),
            ),
        ],
        headers: EVENT_HEADERS.to_vec(),
        empty: "No events yet.",
        position: "before",
        links: Vec::new(),
    };
    let (found, now) = read(state, |tx, _| {
        Ok(tx.admin_events(&AdminEventQuery {
            accounts: account.iter().cloned().collect(),
            detail_type,
            before,
            limit: PAGE_SIZE + 1,
            ..AdminEventQuery::default()
        })?)
    })?;
    let mut section = list.section(found.iter().map(|e| (e.seq.to_string(), event_row(e))).collect());
    // The live table follows the newest events (the first page only).
    if let (None, Some(table)) = (before, section.table.as_mut()) {
        let oldest = found.iter().take(PAGE_SIZE).next_back().map_or(0, |e| e.seq - 1);
        table.live = "events";
        table.source = href("/_pcentral/events", &list.params(&[("after", Some(oldest.to_string()))]));
    }
    page(list.title, list.nav, now, vec![section])
}

pub fn outbox(state: &AppState, q: &QueryString<'_>) -> Html {
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
pub const REQUEST_HEADERS: [&str; 9] =
    ["time", "request id", "account", "service", "operation", "status", "error", "latency ms", "replayed"];

pub fn requests(state: &AppState) -> Html {
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
                Cell::text(r.service.unwrap_or_default()),
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

pub fn controls(state: &AppState) -> Html {
    let ((offset, faults), now) = read(state, |tx, _| Ok((tx.service_state()?.clock_offset_ms, tx.fault_rules()?)))?;
    let text = |v: Option<String>| v.unwrap_or_else(|| "any".into());
    let faults = faults
        .into_iter()
        .map(|f| FaultView {
            id: f.id,
            kind: f.kind.as_str().to_string(),
            service: f.service.name().to_string(),
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
        services: pcentral_model::Service::ALL.iter().map(|s| s.name()).collect(),
        operations: {
            let names: std::collections::BTreeSet<&str> = Operation::all().into_iter().map(Operation::name).collect();
            names.into_iter().collect()
        },
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
