//! The rules of the Partner Central Account API, without I/O.
//!
//! An operation is a function of (caller, validated input, service time,
//! store transaction): see [`operations::execute`]. Time and fresh ids are
//! passed in; storage is reached only through the [`store::Tx`] trait, which
//! each backend implements. Rendering a stored record for a caller is a pure
//! function of the record and the caller. The rules themselves are written
//! down in docs/behaviour.md; each module cites its section.
//!
//! The modules form layers; a module uses only modules declared before it
//! below (a test, `tests/layers.rs`, keeps it so, so there are no circles):
//!
//! 1. Foundation: [`settings`], [`tools`] (the developer tools' error),
//!    [`records`] (the stored records), [`store`] (the storage interface),
//!    [`ctx`] (caller, fresh ids, the call context), [`arn`], [`clock`],
//!    [`fingerprint`].
//! 2. Shared rules: [`partners`] (the caller's partner, derived profiles,
//!    email codes), [`quotas`], [`pagination`], [`events`], [`accounts`],
//!    [`faults`], [`iam_users`], [`fixtures`], [`retention`].
//! 3. Resource families, one module each: [`tags`], [`verification`],
//!    [`domains`], [`alliance`], [`profiles`], [`registration`],
//!    [`preferences`], [`qualifications`], [`connections`], [`invitations`], and the Selling API's
//!    [`opportunities`] and [`engagements`].
//! 4. [`operations`]: the operation table, service time and idempotency.

pub mod settings;
pub mod tools;
pub mod records;
pub mod store;
pub mod ctx;
pub mod arn;
pub mod clock;
pub mod fingerprint;

pub mod partners;
pub mod quotas;
pub mod pagination;
pub mod events;
pub mod accounts;
pub mod faults;
pub mod iam_users;
pub mod fixtures;
pub mod retention;

pub mod tags;
pub mod verification;
pub mod domains;
pub mod alliance;
pub mod profiles;
pub mod registration;
pub mod preferences;
pub mod qualifications;
pub mod connections;
pub mod invitations;
pub mod opportunities;
pub mod engagements;
pub mod selling_settings;
pub mod solutions;
pub mod bulk_jobs;
pub mod customer_accounts;
pub mod acting_as_aws;
pub mod throttling;
pub mod search;

pub mod operations;

pub use ctx::{Caller, Ids};
pub use operations::{execute, Outcome};
pub use settings::Settings;
pub use store::{Failure, OpResult, Store, StoreError, Tx};
