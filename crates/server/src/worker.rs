//! The background worker that records Expired events and posts events to the
//! webhook of the `events_webhook_url` setting.
//!
//! The worker runs on every node, every [`TICK`]:
//! * **sweep**: invitations (connection and engagement invitations) stored
//!   PENDING past their `ExpiresAt` (service time) are stored EXPIRED and
//!   their Expired events recorded, in one write
//!   transaction (the unique key of the Expired event makes it exactly once
//!   even when nodes race);
//! * **tasks**: Selling tasks (StartEngagementByAcceptingInvitationTask)
//!   IN_PROGRESS past their due time are run, in one write transaction;
//! * **bulk jobs**: Selling bulk jobs (StartOpportunityBulkJob) SUBMITTED
//!   past their due time are run, each job in one write transaction;
//! * **retention** (every [`RETAIN_EVERY`] ticks): records that only grow
//!   are deleted once nothing can use them (`pcentral_core::retention`), in
//!   transactions of at most [`RETAIN_BATCH`] records of each kind;
//! * **delivery**: due undelivered events are *claimed* in a write transaction
//!   (their next attempt moves [`LEASE_MS`] ahead, so no other node posts them
//!   meanwhile), POSTed one by one, then marked delivered on a 2xx answer or
//!   rescheduled with exponential backoff (1 s, 2 s, 4 s … at most 60 s), and
//!   given up after `pcentral_core::events::MAX_ATTEMPTS` attempts with the last error kept.
//!
//! Delivery schedules use the WALL clock, not service time: delivery is
//! infrastructure, and moving the service clock forward (`pcentral clock
//! advance`) must neither skip retries nor delay them. Delivery is
//! at-least-once: a node that dies after a POST and before marking the event
//! delivered posts it again once the claim expires.

use std::sync::Arc;
use std::time::Duration;

use pcentral_core::bulk_jobs::run_due_bulk_jobs;
use pcentral_core::clock::service_now;
use pcentral_core::engagements::jobs::run_changed_jobs;
use pcentral_core::engagements::tasks::{run_due_tasks, Runner};
use pcentral_core::events::{after_attempt, sweep_expired_engagement_invitations, sweep_expired_invitations};
use pcentral_core::retention;
use pcentral_core::store::{read, write, OpResult};

use crate::app::{wall_ms, AppState, RandomIds};

/// How often the worker looks for work.
pub const TICK: Duration = Duration::from_millis(200);
/// How long a claim keeps other nodes off an event (longer than a batch of POSTs takes).
pub const LEASE_MS: i64 = 30_000;
/// Timeout of one POST to the webhook.
pub const POST_TIMEOUT: Duration = Duration::from_secs(5);
/// Events claimed at once: BATCH × POST_TIMEOUT stays below LEASE_MS.
const BATCH: usize = 5;
/// Invitations settled by one sweep transaction.
const SWEEP_BATCH: usize = 100;
/// The retention sweep runs once every this many ticks (1 s).
pub const RETAIN_EVERY: u32 = 5;
/// Records of each kind one retention transaction deletes at most.
pub const RETAIN_BATCH: usize = 500;
/// How long one retention round may keep running batches; the rest waits for the next round.
const RETAIN_BUDGET: Duration = Duration::from_secs(1);

/// Run the worker until `stop` changes (or its sender goes away).
pub async fn run(state: Arc<AppState>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticks = 0u32;
    loop {
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => break,
        }
        ticks = ticks.wrapping_add(1);
        let retain = ticks.is_multiple_of(RETAIN_EVERY);
        let s = state.clone();
        match tokio::task::spawn_blocking(move || tick(&s, retain)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "events worker"),
            Err(e) => tracing::warn!(error = %e, "events worker failed"),
        }
    }
}

/// One round of work: sweep expired invitations, apply retention when
/// `retain`, then deliver what is due.
pub fn tick(state: &AppState, retain: bool) -> Result<(), String> {
    // What the worker reports goes to the log only: with every detail.
    sweep(state).map_err(|f| f.log_detail())?;
    run_tasks(state).map_err(|f| f.log_detail())?;
    run_snapshot_jobs(state).map_err(|f| f.log_detail())?;
    run_bulk_jobs(state).map_err(|f| f.log_detail())?;
    if retain {
        apply_retention(state).map_err(|f| f.log_detail())?;
    }
    deliver_due(state).map_err(|f| f.log_detail())
}

/// Delete what retention lets go, batch by batch (each its own transaction,
/// so writers get their turn in between), until a batch comes back short or
/// [`RETAIN_BUDGET`] is spent.
fn apply_retention(state: &AppState) -> OpResult<()> {
    let started = std::time::Instant::now();
    while started.elapsed() < RETAIN_BUDGET {
        let purged = write(state.store.as_ref(), |tx| {
            let (now, service) = service_now(tx, wall_ms())?;
            Ok(retention::sweep(tx, now, service.settings_or(&state.settings), RETAIN_BATCH)?)
        })?;
        if purged.total() > 0 {
            tracing::debug!(?purged, "retention: deleted");
        }
        if !purged.any_full(RETAIN_BATCH) {
            break;
        }
    }
    Ok(())
}

fn sweep(state: &AppState) -> OpResult<()> {
    let store = state.store.as_ref();
    // Look in a read transaction first: no write (and no contention) when nothing expired.
    let any = read(store, |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        Ok(!tx.expired_pending_invitations(now, 1)?.is_empty()
            || !tx.expired_pending_engagement_invitations(now, 1)?.is_empty())
    })?;
    if any {
        let n = write(store, |tx| {
            let (now, service) = service_now(tx, wall_ms())?;
            let settings = service.settings_or(&state.settings);
            let connections = sweep_expired_invitations(tx, &mut RandomIds, now, settings, SWEEP_BATCH)?;
            let engagements = sweep_expired_engagement_invitations(tx, &mut RandomIds, now, settings, SWEEP_BATCH)?;
            Ok(connections + engagements)
        })?;
        tracing::debug!(invitations = n, "expired invitations settled");
    }
    Ok(())
}

/// Run the Selling tasks that are due (`engagement_task_delay_seconds`).
fn run_tasks(state: &AppState) -> OpResult<()> {
    let store = state.store.as_ref();
    let any = read(store, |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        Ok(!tx.due_engagement_tasks(now, 1)?.is_empty())
    })?;
    if any {
        let n = write(store, |tx| {
            let (now, service) = service_now(tx, wall_ms())?;
            let settings = service.settings_or(&state.settings);
            let runner = Runner { now, settings, pagination_key: &service.pagination_key };
            run_due_tasks(tx, &mut RandomIds, &runner, SWEEP_BATCH)
        })?;
        tracing::debug!(tasks = n, "Selling tasks run");
    }
    Ok(())
}

/// Run the resource snapshot jobs whose opportunity changed since they last looked.
fn run_snapshot_jobs(state: &AppState) -> OpResult<()> {
    let store = state.store.as_ref();
    let any = read(store, |tx| Ok(!tx.changed_snapshot_jobs(1)?.is_empty()))?;
    if any {
        let n = write(store, |tx| {
            let (now, service) = service_now(tx, wall_ms())?;
            let settings = service.settings_or(&state.settings);
            let runner = Runner { now, settings, pagination_key: &service.pagination_key };
            run_changed_jobs(tx, &mut RandomIds, &runner, SWEEP_BATCH)
        })?;
        tracing::debug!(jobs = n, "resource snapshot jobs run");
    }
    Ok(())
}

/// Run the Selling bulk jobs that are due (`bulk_job_delay_seconds`), one job per transaction.
fn run_bulk_jobs(state: &AppState) -> OpResult<()> {
    let store = state.store.as_ref();
    loop {
        let any = read(store, |tx| {
            let (now, _) = service_now(tx, wall_ms())?;
            Ok(!tx.due_bulk_jobs(now, 1)?.is_empty())
        })?;
        if !any {
            return Ok(());
        }
        let n = write(store, |tx| {
            let (now, service) = service_now(tx, wall_ms())?;
            let settings = service.settings_or(&state.settings);
            let runner = Runner { now, settings, pagination_key: &service.pagination_key };
            run_due_bulk_jobs(tx, &mut RandomIds, &runner, 1)
        })?;
        tracing::debug!(jobs = n, "Selling bulk job run");
        if n == 0 {
            return Ok(());
        }
    }
}

fn deliver_due(state: &AppState) -> OpResult<()> {
    let store = state.store.as_ref();
    let wall = wall_ms();
    if read(store, |tx| Ok(tx.due_events(wall, 1)?.is_empty()))? {
        return Ok(());
    }
    // Claim: in one write transaction, so that two nodes never claim one event.
    let (url, claimed) = write(store, |tx| {
        let (_, service) = service_now(tx, wall)?;
        let url = service.settings_or(&state.settings).events_webhook_url.as_str().trim().to_string();
        if url.is_empty() {
            // Delivery is off for now: the events stay due until a URL is set again.
            return Ok((url, Vec::new()));
        }
        let mut events = tx.due_events(wall, BATCH)?;
        for e in &mut events {
            e.delivery.next_attempt_at = Some(wall.saturating_add(LEASE_MS));
            tx.put_event_delivery(e.seq, &e.delivery)?;
        }
        Ok((url, events))
    })?;
    for event in claimed {
        let outcome = post(&url, &event.event);
        if let Err(message) = &outcome {
            tracing::debug!(seq = event.seq, attempt = event.delivery.attempts + 1, error = %message, "event delivery failed");
        }
        let d = after_attempt(event.delivery.clone(), outcome, wall_ms());
        if d.state() == pcentral_core::records::DeliveryState::Failed {
            tracing::warn!(seq = event.seq, error = d.last_error.as_deref().unwrap_or("-"), "event delivery gave up");
        }
        write(store, |tx| Ok(tx.put_event_delivery(event.seq, &d)?))?;
    }
    Ok(())
}

/// POST the event JSON to `url`: `Ok` on a 2xx answer. The error says what
/// went wrong without the URL, which may hold a password or a token: it is
/// stored as the delivery's `last_error`, which the admin API, the console
/// and the log show.
fn post(url: &str, event: &serde_json::Value) -> Result<(), String> {
    let agent = ureq::AgentBuilder::new().timeout(POST_TIMEOUT).redirects(0).build();
    match agent.post(url).set("content-type", "application/json").send_string(&event.to_string()) {
        Ok(resp) if (200..300).contains(&resp.status()) => Ok(()),
        Ok(resp) => Err(format!("HTTP {}", resp.status())),
        Err(ureq::Error::Status(code, _)) => Err(format!("HTTP {code}")),
        Err(ureq::Error::Transport(t)) => {
            let mut message = t.kind().to_string();
            for detail in [t.message().map(str::to_string), std::error::Error::source(&t).map(|e| e.to_string())] {
                message.extend(detail.map(|d| format!(": {d}")));
            }
            // Should a detail quote the URL after all, it is masked there too.
            Err(message.replace(url, &pcentral_core::settings::mask_url(url)))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_post_says_why_without_the_urls_secrets() {
        // A port nobody listens on: the connection is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://pcentral:hunter2@127.0.0.1:{port}/hook?token=tok-4711");
        let error = post(&url, &serde_json::json!({"id": "e-1"})).unwrap_err();
        assert!(error.starts_with("Connection Failed"), "{error}");
        assert!(!error.contains("hunter2") && !error.contains("tok-4711"), "{error}");
    }
}
