//! Applying the fault-injection rules (`pcentral_core::faults`) to API calls.
//!
//! The rules are read in the call's own transaction (`api.rs`); only a rule
//! with a `remaining` count needs more: it is counted down here in its own
//! small write transaction, so that it fires exactly as many times as it says
//! whichever node serves the call.

use pcentral_core::faults::{consume, matches, plan, Plan};
use pcentral_core::store::{read, write, OpResult};
use pcentral_core::Store;
use pcentral_model::{AccountId, Operation};
use rand::Rng;

/// A number in [0, 1) for rules with a probability.
pub fn random_roll() -> f64 {
    rand::thread_rng().gen::<f64>()
}

/// The plan for one call, reading (and, for counted rules, updating) the stored rules.
pub fn plan_for_call(store: &dyn Store, operation: Operation, account: &AccountId) -> OpResult<Plan> {
    let rules = read(store, |tx| Ok(tx.fault_rules()?))?;
    if !rules.iter().any(|r| matches(r, operation, account)) {
        return Ok(Plan::default());
    }
    let counted = rules.iter().any(|r| matches(r, operation, account) && r.remaining.is_some());
    if !counted {
        return Ok(plan(&rules, operation, account, random_roll).0);
    }
    // Decide again inside a write transaction, so that a rule with a count
    // fires exactly as many times as it says, whichever node serves the call.
    write(store, |tx| {
        let mut rules = tx.fault_rules()?;
        let (decided, fired) = plan(&rules, operation, account, random_roll);
        if rules.iter().any(|r| fired.contains(&r.id) && r.remaining.is_some()) {
            consume(&mut rules, &fired);
            tx.put_fault_rules(&rules)?;
        }
        Ok(decided)
    })
}
