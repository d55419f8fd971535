//! [`MaintenanceTx`]: reset, export and retention's purge, over every
//! family's tables.

use pcentral_core::store::{MaintenanceTx, Purge, Purged, Record, ResetScope, ServiceTx};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, Millis};

use super::{from_doc, SqlTx};
use crate::sql::{Cell, Db};

/// The tables of the records a fixture holds.
const RECORD_TABLES: [&str; 20] = [
    "accounts",
    "partners",
    "profile_tasks",
    "connection_preferences",
    "connection_invitations",
    "connections",
    "opportunities",
    "engagements",
    "engagement_invitations",
    "engagement_members",
    "selling_settings",
    "solutions",
    "customer_accounts",
    "verifications",
    "qualifications_tasks",
    "qualifications_associations",
    "qualifications_groups",
    "credentials",
    "email_codes",
    "iam_users",
];

/// How [`MaintenanceTx::visit_records`] reads each kind of record, in the order of [`Record`].
type ReadRecord = fn(&str) -> Result<Record, StoreError>;
const RECORD_QUERIES: [(&str, ReadRecord); 20] = [
    ("SELECT doc FROM accounts ORDER BY account", |d| from_doc(d).map(Record::Account)),
    ("SELECT doc FROM connection_preferences ORDER BY catalog, account", |d| {
        from_doc(d).map(Record::ConnectionPreferences)
    }),
    ("SELECT doc FROM connections ORDER BY catalog, created_at, id", |d| from_doc(d).map(Record::Connection)),
    ("SELECT doc FROM credentials ORDER BY access_key_id", |d| from_doc(d).map(Record::Credential)),
    ("SELECT doc FROM customer_accounts ORDER BY catalog, created_at, id", |d| {
        from_doc(d).map(|a| Record::CustomerAccount(Box::new(a)))
    }),
    ("SELECT doc FROM email_codes ORDER BY catalog, address", |d| from_doc(d).map(Record::EmailCode)),
    ("SELECT doc FROM engagement_invitations ORDER BY catalog, created_at, id", |d| {
        from_doc(d).map(Record::EngagementInvitation)
    }),
    ("SELECT doc FROM engagement_members ORDER BY catalog, engagement_id, joined_at, account", |d| {
        from_doc(d).map(Record::EngagementMember)
    }),
    ("SELECT doc FROM engagements ORDER BY catalog, created_at, id", |d| from_doc(d).map(Record::Engagement)),
    ("SELECT doc FROM iam_users ORDER BY account, name", |d| from_doc(d).map(Record::IamUser)),
    ("SELECT doc FROM connection_invitations ORDER BY catalog, created_at, id", |d| {
        from_doc(d).map(Record::Invitation)
    }),
    ("SELECT doc FROM opportunities ORDER BY catalog, created_at, id", |d| from_doc(d).map(Record::Opportunity)),
    ("SELECT doc FROM partners ORDER BY catalog, id", |d| from_doc(d).map(Record::Partner)),
    ("SELECT doc FROM profile_tasks ORDER BY seq", |d| from_doc(d).map(Record::ProfileTask)),
    ("SELECT doc FROM qualifications_associations ORDER BY seq", |d| {
        from_doc(d).map(Record::QualificationsAssociation)
    }),
    ("SELECT doc FROM qualifications_groups ORDER BY catalog, primary_account", |d| {
        from_doc(d).map(Record::QualificationsGroup)
    }),
    ("SELECT doc FROM qualifications_tasks ORDER BY seq", |d| from_doc(d).map(Record::QualificationsTask)),
    ("SELECT doc FROM selling_settings ORDER BY catalog, account", |d| from_doc(d).map(Record::SellingSettings)),
    ("SELECT doc FROM solutions ORDER BY catalog, id", |d| from_doc(d).map(Record::Solution)),
    ("SELECT doc FROM verifications ORDER BY account, verification_type", |d| from_doc(d).map(Record::Verification)),
];

impl<D: Db> MaintenanceTx for SqlTx<'_, D> {
    fn reset(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        self.reset_records(scope)
    }

    fn visit_records(&mut self, visit: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<(), StoreError> {
        for (sql, read) in RECORD_QUERIES {
            self.db.each_text(sql, p![], &mut |doc| visit(read(doc)?))?;
        }
        Ok(())
    }

    fn purge(&mut self, p: &Purge) -> Result<Purged, StoreError> {
        Ok(Purged {
            idempotency: self.purge_oldest("idempotency", "created_at", "", p.idempotency_created_by, p.batch)?,
            usage: self.purge_oldest("usage", "at", "", p.usage_at_or_before, p.batch)?,
            email_codes: self.purge_oldest("email_codes", "expires_at", "", p.email_codes_expired_by, p.batch)?,
            // Only events that will not be posted again (delivered, given up, or without a webhook).
            events: self.purge_oldest(
                "events",
                "time",
                " AND next_attempt_at IS NULL",
                p.logs_at_or_before,
                p.batch,
            )?,
            outbox: self.purge_oldest("outbox", "sent_at", "", p.logs_at_or_before, p.batch)?,
        })
    }

    fn holds_records(&mut self) -> Result<bool, StoreError> {
        for table in RECORD_TABLES {
            if self.db.int(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS one"), p![])? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl<D: Db> SqlTx<'_, D> {
    /// [`MaintenanceTx::reset`]: set-based deletes. Every statement takes the catalog
    /// (`?1`, `''` for all) and the account (`?2`, `''` for all), so one list
    /// serves every scope.
    fn reset_records(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        let catalog = scope.catalog.map(Catalog::as_str).unwrap_or_default();
        let account = scope.account.as_ref().map(AccountId::as_str).unwrap_or_default();
        const PARTNERS: &str = "SELECT id FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)";
        const INVITATIONS: &str = "SELECT id FROM connection_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)";
        const CONNECTIONS: &str = "SELECT id FROM connections WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)";
        const ENGAGEMENTS: &str = "SELECT catalog, id FROM engagements WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR created_by = ?2)";
        const BULK_JOBS: &str = "SELECT catalog, id FROM bulk_jobs WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account = ?2)";
        let mut statements: Vec<String> = vec![
            format!("DELETE FROM profile_tasks WHERE partner_id IN ({PARTNERS})"),
            format!("DELETE FROM partner_domains WHERE partner_id IN ({PARTNERS})"),
            format!(
                "DELETE FROM usage WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR scope = ?2 OR scope IN ({PARTNERS}))"
            ),
            "DELETE FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM qualifications_tasks WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR owner_account = ?2 OR primary_account = ?2)"
                .into(),
            "DELETE FROM qualifications_associations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR subsidiary_account = ?2 OR primary_account = ?2)"
                .into(),
            "DELETE FROM qualifications_groups WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR primary_account = ?2)"
                .into(),
            "DELETE FROM connection_preferences WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            format!("DELETE FROM invitation_members WHERE invitation_id IN ({INVITATIONS})"),
            "DELETE FROM connection_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)"
                .into(),
            "DELETE FROM connection_active_types WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            format!("DELETE FROM connection_members WHERE connection_id IN ({CONNECTIONS})"),
            format!("DELETE FROM connection_type_members WHERE connection_id IN ({CONNECTIONS})"),
            "DELETE FROM connections WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            "DELETE FROM opportunities WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR owner = ?2)".into(),
            // An account's reset takes the engagements it created (with every
            // membership of them) and its memberships of the others.
            format!("DELETE FROM engagement_members WHERE (catalog, engagement_id) IN ({ENGAGEMENTS})"),
            format!("DELETE FROM engagement_invitations WHERE (catalog, engagement_id) IN ({ENGAGEMENTS})"),
            "DELETE FROM engagement_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)"
                .into(),
            "DELETE FROM engagement_members WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            // Snapshots and associations go with their engagement, and with the account that took them.
            format!("DELETE FROM resource_snapshots WHERE (catalog, engagement_id) IN ({ENGAGEMENTS})"),
            format!("DELETE FROM engagement_resources WHERE (catalog, engagement_id) IN ({ENGAGEMENTS})"),
            "DELETE FROM resource_snapshots WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR created_by = ?2)".into(),
            "DELETE FROM engagement_resources WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR created_by = ?2)".into(),
            format!("DELETE FROM resource_snapshot_jobs WHERE (catalog, engagement_id) IN ({ENGAGEMENTS})"),
            "DELETE FROM resource_snapshot_jobs WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM engagements WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR created_by = ?2)".into(),
            "DELETE FROM selling_settings WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM solutions WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR owner = ?2)".into(),
            "DELETE FROM customer_accounts WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR owner = ?2)".into(),
            "DELETE FROM engagement_tasks WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            format!("DELETE FROM bulk_job_rows WHERE (catalog, job_id) IN ({BULK_JOBS})"),
            format!("DELETE FROM bulk_report_links WHERE (catalog, job_id) IN ({BULK_JOBS})"),
            "DELETE FROM bulk_jobs WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            // Input files belong to no account or catalog: only a reset of everything's records takes them.
            "DELETE FROM bulk_files WHERE ?1 = '' AND ?2 = ''".into(),
            "DELETE FROM engagement_groups WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM events WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            // Idempotency records belong to the request's catalog; a catalog
            // reset keeps those of account-level requests (no catalog).
            "DELETE FROM idempotency WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
        ];
        // Verifications belong to accounts, not catalogs: a catalog reset keeps them.
        statements.push("DELETE FROM verifications WHERE ?1 = '' AND (?2 = '' OR account = ?2)".into());
        // Codes and the outbox belong to addresses, not accounts: an account reset keeps them.
        statements.push("DELETE FROM email_codes WHERE ?2 = '' AND (?1 = '' OR catalog = ?1)".into());
        statements.push("DELETE FROM outbox WHERE ?2 = '' AND (?1 = '' OR catalog = ?1)".into());
        for sql in &statements {
            self.exec(sql, p![catalog, account])?;
        }
        if scope.everything {
            self.exec("DELETE FROM credentials", p![])?;
            self.exec("DELETE FROM iam_users", p![])?;
            self.exec("DELETE FROM accounts", p![])?;
            let mut state = std::sync::Arc::unwrap_or_clone(self.service_state()?);
            if !scope.keep_clock {
                state.clock_offset_ms = 0;
            }
            state.settings = None;
            self.put_service_state(&state)?;
            self.put_fault_rules(&[])?;
        }
        Ok(())
    }

    /// Delete the rows of `table` (also matching `also`) whose time `column`
    /// is at or before `bound`, oldest first: about `batch` of them (rows
    /// sharing the batch's last time go with it). Answers how many went.
    fn purge_oldest(
        &mut self,
        table: &str,
        column: &str,
        also: &str,
        bound: Millis,
        batch: usize,
    ) -> Result<u64, StoreError> {
        let offset = i64::try_from(batch.saturating_sub(1)).unwrap_or(i64::MAX);
        let nth = self.db.cells(
            &format!("SELECT {column} FROM {table} WHERE {column} <= ?1{also} ORDER BY {column} LIMIT 1 OFFSET ?2"),
            p![bound, offset],
        )?;
        let upto = nth.first().and_then(|row| row.first()).and_then(Cell::int).unwrap_or(bound);
        self.exec(&format!("DELETE FROM {table} WHERE {column} <= ?1{also}"), p![upto])
    }
}
