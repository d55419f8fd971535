//! The partner family's pages: partners (a list and a page each), their
//! profile update tasks, and qualifications associations.

use pcentral_core::partners::{task_state, PublishedProfile};
use pcentral_core::records::{Partner, ProfileTask};
use pcentral_core::store::{AdminAssociationQuery, AdminEventQuery, AdminPartnerQuery, AdminProfileTaskQuery};
use pcentral_core::{qualifications, OpResult, Tx};
use pcentral_model::{AccountId, Catalog, Millis, PartnerId};

use super::tools::history;
use crate::app::AppState;
use crate::console::common::{
    account_link, bad, json, not_found, optional_time, partner_link, record_page, time, Html, QueryString, PAGE_SIZE,
};
use crate::console::list::{Filter, List};
use crate::console::view::{Cell, Section, Table};

/// A partner's display name as published, or as its draft, and whether it is published.
pub fn profile_of(tx: &mut dyn Tx, partner: &Partner, now: Millis) -> OpResult<(String, bool)> {
    Ok(match PublishedProfile::load(tx, partner, now)? {
        PublishedProfile::Published(content) => (content.display_name, true),
        PublishedProfile::Draft => (partner.draft.display_name.clone(), false),
    })
}

pub const PARTNER_HEADERS: [&str; 5] = ["legal name", "display name", "account", "profile", "created"];

pub fn partner_row(tx: &mut dyn Tx, p: &Partner, now: Millis) -> OpResult<Vec<Cell>> {
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

/// `GET …/catalogs/{catalog}/partners[?account=A&name=TEXT&after=KEY]`.
pub fn list(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let name = q.get("name");
    let after = q.get("after");
    let list = List {
        filters: vec![
            Filter::text("account", "account", account.as_ref().map(|a| a.to_string())),
            Filter::text("name", "legal name contains", name.clone()),
        ],
        headers: PARTNER_HEADERS.to_vec(),
        empty: "No partners match.",
        ..List::in_catalog(catalog, "partners", "partners")
    };
    list.render(state, |tx, now, limit| {
        let query =
            AdminPartnerQuery { catalog, account: account.clone(), name: name.clone(), after: after.clone(), limit };
        let mut rows = Vec::new();
        for p in &tx.admin_partners(&query)? {
            rows.push((pcentral_core::partners::legal_name_key(&p.legal_name), partner_row(tx, p, now)?));
        }
        Ok(rows)
    })
}

/// `GET …/catalogs/{catalog}/partners/{id}`.
pub fn partner(state: &AppState, catalog: Catalog, id: &str) -> Html {
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

fn task_row(p: &Partner, t: &ProfileTask, now: Millis) -> Vec<Cell> {
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

/// `GET …/catalogs/{catalog}/profile-tasks[?account=A&before=SEQ]`.
pub fn profile_tasks(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let account = q.account("account")?;
    let before = q.get("before").map(|b| b.parse::<i64>().map_err(|_| bad("before: not a position"))).transpose()?;
    let list = List {
        note: "Newest first. A task succeeds on its own at its due time; the controls can hold, fail or finish it.",
        filters: vec![Filter::text("account", "account", account.as_ref().map(|a| a.to_string()))],
        headers: TASK_HEADERS.to_vec(),
        empty: "No profile update tasks match.",
        position: "before",
        ..List::in_catalog(catalog, "profile-tasks", "profile update tasks")
    };
    list.render(state, |tx, now, limit| {
        let tasks =
            tx.admin_profile_tasks(&AdminProfileTaskQuery { catalog, account: account.clone(), before, limit })?;
        let mut rows = Vec::new();
        for listed in &tasks {
            let Some(p) = tx.partner_by_id(catalog, &listed.task.partner_id)? else { continue };
            rows.push((listed.seq.to_string(), task_row(&p, &listed.task, now)));
        }
        Ok(rows)
    })
}

/// `GET …/catalogs/{catalog}/qualifications[?primary=A&subsidiary=A&after=A]`.
pub fn qualifications(state: &AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let primary = q.account("primary")?;
    let subsidiary = q.account("subsidiary")?;
    let after = q.account("after")?;
    let list = List {
        note: "Subsidiaries with an association or an open task, in account order; the association is the one at service time.",
        filters: vec![
            Filter::text("primary", "primary account", primary.as_ref().map(|a| a.to_string())),
            Filter::text("subsidiary", "subsidiary account", subsidiary.as_ref().map(|a| a.to_string())),
        ],
        headers: vec!["subsidiary", "associated with", "since", "open task", "due"],
        empty: "No qualifications associations match.",
        ..List::in_catalog(catalog, "qualifications", "qualifications associations")
    };
    list.render(state, |tx, now, limit| {
        let accounts = tx.admin_qualifications_subsidiaries(&AdminAssociationQuery {
            catalog,
            primary: primary.clone(),
            subsidiary: subsidiary.clone(),
            after: after.clone(),
            limit,
        })?;
        let shown: Vec<&AccountId> = accounts.iter().take(PAGE_SIZE).collect();
        let state = qualifications::load(tx, catalog, &shown, now)?;
        let mut rows = Vec::new();
        for account in &accounts {
            let association = state.association_of(account);
            let open = state.open.iter().find(|t| &t.owner_account == account);
            rows.push((
                account.to_string(),
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
    })
}
