//! IAM for pcentral: identity-based policies decided as AWS decides them, for
//! every Partner Central action (docs/security.md#iam-users-and-policies).
//!
//! - [`Policy`]: a document read and checked once ([`Policy::parse`]), with
//!   IAM's refusals (unknown `Effect`, an action without a service prefix, an
//!   unknown operator, over the size quota), each naming its place.
//! - [`evaluate`]: default deny, explicit `Deny` wins, `Action`/`NotAction`
//!   and `Resource`/`NotResource` with wildcards, conditions with IAM's
//!   operators (String, Numeric, Date, Bool, Binary, IpAddress, Arn, Null,
//!   `…IfExists`, `ForAllValues:`/`ForAnyValue:`) and policy variables.
//! - [`data`]: AWS's Partner Central actions, resource types and condition
//!   keys, and AWS's managed policies for Partner Central, as data files.
//!
//! Why not a crate: `iam-rs` (0.8, crates.io) was read first. It re-reads and
//! compiles each `Resource` pattern on every request (policies here are
//! parsed once per change), its validation errors do not say where in the
//! document a problem is, it has no size quotas, and it brings `chrono` and
//! `ipnet` for what `time` and `std::net` already do here. What pcentral
//! needs (identity policies only, one account) is small enough to keep here,
//! tested rule by rule in `crates/iam/tests/`.

mod condition;
mod context;
pub mod data;
mod eval;
mod glob;
mod policy;
mod set;
mod template;

pub use condition::parse_date;
pub use context::Context;
pub use eval::{denial_message, evaluate, Decided, Deciding, Decision, Outcome, Request};
pub use glob::{arn_matches, matches as wildcard_matches};
pub use policy::{check_name, Effect, Policy, PolicyError, Statement, MANAGED_LIMIT, USER_INLINE_LIMIT};
pub use set::{ForAction, PolicySet, MANAGED_PER_USER};
