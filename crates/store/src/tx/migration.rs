//! The data steps of schema changes (see `crate::schema`), run once inside
//! a migration's transaction with the same code that keeps the tables up to
//! date afterwards.

use pcentral_core::records::{
    AccountRecord, Connection, EmailCode, IdempotencyRecord, Invitation, OutboxMessage, QualificationsTask,
};
use pcentral_core::store::{IamTx, ServiceTx};
use pcentral_core::StoreError;

use super::{from_doc, to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> SqlTx<'_, D> {
    /// Write every stored IAM user again, which fills its fingerprint column.
    pub fn fingerprint_iam_users(&mut self) -> Result<(), StoreError> {
        for user in self.iam_users()? {
            self.put_iam_user(&user)?;
        }
        Ok(())
    }

    /// Write every stored fault rule again with its service named: a rule
    /// stored before pcentral served a family of services has none and is
    /// `partnercentral-account`'s (which reading it already assumes).
    pub fn name_fault_rule_services(&mut self) -> Result<(), StoreError> {
        let rules = self.fault_rules()?;
        if !rules.is_empty() {
            self.put_fault_rules(&rules)?;
        }
        Ok(())
    }

    /// Fill the time columns retention deletes by from the stored documents.
    pub fn fill_retention_times(&mut self) -> Result<(), StoreError> {
        let codes: Vec<EmailCode> = self.all("SELECT doc FROM email_codes", p![])?;
        for c in &codes {
            self.exec(
                "UPDATE email_codes SET expires_at = ?3 WHERE catalog = ?1 AND address = ?2",
                p![c.catalog, c.address, c.expires_at],
            )?;
        }
        for (id, doc) in self.db.int_texts("SELECT id, doc FROM outbox", p![])? {
            let m: OutboxMessage = from_doc(&doc)?;
            self.exec("UPDATE outbox SET sent_at = ?2 WHERE id = ?1", p![id, m.sent_at])?;
        }
        let records: Vec<IdempotencyRecord> = self.all("SELECT doc FROM idempotency", p![])?;
        for r in &records {
            self.exec(
                "UPDATE idempotency SET created_at = ?4 WHERE account = ?1 AND operation = ?2 AND token = ?3",
                p![r.account, r.operation, r.token, r.created_at],
            )?;
        }
        Ok(())
    }

    /// Index every stored invitation and connection in the listing tables,
    /// fill the columns that a schema change added from the documents, and
    /// move fault rules into their column.
    pub fn reindex_documents(&mut self) -> Result<(), StoreError> {
        let invitations: Vec<Invitation> = self.all("SELECT doc FROM connection_invitations", p![])?;
        for i in &invitations {
            self.index_invitation(i)?;
        }
        let connections: Vec<Connection> = self.all("SELECT doc FROM connections", p![])?;
        for c in &connections {
            self.index_connection(c)?;
        }
        let tasks: Vec<QualificationsTask> = self.all("SELECT doc FROM qualifications_tasks", p![])?;
        for t in &tasks {
            self.exec(
                "UPDATE qualifications_tasks SET owner_account = ?2, primary_account = ?3 WHERE task_id = ?1",
                p![t.task_id, t.owner_account, t.primary_account],
            )?;
        }
        for (id, doc) in self.db.int_texts("SELECT id, doc FROM outbox", p![])? {
            let m: OutboxMessage = from_doc(&doc)?;
            self.exec("UPDATE outbox SET catalog = ?2 WHERE id = ?1", p![id, m.catalog])?;
        }
        // Idempotency records stored before their catalog had a column: the
        // catalog of the answer (top level, or the accepted connection's).
        let records: Vec<serde_json::Value> = self.all("SELECT doc FROM idempotency", p![])?;
        for r in records {
            let text = |path: &[&str]| {
                path.iter().try_fold(&r, |v, k| v.get(k)).and_then(serde_json::Value::as_str).map(str::to_string)
            };
            let catalog = text(&["response", "Catalog"]).or_else(|| text(&["response", "Connection", "Catalog"]));
            let (Some(account), Some(operation), Some(token)) =
                (text(&["account"]), text(&["operation"]), text(&["token"]))
            else {
                continue;
            };
            self.exec(
                "UPDATE idempotency SET catalog = ?4 WHERE account = ?1 AND operation = ?2 AND token = ?3",
                p![account, operation, token, catalog],
            )?;
        }
        let accounts: Vec<AccountRecord> = self.all("SELECT doc FROM accounts", p![])?;
        for a in &accounts {
            let seller = a.seller_profile.as_ref().map(|s| s.id.as_str());
            self.exec("UPDATE accounts SET seller_profile_id = ?2 WHERE account = ?1", p![a.account, seller])?;
        }
        let state: Option<serde_json::Value> = self.one("SELECT doc FROM service_state WHERE id = 1", p![])?;
        if let Some(mut state) = state {
            let faults = state.get("faults").cloned().unwrap_or_else(|| serde_json::json!([]));
            if let Some(map) = state.as_object_mut() {
                map.remove("faults");
            }
            self.exec(
                "UPDATE service_state SET doc = ?1, faults = ?2 WHERE id = 1",
                p![to_doc(&state)?, to_doc(&faults)?],
            )?;
        }
        Ok(())
    }
}
