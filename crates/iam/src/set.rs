//! The policies of one principal, parsed together and checked against IAM's
//! quotas for a user: inline policies with unique names whose documents
//! together stay within [`USER_INLINE_LIMIT`], and at most
//! [`MANAGED_PER_USER`] managed policies, each one AWS has.

use serde_json::Value;

use crate::data::managed_policy;
use crate::eval::{decide, Decided};
use crate::policy::{Policy, PolicyError, Statement, USER_INLINE_LIMIT};
use crate::{Context, Outcome, Request};

/// Managed policies one user may hold (IAM's default quota).
pub const MANAGED_PER_USER: usize = 10;

/// A principal's parsed policies.
#[derive(Debug, Default)]
pub struct PolicySet {
    inline: Vec<Policy>,
    managed: Vec<&'static Policy>,
}

impl PolicySet {
    /// Parse `inline` (name, document) and look up `managed` by name; a
    /// refusal names the policy, the place and the problem.
    pub fn build(inline: &[(&str, &Value)], managed: &[&str]) -> Result<PolicySet, PolicyError> {
        let whole =
            |policy: &str, problem: String| PolicyError { policy: policy.to_string(), place: String::new(), problem };
        let mut set = PolicySet::default();
        let mut total = 0;
        for (name, document) in inline {
            if set.inline.iter().any(|p| p.name == *name) {
                return Err(whole(name, "two inline policies have this name".to_string()));
            }
            let policy = Policy::parse(name, document)?;
            total += policy.size;
            if total > USER_INLINE_LIMIT {
                return Err(whole(
                    name,
                    format!("the user's inline policies reach {total} characters (whitespace not counted); IAM allows {USER_INLINE_LIMIT} together"),
                ));
            }
            set.inline.push(policy);
        }
        if managed.len() > MANAGED_PER_USER {
            return Err(whole(
                managed[MANAGED_PER_USER],
                format!("a user may hold at most {MANAGED_PER_USER} managed policies"),
            ));
        }
        for name in managed {
            let Some(found) = managed_policy(name) else {
                return Err(whole(
                    name,
                    format!(
                        "no AWS managed policy has this name (known: {})",
                        crate::data::managed_policy_names().join(", ")
                    ),
                ));
            };
            if set.managed.iter().any(|p| std::ptr::eq(*p, &found.policy)) {
                return Err(whole(name, "the managed policy is named twice".to_string()));
            }
            set.managed.push(&found.policy);
        }
        Ok(set)
    }

    /// Every policy, inline ones first.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.inline.iter().chain(self.managed.iter().copied())
    }

    /// Decide `request` against every policy of the set.
    pub fn evaluate(&self, request: &Request<'_>) -> Outcome {
        crate::evaluate(self.policies(), request)
    }

    /// The statements of the set whose `Action`/`NotAction` covers `action`
    /// and that may apply to requests whose context holds `fixed` (the keys
    /// the principal alone fixes: [`Statement::may_apply`]), in order, and
    /// the context keys they read: worked out once per principal and action,
    /// so that deciding a request for it ([`PolicySet::decide`]) tests only
    /// those, with a context of only those keys.
    pub fn for_action(&self, action: &str, fixed: &Context<'_>) -> ForAction {
        let statements: Vec<(usize, usize)> = self
            .policies()
            .enumerate()
            .flat_map(|(p, policy)| policy.statements.iter().enumerate().map(move |(s, st)| (p, s, st)))
            .filter(|(_, _, st)| st.covers_action(action) && st.may_apply(fixed))
            .map(|(p, s, _)| (p, s))
            .collect();
        let mut keys: Vec<String> = statements
            .iter()
            .filter_map(|&(p, s)| self.statement(p, s))
            .flat_map(|(_, st)| st.keys())
            .map(str::to_string)
            .collect();
        keys.sort();
        keys.dedup();
        ForAction { statements, keys }
    }

    /// Decide `request`, whose action and fixed keys `only` was worked out
    /// for, testing only the statements that may apply; the deciding
    /// statement is borrowed.
    pub fn decide(&self, only: &ForAction, request: &Request<'_>) -> Decided<'_> {
        decide(only.statements.iter().filter_map(|&(p, s)| self.statement(p, s)), request, false)
    }

    fn statement(&self, p: usize, s: usize) -> Option<(&Policy, &Statement)> {
        let policy = match self.inline.get(p) {
            Some(policy) => policy,
            None => self.managed.get(p - self.inline.len())?,
        };
        Some((policy, policy.statements.get(s)?))
    }
}

/// The statements of a [`PolicySet`] that cover one action (by their
/// policy's position, inline policies first, and their own), and the
/// context keys they read.
#[derive(Debug, Clone, Default)]
pub struct ForAction {
    statements: Vec<(usize, usize)>,
    /// Lower-cased, once each.
    keys: Vec<String>,
}

impl ForAction {
    /// Whether a statement reads context key `key` (compared without case):
    /// a request's context needs only these.
    pub fn reads(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Whether a statement reads a key that starts with `prefix` (`aws:ResourceTag/`).
    pub fn reads_under(&self, prefix: &str) -> bool {
        self.keys.iter().any(|k| k.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)))
    }
}
