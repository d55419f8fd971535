//! Deciding one request against a principal's identity-based policies, as
//! IAM does for a principal in its own account with no other policy types:
//! an explicit `Deny` that applies wins; else an `Allow` that applies allows;
//! else the request is denied by default.

use crate::policy::{Effect, Policy, Statement};
use crate::Context;

/// What is asked: an action on a resource, with the request's context.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `partnercentral:GetOpportunity`.
    pub action: &'a str,
    /// The resource's ARN, or `*` for an action that names no resource type.
    pub resource: &'a str,
    pub context: &'a Context<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    Allowed,
    /// No statement allows it.
    ImplicitDeny,
    ExplicitDeny,
}

/// The statement that decided: its policy, its `Sid` (if any) and its position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deciding {
    pub policy: String,
    pub sid: Option<String>,
    pub index: usize,
}

impl std::fmt::Display for Deciding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_label(f, &self.policy, self.index, self.sid.as_deref())
    }
}

/// How logs and the simulator name a statement: `<policy>/Statement[i] (Sid)`.
pub(crate) fn write_label(
    out: &mut impl std::fmt::Write,
    policy: &str,
    index: usize,
    sid: Option<&str>,
) -> std::fmt::Result {
    match sid {
        Some(sid) => write!(out, "{policy}/Statement[{index}] ({sid})"),
        None => write!(out, "{policy}/Statement[{index}]"),
    }
}

/// A decision and the statement that made it (none for a default deny).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub decision: Decision,
    pub statement: Option<Deciding>,
}

impl Outcome {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }
}

/// Decide `request` against `policies`.
pub fn evaluate<'p>(policies: impl IntoIterator<Item = &'p Policy>, request: &Request<'_>) -> Outcome {
    let statements = policies.into_iter().flat_map(|p| p.statements.iter().map(move |st| (p, st)));
    decide(statements, request, true).outcome()
}

/// A decision and the statement that made it, borrowed from its policies.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'p> {
    pub decision: Decision,
    /// The deciding statement and its policy (none for a default deny).
    pub by: Option<(&'p Policy, &'p Statement)>,
}

impl Decided<'_> {
    /// The decision as an owned [`Outcome`].
    pub fn outcome(&self) -> Outcome {
        let statement =
            self.by.map(|(policy, st)| Deciding { policy: policy.name.clone(), sid: st.sid.clone(), index: st.index });
        Outcome { decision: self.decision, statement }
    }
}

/// The one evaluation loop: `statements` in order (inline policies first),
/// each with its policy. `check_action` is false when every statement given
/// is known to cover the request's action.
pub(crate) fn decide<'p>(
    statements: impl IntoIterator<Item = (&'p Policy, &'p Statement)>,
    request: &Request<'_>,
    check_action: bool,
) -> Decided<'p> {
    let mut allow = None;
    for (policy, st) in statements {
        // The cheap tests first: most statements fail on the action.
        if (check_action && !st.covers_action(request.action))
            || !st.covers_resource(request.resource, request.context)
            || !st.conditions_hold(request.context)
        {
            continue;
        }
        match st.effect {
            Effect::Deny => return Decided { decision: Decision::ExplicitDeny, by: Some((policy, st)) },
            Effect::Allow => {
                if allow.is_none() {
                    allow = Some((policy, st));
                }
            }
        }
    }
    match allow {
        Some(by) => Decided { decision: Decision::Allowed, by: Some(by) },
        None => Decided { decision: Decision::ImplicitDeny, by: None },
    }
}

/// AWS's wording of a refusal: `User: <principal> is not authorized to perform:
/// <action> on resource: <arn> because …`. `None` when the outcome allows.
pub fn denial_message(principal: &str, action: &str, resource: &str, outcome: &Outcome) -> Option<String> {
    let reason = match outcome.decision {
        Decision::Allowed => return None,
        Decision::ImplicitDeny => format!("because no identity-based policy allows the {action} action"),
        Decision::ExplicitDeny => "with an explicit deny in an identity-based policy".to_string(),
    };
    Some(format!("User: {principal} is not authorized to perform: {action} on resource: {resource} {reason}"))
}
