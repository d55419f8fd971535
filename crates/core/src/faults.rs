//! Fault injection, a developer tool for testing client retries and error
//! handling (README, "Admin API and CLI"). Rules are stored with the
//! service state, so every node applies the same ones; for each API call
//! that passed authentication and validation, [`plan`] decides what the
//! matching rules do:
//!
//! * `delay`: wait `delay_ms`, then carry on (delays of several rules add up);
//! * `throttle_before` / `internal_before`: answer ThrottlingException (429) /
//!   InternalServerException (500) without running the operation;
//! * `internal_after_commit`: run and commit the operation, then answer
//!   InternalServerException (500), so a retry with the same ClientToken gets
//!   the replayed success.
//!
//! A rule only applies to operations whose model lists the error it would
//! answer (it does not fire, and is not counted, otherwise).

use pcentral_model::{AccountId, ApiError, ErrorKind, Operation};

use crate::records::{FaultKind, FaultRule};
use crate::store::{OpResult, Tx};
use crate::tools::ToolError;

/// The longest delay a rule may ask for.
pub const MAX_DELAY_MS: u64 = 600_000;

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

/// The error a kind answers, if any.
fn error_of(kind: FaultKind) -> Option<ErrorKind> {
    match kind {
        FaultKind::ThrottleBefore => Some(ErrorKind::Throttling),
        FaultKind::InternalBefore | FaultKind::InternalAfterCommit => Some(ErrorKind::InternalServer),
        FaultKind::Delay => None,
    }
}

/// Whether `rule` matches a call of `operation` by `account` (ignoring probability).
pub fn matches(rule: &FaultRule, operation: Operation, account: &AccountId) -> bool {
    rule.remaining != Some(0)
        && rule.service == operation.service()
        && rule.operation.is_none_or(|op| op == operation)
        && rule.account.as_ref().is_none_or(|a| a == account)
        && error_of(rule.kind).is_none_or(|kind| operation.errors().contains(&kind))
}

fn injected(kind: FaultKind, rule_id: &str, operation: Operation) -> ApiError {
    match kind {
        FaultKind::ThrottleBefore => ApiError::of(
            operation.service(),
            ErrorKind::Throttling,
            format!("Rate exceeded (fault {rule_id} on {operation})"),
        ),
        _ => ApiError::of(
            operation.service(),
            ErrorKind::InternalServer,
            format!("Internal server error (fault {rule_id} on {operation})"),
        ),
    }
}

/// Decide what `rules` do to one call. `roll` draws a number in `[0, 1)` for
/// rules with a probability. Returns the plan and the ids of the rules that
/// fired (whose counts must go down).
pub fn plan(
    rules: &[FaultRule],
    operation: Operation,
    account: &AccountId,
    mut roll: impl FnMut() -> f64,
) -> (Plan, Vec<String>) {
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

/// Check a new rule; the message names the field and what it takes.
pub fn validate(rule: &FaultRule) -> Result<(), ToolError> {
    let invalid = |m: String| Err(ToolError::Invalid(m));
    if rule.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
        return invalid("\"probability\" must be between 0 and 1".into());
    }
    if rule.remaining == Some(0) {
        return invalid("\"remaining\" must be at least 1 (leave it out for no limit)".into());
    }
    match (rule.kind, rule.delay_ms) {
        (FaultKind::Delay, None) => return invalid("a delay rule needs \"delay_ms\"".into()),
        (FaultKind::Delay, Some(ms)) if ms > MAX_DELAY_MS => {
            return invalid(format!("\"delay_ms\" must be at most {MAX_DELAY_MS}"))
        }
        (FaultKind::Delay, _) | (_, None) => {}
        (_, Some(_)) => return invalid("\"delay_ms\" only applies to kind delay".into()),
    }
    if rule.operation.is_some_and(|op| op.service() != rule.service) {
        return invalid(format!("the operation is not one of {}", rule.service));
    }
    if let (Some(op), Some(kind)) = (rule.operation, error_of(rule.kind)) {
        if !op.errors().contains(&kind) {
            return invalid(format!("{op} does not list {} in the model", kind.type_name()));
        }
    }
    Ok(())
}

/// Store a new rule (checked first); answers it.
pub fn add(tx: &mut dyn Tx, rule: FaultRule) -> OpResult<FaultRule> {
    validate(&rule)?;
    let mut rules = tx.fault_rules()?;
    rules.push(rule.clone());
    tx.put_fault_rules(&rules)?;
    Ok(rule)
}

/// Remove the rule `id`.
pub fn remove(tx: &mut dyn Tx, id: &str) -> OpResult<()> {
    let mut rules = tx.fault_rules()?;
    let before = rules.len();
    rules.retain(|r| r.id != id);
    if rules.len() == before {
        return Err(ToolError::NotFound(format!("no fault rule {id}")).into());
    }
    tx.put_fault_rules(&rules)?;
    Ok(())
}

/// Remove every rule; answers how many there were.
pub fn clear(tx: &mut dyn Tx) -> OpResult<usize> {
    let n = tx.fault_rules()?.len();
    if n > 0 {
        tx.put_fault_rules(&[])?;
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pcentral_model::account::Operation as AccountOp;
    use pcentral_model::Service;

    fn account(s: &str) -> AccountId {
        AccountId::parse(s).unwrap()
    }

    fn rule(id: &str, kind: FaultKind) -> FaultRule {
        FaultRule {
            id: id.into(),
            service: Service::Account,
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
            operation: Some(Operation::Account(AccountOp::AcceptConnectionInvitation)),
            account: Some(account("222222222222")),
            ..rule("f1", FaultKind::InternalAfterCommit)
        };
        assert!(matches(&r, Operation::Account(AccountOp::AcceptConnectionInvitation), &account("222222222222")));
        assert!(!matches(&r, Operation::Account(AccountOp::AcceptConnectionInvitation), &account("111111111111")));
        assert!(!matches(&r, Operation::Account(AccountOp::GetConnection), &account("222222222222")));
        let any = rule("f2", FaultKind::ThrottleBefore);
        assert!(matches(&any, Operation::Account(AccountOp::GetConnection), &account("111111111111")));
        assert!(!matches(
            &FaultRule { remaining: Some(0), ..any },
            Operation::Account(AccountOp::GetConnection),
            &account("111111111111")
        ));
    }

    #[test]
    fn a_rule_hits_only_its_service() {
        use pcentral_model::selling;
        let a = account("111111111111");
        let (acc_tag, sell_tag) =
            (Operation::Account(AccountOp::TagResource), Operation::Selling(selling::Operation::TagResource));
        let on_selling =
            FaultRule { service: Service::Selling, operation: Some(sell_tag), ..rule("s", FaultKind::ThrottleBefore) };
        assert!(matches(&on_selling, sell_tag, &a));
        assert!(!matches(&on_selling, acc_tag, &a));
        let on_account = FaultRule { operation: Some(acc_tag), ..rule("a", FaultKind::ThrottleBefore) };
        assert!(matches(&on_account, acc_tag, &a) && !matches(&on_account, sell_tag, &a));
        let all_selling = FaultRule { service: Service::Selling, ..rule("s2", FaultKind::ThrottleBefore) };
        assert!(matches(&all_selling, sell_tag, &a) && !matches(&all_selling, acc_tag, &a));
        let (p, _) = plan(std::slice::from_ref(&on_selling), sell_tag, &a, never);
        assert_eq!(p.before.map(|e| (e.service, e.status())), Some((Service::Selling, 429)));
        // Stored without a service (before the family): Account's; the operation is named in its service.
        let old: FaultRule =
            serde_json::from_str(r#"{"id": "f", "operation": "TagResource", "kind": "throttle_before"}"#).unwrap();
        assert_eq!((old.service, old.operation), (Service::Account, Some(acc_tag)));
        let doc = serde_json::to_value(&on_selling).unwrap();
        assert_eq!(
            (doc["service"].as_str(), doc["operation"].as_str()),
            (Some("partnercentral-selling"), Some("TagResource"))
        );
        assert!(serde_json::from_str::<FaultRule>(
            r#"{"id": "f", "service": "partnercentral-selling", "operation": "CreatePartner", "kind": "delay"}"#
        )
        .is_err());
        let mixed = FaultRule { operation: Some(sell_tag), ..rule("m", FaultKind::ThrottleBefore) };
        assert!(validate(&mixed).is_err(), "an operation of another service than the rule's");
    }

    #[test]
    fn only_errors_the_operation_lists() {
        let a = account("111111111111");
        let unlisted: Vec<Operation> = Service::Account
            .operations()
            .into_iter()
            .filter(|op| !op.errors().contains(&ErrorKind::InternalServer))
            .collect();
        assert!(!unlisted.is_empty(), "the model has operations without InternalServerException");
        for op in unlisted {
            assert!(!matches(&rule("f", FaultKind::InternalBefore), op, &a), "{op}");
            assert!(!matches(&rule("f", FaultKind::InternalAfterCommit), op, &a), "{op}");
            // Throttling is listed by every operation, and a delay needs no error.
            assert!(matches(&rule("f", FaultKind::ThrottleBefore), op, &a), "{op}");
            assert!(matches(&rule("f", FaultKind::Delay), op, &a), "{op}");
        }
    }

    #[test]
    fn plan_combines_rules() {
        let a = account("111111111111");
        let rules = vec![
            FaultRule { delay_ms: Some(20), ..rule("d1", FaultKind::Delay) },
            FaultRule { delay_ms: Some(30), ..rule("d2", FaultKind::Delay) },
            rule("a1", FaultKind::InternalAfterCommit),
            rule("t1", FaultKind::ThrottleBefore),
            rule("i1", FaultKind::InternalBefore),
        ];
        let (p, fired) = plan(&rules, Operation::Account(AccountOp::GetConnection), &a, never);
        assert_eq!(p.delay_ms, 50);
        assert_eq!(p.before.as_ref().map(|e| (e.kind, e.status())), Some((ErrorKind::Throttling, 429)));
        assert_eq!(p.after_commit, None, "a before-fault wins over after-commit");
        assert_eq!(fired, ["d1", "d2", "a1", "t1"], "i1 had nothing left to decide");

        let (p, fired) = plan(&rules[..3], Operation::Account(AccountOp::GetConnection), &a, never);
        assert_eq!(p.before, None);
        assert_eq!(p.after_commit.as_ref().map(|e| (e.kind, e.status())), Some((ErrorKind::InternalServer, 500)));
        assert_eq!(fired, ["d1", "d2", "a1"]);
        assert!(plan(&[], Operation::Account(AccountOp::GetConnection), &a, never).0.is_empty());
    }

    #[test]
    fn probability_is_rolled() {
        let a = account("111111111111");
        let r = vec![FaultRule { probability: Some(0.25), ..rule("p", FaultKind::InternalBefore) }];
        assert!(plan(&r, Operation::Account(AccountOp::GetConnection), &a, || 0.1).0.before.is_some());
        assert!(plan(&r, Operation::Account(AccountOp::GetConnection), &a, || 0.25).0.before.is_none());
        assert!(plan(&r, Operation::Account(AccountOp::GetConnection), &a, || 0.9).1.is_empty());
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
    fn new_rules_are_checked() {
        assert!(validate(&FaultRule { delay_ms: Some(5), ..rule("x", FaultKind::Delay) }).is_ok());
        for bad in [
            rule("x", FaultKind::Delay),
            FaultRule { delay_ms: Some(5), ..rule("x", FaultKind::ThrottleBefore) },
            FaultRule { delay_ms: Some(MAX_DELAY_MS + 1), ..rule("x", FaultKind::Delay) },
            FaultRule { probability: Some(1.5), ..rule("x", FaultKind::ThrottleBefore) },
            FaultRule { remaining: Some(0), ..rule("x", FaultKind::ThrottleBefore) },
            FaultRule {
                operation: Some(Operation::Account(AccountOp::AssociateAwsTrainingCertificationEmailDomain)),
                ..rule("x", FaultKind::InternalBefore)
            },
        ] {
            assert!(validate(&bad).is_err(), "{bad:?}");
        }
    }
}
