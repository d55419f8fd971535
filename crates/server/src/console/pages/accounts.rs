//! The account family's pages: an account (how it is configured, its
//! partners, verifications and events) and the verifications of every account.

use pcentral_core::records::Verification;
use pcentral_core::store::{AdminEventQuery, AdminVerificationQuery};
use pcentral_core::{verification, OpResult, Tx};
use pcentral_model::account::VerificationType;
use pcentral_model::{AccountId, Catalog, Millis};

use super::partners::{partner_row, PARTNER_HEADERS};
use super::tools::history;
use crate::app::AppState;
use crate::console::common::{account_link, bad, json, not_found, optional_time, page, read, time, Html, QueryString};
use crate::console::list::{Filter, List};
use crate::console::view::{AdminForm, Cell, FormField, Section, Table};
use crate::console::PREFIX;

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

/// `GET /_pcentral/ui/verifications[?account=A&type=T&after=ACCOUNT:TYPE]`.
pub fn verifications(state: &AppState, q: &QueryString<'_>) -> Html {
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
    let list = List {
        path: format!("{PREFIX}/verifications"),
        title: "Verifications".into(),
        nav: "verifications",
        note: "Per account, in account order; the status is the one at service time.",
        filters: vec![
            Filter::text("account", "account", account.as_ref().map(|a| a.to_string())),
            Filter::select(
                "type",
                "type",
                &VerificationType::ALL.map(VerificationType::as_str),
                kind.map(|k| k.as_str().into()),
            ),
        ],
        headers: VERIFICATION_HEADERS.to_vec(),
        empty: "No verifications match.",
        position: "after",
        links: Vec::new(),
    };
    list.render(state, |tx, now, limit| {
        let query =
            AdminVerificationQuery { account: account.clone(), verification_type: kind, after: after.clone(), limit };
        let found = tx.admin_verifications(&query)?;
        Ok(found
            .iter()
            .map(|v| (format!("{}:{}", v.account, v.verification_type.as_str()), verification_row(v, now)))
            .collect())
    })
}

/// `GET /_pcentral/ui/accounts/{account}`.
pub fn account_page(state: &AppState, account: &str) -> Html {
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
        iam_users(tx, account)?,
        history(tx, AdminEventQuery { accounts: vec![account.clone()], ..AdminEventQuery::default() })?,
    ])
}

/// The account's IAM users and their policies, with controls to create a user
/// or replace its policies, and to delete one (docs/security.md#iam-users-and-policies).
fn iam_users(tx: &mut dyn Tx, account: &AccountId) -> OpResult<Section> {
    let users: Vec<_> = tx.iam_users()?.into_iter().filter(|u| &u.account == account).collect();
    let rows = users
        .iter()
        .map(|u| {
            let inline: Vec<&str> = u.policies.iter().map(|p| p.name.as_str()).collect();
            vec![
                Cell::text(u.name.clone()),
                Cell::text(u.arn()),
                Cell::text(if inline.is_empty() { "—".to_string() } else { inline.join(", ") }),
                Cell::text(if u.managed_policies.is_empty() {
                    "—".to_string()
                } else {
                    u.managed_policies.join(", ")
                }),
                Cell::text(u.version.to_string()),
                time(u.updated_at),
            ]
        })
        .collect();
    let hidden = || vec![("account", account.to_string())];
    let put = AdminForm {
        method: "POST",
        path: "/_pcentral/iam/users",
        submit: "Create or replace user".into(),
        confirm: String::new(),
        hidden: hidden(),
        fields: vec![
            FormField { name: "user", label: "user", json: false, placeholder: "crm" },
            FormField {
                name: "policies",
                label: "inline policies (JSON)",
                json: true,
                placeholder: r#"[{"name": "p", "document": {"Version": "2012-10-17", "Statement": [...]}}]"#,
            },
            FormField {
                name: "managed_policies",
                label: "managed policies (JSON)",
                json: true,
                placeholder: r#"["AWSPartnerCentralSandboxFullAccess"]"#,
            },
        ],
    };
    let mut forms = vec![put];
    forms.extend(users.iter().map(|u| AdminForm {
        method: "POST",
        path: "/_pcentral/iam/users/delete",
        submit: format!("Delete user {}", u.name),
        confirm: format!("Delete IAM user {}? Its keys are then denied everything.", u.name),
        hidden: vec![("account", account.to_string()), ("user", u.name.clone())],
        fields: Vec::new(),
    }));
    let json = if users.is_empty() { String::new() } else { json(&users) };
    Ok(Section {
        heading: "IAM users".into(),
        note: "Keys of a user are decided by its policies; creating a user again replaces its policies.".into(),
        table: Some(Table {
            headers: vec!["user", "ARN", "inline policies", "managed policies", "version", "updated"],
            rows,
            empty: "No IAM users.",
            ..Table::default()
        }),
        json,
        forms,
        ..Section::default()
    })
}
