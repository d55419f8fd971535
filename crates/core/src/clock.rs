//! The service clock (docs/behaviour.md#time): the wall clock plus an offset
//! stored in the database, shared by every node, that only grows. Business
//! time (expiry, task completion, quotas) reads it; SigV4 and webhook
//! delivery use the wall clock.

use pcentral_model::{timestamp, Millis};

use crate::records::ServiceState;
use crate::store::{OpResult, Tx};
use crate::tools::ToolError;

/// Service time at wall time `wall`, and the state it came from.
pub fn service_now(tx: &mut dyn Tx, wall: Millis) -> OpResult<(Millis, std::sync::Arc<ServiceState>)> {
    let state = tx.service_state()?;
    Ok((wall.saturating_add(state.clock_offset_ms), state))
}

/// The clock as the admin API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockView {
    /// Service time.
    pub now: Millis,
    /// Service time minus wall time, in whole seconds.
    pub offset_seconds: i64,
}

/// The clock at wall time `wall`.
pub fn show(tx: &mut dyn Tx, wall: Millis) -> OpResult<ClockView> {
    let (now, _) = service_now(tx, wall)?;
    Ok(ClockView { now, offset_seconds: (now - wall) / 1000 })
}

/// Move service time forward by `by` milliseconds (at least 1).
pub fn advance(tx: &mut dyn Tx, wall: Millis, by: Millis) -> OpResult<ClockView> {
    if by <= 0 {
        return Err(ToolError::Invalid("\"by\" must be a positive duration such as 90s, 15m, 2h or 31d".into()).into());
    }
    let (now, _) = service_now(tx, wall)?;
    set(tx, wall, now.saturating_add(by))
}

/// Move service time to `to`, which may not be earlier than now nor later
/// than the wire format can express (9999-12-31T23:59:59.999Z).
pub fn set(tx: &mut dyn Tx, wall: Millis, to: Millis) -> OpResult<ClockView> {
    let (now, state) = service_now(tx, wall)?;
    if to < now {
        return Err(ToolError::Invalid(format!(
            "the service clock only moves forward: {} is earlier than now ({})",
            timestamp::format(to),
            timestamp::format(now)
        ))
        .into());
    }
    beyond_the_wire(to).map_err(ToolError::Invalid)?;
    tx.put_service_state(&ServiceState { clock_offset_ms: to - wall, ..(*state).clone() })?;
    show(tx, wall)
}

/// Refuses a service time past the last one the wire format can write
/// (9999-12-31T23:59:59.999Z), with a message naming it: every timestamp
/// the API answers would be wrong from there on. Every way of moving the
/// clock (set, advance, a fixture's `clock_offset_ms`) checks it.
pub fn beyond_the_wire(to: Millis) -> Result<(), String> {
    if to > timestamp::MAX {
        return Err(format!(
            "the service clock cannot pass {}: later times cannot be written on the wire",
            timestamp::format(timestamp::MAX)
        ));
    }
    Ok(())
}
