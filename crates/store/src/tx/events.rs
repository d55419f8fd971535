//! [`EventsTx`]: stored events and their delivery state.

use pcentral_core::records::{DetailType, EventDelivery, EventFilter, NewEvent, StoredEvent};
use pcentral_core::store::{AdminEventQuery, EventsTx};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Millis};

use super::{from_doc, like_pattern, limit, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Cell, Db, Param};

/// The columns [`stored_event`] reads, in its order.
const EVENT_COLUMNS: &str =
    "seq, account, catalog, detail_type, time, doc, attempts, next_attempt_at, delivered_at, last_error";

/// An event row selected with [`EVENT_COLUMNS`].
fn stored_event(row: &[Cell]) -> Result<StoredEvent, StoreError> {
    let bad = || StoreError::Backend("stored event row unreadable".into());
    let int = |i: usize| row.get(i).and_then(Cell::int);
    let text = |i: usize| row.get(i).and_then(Cell::text).map(str::to_string);
    let parse = |i: usize| -> Result<String, StoreError> { text(i).ok_or_else(bad) };
    Ok(StoredEvent {
        seq: int(0).ok_or_else(bad)?,
        account: AccountId::parse(&parse(1)?).map_err(|_| bad())?,
        catalog: parse(2)?.parse().map_err(|_| bad())?,
        detail_type: parse(3)?.parse().map_err(|_| bad())?,
        time: int(4).ok_or_else(bad)?,
        event: from_doc(&parse(5)?)?,
        delivery: EventDelivery {
            attempts: int(6).unwrap_or(0),
            next_attempt_at: int(7),
            delivered_at: int(8),
            last_error: text(9),
        },
    })
}

impl<D: Db> EventsTx for SqlTx<'_, D> {
    fn append_event(&mut self, e: &NewEvent) -> Result<bool, StoreError> {
        let next: Option<i64> = e.deliver.then_some(0);
        let n = self.exec(
            "INSERT INTO events (account, catalog, detail_type, time, unique_key, doc, attempts, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7) ON CONFLICT (unique_key) DO NOTHING",
            p![e.account, e.catalog, e.detail_type, e.time, e.unique_key, to_doc(&e.event)?, next],
        )?;
        Ok(n > 0)
    }

    fn events(&mut self, f: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self.db.cells(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE (?1 = '' OR account = ?1) AND (?2 = '' OR detail_type = ?2) AND seq > ?3
                 ORDER BY seq LIMIT ?4"
            ),
            p![
                f.account.as_ref().map(AccountId::as_str).unwrap_or_default(),
                f.detail_type.map(DetailType::as_str).unwrap_or_default(),
                f.after.unwrap_or(0),
                f.limit.map_or(i64::MAX, limit)
            ],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn due_events(&mut self, wall: Millis, n: usize) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self.db.cells(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 AND delivered_at IS NULL
                 ORDER BY seq LIMIT ?2"
            ),
            p![wall, limit(n)],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn put_event_delivery(&mut self, seq: i64, d: &EventDelivery) -> Result<(), StoreError> {
        self.exec(
            "UPDATE events SET attempts = ?2, next_attempt_at = ?3, delivered_at = ?4, last_error = ?5 WHERE seq = ?1",
            p![seq, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error],
        )?;
        Ok(())
    }

    fn admin_events(&mut self, q: &AdminEventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let pattern = q.resource.as_deref().map(like_pattern);
        let mut sql = ListingQuery::new(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1"));
        if let Some(catalog) = &q.catalog {
            sql.push(" AND catalog = ?", &[catalog.to_param()]);
        }
        if !q.accounts.is_empty() {
            sql.push_in("account", &q.accounts);
        }
        if let Some(kind) = &q.detail_type {
            sql.push(" AND detail_type = ?", &[kind.to_param()]);
        }
        if let Some(pattern) = &pattern {
            sql.push(" AND doc LIKE ? ESCAPE '!'", &[Param::Text(pattern)]);
        }
        if let Some(before) = q.before {
            sql.push(" AND seq < ?", &[Param::Int(before)]);
        }
        sql.push(" ORDER BY seq DESC LIMIT ?", &[Param::Int(limit(q.limit))]);
        let rows = self.db.cells(&sql.sql, &sql.params)?;
        rows.iter().map(|r| stored_event(r)).collect()
    }
}
