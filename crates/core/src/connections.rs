//! Connections: GetConnection, ListConnections, CancelConnection, the
//! per-caller views of SEMANTICS §7, and what AcceptConnectionInvitation
//! does to the connection record.
//!
//! A connection is one record shared by two accounts in a catalog, with one
//! `ConnectionTypes` entry per type (ACTIVE → CANCELED). A connection with no
//! ACTIVE entry is terminated history: it stays readable and is never
//! reactivated. The store keeps at most one connection with an ACTIVE entry
//! per pair, so concurrent accepts resolve as if run one at a time.

use std::collections::HashMap;

use pcentral_model::{timestamp, ApiError, FieldCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::operations::{parse, Ctx, ResourceRequest};
use crate::pagination::{self, Binding, Cursor};
use crate::profiles::PublishedProfile;
use crate::store::{Connection, ConnectionTypeEntry, Invitation, OpResult};

pub const CONNECTION_TYPES: [&str; 2] = ["OPPORTUNITY_COLLABORATION", "SUBSIDIARY"];
pub const CONNECTION_TYPE_STATUSES: [&str; 2] = ["ACTIVE", "CANCELED"];

/// How a caller sees the other side of a connection (the `Participant` union).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtherParticipant {
    /// The other account has a partner with a published profile in the catalog.
    PartnerProfile { id: String, name: String },
    /// Otherwise, the account's seller profile when an admin configured one.
    SellerProfile { id: String, name: String },
    /// Anything else; `name` is the configured display name, else the account id.
    Account { name: String },
}

impl OtherParticipant {
    pub fn to_json(&self) -> Value {
        match self {
            OtherParticipant::PartnerProfile { id, name } => json!({"PartnerProfile": {"Id": id, "Name": name}}),
            OtherParticipant::SellerProfile { id, name } => json!({"SellerProfile": {"Id": id, "Name": name}}),
            OtherParticipant::Account { name } => json!({"Account": {"Name": name}}),
        }
    }

    /// The partner profile id, when the other side has a published profile.
    pub fn profile_id(&self) -> Option<&str> {
        match self {
            OtherParticipant::PartnerProfile { id, .. } => Some(id),
            OtherParticipant::SellerProfile { .. } | OtherParticipant::Account { .. } => None,
        }
    }

    /// The seller profile id, when the other side is shown by its seller profile.
    pub fn seller_profile_id(&self) -> Option<&str> {
        match self {
            OtherParticipant::SellerProfile { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// How `account` appears to its counterpart in `catalog` at service time `ctx.now`.
/// PartnerProfile when it has a published profile, else its configured seller
/// profile, else `Account` with its configured display name or its id (SEMANTICS §7).
pub fn participant(ctx: &mut Ctx<'_>, catalog: &str, account: &str) -> OpResult<OtherParticipant> {
    if let Some(partner) = ctx.tx.partner_by_account(catalog, account)? {
        if let PublishedProfile::Published(content) = PublishedProfile::load(ctx, &partner)? {
            return Ok(OtherParticipant::PartnerProfile { id: partner.profile_id, name: content.display_name });
        }
    }
    let configured = ctx.tx.account(account)?;
    if let Some(seller) = configured.as_ref().and_then(|a| a.seller_profile.clone()) {
        return Ok(OtherParticipant::SellerProfile { id: seller.id, name: seller.name });
    }
    let name = configured.and_then(|a| a.display_name).unwrap_or_else(|| account.to_string());
    Ok(OtherParticipant::Account { name })
}

/// `arn:aws:partnercentral:{region}::catalog/{catalog}/connection/{id}` (no account: shared).
pub fn connection_arn(region: &str, catalog: &str, id: &str) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{catalog}/connection/{id}")
}

fn type_detail(entry: &ConnectionTypeEntry, other: &OtherParticipant) -> Value {
    let mut v = json!({
        "CreatedAt": timestamp::format(entry.created_at),
        "InviterEmail": entry.inviter_email,
        "InviterName": entry.inviter_name,
        "Status": entry.status,
        "OtherParticipant": other.to_json(),
    });
    if let Some(at) = entry.canceled_at {
        v["CanceledAt"] = json!(timestamp::format(at));
    }
    if let Some(by) = &entry.canceled_by {
        v["CanceledBy"] = json!(by);
    }
    v
}

fn common_view(caller_account: &str, connection: &Connection, region: &str) -> Value {
    json!({
        "Catalog": connection.catalog,
        "Id": connection.id,
        "Arn": connection_arn(region, &connection.catalog, &connection.id),
        "OtherParticipantAccountId": connection.other_participant(caller_account),
        "UpdatedAt": timestamp::format(connection.updated_at),
    })
}

/// The `Connection` view (GetConnection, CancelConnection, Accept) for
/// `caller_account`; `other` describes the other participant.
pub fn render_connection_for(
    caller_account: &str,
    connection: &Connection,
    region: &str,
    other: &OtherParticipant,
) -> Value {
    let mut v = common_view(caller_account, connection, region);
    let types: Map<String, Value> =
        connection.types.iter().map(|(k, entry)| (k.clone(), type_detail(entry, other))).collect();
    v["ConnectionTypes"] = Value::Object(types);
    v
}

/// The `ConnectionSummary` view (ListConnections) for `caller_account`.
pub fn render_connection_summary_for(
    caller_account: &str,
    connection: &Connection,
    region: &str,
    other: &OtherParticipant,
) -> Value {
    let mut v = common_view(caller_account, connection, region);
    let types: Map<String, Value> = connection
        .types
        .iter()
        .map(|(k, entry)| (k.clone(), json!({"Status": entry.status, "OtherParticipant": other.to_json()})))
        .collect();
    v["ConnectionTypes"] = Value::Object(types);
    v
}

fn not_found(identifier: &str) -> ApiError {
    ApiError::not_found("CONNECTION_NOT_FOUND", format!("Connection {identifier} not found"))
}

/// The connection `id` in `catalog` if the caller takes part in it.
fn visible_connection(ctx: &mut Ctx<'_>, catalog: &str, id: &str) -> OpResult<Connection> {
    match ctx.tx.connection(catalog, id)? {
        Some(c) if c.has_participant(&ctx.caller.account) => Ok(c),
        _ => Err(not_found(id).into()),
    }
}

fn view_for_caller(ctx: &mut Ctx<'_>, connection: &Connection) -> OpResult<Value> {
    let other_account = connection.other_participant(&ctx.caller.account).to_string();
    let other = participant(ctx, &connection.catalog, &other_account)?;
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
        status: "ACTIVE".into(),
        canceled_at: None,
        canceled_by: None,
        cancel_reason: None,
    };
    match live {
        Some(mut connection) => {
            connection.types.insert(invitation.connection_type.clone(), entry);
            connection.updated_at = ctx.now;
            ctx.tx.update_connection(&connection)?;
            Ok(connection)
        }
        None => {
            let mut connection = Connection {
                catalog: invitation.catalog.clone(),
                id: ctx.ids.id("pac-"),
                participants: [invitation.sender_account.clone(), invitation.receiver_account.clone()],
                created_at: ctx.now,
                updated_at: ctx.now,
                types: Default::default(),
            };
            connection.types.insert(invitation.connection_type.clone(), entry);
            ctx.tx.insert_connection(&connection)?;
            Ok(connection)
        }
    }
}

pub fn get_connection(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let connection = visible_connection(ctx, &req.catalog, &req.identifier)?;
    view_for_caller(ctx, &connection)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CancelConnectionRequest {
    catalog: String,
    identifier: String,
    connection_type: String,
    reason: String,
}

pub fn cancel_connection(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: CancelConnectionRequest = parse(input)?;
    let mut connection = visible_connection(ctx, &req.catalog, &req.identifier)?;
    let now = ctx.now;
    let active = connection.types.get(&req.connection_type).is_some_and(|e| e.status == "ACTIVE");
    if active && req.connection_type == "SUBSIDIARY" {
        // Qualifications associations rest on this link (SEMANTICS §14.7).
        let [a, b] = connection.participants.clone();
        crate::qualifications::on_subsidiary_cancel(ctx, &req.catalog, &a, &b)?;
    }
    match connection.types.get_mut(&req.connection_type) {
        Some(entry) if entry.status == "ACTIVE" => {
            entry.status = "CANCELED".into();
            entry.canceled_at = Some(now);
            entry.canceled_by = Some(ctx.caller.account.clone());
            entry.cancel_reason = Some(req.reason);
        }
        Some(_) => {
            return Err(ApiError::conflict(
                "INCOMPATIBLE_CONNECTION_STATE",
                format!("Connection type {} of {} is already canceled", req.connection_type, connection.id),
            )
            .into())
        }
        None => {
            return Err(ApiError::conflict(
                "INCOMPATIBLE_CONNECTION_STATE",
                format!("Connection {} has no {} type", connection.id, req.connection_type),
            )
            .into())
        }
    }
    connection.updated_at = now;
    ctx.tx.update_connection(&connection)?;
    crate::events::Recorder::of(ctx).connection_cancelled(&connection, &req.connection_type, now)?;
    view_for_caller(ctx, &connection)
}

/// A parsed `ConnectionTypeFilter`: `TYPE` or `TYPE:STATUS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeFilter {
    pub connection_type: String,
    pub status: Option<String>,
}

impl TypeFilter {
    pub fn parse(text: &str) -> OpResult<TypeFilter> {
        let (kind, status) = match text.split_once(':') {
            Some((k, s)) => (k, Some(s)),
            None => (text, None),
        };
        let known_type = CONNECTION_TYPES.contains(&kind);
        let known_status = status.is_none_or(|s| CONNECTION_TYPE_STATUSES.contains(&s));
        if !known_type || !known_status {
            return Err(ApiError::field(
                "ConnectionType",
                FieldCode::InvalidEnumValue,
                format!(
                    "ConnectionType must be TYPE or TYPE:STATUS with TYPE in {} and STATUS in {}",
                    CONNECTION_TYPES.join(", "),
                    CONNECTION_TYPE_STATUSES.join(", ")
                ),
            )
            .into());
        }
        Ok(TypeFilter { connection_type: kind.to_string(), status: status.map(str::to_string) })
    }

    pub fn matches(&self, connection: &Connection) -> bool {
        match connection.types.get(&self.connection_type) {
            Some(entry) => self.status.as_ref().is_none_or(|s| &entry.status == s),
            None => false,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListConnectionsRequest {
    catalog: String,
    next_token: Option<String>,
    max_results: Option<i64>,
    connection_type: Option<String>,
    #[serde(default)]
    other_participant_identifiers: Option<Vec<String>>,
}

pub fn list_connections(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let filters = pagination::filter_hash(&input);
    let req: ListConnectionsRequest = parse(input)?;
    let type_filter = req.connection_type.as_deref().map(TypeFilter::parse).transpose()?;
    let key = ctx.tx.service_state()?.pagination_key;
    let binding = Binding { key: &key, operation: "ListConnections", account: &ctx.caller.account, filters };
    let after = req.next_token.as_deref().map(|t| pagination::decode(&binding, t)).transpose()?;
    let wanted = req.other_participant_identifiers.unwrap_or_default();

    let mut others: HashMap<String, OtherParticipant> = HashMap::new();
    let mut rows: Vec<(Connection, OtherParticipant)> = Vec::new();
    for connection in ctx.tx.connections_of(&req.catalog, &ctx.caller.account)? {
        if type_filter.as_ref().is_some_and(|f| !f.matches(&connection)) {
            continue;
        }
        let other_account = connection.other_participant(&ctx.caller.account).to_string();
        let other = match others.get(&other_account) {
            Some(o) => o.clone(),
            None => {
                let o = participant(ctx, &req.catalog, &other_account)?;
                others.insert(other_account.clone(), o.clone());
                o
            }
        };
        let matches_other = wanted.is_empty()
            || wanted.iter().any(|w| {
                *w == other_account
                    || Some(w.as_str()) == other.profile_id()
                    || Some(w.as_str()) == other.seller_profile_id()
            });
        if matches_other {
            rows.push((connection, other));
        }
    }
    let key_of = |row: &(Connection, OtherParticipant)| Cursor { created_at: row.0.created_at, id: row.0.id.clone() };
    let (rows, next) = pagination::page(rows, key_of, after.as_ref(), pagination::page_size(req.max_results));
    let summaries: Vec<Value> = rows
        .iter()
        .map(|(c, other)| render_connection_summary_for(&ctx.caller.account, c, &ctx.caller.region, other))
        .collect();
    let mut out = json!({ "ConnectionSummaries": summaries });
    if let Some(cursor) = next {
        out["NextToken"] = json!(pagination::encode(&binding, &cursor)?);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pcentral_model::Millis;
    use std::collections::BTreeMap;

    fn entry(status: &str, created_at: Millis) -> ConnectionTypeEntry {
        ConnectionTypeEntry {
            created_at,
            inviter_account: "111111111111".into(),
            inviter_email: "a@example.com".into(),
            inviter_name: "Ana".into(),
            status: status.into(),
            canceled_at: (status == "CANCELED").then_some(created_at + 5),
            canceled_by: (status == "CANCELED").then(|| "222222222222".into()),
            cancel_reason: None,
        }
    }

    fn connection() -> Connection {
        let mut types = BTreeMap::new();
        types.insert("OPPORTUNITY_COLLABORATION".to_string(), entry("ACTIVE", 1000));
        types.insert("SUBSIDIARY".to_string(), entry("CANCELED", 2000));
        Connection {
            catalog: "Sandbox".into(),
            id: "pac-aaaaaaaaaaaaa".into(),
            participants: ["111111111111".into(), "222222222222".into()],
            created_at: 1000,
            updated_at: 3000,
            types,
        }
    }

    #[test]
    fn each_side_sees_the_other() {
        let c = connection();
        let b_profile = OtherParticipant::PartnerProfile { id: "pprofile-bbbbbbbbbbbbb".into(), name: "Bee".into() };
        let a_view = render_connection_for("111111111111", &c, "us-east-1", &b_profile);
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
        let b_view = render_connection_for("222222222222", &c, "us-east-1", &a_account);
        assert_eq!(b_view["OtherParticipantAccountId"], "111111111111");
        assert_eq!(
            b_view["ConnectionTypes"]["SUBSIDIARY"]["OtherParticipant"],
            json!({"Account": {"Name": "111111111111"}})
        );
        assert_eq!(b_view["ConnectionTypes"]["OPPORTUNITY_COLLABORATION"]["InviterEmail"], "a@example.com");

        let summary = render_connection_summary_for("222222222222", &c, "us-east-1", &a_account);
        assert_eq!(
            summary["ConnectionTypes"]["SUBSIDIARY"],
            json!({"Status": "CANCELED", "OtherParticipant": {"Account": {"Name": "111111111111"}}})
        );
    }

    #[test]
    fn type_filters_parse_and_match() {
        let c = connection();
        assert!(TypeFilter::parse("OPPORTUNITY_COLLABORATION").unwrap().matches(&c));
        assert!(TypeFilter::parse("OPPORTUNITY_COLLABORATION:ACTIVE").unwrap().matches(&c));
        assert!(!TypeFilter::parse("OPPORTUNITY_COLLABORATION:CANCELED").unwrap().matches(&c));
        assert!(TypeFilter::parse("SUBSIDIARY:CANCELED").unwrap().matches(&c));
        for bad in ["ACTIVE", "SUBSIDIARY:PENDING", "subsidiary", "SUBSIDIARY:active"] {
            let Err(crate::store::Failure::Api(e)) = TypeFilter::parse(bad) else { panic!("{bad} accepted") };
            assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Code"], "INVALID_ENUM_VALUE");
            assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Name"], "ConnectionType");
        }
    }
}
