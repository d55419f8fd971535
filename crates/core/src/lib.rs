//! The rules of the Partner Central Account API, without I/O.
//!
//! An operation is a function of (caller, validated input, service time,
//! store transaction): see [`operations::execute`]. Time and fresh ids are
//! passed in; storage is reached only through the [`store::Tx`] trait, which
//! each backend implements. Rendering a stored record for a caller is a pure
//! function of the record and the caller.
//!
//! Modules, one per resource family:
//! * [`partners`]: registration, email verification codes, partner views.
//! * [`alliance`]: the alliance lead contact.
//! * [`domains`]: training/certification email domains.
//! * [`verification`]: business and registrant verification (account level).
//! * [`tags`]: tags on partners.
//! * [`qualifications`]: qualifications association tasks and groups.
//! * [`profiles`]: draft/published profiles, profile update tasks, visibility.
//! * [`preferences`]: connection preferences and the receiver check they make.
//! * [`invitations`]: connection invitations, their per-caller views and derived expiry.
//! * [`connections`]: connections, their per-caller views, type lifecycles.
//! * [`events`]: the EventBridge-shaped events recorded for invitations and connections.
//! * [`pagination`]: signed keyset `NextToken`s for the list operations.
//! * [`quotas`]: rolling 24-hour quotas.
//! * [`operations`]: the operation table, service time, idempotency.
//! * [`settings`]: delays, lifetimes and limits.
//! * [`accounts`]: admin-configured account names and seller profiles.
//! * [`fixtures`]: export and seed of the stored records (developer tools).
//! * [`store`]: the storage interface and the stored records.

pub mod accounts;
pub mod alliance;
pub mod connections;
pub mod domains;
pub mod events;
pub mod fixtures;
pub mod invitations;
pub mod operations;
pub mod pagination;
pub mod partners;
pub mod preferences;
pub mod profiles;
pub mod qualifications;
pub mod quotas;
pub mod settings;
pub mod store;
pub mod tags;
pub mod verification;

pub use operations::{execute, handler, Caller, Ids};
pub use settings::Settings;
pub use store::{Failure, OpResult, Store, StoreError, Tx};
