//! Deciding one request against a principal's identity-based policies, as
//! IAM does for a principal in its own account with no other policy types:
//! an explicit `Deny` that applies wins; else an `Allow` that applies allows;
//! else the request is denied by default.

use crate::policy::{Effect, Policy};
use crate::Context;

/// What is asked: an action on a resource, with the request's context.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `partnercentral:GetOpportunity`.
    pub action: &'a str,
    /// The resource's ARN, or `*` for an action that names no resource type.
    pub resource: &'a str,
    pub context: &'a Context,
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
        match &self.sid {
            Some(sid) => write!(f, "{}/Statement[{}] ({sid})", self.policy, self.index),
            None => write!(f, "{}/Statement[{}]", self.policy, self.index),
        }
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
    let mut allow: Option<Deciding> = None;
    for policy in policies {
        for st in &policy.statements {
            // The cheap tests first: most statements fail on the action.
            if !st.covers_action(request.action)
                || !st.covers_resource(request.resource, request.context)
                || !st.conditions_hold(request.context)
            {
                continue;
            }
            let deciding = Deciding { policy: policy.name.clone(), sid: st.sid.clone(), index: st.index };
            match st.effect {
                Effect::Deny => return Outcome { decision: Decision::ExplicitDeny, statement: Some(deciding) },
                Effect::Allow => {
                    if allow.is_none() {
                        allow = Some(deciding);
                    }
                }
            }
        }
    }
    match allow {
        Some(statement) => Outcome { decision: Decision::Allowed, statement: Some(statement) },
        None => Outcome { decision: Decision::ImplicitDeny, statement: None },
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
