//! Fixtures: the stored records as one declarative JSON document, for
//! `GET /_pcentral/export` and `POST /_pcentral/seed`.
//!
//! A fixture *is* the stored records (the record documents of [`crate::records`]),
//! so an export seeded into an empty server exports again identically. For
//! fixtures written by hand, [`parse`] fills what a person would rather not
//! write: timestamps (service time now), empty lists, a partner's draft, a
//! profile task's id. Secrets (registered key pairs' secrets, live email
//! codes) are exported only when asked; the server decrypts and encrypts
//! them, the core only passes them through.

use pcentral_model::{AccountId, Millis, ProfileTaskId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::accounts;
use crate::ctx::{new_id, Ids};
use crate::partners::{legal_name_key, DRAFT_LOCALE, DRAFT_URL};
use crate::records::{
    AccountRecord, Connection, ConnectionPreferences, EmailCode, Invitation, Partner, ProfileTask,
    QualificationsAssociation, QualificationsGroup, QualificationsTask, StoredCredential, Verification,
};
use crate::settings::{ms, Settings, DAY_MS};
use crate::store::{Failure, OpResult, StoreError, Tx};
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
}

/// The fixture document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    pub version: u32,
    /// Service clock offset from the wall clock; seeding never moves the clock back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_offset_ms: Option<i64>,
    /// Settings changed at runtime (absent: the settings the server started with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    #[serde(default)]
    pub accounts: Vec<AccountRecord>,
    #[serde(default)]
    pub partners: Vec<Partner>,
    /// Oldest first per partner; the published profile is derived from them.
    #[serde(default)]
    pub profile_tasks: Vec<ProfileTask>,
    #[serde(default)]
    pub connection_preferences: Vec<ConnectionPreferences>,
    #[serde(default)]
    pub invitations: Vec<Invitation>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub verifications: Vec<Verification>,
    #[serde(default)]
    pub qualifications_tasks: Vec<QualificationsTask>,
    #[serde(default)]
    pub qualifications_associations: Vec<QualificationsAssociation>,
    #[serde(default)]
    pub qualifications_groups: Vec<QualificationsGroup>,
    /// Only in exports with secrets: registered key pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<FixtureCredential>>,
    /// Only in exports with secrets: live email verification codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_codes: Option<Vec<EmailCode>>,
}

impl Fixture {
    /// How many records of each kind the fixture holds, under the fixture's
    /// own list names, every list included (the destructuring makes a list
    /// added to [`Fixture`] fail to compile until it is counted here).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let Fixture {
            version: _,
            clock_offset_ms: _,
            settings: _,
            accounts,
            partners,
            profile_tasks,
            connection_preferences,
            invitations,
            connections,
            verifications,
            qualifications_tasks,
            qualifications_associations,
            qualifications_groups,
            credentials,
            email_codes,
        } = self;
        vec![
            ("accounts", accounts.len()),
            ("partners", partners.len()),
            ("profile_tasks", profile_tasks.len()),
            ("connection_preferences", connection_preferences.len()),
            ("invitations", invitations.len()),
            ("connections", connections.len()),
            ("verifications", verifications.len()),
            ("qualifications_tasks", qualifications_tasks.len()),
            ("qualifications_associations", qualifications_associations.len()),
            ("qualifications_groups", qualifications_groups.len()),
            ("credentials", credentials.as_ref().map_or(0, Vec::len)),
            ("email_codes", email_codes.as_ref().map_or(0, Vec::len)),
        ]
    }
}

/// The fixture of everything stored. `decrypt` opens a stored secret; `now`
/// (service time) decides which email codes are live.
pub fn export(
    tx: &mut dyn Tx,
    now: Millis,
    include_secrets: bool,
    decrypt: &dyn Fn(&str) -> Option<String>,
) -> OpResult<Fixture> {
    let state = tx.service_state()?;
    let r = tx.all_records()?;
    let (credentials, email_codes) = if include_secrets {
        let mut creds = Vec::new();
        for c in r.credentials {
            let Some(secret) = decrypt(&c.secret_encrypted) else {
                return Err(StoreError::Backend(format!(
                    "the secret of {} does not open with this server key",
                    c.access_key_id
                ))
                .into());
            };
            creds.push(FixtureCredential {
                access_key_id: c.access_key_id,
                account: c.account,
                secret,
                created_at: c.created_at,
            });
        }
        (Some(creds), Some(r.email_codes.into_iter().filter(|c| c.expires_at > now).collect()))
    } else {
        (None, None)
    };
    Ok(Fixture {
        version: FIXTURE_VERSION,
        clock_offset_ms: Some(state.clock_offset_ms),
        settings: state.settings,
        accounts: r.accounts,
        partners: r.partners,
        profile_tasks: r.profile_tasks,
        connection_preferences: r.connection_preferences,
        invitations: r.invitations,
        connections: r.connections,
        verifications: r.verifications,
        qualifications_tasks: r.qualifications_tasks,
        qualifications_associations: r.qualifications_associations,
        qualifications_groups: r.qualifications_groups,
        credentials,
        email_codes,
    })
}

/// Read a fixture document, filling what a hand-written one may leave out:
/// timestamps (`now`), empty lists, a partner's draft profile, a profile
/// task's id, an invitation's expiry (`settings`). The error names the record.
pub fn parse(mut doc: Value, now: Millis, settings: &Settings, ids: &mut dyn Ids) -> Result<Fixture, ToolError> {
    let Some(root) = doc.as_object_mut() else {
        return Err(ToolError::Invalid("a fixture is a JSON object".into()));
    };
    match root.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(FIXTURE_VERSION) => {}
        _ => {
            return Err(ToolError::Invalid(format!("version: this server reads fixtures of version {FIXTURE_VERSION}")))
        }
    }
    let lifetime = ms(settings.invitation_lifetime_days, DAY_MS);
    for_each(root, "partners", |p| {
        fill(p, "created_at", json!(now));
        fill(p, "domains", json!([]));
        fill(p, "tags", json!([]));
        let legal = p.get("legal_name").cloned().unwrap_or(Value::Null);
        fill(
            p,
            "draft",
            json!({"DisplayName": legal, "Description": legal, "WebsiteUrl": DRAFT_URL, "LogoUrl": DRAFT_URL,
                   "PrimarySolutionType": "SOFTWARE_PRODUCTS", "IndustrySegments": ["OTHER"],
                   "TranslationSourceLocale": DRAFT_LOCALE}),
        );
    });
    for_each(root, "profile_tasks", |t| {
        if !t.contains_key("task_id") {
            t.insert("task_id".into(), json!(new_id::<ProfileTaskId>(ids)));
        }
        fill(t, "started_at", json!(now));
        fill(t, "due_at", json!(now));
    });
    for_each(root, "connection_preferences", |p| {
        fill(p, "excluded", json!([]));
        fill(p, "updated_at", json!(now));
        fill(p, "revision", json!(0));
    });
    for_each(root, "invitations", |i| {
        fill(i, "message", json!(""));
        fill(i, "created_at", json!(now));
        fill(i, "updated_at", json!(now));
        fill(i, "expires_at", json!(now.saturating_add(lifetime)));
    });
    for_each(root, "connections", |c| {
        fill(c, "created_at", json!(now));
        fill(c, "updated_at", json!(now));
        let first = c.get("participants").and_then(|p| p.get(0)).cloned().unwrap_or(Value::Null);
        if let Some(Value::Object(types)) = c.get_mut("types") {
            for entry in types.values_mut() {
                if let Value::Object(e) = entry {
                    fill(e, "created_at", json!(now));
                    fill(e, "inviter_account", first.clone());
                }
            }
        }
    });
    serde_json::from_value(doc).map_err(|e| ToolError::Invalid(format!("fixture: {e}")))
}

fn fill(object: &mut Map<String, Value>, key: &str, value: Value) {
    if object.get(key).is_none_or(Value::is_null) {
        object.insert(key.to_string(), value);
    }
}

fn for_each(root: &mut Map<String, Value>, list: &str, mut f: impl FnMut(&mut Map<String, Value>)) {
    if let Some(Value::Array(items)) = root.get_mut(list) {
        for item in items {
            if let Value::Object(o) = item {
                f(o);
            }
        }
    }
}

/// A refused seed: the message names the offending record. The write
/// transaction rolls back, so nothing of the fixture is stored.
fn refused(message: impl Into<String>) -> Failure {
    Failure::Tool(ToolError::Invalid(message.into()))
}

/// Insert the records of `fixture` into the store (in the caller's write
/// transaction). Any record that collides with a stored one is refused
/// with a message naming it. `encrypt` seals registered secrets.
pub fn seed(tx: &mut dyn Tx, fixture: &Fixture, encrypt: &dyn Fn(&str) -> String) -> OpResult<()> {
    if fixture.version != FIXTURE_VERSION {
        return Err(refused(format!("version: this server reads fixtures of version {FIXTURE_VERSION}")));
    }
    // A unique index the checks below do not cover is still a refusal, not a retry.
    let named = |what: String| {
        move |e: StoreError| match e {
            StoreError::Conflict => refused(format!("{what}: conflicts with a stored record")),
            other => Failure::Store(other),
        }
    };
    for a in &fixture.accounts {
        let what = format!("accounts[{}]", a.account);
        accounts::validate(a).map_err(|m| refused(format!("{what}: {m}")))?;
        if tx.account(&a.account)?.is_some() {
            return Err(refused(format!("{what}: the account is already configured")));
        }
        tx.put_account(a).map_err(named(what))?;
    }
    for c in fixture.credentials.iter().flatten() {
        let what = format!("credentials[{}]", c.access_key_id);
        if tx.credential(&c.access_key_id)?.is_some() {
            return Err(refused(format!("{what}: the key id is already registered")));
        }
        let stored = StoredCredential {
            access_key_id: c.access_key_id.clone(),
            account: c.account.clone(),
            secret_encrypted: encrypt(&c.secret),
            created_at: c.created_at,
        };
        tx.insert_credential(&stored).map_err(named(what))?;
    }
    for p in &fixture.partners {
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
        tx.insert_partner(p).map_err(named(what))?;
    }
    for t in &fixture.profile_tasks {
        let what = format!("profile_tasks[{}]", t.task_id);
        let tasks = tx.profile_tasks(&t.partner_id)?;
        if tasks.iter().any(|x| x.task_id == t.task_id) {
            return Err(refused(format!("{what}: a task with this id exists")));
        }
        tx.insert_profile_task(t).map_err(named(what))?;
    }
    for p in &fixture.connection_preferences {
        let what = format!("connection_preferences[{}/{}]", p.catalog, p.account);
        if tx.connection_preferences(p.catalog, &p.account)?.is_some() {
            return Err(refused(format!("{what}: the account already has stored preferences")));
        }
        tx.put_connection_preferences(p).map_err(named(what))?;
    }
    for i in &fixture.invitations {
        let what = format!("invitations[{}/{}]", i.catalog, i.id);
        if tx.invitation(i.catalog, &i.id)?.is_some() {
            return Err(refused(format!("{what}: an invitation with this id exists")));
        }
        tx.insert_invitation(i).map_err(named(what))?;
    }
    for c in &fixture.connections {
        let what = format!("connections[{}/{}]", c.catalog, c.id);
        if tx.connection(c.catalog, &c.id)?.is_some() {
            return Err(refused(format!("{what}: a connection with this id exists")));
        }
        if c.is_live() && tx.live_connection_between(c.catalog, [&c.participants[0], &c.participants[1]])?.is_some() {
            return Err(refused(format!("{what}: the two accounts already have an active connection")));
        }
        tx.insert_connection(c).map_err(named(what))?;
    }
    for v in &fixture.verifications {
        let what = format!("verifications[{}/{}]", v.account, v.verification_type);
        if tx.verification(&v.account, v.verification_type)?.is_some() {
            return Err(refused(format!("{what}: the account already has this verification")));
        }
        tx.put_verification(v).map_err(named(what))?;
    }
    for t in &fixture.qualifications_tasks {
        let what = format!("qualifications_tasks[{}]", t.task_id);
        if tx.qualifications_task(t.catalog, &t.task_id)?.is_some() {
            return Err(refused(format!("{what}: a task with this id exists")));
        }
        tx.insert_qualifications_task(t).map_err(named(what))?;
    }
    for a in &fixture.qualifications_associations {
        let what = format!("qualifications_associations[{}/{}]", a.catalog, a.subsidiary_account);
        tx.insert_qualifications_association(a).map_err(named(what))?;
    }
    for g in &fixture.qualifications_groups {
        let what = format!("qualifications_groups[{}/{}]", g.catalog, g.primary_account);
        if tx
            .qualifications_of(g.catalog, &[&g.primary_account])?
            .groups
            .iter()
            .any(|x| x.primary_account == g.primary_account)
        {
            return Err(refused(format!("{what}: the group exists")));
        }
        tx.put_qualifications_group(g).map_err(named(what))?;
    }
    for c in fixture.email_codes.iter().flatten() {
        let what = format!("email_codes[{}/{}]", c.catalog, c.address);
        if tx.email_code(c.catalog, &c.address)?.is_some() {
            return Err(refused(format!("{what}: a live code exists for this address")));
        }
        tx.put_email_code(c).map_err(named(what))?;
    }
    let mut state = tx.service_state()?;
    if let Some(offset) = fixture.clock_offset_ms {
        if offset < state.clock_offset_ms {
            return Err(refused(format!(
                "clock_offset_ms: the service clock only moves forward (stored offset {} ms)",
                state.clock_offset_ms
            )));
        }
        state.clock_offset_ms = offset;
    }
    if fixture.settings.is_some() {
        state.settings = fixture.settings.clone();
    }
    tx.put_service_state(&state)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_every_list_of_the_fixture_format() {
        let empty = Fixture {
            version: FIXTURE_VERSION,
            clock_offset_ms: None,
            settings: None,
            accounts: vec![],
            partners: vec![],
            profile_tasks: vec![],
            connection_preferences: vec![],
            invitations: vec![],
            connections: vec![],
            verifications: vec![],
            qualifications_tasks: vec![],
            qualifications_associations: vec![],
            qualifications_groups: vec![],
            credentials: Some(vec![]),
            email_codes: Some(vec![]),
        };
        let doc = serde_json::to_value(&empty).unwrap();
        let mut lists: Vec<&str> =
            doc.as_object().unwrap().iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k.as_str()).collect();
        let mut counted: Vec<&str> = empty.counts().into_iter().map(|(name, _)| name).collect();
        lists.sort_unstable();
        counted.sort_unstable();
        assert_eq!(counted, lists);
    }
}
