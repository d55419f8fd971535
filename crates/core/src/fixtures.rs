//! Fixtures: the stored records as one declarative JSON document, for
//! `GET /_pcentral/export` and `POST /_pcentral/seed` (format version 1).
//!
//! A fixture *is* the stored records (the record documents of
//! [`crate::records`]), so an export seeded into an empty server exports
//! again identically. Both directions stream: [`export`] writes each record
//! as the store reads it, and [`seed`] stores each record as it is read, so a
//! fixture of a million records never sits in memory. For fixtures written
//! by hand, [`seed`] fills what a person would rather not write: timestamps
//! (service time now), empty lists, a partner's draft, a profile task's id,
//! an invitation's expiry. Secrets (registered key pairs' secrets, live
//! email codes, the secret parts of settings such as a webhook URL's
//! password) are exported only when asked; the server decrypts and
//! encrypts them, the core only passes them through. Without secrets a
//! setting's secret parts are masked, and seeding that masked value keeps
//! the stored secret it stands for, or is refused when none is stored.

use std::fmt;
use std::io::{Read, Write};

use pcentral_model::{AccountId, Millis, ProfileTaskId};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::accounts;
use crate::ctx::{new_id, Ids};
use crate::partners::{legal_name_key, DRAFT_LOCALE, DRAFT_URL};
use crate::records::{
    is_sandbox_test_solution, AccountRecord, Connection, ConnectionPreferences, CustomerAccount, EmailCode, Engagement,
    EngagementInvitation, EngagementMembership, IamUser, Invitation, Opportunity, Partner, ProfileTask,
    QualificationsAssociation, QualificationsGroup, QualificationsTask, SellingSettings, Solution, StoredCredential,
    Verification,
};
use crate::settings::{ms, Settings, DAY_MS};
use crate::store::{Failure, OpResult, Record, StoreError, Tx};
use crate::tools::ToolError;

/// The format version this build reads and writes.
pub const FIXTURE_VERSION: u32 = 1;

/// A registered key pair with its secret in clear (only in exports that asked for secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureCredential {
    pub access_key_id: String,
    pub account: AccountId,
    pub secret: String,
    pub created_at: Millis,
    /// The IAM user the key belongs to (optional: without one, full access).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The record lists of a fixture, in the order an export writes them (the
/// order of their member names, which is also the order of [`Record`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    Accounts,
    ConnectionPreferences,
    Connections,
    /// Only with secrets.
    Credentials,
    /// Optional: fixtures written before customer accounts existed lack it.
    CustomerAccounts,
    /// Only with secrets.
    EmailCodes,
    /// Optional: fixtures written before engagements existed lack it.
    Engagements,
    /// Optional, like `Engagements`.
    EngagementMembers,
    /// Optional, like `Engagements`.
    EngagementInvitations,
    /// IAM users and their policies (not secrets: exported always). Optional:
    /// fixtures written before IAM users existed lack it.
    IamUsers,
    Invitations,
    /// Optional: fixtures written before opportunities existed lack it.
    Opportunities,
    Partners,
    ProfileTasks,
    QualificationsAssociations,
    QualificationsGroups,
    QualificationsTasks,
    /// Optional: fixtures written before the Selling system settings existed lack it.
    SellingSettings,
    /// Optional: fixtures written before solutions existed lack it.
    Solutions,
    Verifications,
}

impl List {
    pub const ALL: [List; 20] = [
        List::Accounts,
        List::ConnectionPreferences,
        List::Connections,
        List::Credentials,
        List::CustomerAccounts,
        List::EmailCodes,
        List::Engagements,
        List::EngagementMembers,
        List::EngagementInvitations,
        List::IamUsers,
        List::Invitations,
        List::Opportunities,
        List::Partners,
        List::ProfileTasks,
        List::QualificationsAssociations,
        List::QualificationsGroups,
        List::QualificationsTasks,
        List::SellingSettings,
        List::Solutions,
        List::Verifications,
    ];

    /// The fixture's member name.
    pub fn key(self) -> &'static str {
        match self {
            List::Accounts => "accounts",
            List::Partners => "partners",
            List::ProfileTasks => "profile_tasks",
            List::ConnectionPreferences => "connection_preferences",
            List::Invitations => "invitations",
            List::Connections => "connections",
            List::Opportunities => "opportunities",
            List::Engagements => "engagements",
            List::EngagementMembers => "engagement_members",
            List::EngagementInvitations => "engagement_invitations",
            List::IamUsers => "iam_users",
            List::Verifications => "verifications",
            List::QualificationsTasks => "qualifications_tasks",
            List::QualificationsAssociations => "qualifications_associations",
            List::QualificationsGroups => "qualifications_groups",
            List::Credentials => "credentials",
            List::EmailCodes => "email_codes",
            List::SellingSettings => "selling_settings",
            List::Solutions => "solutions",
            List::CustomerAccounts => "customer_accounts",
        }
    }

    /// Whether the list holds secrets (exported only when asked).
    fn secret(self) -> bool {
        matches!(self, List::Credentials | List::EmailCodes)
    }

    fn of(record: &Record) -> List {
        match record {
            Record::Account(_) => List::Accounts,
            Record::ConnectionPreferences(_) => List::ConnectionPreferences,
            Record::Connection(_) => List::Connections,
            Record::Credential(_) => List::Credentials,
            Record::EmailCode(_) => List::EmailCodes,
            Record::Invitation(_) => List::Invitations,
            Record::Opportunity(_) => List::Opportunities,
            Record::Engagement(_) => List::Engagements,
            Record::EngagementMember(_) => List::EngagementMembers,
            Record::EngagementInvitation(_) => List::EngagementInvitations,
            Record::IamUser(_) => List::IamUsers,
            Record::Partner(_) => List::Partners,
            Record::ProfileTask(_) => List::ProfileTasks,
            Record::QualificationsAssociation(_) => List::QualificationsAssociations,
            Record::QualificationsGroup(_) => List::QualificationsGroups,
            Record::QualificationsTask(_) => List::QualificationsTasks,
            Record::SellingSettings(_) => List::SellingSettings,
            Record::Solution(_) => List::Solutions,
            Record::CustomerAccount(_) => List::CustomerAccounts,
            Record::Verification(_) => List::Verifications,
        }
    }
}

/// How many records of each list a seed stored (every list, in export order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub Vec<(List, u64)>);

impl Counts {
    fn add(&mut self, list: List) {
        match self.0.iter_mut().find(|(l, _)| *l == list) {
            Some((_, n)) => *n += 1,
            None => self.0.push((list, 1)),
        }
    }

    /// Each list's count, every list named (zero when it had no records).
    pub fn by_list(&self) -> Vec<(&'static str, u64)> {
        List::ALL.iter().map(|l| (l.key(), self.0.iter().find(|(x, _)| x == l).map_or(0, |(_, n)| *n))).collect()
    }
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure::Store(StoreError::Backend(format!("writing the export: {e}")))
}

fn json_failure(e: serde_json::Error) -> Failure {
    Failure::Store(StoreError::Backend(format!("writing the export: {e}")))
}

/// Write the fixture of everything stored to `out`, record by record as the
/// store reads them. `decrypt` opens a stored secret; `now` (service time)
/// decides which email codes are live.
///
/// The document is compact JSON with the members of every object in the
/// order of their names, so that the same records always export to the same
/// bytes (a fixture kept in version control diffs cleanly).
pub fn export(
    tx: &mut dyn Tx,
    now: Millis,
    include_secrets: bool,
    decrypt: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
) -> OpResult<()> {
    let state = tx.service_state()?;
    let mut members: Vec<Member> = List::ALL
        .into_iter()
        .filter(|l| include_secrets || !l.secret())
        .map(Member::List)
        .chain([
            Member::Scalar("clock_offset_ms", state.clock_offset_ms.to_string()),
            Member::Scalar("version", FIXTURE_VERSION.to_string()),
        ])
        .collect();
    if let Some(settings) = &state.settings {
        // Secret parts of settings (a webhook URL's password) only when asked, like other secrets.
        let shown = if include_secrets { settings.clone() } else { settings.masked() };
        members.push(Member::Scalar("settings", compact(&shown)?));
    }
    members.sort_by_key(Member::key);
    let mut writer = MemberWriter { out, members: &members, next: 0, open: None };
    writer.out.write_all(b"{").map_err(io_failure)?;
    let mut failure = None;
    tx.visit_records(&mut |record| {
        let list = List::of(&record);
        if list.secret() && !include_secrets {
            return Ok(());
        }
        let written = match record {
            Record::Credential(c) => match decrypt(&c.secret_encrypted) {
                Some(secret) => writer.record(list, &secret_of(c, secret)),
                None => Err(Failure::Store(StoreError::Backend(format!(
                    "the secret of {} does not open with this server key",
                    c.access_key_id
                )))),
            },
            Record::EmailCode(c) if c.expires_at <= now => Ok(()),
            other => writer.record(list, &other),
        };
        written.map_err(|f| {
            let message = format!("{f:?}");
            failure = Some(f);
            StoreError::Backend(message)
        })
    })
    .map_err(|e| failure.take().unwrap_or(Failure::Store(e)))?;
    writer.finish()
}

fn secret_of(c: StoredCredential, secret: String) -> FixtureCredential {
    FixtureCredential {
        access_key_id: c.access_key_id,
        account: c.account,
        secret,
        created_at: c.created_at,
        user: c.user,
    }
}

/// `value` as compact JSON with the members of every object in name order
/// (`serde_json::Value` keeps its objects sorted).
fn compact(value: &impl Serialize) -> OpResult<String> {
    serde_json::to_value(value).map(|v| v.to_string()).map_err(json_failure)
}

/// One member of the fixture object.
enum Member {
    /// A value known before the records are read, already written as JSON.
    Scalar(&'static str, String),
    List(List),
}

impl Member {
    fn key(&self) -> &'static str {
        match self {
            Member::Scalar(key, _) => key,
            Member::List(list) => list.key(),
        }
    }
}

/// Writes the members in order: each list as a JSON array of the records
/// handed to it (an empty one for a list without records).
struct MemberWriter<'a> {
    out: &'a mut dyn Write,
    members: &'a [Member],
    /// The index in `members` of the next member to write.
    next: usize,
    /// The open list, and whether a record was written into it.
    open: Option<(List, bool)>,
}

impl MemberWriter<'_> {
    /// Write members up to `until` (every remaining one when `None`), and
    /// leave that list open.
    fn advance(&mut self, until: Option<List>) -> OpResult<()> {
        if let Some((list, _)) = self.open {
            if Some(list) == until {
                return Ok(());
            }
            self.out.write_all(b"]").map_err(io_failure)?;
            self.open = None;
        }
        while let Some(member) = self.members.get(self.next) {
            if self.next > 0 {
                self.out.write_all(b",").map_err(io_failure)?;
            }
            self.next += 1;
            write!(self.out, "\"{}\":", member.key()).map_err(io_failure)?;
            match member {
                Member::Scalar(_, json) => self.out.write_all(json.as_bytes()).map_err(io_failure)?,
                Member::List(list) if Some(*list) == until => {
                    self.out.write_all(b"[").map_err(io_failure)?;
                    self.open = Some((*list, false));
                    return Ok(());
                }
                Member::List(_) => self.out.write_all(b"[]").map_err(io_failure)?,
            }
        }
        match until {
            Some(list) => Err(Failure::Store(StoreError::Backend(format!("{} visited out of order", list.key())))),
            None => Ok(()),
        }
    }

    fn record(&mut self, list: List, record: &impl Serialize) -> OpResult<()> {
        self.advance(Some(list))?;
        if let Some((_, written)) = &mut self.open {
            if *written {
                self.out.write_all(b",").map_err(io_failure)?;
            }
            *written = true;
        }
        self.out.write_all(compact(record)?.as_bytes()).map_err(io_failure)
    }

    fn finish(mut self) -> OpResult<()> {
        self.advance(None)?;
        self.out.write_all(b"}").map_err(io_failure)?;
        self.out.flush().map_err(io_failure)
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Record::Account(r) => r.serialize(s),
            Record::Partner(r) => r.serialize(s),
            Record::ProfileTask(r) => r.serialize(s),
            Record::ConnectionPreferences(r) => r.serialize(s),
            Record::Invitation(r) => r.serialize(s),
            Record::Connection(r) => r.serialize(s),
            Record::Opportunity(r) => r.serialize(s),
            Record::Engagement(r) => r.serialize(s),
            Record::EngagementMember(r) => r.serialize(s),
            Record::EngagementInvitation(r) => r.serialize(s),
            Record::IamUser(r) => r.serialize(s),
            Record::Verification(r) => r.serialize(s),
            Record::QualificationsTask(r) => r.serialize(s),
            Record::QualificationsAssociation(r) => r.serialize(s),
            Record::QualificationsGroup(r) => r.serialize(s),
            Record::EmailCode(r) => r.serialize(s),
            Record::Credential(r) => r.serialize(s),
            Record::SellingSettings(r) => r.serialize(s),
            Record::Solution(r) => r.serialize(s),
            Record::CustomerAccount(r) => r.serialize(s),
        }
    }
}

/// What [`seed`] needs besides the store.
pub struct SeedContext<'a> {
    /// Service time: the time of records that leave theirs out.
    pub now: Millis,
    /// The settings in force (an invitation's default expiry).
    pub settings: &'a Settings,
    pub ids: &'a mut dyn Ids,
    /// Seals a registered secret.
    pub encrypt: &'a dyn Fn(&str) -> String,
}

/// Read a fixture from `input` and store each record as it is read (in the
/// caller's write transaction). A record that collides with a stored one, or
/// that does not read, refuses the whole fixture with a message naming it;
/// the transaction then rolls back, so nothing of the fixture is stored.
pub fn seed(tx: &mut dyn Tx, input: impl Read, cx: SeedContext<'_>) -> OpResult<Counts> {
    let mut seeder =
        Seeder { tx, cx, counts: Counts::default(), version: None, clock: None, settings: None, failure: None };
    let mut de = serde_json::Deserializer::from_reader(input);
    let parsed = (&mut de).deserialize_map(FixtureVisitor(&mut seeder)).and_then(|()| de.end());
    if let Some(failure) = seeder.failure.take() {
        return Err(failure);
    }
    parsed.map_err(|e| refused(format!("fixture: {e}")))?;
    seeder.finish()
}

/// A refused seed: the message names the offending record.
fn refused(message: impl Into<String>) -> Failure {
    Failure::Tool(ToolError::Invalid(message.into()))
}

fn wrong_version() -> Failure {
    refused(format!("version: this server reads fixtures of version {FIXTURE_VERSION}"))
}

struct Seeder<'t, 'c> {
    tx: &'t mut dyn Tx,
    cx: SeedContext<'c>,
    counts: Counts,
    version: Option<u64>,
    clock: Option<i64>,
    settings: Option<Settings>,
    /// Why the seed stopped, when it was not the JSON itself.
    failure: Option<Failure>,
}

impl Seeder<'_, '_> {
    fn finish(self) -> OpResult<Counts> {
        if self.version.is_none() {
            return Err(wrong_version());
        }
        let mut state = std::sync::Arc::unwrap_or_clone(self.tx.service_state()?);
        if let Some(offset) = self.clock {
            if offset < state.clock_offset_ms {
                return Err(refused(format!(
                    "clock_offset_ms: the service clock only moves forward (stored offset {} ms)",
                    state.clock_offset_ms
                )));
            }
            // Service time with the fixture's offset: now, less the stored offset, plus the new one.
            let to = self.cx.now.saturating_sub(state.clock_offset_ms).saturating_add(offset);
            crate::clock::beyond_the_wire(to).map_err(|m| refused(format!("clock_offset_ms: {m}")))?;
            state.clock_offset_ms = offset;
        }
        if let Some(settings) = self.settings {
            // A value masked by an export without secrets keeps the stored secret it stands for.
            let settings = settings.unmasked(self.cx.settings).map_err(|m| refused(format!("settings.{m}")))?;
            state.settings = Some(settings);
        }
        self.tx.put_service_state(&state)?;
        Ok(self.counts)
    }

    /// Fill what a hand-written record of `list` may leave out, read it, check
    /// it against what is stored, and store it.
    fn record(&mut self, list: List, mut value: Value) -> OpResult<()> {
        let now = self.cx.now;
        if let Value::Object(o) = &mut value {
            fill_defaults(list, o, now, self.cx.settings, self.cx.ids);
        }
        let read = |what: &str, e: serde_json::Error| refused(format!("{}[{what}]: {e}", list.key()));
        let label = describe(list, &value);
        macro_rules! typed {
            () => {
                serde_json::from_value(value).map_err(|e| read(&label, e))?
            };
        }
        let tx = &mut *self.tx;
        match list {
            List::Accounts => store_account(tx, typed!())?,
            List::Credentials => store_credential(tx, typed!(), self.cx.encrypt)?,
            List::Partners => store_partner(tx, typed!())?,
            List::ProfileTasks => store_profile_task(tx, typed!())?,
            List::ConnectionPreferences => store_preferences(tx, typed!())?,
            List::Invitations => store_invitation(tx, typed!())?,
            List::Connections => store_connection(tx, typed!())?,
            List::Opportunities => {
                let given = given_members(value.get("body"));
                store_opportunity(tx, typed!(), &given)?
            }
            List::Engagements => store_engagement(tx, typed!())?,
            List::EngagementMembers => store_engagement_member(tx, typed!())?,
            List::EngagementInvitations => store_engagement_invitation(tx, typed!())?,
            List::IamUsers => store_iam_user(tx, typed!(), now)?,
            List::Verifications => store_verification(tx, typed!())?,
            List::QualificationsTasks => store_qualifications_task(tx, typed!())?,
            List::QualificationsAssociations => store_association(tx, typed!())?,
            List::QualificationsGroups => store_group(tx, typed!())?,
            List::EmailCodes => store_email_code(tx, typed!())?,
            List::SellingSettings => store_selling_settings(tx, typed!())?,
            List::Solutions => store_solution(tx, typed!())?,
            List::CustomerAccounts => store_customer_account(tx, typed!())?,
        }
        self.counts.add(list);
        Ok(())
    }
}

/// How a record is named in messages before it is read: its id or account.
fn describe(list: List, value: &Value) -> String {
    let field = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    match list {
        List::Accounts => field("account"),
        List::Credentials => field("access_key_id"),
        List::ProfileTasks | List::QualificationsTasks => field("task_id"),
        List::ConnectionPreferences | List::SellingSettings => format!("{}/{}", field("catalog"), field("account")),
        List::Verifications => format!("{}/{}", field("account"), field("verification_type")),
        List::QualificationsAssociations => format!("{}/{}", field("catalog"), field("subsidiary_account")),
        List::QualificationsGroups => format!("{}/{}", field("catalog"), field("primary_account")),
        List::EmailCodes => format!("{}/{}", field("catalog"), field("address")),
        List::EngagementMembers => format!("{}/{}/{}", field("catalog"), field("engagement_id"), field("account")),
        List::IamUsers => format!("{}/{}", field("account"), field("name")),
        List::Partners
        | List::Invitations
        | List::Connections
        | List::Opportunities
        | List::Engagements
        | List::EngagementInvitations
        | List::Solutions
        | List::CustomerAccounts => {
            format!("{}/{}", field("catalog"), field("id"))
        }
    }
}

/// The top level of a fixture document.
struct FixtureVisitor<'s, 't, 'c>(&'s mut Seeder<'t, 'c>);

impl<'de> Visitor<'de> for FixtureVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fixture (a JSON object)")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        use serde::de::Error;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => {
                    let version: u64 = map.next_value()?;
                    if version != u64::from(FIXTURE_VERSION) {
                        self.0.failure = Some(wrong_version());
                        return Err(M::Error::custom("refused"));
                    }
                    self.0.version = Some(version);
                }
                "clock_offset_ms" => self.0.clock = map.next_value()?,
                "settings" => self.0.settings = map.next_value()?,
                other => match List::ALL.into_iter().find(|l| l.key() == other) {
                    Some(list) => map.next_value_seed(ListSeed { seeder: &mut *self.0, list })?,
                    None => {
                        let _ = map.next_value::<IgnoredAny>()?;
                        return Err(M::Error::custom(format!("unknown member {other:?}")));
                    }
                },
            }
        }
        Ok(())
    }
}

/// One record list: each element stored as soon as it is read.
struct ListSeed<'s, 't, 'c> {
    seeder: &'s mut Seeder<'t, 'c>,
    list: List,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}", self.list.key())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(()) // `null`: no records
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error;
        while let Some(value) = seq.next_element::<Value>()? {
            if let Err(failure) = self.seeder.record(self.list, value) {
                self.seeder.failure = Some(failure);
                return Err(A::Error::custom("refused"));
            }
        }
        Ok(())
    }
}

/// Fill what a hand-written record of `list` may leave out.
fn fill_defaults(list: List, o: &mut Map<String, Value>, now: Millis, settings: &Settings, ids: &mut dyn Ids) {
    match list {
        List::Partners => {
            fill(o, "created_at", json!(now));
            fill(o, "domains", json!([]));
            fill(o, "tags", json!([]));
            let legal = o.get("legal_name").cloned().unwrap_or(Value::Null);
            fill(
                o,
                "draft",
                json!({"DisplayName": legal, "Description": legal, "WebsiteUrl": DRAFT_URL, "LogoUrl": DRAFT_URL,
                       "PrimarySolutionType": "SOFTWARE_PRODUCTS", "IndustrySegments": ["OTHER"],
                       "TranslationSourceLocale": DRAFT_LOCALE}),
            );
        }
        List::ProfileTasks => {
            if !o.contains_key("task_id") {
                o.insert("task_id".into(), json!(new_id::<ProfileTaskId>(ids)));
            }
            fill(o, "started_at", json!(now));
            fill(o, "due_at", json!(now));
        }
        List::ConnectionPreferences => {
            fill(o, "excluded", json!([]));
            fill(o, "updated_at", json!(now));
            fill(o, "revision", json!(0));
        }
        List::Invitations => {
            fill(o, "message", json!(""));
            fill(o, "created_at", json!(now));
            fill(o, "updated_at", json!(now));
            fill(o, "expires_at", json!(now.saturating_add(ms(settings.invitation_lifetime_days, DAY_MS))));
        }
        List::Engagements => {
            fill(o, "created_at", json!(now));
            let created = o.get("created_at").cloned().unwrap_or(json!(now));
            fill(o, "modified_at", created);
            let creator = o.get("created_by").cloned().unwrap_or(Value::Null);
            fill(o, "modified_by", creator);
        }
        List::EngagementMembers => fill(o, "joined_at", json!(now)),
        List::EngagementInvitations => {
            fill(o, "created_at", json!(now));
            let created = o.get("created_at").and_then(Value::as_i64).unwrap_or(now);
            fill(o, "updated_at", json!(created));
            fill(
                o,
                "expires_at",
                json!(created.saturating_add(ms(settings.engagement_invitation_lifetime_days, DAY_MS))),
            );
            fill(o, "status", json!("PENDING"));
        }
        List::Opportunities => {
            fill(o, "created_at", json!(now));
            let created = o.get("created_at").cloned().unwrap_or(json!(now));
            fill(o, "last_modified", created);
            fill(o, "origin", json!("Partner Referral"));
            fill(o, "body", json!({}));
        }
        List::SellingSettings => fill(o, "updated_at", json!(now)),
        List::CustomerAccounts => {
            fill(o, "created_at", json!(now));
            let created = o.get("created_at").cloned().unwrap_or(json!(now));
            fill(o, "last_modified", created);
            fill(o, "enrichment_status", json!("PENDING"));
        }
        List::Solutions => {
            fill(o, "created_at", json!(now));
            fill(o, "status", json!("Active"));
        }
        List::Connections => {
            fill(o, "created_at", json!(now));
            fill(o, "updated_at", json!(now));
            let first = o.get("participants").and_then(|p| p.get(0)).cloned().unwrap_or(Value::Null);
            if let Some(Value::Object(types)) = o.get_mut("types") {
                for entry in types.values_mut() {
                    if let Value::Object(e) = entry {
                        fill(e, "created_at", json!(now));
                        fill(e, "inviter_account", first.clone());
                    }
                }
            }
        }
        _ => {}
    }
}

fn fill(object: &mut Map<String, Value>, key: &str, value: Value) {
    if object.get(key).is_none_or(Value::is_null) {
        object.insert(key.to_string(), value);
    }
}

/// A unique index the checks below do not cover is still a refusal, not a retry.
fn named(what: String) -> impl FnOnce(StoreError) -> Failure {
    move |e: StoreError| match e {
        StoreError::Conflict => refused(format!("{what}: conflicts with a stored record")),
        other => Failure::Store(other),
    }
}

fn store_account(tx: &mut dyn Tx, a: AccountRecord) -> OpResult<()> {
    let what = format!("accounts[{}]", a.account);
    accounts::validate(&a).map_err(|m| refused(format!("{what}: {m}")))?;
    if tx.account(&a.account)?.is_some() {
        return Err(refused(format!("{what}: the account is already configured")));
    }
    tx.put_account(&a).map_err(named(what))
}

fn store_credential(tx: &mut dyn Tx, c: FixtureCredential, encrypt: &dyn Fn(&str) -> String) -> OpResult<()> {
    let what = format!("credentials[{}]", c.access_key_id);
    if tx.credential(&c.access_key_id)?.is_some() {
        return Err(refused(format!("{what}: the key id is already registered")));
    }
    let stored = StoredCredential {
        secret_encrypted: encrypt(&c.secret),
        access_key_id: c.access_key_id,
        account: c.account,
        created_at: c.created_at,
        user: c.user,
    };
    tx.insert_credential(&stored).map_err(named(what))
}

fn store_iam_user(tx: &mut dyn Tx, mut u: IamUser, now: Millis) -> OpResult<()> {
    let what = format!("iam_users[{}/{}]", u.account, u.name);
    crate::iam_users::check(&u).map_err(|m| refused(format!("{what}: {m}")))?;
    if tx.iam_user(&u.account, &u.name)?.is_some() {
        return Err(refused(format!("{what}: the user already exists")));
    }
    u.version = u.version.max(1);
    if u.updated_at == 0 {
        u.updated_at = now;
    }
    tx.put_iam_user(&u).map_err(named(what))
}

fn store_partner(tx: &mut dyn Tx, p: Partner) -> OpResult<()> {
    let what = format!("partners[{}/{}]", p.catalog, p.id);
    if tx.partner_by_id(p.catalog, &p.id)?.is_some() {
        return Err(refused(format!("{what}: a partner with this id exists")));
    }
    if tx.partner_by_account(p.catalog, &p.account)?.is_some() {
        return Err(refused(format!("{what}: account {} already has a partner in {}", p.account, p.catalog)));
    }
    if tx.partner_by_legal_name(p.catalog, &legal_name_key(&p.legal_name))?.is_some() {
        return Err(refused(format!("{what}: legal name {:?} is taken", p.legal_name)));
    }
    if tx.partner_by_profile_id(p.catalog, &p.profile_id)?.is_some() {
        return Err(refused(format!("{what}: profile id {} is taken", p.profile_id)));
    }
    tx.insert_partner(&p).map_err(named(what))
}

fn store_profile_task(tx: &mut dyn Tx, t: ProfileTask) -> OpResult<()> {
    let what = format!("profile_tasks[{}]", t.task_id);
    if tx.profile_tasks(&t.partner_id)?.iter().any(|x| x.task_id == t.task_id) {
        return Err(refused(format!("{what}: a task with this id exists")));
    }
    tx.insert_profile_task(&t).map_err(named(what))
}

fn store_preferences(tx: &mut dyn Tx, p: ConnectionPreferences) -> OpResult<()> {
    let what = format!("connection_preferences[{}/{}]", p.catalog, p.account);
    if tx.connection_preferences(p.catalog, &p.account)?.is_some() {
        return Err(refused(format!("{what}: the account already has stored preferences")));
    }
    tx.put_connection_preferences(&p).map_err(named(what))
}

fn store_invitation(tx: &mut dyn Tx, i: Invitation) -> OpResult<()> {
    let what = format!("invitations[{}/{}]", i.catalog, i.id);
    if tx.invitation(i.catalog, &i.id)?.is_some() {
        return Err(refused(format!("{what}: an invitation with this id exists")));
    }
    tx.insert_invitation(&i).map_err(named(what))
}

fn store_connection(tx: &mut dyn Tx, c: Connection) -> OpResult<()> {
    let what = format!("connections[{}/{}]", c.catalog, c.id);
    if tx.connection(c.catalog, &c.id)?.is_some() {
        return Err(refused(format!("{what}: a connection with this id exists")));
    }
    if c.is_live() && tx.live_connection_between(c.catalog, [&c.participants[0], &c.participants[1]])?.is_some() {
        return Err(refused(format!("{what}: the two accounts already have an active connection")));
    }
    tx.insert_connection(&c).map_err(named(what))
}

fn store_engagement(tx: &mut dyn Tx, e: Engagement) -> OpResult<()> {
    let what = format!("engagements[{}/{}]", e.catalog, e.id);
    if tx.engagement(e.catalog, &e.id)?.is_some() {
        return Err(refused(format!("{what}: an engagement with this id exists")));
    }
    tx.insert_engagement(&e).map_err(named(what.clone()))?;
    // Its creator is its first member.
    let creator = EngagementMembership {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        account: e.created_by.clone(),
        joined_at: e.created_at,
    };
    tx.insert_engagement_member(&creator).map_err(named(what))?;
    Ok(())
}

fn store_engagement_invitation(tx: &mut dyn Tx, i: EngagementInvitation) -> OpResult<()> {
    let what = format!("engagement_invitations[{}/{}]", i.catalog, i.id);
    if tx.engagement_invitation(i.catalog, &i.id)?.is_some() {
        return Err(refused(format!("{what}: an engagement invitation with this id exists")));
    }
    tx.insert_engagement_invitation(&i).map_err(named(what))
}

fn store_engagement_member(tx: &mut dyn Tx, m: EngagementMembership) -> OpResult<()> {
    let what = format!("engagement_members[{}/{}/{}]", m.catalog, m.engagement_id, m.account);
    // The list comes before `engagements` in a fixture (members are in name
    // order), so its engagement may be stored later in the same seed.
    match tx.engagement_member(m.catalog, &m.engagement_id, &m.account)? {
        // The creator's membership, stored with its engagement (as an export writes it).
        Some(stored) if stored == m => Ok(()),
        Some(_) => Err(refused(format!("{what}: already a member since another time"))),
        None => tx.insert_engagement_member(&m).map(|_| ()).map_err(named(what)),
    }
}

/// The members of a JSON object that hold something (a null one is absent).
fn given_members(object: Option<&Value>) -> Vec<String> {
    let members = object.and_then(Value::as_object).into_iter().flatten();
    members.filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect()
}

/// Store `o`, whose fixture's `body` held the members `given`: each must be
/// one the document keeps (reading it would drop any other).
fn store_opportunity(tx: &mut dyn Tx, o: Opportunity, given: &[String]) -> OpResult<()> {
    let what = format!("opportunities[{}/{}]", o.catalog, o.id);
    let body = serde_json::to_value(&o.body).map_err(|e| refused(format!("{what}: body: {e}")))?;
    let kept = given_members(Some(&body));
    if let Some(unknown) = given.iter().find(|m| !kept.contains(m)) {
        return Err(refused(format!("{what}: body.{unknown} is not a member an opportunity keeps")));
    }
    if tx.opportunity(o.catalog, &o.id)?.is_some() {
        return Err(refused(format!("{what}: an opportunity with this id exists")));
    }
    tx.insert_opportunity(&o).map_err(named(what))
}

fn store_selling_settings(tx: &mut dyn Tx, s: SellingSettings) -> OpResult<()> {
    let what = format!("selling_settings[{}/{}]", s.catalog, s.account);
    if tx.selling_settings(s.catalog, &s.account)?.is_some() {
        return Err(refused(format!("{what}: the account already has settings in this catalog")));
    }
    tx.put_selling_settings(&s).map_err(named(what))
}

fn store_solution(tx: &mut dyn Tx, s: Solution) -> OpResult<()> {
    let what = format!("solutions[{}/{}]", s.catalog, s.id);
    if is_sandbox_test_solution(s.catalog, &s.id) {
        return Err(refused(format!("{what}: this id is the built-in Sandbox test solution's")));
    }
    if tx.solution(s.catalog, &s.id)?.is_some() {
        return Err(refused(format!("{what}: a solution with this id exists")));
    }
    if s.name.is_empty() || s.category.is_empty() {
        return Err(refused(format!("{what}: name and category must not be empty")));
    }
    if s.aws_marketplace_solution_arn.as_deref().is_some_and(|a| !a.starts_with("arn:") || a.len() > 2048) {
        return Err(refused(format!(
            "{what}: aws_marketplace_solution_arn must be an ARN (arn:…, at most 2048 characters)"
        )));
    }
    tx.insert_solution(&s).map_err(named(what))
}

fn store_customer_account(tx: &mut dyn Tx, a: CustomerAccount) -> OpResult<()> {
    let what = format!("customer_accounts[{}/{}]", a.catalog, a.id);
    if tx.customer_account(a.catalog, &a.id)?.is_some() {
        return Err(refused(format!("{what}: a customer account with this id exists")));
    }
    // The model's id (and ARN) pattern has lower-case letters only.
    if a.id.as_str().bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(refused(format!("{what}: id must be cust-acc- and 13 lower-case letters or digits")));
    }
    if let Err(problem) = crate::records::check_data(&a.account) {
        return Err(refused(format!("{what}: {problem}")));
    }
    if a.last_modified < a.created_at {
        return Err(refused(format!("{what}: last_modified must not be before created_at")));
    }
    tx.insert_customer_account(&a).map_err(named(what))
}

fn store_verification(tx: &mut dyn Tx, v: Verification) -> OpResult<()> {
    let what = format!("verifications[{}/{}]", v.account, v.verification_type);
    if tx.verification(&v.account, v.verification_type)?.is_some() {
        return Err(refused(format!("{what}: the account already has this verification")));
    }
    tx.put_verification(&v).map_err(named(what))
}

fn store_qualifications_task(tx: &mut dyn Tx, t: QualificationsTask) -> OpResult<()> {
    let what = format!("qualifications_tasks[{}]", t.task_id);
    if tx.qualifications_task(t.catalog, &t.task_id)?.is_some() {
        return Err(refused(format!("{what}: a task with this id exists")));
    }
    tx.insert_qualifications_task(&t).map_err(named(what))
}

fn store_association(tx: &mut dyn Tx, a: QualificationsAssociation) -> OpResult<()> {
    let what = format!("qualifications_associations[{}/{}]", a.catalog, a.subsidiary_account);
    tx.insert_qualifications_association(&a).map_err(named(what))
}

fn store_group(tx: &mut dyn Tx, g: QualificationsGroup) -> OpResult<()> {
    let what = format!("qualifications_groups[{}/{}]", g.catalog, g.primary_account);
    if tx
        .qualifications_of(g.catalog, &[&g.primary_account])?
        .groups
        .iter()
        .any(|x| x.primary_account == g.primary_account)
    {
        return Err(refused(format!("{what}: the group exists")));
    }
    tx.put_qualifications_group(&g).map_err(named(what))
}

fn store_email_code(tx: &mut dyn Tx, c: EmailCode) -> OpResult<()> {
    let what = format!("email_codes[{}/{}]", c.catalog, c.address);
    if tx.email_code(c.catalog, &c.address)?.is_some() {
        return Err(refused(format!("{what}: a live code exists for this address")));
    }
    tx.put_email_code(&c).map_err(named(what))
}
