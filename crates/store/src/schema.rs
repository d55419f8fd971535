//! Schema changes made after the first release, written once for both
//! backends (the statements use only what SQLite and PostgreSQL share), and
//! applied after each backend's own first migrations (`sqlite.rs`,
//! `postgres_*.sql`). A migration is a list of steps run in one transaction:
//! SQL, or a data step written in Rust over the shared record code (so a
//! migration fills new tables with the same function that keeps them up to
//! date afterwards).

use pcentral_core::StoreError;

use crate::sql::Db;
use crate::tx::SqlTx;

/// One step of a migration.
pub enum Step {
    Sql(&'static str),
    /// Index the stored documents into the listing tables and fill the new
    /// columns from them ([`SqlTx::reindex_documents`]).
    ReindexDocuments,
    /// Fill the time columns retention deletes by ([`SqlTx::fill_retention_times`]).
    FillRetentionTimes,
    /// Name the service of every stored fault rule ([`SqlTx::name_fault_rule_services`]).
    NameFaultRuleServices,
    /// Write every IAM user's fingerprint ([`SqlTx::fingerprint_iam_users`]).
    FingerprintIamUsers,
}

/// Migrations shared by both backends, in order.
pub const SHARED: &[&[Step]] = &[
    &[Step::Sql(include_str!("listing_indexes.sql")), Step::ReindexDocuments],
    &[Step::Sql(include_str!("console_indexes.sql"))],
    &[Step::Sql(include_str!("retention.sql")), Step::FillRetentionTimes],
    &[Step::NameFaultRuleServices],
    &[Step::Sql(include_str!("opportunities.sql"))],
    &[Step::Sql(include_str!("engagements.sql"))],
    &[Step::Sql(include_str!("selling_settings.sql"))],
    &[Step::Sql(include_str!("solutions.sql"))],
    &[Step::Sql(include_str!("engagement_tasks.sql"))],
    &[Step::Sql(include_str!("engagement_invitations_due.sql"))],
    &[Step::Sql(include_str!("customer_accounts.sql"))],
    &[Step::Sql(include_str!("resource_snapshots.sql"))],
    &[Step::Sql(include_str!("bulk_jobs.sql"))],
    &[Step::Sql(include_str!("engagement_groups.sql"))],
    &[Step::Sql(include_str!("iam_users.sql"))],
    &[Step::Sql(include_str!("iam_user_fingerprints.sql")), Step::FingerprintIamUsers],
    &[Step::Sql(include_str!("service_state_revision.sql"))],
];

/// Run the steps of one migration inside the transaction `db`.
pub fn apply<D: Db>(db: D, steps: &[Step]) -> Result<(), StoreError> {
    let cache = crate::tx::ServiceCache::for_migrations();
    let mut tx = SqlTx::new(db, &cache);
    for step in steps {
        match step {
            Step::Sql(sql) => tx.db.batch(sql)?,
            Step::ReindexDocuments => tx.reindex_documents()?,
            Step::FillRetentionTimes => tx.fill_retention_times()?,
            Step::NameFaultRuleServices => tx.name_fault_rule_services()?,
            Step::FingerprintIamUsers => tx.fingerprint_iam_users()?,
        }
    }
    Ok(())
}
