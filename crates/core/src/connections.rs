//! Connections: GetConnection, ListConnections, CancelConnection, the
//! per-caller views, and what AcceptConnectionInvitation does to the
//! connection record (docs/behaviour.md#connections).
//!
//! A connection is one record shared by two accounts in a catalog, with one
//! `ConnectionTypes` entry per type (ACTIVE → CANCELED). A connection with no
//! ACTIVE entry is terminated history: it stays readable and is never
//! reactivated. The store keeps at most one connection with an ACTIVE entry
//! per pair, so concurrent accepts resolve as if run one at a time.

use std::collections::{BTreeMap, HashMap};

use pcentral_model::account::{
    self, ConflictExceptionReason, ConnectionType, ConnectionTypeStatus, FieldValidationCode,
    ResourceNotFoundExceptionReason,
};
use pcentral_model::{AccountId, ApiError, Catalog, Millis, ProfileId, Timestamp};

use crate::arn;
use crate::ctx::{new_id, Ctx};
use crate::events::Recorder;
use crate::pagination::{self, Binding};
use crate::partners::{publisher_of, PublishedProfile};
use crate::records::{Connection, ConnectionTypeEntry, Invitation};
use crate::store::{ConnectionQuery, Cursor, OpResult, Tx, TypeFilter};

/// How a caller sees the other side of a connection (the `Participant` union,
/// docs/behaviour.md#what-each-side-sees).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtherParticipant {
    /// The other account has a partner with a published profile in the catalog.
    PartnerProfile { id: ProfileId, name: String },
    /// Otherwise, the account's seller profile when an admin configured one.
    SellerProfile { id: String, name: String },
    /// Anything else; `name` is the configured display name, else the account id.
    Account { name: String },
}

impl OtherParticipant {
    pub fn view(&self) -> account::Participant {
        match self {
            OtherParticipant::PartnerProfile { id, name } => {
                account::Participant::PartnerProfile(account::PartnerProfileSummary {
                    id: id.clone(),
                    name: name.clone(),
                })
            }
            OtherParticipant::SellerProfile { id, name } => {
                account::Participant::SellerProfile(account::SellerProfileSummary {
                    id: id.clone(),
                    name: name.clone(),
                })
            }
            OtherParticipant::Account { name } => {
                account::Participant::Account(account::AccountSummary { name: name.clone() })
            }
        }
    }
}

/// How `account` appears to its counterpart in `catalog` at service time
/// `now`: PartnerProfile when it has a published profile, else its configured
/// seller profile, else `Account` with its configured display name or its id.
pub fn participant(tx: &mut dyn Tx, catalog: Catalog, account: &AccountId, now: Millis) -> OpResult<OtherParticipant> {
    if let Some(partner) = tx.partner_by_account(catalog, account)? {
        if let PublishedProfile::Published(content) = PublishedProfile::load(tx, &partner, now)? {
            return Ok(OtherParticipant::PartnerProfile { id: partner.profile_id, name: content.display_name });
        }
    }
    let configured = tx.account(account)?;
    if let Some(seller) = configured.as_ref().and_then(|a| a.seller_profile.clone()) {
        return Ok(OtherParticipant::SellerProfile { id: seller.id, name: seller.name });
    }
    let name = configured.and_then(|a| a.display_name).unwrap_or_else(|| account.to_string());
    Ok(OtherParticipant::Account { name })
}

/// The `Connection` view (GetConnection, CancelConnection, Accept) for
/// `caller`; `other` describes the other participant.
pub fn render_connection_for(
    caller: &AccountId,
    connection: &Connection,
    region: &str,
    other: &OtherParticipant,
) -> account::Connection {
    let types = connection
        .types
        .iter()
        .map(|(kind, e)| {
            let detail = account::ConnectionTypeDetail {
                created_at: Timestamp(e.created_at),
                inviter_email: e.inviter_email.clone(),
                inviter_name: e.inviter_name.clone(),
                status: e.status,
                canceled_at: e.canceled_at.map(Timestamp),
                canceled_by: e.canceled_by.clone(),
                other_participant: other.view(),
            };
            (*kind, detail)
        })
        .collect();
    account::Connection {
        catalog: connection.catalog,
        id: connection.id.clone(),
        arn: arn::connection(region, connection.catalog, &connection.id),
        other_participant_account_id: connection.other_participant(caller).clone(),
        updated_at: Timestamp(connection.updated_at),
        connection_types: types,
    }
}

/// The `ConnectionSummary` view (ListConnections) for `caller`.
pub fn render_connection_summary_for(
    caller: &AccountId,
    connection: &Connection,
    region: &str,
    other: &OtherParticipant,
) -> account::ConnectionSummary {
    let types = connection
        .types
        .iter()
        .map(|(kind, e)| (*kind, account::ConnectionTypeSummary { status: e.status, other_participant: other.view() }))
        .collect();
    account::ConnectionSummary {
        catalog: connection.catalog,
        id: connection.id.clone(),
        arn: arn::connection(region, connection.catalog, &connection.id),
        other_participant_account_id: connection.other_participant(caller).clone(),
        updated_at: Timestamp(connection.updated_at),
        connection_types: types,
    }
}

fn not_found(identifier: &impl std::fmt::Display) -> ApiError {
    ApiError::not_found(
        ResourceNotFoundExceptionReason::ConnectionNotFound,
        format!("Connection {identifier} not found"),
    )
}

/// The connection `id` in `catalog` if the caller takes part in it.
fn visible_connection(ctx: &mut Ctx<'_>, catalog: Catalog, id: &pcentral_model::ConnectionId) -> OpResult<Connection> {
    match ctx.tx.connection(catalog, id)? {
        Some(c) if c.has_participant(&ctx.caller.account) => Ok(c),
        _ => Err(not_found(id).into()),
    }
}

/// The connection as the caller sees it.
pub fn view_for_caller(ctx: &mut Ctx<'_>, connection: &Connection) -> OpResult<account::Connection> {
    let other_account = connection.other_participant(&ctx.caller.account).clone();
    let other = participant(ctx.tx, connection.catalog, &other_account, ctx.now)?;
    Ok(render_connection_for(&ctx.caller.account, connection, &ctx.caller.region, &other))
}

/// Record the acceptance of `invitation` (already checked: PENDING, caller is
/// the receiver, type not ACTIVE for the pair) in the pair's live connection,
/// or in a new one. Returns the stored connection.
pub fn activate(ctx: &mut Ctx<'_>, invitation: &Invitation, live: Option<Connection>) -> OpResult<Connection> {
    let entry = ConnectionTypeEntry {
        created_at: ctx.now,
        inviter_account: invitation.sender_account.clone(),
        inviter_email: invitation.inviter_email.clone(),
        inviter_name: invitation.inviter_name.clone(),
        status: ConnectionTypeStatus::Active,
        canceled_at: None,
        canceled_by: None,
        cancel_reason: None,
    };
    match live {
        Some(mut connection) => {
            connection.types.insert(invitation.connection_type, entry);
            connection.updated_at = ctx.now;
            ctx.tx.update_connection(&connection)?;
            Ok(connection)
        }
        None => {
            let connection = Connection {
                catalog: invitation.catalog,
                id: new_id(ctx.ids),
                participants: [invitation.sender_account.clone(), invitation.receiver_account.clone()],
                created_at: ctx.now,
                updated_at: ctx.now,
                types: BTreeMap::from([(invitation.connection_type, entry)]),
            };
            ctx.tx.insert_connection(&connection)?;
            Ok(connection)
        }
    }
}

pub fn get_connection(
    ctx: &mut Ctx<'_>,
    req: account::GetConnectionRequest,
) -> OpResult<account::GetConnectionResponse> {
    let connection = visible_connection(ctx, req.catalog, &req.identifier)?;
    Ok(view_for_caller(ctx, &connection)?.into())
}

pub fn cancel_connection(
    ctx: &mut Ctx<'_>,
    req: account::CancelConnectionRequest,
) -> OpResult<account::CancelConnectionResponse> {
    let mut connection = visible_connection(ctx, req.catalog, &req.identifier)?;
    let now = ctx.now;
    let kind = req.connection_type;
    if connection.is_active(kind) && kind == ConnectionType::Subsidiary {
        // Qualifications associations rest on this link (docs/behaviour.md#qualifications).
        let [a, b] = connection.participants.clone();
        crate::qualifications::on_subsidiary_cancel(ctx, req.catalog, &a, &b)?;
    }
    match connection.types.get_mut(&kind) {
        Some(entry) if entry.status == ConnectionTypeStatus::Active => {
            entry.status = ConnectionTypeStatus::Canceled;
            entry.canceled_at = Some(now);
            entry.canceled_by = Some(ctx.caller.account.clone());
            entry.cancel_reason = Some(req.reason);
        }
        Some(_) => {
            return Err(ApiError::conflict(
                ConflictExceptionReason::IncompatibleConnectionState,
                format!("Connection type {kind} of {} is already canceled", connection.id),
            )
            .into())
        }
        None => {
            return Err(ApiError::conflict(
                ConflictExceptionReason::IncompatibleConnectionState,
                format!("Connection {} has no {kind} type", connection.id),
            )
            .into())
        }
    }
    connection.updated_at = now;
    ctx.tx.update_connection(&connection)?;
    let caller = ctx.caller.account.clone();
    Recorder::of(ctx).connection_cancelled(&connection, kind, &caller, now)?;
    // The answer shows the types that were ACTIVE before this call: the one
    // just cancelled, and those still ACTIVE (docs/behaviour.md#connections).
    let mut answered = connection;
    answered.types.retain(|t, entry| *t == kind || entry.status == ConnectionTypeStatus::Active);
    Ok(view_for_caller(ctx, &answered)?.into())
}

/// A `ConnectionTypeFilter`: `TYPE` or `TYPE:STATUS`.
pub fn parse_type_filter(text: &str) -> OpResult<TypeFilter> {
    let (kind, status) = match text.split_once(':') {
        Some((k, s)) => (k, Some(s)),
        None => (text, None),
    };
    let kind = kind.parse::<ConnectionType>();
    let status = status.map(str::parse::<ConnectionTypeStatus>).transpose();
    match (kind, status) {
        (Ok(kind), Ok(None)) => Ok(TypeFilter::LiveWith(kind)),
        (Ok(kind), Ok(Some(status))) => Ok(TypeFilter::TypeStatus(kind, status)),
        _ => Err(ApiError::field(
            "ConnectionType",
            FieldValidationCode::InvalidEnumValue,
            format!(
                "ConnectionType must be TYPE or TYPE:STATUS with TYPE in {} and STATUS in {}",
                ConnectionType::ALL.map(ConnectionType::as_str).join(", "),
                ConnectionTypeStatus::ALL.map(ConnectionTypeStatus::as_str).join(", ")
            ),
        )
        .into()),
    }
}

/// The accounts shown to the caller by one of `identifiers` (an account id, a
/// published profile id, or the seller profile id of an account without a
/// published profile), for the `OtherParticipantIdentifiers` filter.
fn accounts_named(ctx: &mut Ctx<'_>, catalog: Catalog, identifiers: &[String]) -> OpResult<Vec<AccountId>> {
    let mut accounts = Vec::new();
    for identifier in identifiers {
        if let Ok(account) = AccountId::parse(identifier) {
            accounts.push(account);
        } else if let Ok(profile) = ProfileId::parse(identifier) {
            accounts.extend(publisher_of(ctx.tx, catalog, &profile, ctx.now)?.map(|p| p.account));
        }
        for seller in ctx.tx.accounts_with_seller_profile(identifier)? {
            let shown = participant(ctx.tx, catalog, &seller.account, ctx.now)?;
            if matches!(&shown, OtherParticipant::SellerProfile { id, .. } if id == identifier) {
                accounts.push(seller.account);
            }
        }
    }
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

pub fn list_connections(
    ctx: &mut Ctx<'_>,
    req: account::ListConnectionsRequest,
) -> OpResult<account::ListConnectionsResponse> {
    let types = match req.connection_type.as_deref() {
        Some(text) => parse_type_filter(text)?,
        None => TypeFilter::Live,
    };
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after = binding.resume(req.next_token.as_deref())?;
    let wanted = req.other_participant_identifiers.unwrap_or_default();
    let others = if wanted.is_empty() { None } else { Some(accounts_named(ctx, req.catalog, &wanted)?) };
    let size = pagination::page_size(req.max_results)?;
    let query = ConnectionQuery {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        types,
        others,
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_connections(&query)?;
    let key = |c: &Connection| Cursor { created_at: c.created_at, id: c.id.to_string() };
    let (rows, next_token) = binding.page(rows, size, key)?;
    // The other side is resolved only for the rows returned, once per account.
    let mut others: HashMap<AccountId, OtherParticipant> = HashMap::new();
    let mut summaries = Vec::with_capacity(rows.len());
    for c in &rows {
        let other_account = c.other_participant(&ctx.caller.account).clone();
        let other = match others.get(&other_account) {
            Some(o) => o.clone(),
            None => {
                let o = participant(ctx.tx, c.catalog, &other_account, ctx.now)?;
                others.insert(other_account, o.clone());
                o
            }
        };
        summaries.push(render_connection_summary_for(&ctx.caller.account, c, &ctx.caller.region, &other));
    }
    Ok(account::ListConnectionsResponse { connection_summaries: summaries, next_token })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account(s: &str) -> AccountId {
        AccountId::parse(s).unwrap()
    }

    fn entry(status: ConnectionTypeStatus, created_at: Millis) -> ConnectionTypeEntry {
        let canceled = status == ConnectionTypeStatus::Canceled;
        ConnectionTypeEntry {
            created_at,
            inviter_account: account("111111111111"),
            inviter_email: "a@example.com".into(),
            inviter_name: "Ana".into(),
            status,
            canceled_at: canceled.then_some(created_at + 5),
            canceled_by: canceled.then(|| account("222222222222")),
            cancel_reason: None,
        }
    }

    fn connection() -> Connection {
        Connection {
            catalog: Catalog::Sandbox,
            id: "pac-aaaaaaaaaaaaa".parse().unwrap(),
            participants: [account("111111111111"), account("222222222222")],
            created_at: 1000,
            updated_at: 3000,
            types: BTreeMap::from([
                (ConnectionType::OpportunityCollaboration, entry(ConnectionTypeStatus::Active, 1000)),
                (ConnectionType::Subsidiary, entry(ConnectionTypeStatus::Canceled, 2000)),
            ]),
        }
    }

    #[test]
    fn each_side_sees_the_other() {
        let c = connection();
        let b_profile =
            OtherParticipant::PartnerProfile { id: "pprofile-bbbbbbbbbbbbb".parse().unwrap(), name: "Bee".into() };
        let a_view =
            serde_json::to_value(render_connection_for(&account("111111111111"), &c, "us-east-1", &b_profile)).unwrap();
        assert_eq!(a_view["OtherParticipantAccountId"], "222222222222");
        assert_eq!(a_view["Arn"], "arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-aaaaaaaaaaaaa");
        assert_eq!(a_view["UpdatedAt"], "1970-01-01T00:00:03.000Z");
        let oc = &a_view["ConnectionTypes"]["OPPORTUNITY_COLLABORATION"];
        assert_eq!(oc["Status"], "ACTIVE");
        assert_eq!(oc["OtherParticipant"], json!({"PartnerProfile": {"Id": "pprofile-bbbbbbbbbbbbb", "Name": "Bee"}}));
        assert!(oc.get("CanceledAt").is_none());
        let sub = &a_view["ConnectionTypes"]["SUBSIDIARY"];
        assert_eq!(sub["CanceledBy"], "222222222222");
        assert_eq!(sub["CanceledAt"], "1970-01-01T00:00:02.005Z");

        let a_account = OtherParticipant::Account { name: "111111111111".into() };
        let b_view =
            serde_json::to_value(render_connection_for(&account("222222222222"), &c, "us-east-1", &a_account)).unwrap();
        assert_eq!(b_view["OtherParticipantAccountId"], "111111111111");
        assert_eq!(
            b_view["ConnectionTypes"]["SUBSIDIARY"]["OtherParticipant"],
            json!({"Account": {"Name": "111111111111"}})
        );
        assert_eq!(b_view["ConnectionTypes"]["OPPORTUNITY_COLLABORATION"]["InviterEmail"], "a@example.com");

        let summary =
            serde_json::to_value(render_connection_summary_for(&account("222222222222"), &c, "us-east-1", &a_account))
                .unwrap();
        assert_eq!(
            summary["ConnectionTypes"]["SUBSIDIARY"],
            json!({"Status": "CANCELED", "OtherParticipant": {"Account": {"Name": "111111111111"}}})
        );
    }

    #[test]
    fn type_filters_parse() {
        assert_eq!(
            parse_type_filter("OPPORTUNITY_COLLABORATION").unwrap(),
            TypeFilter::LiveWith(ConnectionType::OpportunityCollaboration)
        );
        assert_eq!(
            parse_type_filter("SUBSIDIARY:CANCELED").unwrap(),
            TypeFilter::TypeStatus(ConnectionType::Subsidiary, ConnectionTypeStatus::Canceled)
        );
        for bad in ["ACTIVE", "SUBSIDIARY:PENDING", "subsidiary", "SUBSIDIARY:active"] {
            let Err(crate::store::Failure::Api(e)) = parse_type_filter(bad) else { panic!("{bad} accepted") };
            assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Code"], "INVALID_ENUM_VALUE");
            assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Name"], "ConnectionType");
        }
    }
}
