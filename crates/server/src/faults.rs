//! Fault injection for tests of client retries and error handling.
//!
//! Rules live in the `service_state` row (so every node applies the same ones)
//! and are managed through `/_pcentral/faults` (see `admin.rs`). For each API
//! call that passed authentication and validation, [`plan_for_call`] decides
//! what the matching rules do:
//!
//! * `delay`: sleep `delay_ms`, then carry on (delays of several rules add up);
//! * `throttle_before` / `internal_before`: answer ThrottlingException (429) /
//!   InternalServerException (500) without running the operation;
//! * `internal_after_commit`: run and commit the operation, then answer
//!   InternalServerException (500), so a retry with the same ClientToken gets
//!   the replayed success.
//!
//! A rule only applies to operations whose model lists the error it would
//! answer (it does not fire, and is not counted, otherwise). A rule with a
//! `remaining` count is counted down in its own small write transaction, and
//! removed when it reaches zero; rules without a count are never written while
//! serving, so the common path (no rules) costs one read.

use pcentral_core::store::{read, write, FaultKind, FaultRule, OpResult, Tx};
use pcentral_core::Store;
use pcentral_model::{model, ApiError, ErrorKind};
use rand::Rng;
use serde_json::Value;

/// What the fault rules decided for one call.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    /// Milliseconds to wait before going on.
    pub delay_ms: u64,
    /// Answer this instead of running the operation.
    pub before: Option<ApiError>,
    /// Run the operation, then answer this instead of its success.
    pub after_commit: Option<ApiError>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.delay_ms == 0 && self.before.is_none() && self.after_commit.is_none()
    }
}

/// Whether `rule` matches a call of `operation` by `account` (ignoring probability).
pub fn matches(rule: &FaultRule, operation: &str, account: &str) -> bool {
    if rule.remaining == Some(0) {
        return false;
    }
    if rule.operation.as_deref().is_some_and(|op| op != operation) {
        return false;
    }
    if rule.account.as_deref().is_some_and(|a| a != account) {
        return false;
    }
    match error_of(rule.kind) {
        None => true,
        Some(kind) => operation_lists(operation, kind),
    }
}

/// The error a kind answers, if any.
fn error_of(kind: FaultKind) -> Option<ErrorKind> {
    match kind {
        FaultKind::ThrottleBefore => Some(ErrorKind::Throttling),
        FaultKind::InternalBefore | FaultKind::InternalAfterCommit => Some(ErrorKind::InternalServer),
        FaultKind::Delay => None,
    }
}

fn operation_lists(operation: &str, kind: ErrorKind) -> bool {
    model().operation(operation).is_some_and(|op| op.errors.iter().any(|e| e == kind.type_name()))
}

fn injected(kind: FaultKind, rule_id: &str, operation: &str) -> ApiError {
    match kind {
        FaultKind::ThrottleBefore => {
            ApiError::new(ErrorKind::Throttling, None, format!("Rate exceeded (fault {rule_id} on {operation})"))
        }
        _ => ApiError::internal(format!("Internal server error (fault {rule_id} on {operation})")),
    }
}

/// Decide what `rules` do to one call. `roll` draws a number in `[0, 1)` for
/// rules with a probability. Returns the plan and the ids of the rules that
/// fired (whose counts must go down).
pub fn plan(rules: &[FaultRule], operation: &str, account: &str, mut roll: impl FnMut() -> f64) -> (Plan, Vec<String>) {
    let mut out = Plan::default();
    let mut fired = Vec::new();
    for rule in rules.iter().filter(|r| matches(r, operation, account)) {
        // A rule whose effect is already decided by an earlier one is left alone (not counted).
        let useful = match rule.kind {
            FaultKind::Delay => true,
            FaultKind::ThrottleBefore | FaultKind::InternalBefore => out.before.is_none(),
            FaultKind::InternalAfterCommit => out.before.is_none() && out.after_commit.is_none(),
        };
        if !useful {
            continue;
        }
        if let Some(p) = rule.probability {
            if roll() >= p {
                continue;
            }
        }
        match rule.kind {
            FaultKind::Delay => out.delay_ms = out.delay_ms.saturating_add(rule.delay_ms.unwrap_or(0)),
            FaultKind::ThrottleBefore | FaultKind::InternalBefore => {
                out.before = Some(injected(rule.kind, &rule.id, operation));
            }
            FaultKind::InternalAfterCommit => out.after_commit = Some(injected(rule.kind, &rule.id, operation)),
        }
        fired.push(rule.id.clone());
    }
    if out.before.is_some() {
        out.after_commit = None;
    }
    (out, fired)
}

/// Count down the rules that fired; a rule reaching zero is removed.
pub fn consume(rules: &mut Vec<FaultRule>, fired: &[String]) {
    for rule in rules.iter_mut().filter(|r| fired.contains(&r.id)) {
        if let Some(n) = rule.remaining.as_mut() {
            *n = n.saturating_sub(1);
        }
    }
    rules.retain(|r| r.remaining != Some(0));
}

fn random_roll() -> f64 {
    rand::thread_rng().gen::<f64>()
}

/// The plan for one call, reading (and, for counted rules, updating) the stored rules.
pub fn plan_for_call(store: &dyn Store, operation: &str, account: &str) -> OpResult<Plan> {
    let rules = read(store, |tx| Ok(tx.service_state()?.faults))?;
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
        let mut state = tx.service_state()?;
        let (decided, fired) = plan(&state.faults, operation, account, random_roll);
        if state.faults.iter().any(|r| fired.contains(&r.id) && r.remaining.is_some()) {
            consume(&mut state.faults, &fired);
            tx.put_service_state(&state)?;
        }
        Ok(decided)
    })
}

/// A rule from admin input (`id` is assigned here), or why it is refused.
pub fn rule_from_input(input: &Value, id: String) -> Result<FaultRule, String> {
    let Some(map) = input.as_object() else {
        return Err("a fault rule must be a JSON object".into());
    };
    const KNOWN: [&str; 6] = ["operation", "account", "kind", "remaining", "probability", "delay_ms"];
    if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!("unknown member {unknown:?}; expected one of {}", KNOWN.join(", ")));
    }
    let mut object = map.clone();
    object.insert("id".into(), Value::String(id));
    let rule: FaultRule = serde_json::from_value(Value::Object(object)).map_err(|e| {
        format!(
            "invalid fault rule ({e}); kind is one of throttle_before, internal_before, internal_after_commit, delay"
        )
    })?;
    if let Some(op) = &rule.operation {
        if model().operation(op).is_none() {
            return Err(format!("unknown operation {op:?}"));
        }
    }
    if let Some(account) = &rule.account {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err("\"account\" must be a 12-digit AWS account id".into());
        }
    }
    if rule.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        return Err("\"probability\" must be between 0 and 1".into());
    }
    if rule.remaining == Some(0) {
        return Err("\"remaining\" must be at least 1 (leave it out for no limit)".into());
    }
    match (rule.kind, rule.delay_ms) {
        (FaultKind::Delay, None) => return Err("a delay rule needs \"delay_ms\"".into()),
        (FaultKind::Delay, Some(ms)) if ms > 600_000 => return Err("\"delay_ms\" must be at most 600000".into()),
        (FaultKind::Delay, _) | (_, None) => {}
        (_, Some(_)) => return Err("\"delay_ms\" only applies to kind delay".into()),
    }
    if let Some(op) = &rule.operation {
        if let Some(kind) = error_of(rule.kind) {
            if !operation_lists(op, kind) {
                return Err(format!("{op} does not list {} in the model", kind.type_name()));
            }
        }
    }
    Ok(rule)
}

/// Store a new rule; answers it.
pub fn add(tx: &mut dyn Tx, rule: &FaultRule) -> OpResult<FaultRule> {
    let mut state = tx.service_state()?;
    state.faults.push(rule.clone());
    tx.put_service_state(&state)?;
    Ok(rule.clone())
}

/// Remove the rule `id`; answers whether it existed.
pub fn remove(tx: &mut dyn Tx, id: &str) -> OpResult<bool> {
    let mut state = tx.service_state()?;
    let before = state.faults.len();
    state.faults.retain(|r| r.id != id);
    let removed = state.faults.len() != before;
    if removed {
        tx.put_service_state(&state)?;
    }
    Ok(removed)
}

/// Remove every rule; answers how many there were.
pub fn clear(tx: &mut dyn Tx) -> OpResult<usize> {
    let mut state = tx.service_state()?;
    let n = state.faults.len();
    if n > 0 {
        state.faults.clear();
        tx.put_service_state(&state)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(id: &str, kind: FaultKind) -> FaultRule {
        FaultRule {
            id: id.into(),
            operation: None,
            account: None,
            kind,
            remaining: None,
            probability: None,
            delay_ms: None,
        }
    }

    fn never() -> f64 {
        panic!("no probability to roll")
    }

    #[test]
    fn filters_on_operation_and_account() {
        let r = FaultRule {
            operation: Some("AcceptConnectionInvitation".into()),
            account: Some("222222222222".into()),
            ..rule("f1", FaultKind::InternalAfterCommit)
        };
        assert!(matches(&r, "AcceptConnectionInvitation", "222222222222"));
        assert!(!matches(&r, "AcceptConnectionInvitation", "111111111111"));
        assert!(!matches(&r, "GetConnection", "222222222222"));
        let any = rule("f2", FaultKind::ThrottleBefore);
        assert!(matches(&any, "GetConnection", "111111111111"));
        assert!(!matches(&FaultRule { remaining: Some(0), ..any }, "GetConnection", "111111111111"));
    }

    #[test]
    fn only_errors_the_operation_lists() {
        let listed: Vec<&str> = model()
            .operations()
            .filter(|op| !op.errors.iter().any(|e| e == "InternalServerException"))
            .map(|op| op.name.as_str())
            .collect();
        assert!(!listed.is_empty(), "the model has operations without InternalServerException");
        for op in listed {
            assert!(!matches(&rule("f", FaultKind::InternalBefore), op, "111111111111"), "{op}");
            assert!(!matches(&rule("f", FaultKind::InternalAfterCommit), op, "111111111111"), "{op}");
            // Throttling is listed by every operation, and a delay needs no error.
            assert!(matches(&rule("f", FaultKind::ThrottleBefore), op, "111111111111"), "{op}");
            assert!(matches(&rule("f", FaultKind::Delay), op, "111111111111"), "{op}");
        }
    }

    #[test]
    fn plan_combines_rules() {
        let rules = vec![
            FaultRule { delay_ms: Some(20), ..rule("d1", FaultKind::Delay) },
            FaultRule { delay_ms: Some(30), ..rule("d2", FaultKind::Delay) },
            rule("a1", FaultKind::InternalAfterCommit),
            rule("t1", FaultKind::ThrottleBefore),
            rule("i1", FaultKind::InternalBefore),
        ];
        let (p, fired) = plan(&rules, "GetConnection", "111111111111", never);
        assert_eq!(p.delay_ms, 50);
        assert_eq!(p.before.as_ref().map(|e| (e.kind, e.status())), Some((ErrorKind::Throttling, 429)));
        assert_eq!(p.after_commit, None, "a before-fault wins over after-commit");
        assert_eq!(fired, ["d1", "d2", "a1", "t1"], "i1 had nothing left to decide");

        let (p, fired) = plan(&rules[..3], "GetConnection", "1", never);
        assert_eq!(p.before, None);
        assert_eq!(p.after_commit.as_ref().map(|e| (e.kind, e.status())), Some((ErrorKind::InternalServer, 500)));
        assert_eq!(fired, ["d1", "d2", "a1"]);
        assert!(plan(&[], "GetConnection", "1", never).0.is_empty());
    }

    #[test]
    fn probability_is_rolled() {
        let r = vec![FaultRule { probability: Some(0.25), ..rule("p", FaultKind::InternalBefore) }];
        assert!(plan(&r, "GetConnection", "1", || 0.1).0.before.is_some());
        assert!(plan(&r, "GetConnection", "1", || 0.25).0.before.is_none());
        assert!(plan(&r, "GetConnection", "1", || 0.9).1.is_empty());
    }

    #[test]
    fn counts_go_down_and_used_up_rules_go() {
        let mut rules = vec![
            FaultRule { remaining: Some(2), ..rule("a", FaultKind::ThrottleBefore) },
            FaultRule { remaining: Some(1), ..rule("b", FaultKind::InternalAfterCommit) },
            rule("c", FaultKind::InternalBefore),
        ];
        consume(&mut rules, &["a".into(), "b".into(), "c".into()]);
        let left: Vec<(&str, Option<u64>)> = rules.iter().map(|r| (r.id.as_str(), r.remaining)).collect();
        assert_eq!(left, [("a", Some(1)), ("c", None)]);
    }

    #[test]
    fn admin_input_is_checked() {
        let ok = rule_from_input(
            &json!({"operation": "AcceptConnectionInvitation", "account": "222222222222",
                    "kind": "internal_after_commit", "remaining": 1}),
            "fault-1".into(),
        );
        assert_eq!(
            ok.map(|r| (r.id, r.kind, r.remaining)),
            Ok(("fault-1".into(), FaultKind::InternalAfterCommit, Some(1)))
        );
        assert!(rule_from_input(&json!({"kind": "delay", "delay_ms": 5}), "x".into()).is_ok());
        for bad in [
            json!({"kind": "explode"}),
            json!({}),
            json!({"kind": "delay"}),
            json!({"kind": "throttle_before", "delay_ms": 5}),
            json!({"kind": "throttle_before", "operation": "Nope"}),
            json!({"kind": "throttle_before", "account": "12"}),
            json!({"kind": "throttle_before", "probability": 1.5}),
            json!({"kind": "throttle_before", "remaining": 0}),
            json!({"kind": "throttle_before", "id": "mine"}),
            json!(["throttle_before"]),
        ] {
            assert!(rule_from_input(&bad, "x".into()).is_err(), "{bad}");
        }
    }
}
