//! Retention (docs/behaviour.md#retention): the records that only grow are
//! deleted once nothing can use them any more, so that a long-running
//! sandbox keeps a steady size. The server's background worker calls
//! [`sweep`] now and then, each call one write transaction deleting at most
//! a batch of each kind, so that it never holds the writer for long.
//!
//! What goes, by service time:
//! * ClientToken records past `idempotency_retention_hours` (a repeat then
//!   runs as a new request, as it would after the retention anyway);
//! * quota usage older than the quota window;
//! * email verification codes past their expiry;
//! * recorded events older than `log_retention_days` that will not be posted
//!   again (delivered, given up, or recorded without a webhook);
//! * outbox messages older than `log_retention_days`.

use pcentral_model::Millis;

use crate::quotas;
use crate::settings::{ms, Settings, DAY_MS, HOUR_MS};
use crate::store::{Purge, Purged, StoreError, Tx};

/// Delete at most `batch` records of each kind that retention lets go at
/// service time `now`; answers how many of each went.
pub fn sweep(tx: &mut dyn Tx, now: Millis, settings: &Settings, batch: usize) -> Result<Purged, StoreError> {
    let before = |retention: Millis| now.saturating_sub(retention);
    tx.purge(&Purge {
        idempotency_created_by: before(ms(settings.idempotency_retention_hours, HOUR_MS)),
        usage_at_or_before: before(quotas::WINDOW_MS),
        email_codes_expired_by: now,
        logs_at_or_before: before(ms(settings.log_retention_days, DAY_MS)),
        batch,
    })
}
