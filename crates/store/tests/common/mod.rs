//! The one harness of the store tests: the service rules driven through
//! `pcentral_core::execute` over a real store, the way the server drives
//! them, without HTTP. Every test file uses it, and only it.
//!
//! * [`Harness`]: the backend under test ([`Backend`]: SQLite in a temporary
//!   directory, or a fresh PostgreSQL schema when `PCENTRAL_TEST_DATABASE`
//!   is set), counted ids ([`CountedIds`]), a wall clock the test moves,
//!   and the start settings.
//! * API calls: [`Harness::call`] validates the input like the server, fills
//!   in a ClientToken where the model has one and none was given (as SDKs
//!   do), and runs in a read transaction for read-only operations or a write
//!   transaction otherwise. [`Harness::ok`] expects success;
//!   [`Harness::refused`] expects a refusal that changed nothing in the
//!   database and answers its [`Refusal`], the one error projection every
//!   file compares ([`Harness::refusal`] answers the whole error, for the
//!   files that read its message).
//! * Built on them: partners and profiles, invitations and connections
//!   (`flows.rs`), and the developer tools on the typed core functions
//!   (`tools.rs`).

#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used)]

mod backend;
mod flows;
mod ids;
mod refusal;
mod tools;

pub use backend::Backend;
pub use flows::{
    account, account_record, alpha_draft, codes_only, credential, ids_of, in_catalog, invitation_input, on_partner,
    other_than, partner, partner_input, sandbox, sandbox_id, start_task, subsidiary_connection, subsidiary_in,
    task_details, two_partners, Published, INVITATION_MESSAGE,
};
pub use ids::CountedIds;
pub use refusal::{access_denied, business, conflict, invalid, not_found, quota, Refusal};
pub use tools::{seal, unseal, Tool};

use pcentral_core::store::{self, OpResult, Tx};
use pcentral_core::{execute, Caller, Failure, Outcome, Settings, Store};
use pcentral_model::shapes::Shape;
use pcentral_model::{check_input, model, AccountId, ApiError, Millis, Operation, Service};
use serde_json::{json, Value};

/// Test accounts.
pub const A: &str = "111111111111";
pub const B: &str = "222222222222";
pub const C: &str = "333333333333";
/// The catalogs, as the wire spells them.
pub const SANDBOX: &str = "Sandbox";
pub const AWS: &str = "AWS";
/// The connection types.
pub const OC: &str = "OPPORTUNITY_COLLABORATION";
pub const SUB: &str = "SUBSIDIARY";
/// Durations in milliseconds.
pub const SECOND: Millis = 1000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;
/// The region of every test caller's credential scope.
pub const REGION: &str = "us-east-1";
/// The base URL test callers reach pcentral at.
pub const ENDPOINT: &str = "http://pcentral.test:4599";

/// A store under test, the ids it draws, the wall clock and the start settings.
pub struct Harness {
    pub backend: Backend,
    pub ids: CountedIds,
    /// Wall time; service time is this plus the stored clock offset.
    pub wall: Millis,
    /// The settings the "server" started with (the stored ones win once set).
    pub settings: Settings,
    /// ClientTokens filled in so far.
    tokens: u64,
}

impl Harness {
    /// A fresh store with the wall clock at `wall`.
    pub fn new(wall: Millis) -> Harness {
        Harness::on(Backend::new(), wall)
    }

    /// A harness over `backend` with the wall clock at `wall`.
    pub fn on(backend: Backend, wall: Millis) -> Harness {
        Harness { backend, ids: CountedIds::default(), wall, settings: Settings::default(), tokens: 0 }
    }

    pub fn store(&self) -> &dyn Store {
        self.backend.store()
    }

    /// Move the wall clock (hence service time) forward.
    pub fn advance(&mut self, ms: Millis) {
        self.wall += ms;
    }

    /// Close the store and open it again on the same data.
    pub fn reopen(&mut self) {
        self.backend.reopen();
    }

    /// Every stored record a fixture holds, in export order.
    pub fn records(&self) -> Vec<pcentral_core::store::Record> {
        self.read(|tx| {
            let mut all = Vec::new();
            tx.visit_records(&mut |r| {
                all.push(r);
                Ok(())
            })?;
            Ok(all)
        })
    }

    /// Every row of every table, as text.
    pub fn snapshot(&self) -> Vec<String> {
        self.backend.dump()
    }

    /// Run `op` as `account` like the server: fill in a ClientToken when the
    /// operation's input has an idempotency-token member and none was given,
    /// validate against the model, then execute in a read transaction
    /// (read-only operations) or a write transaction.
    pub fn execute(&mut self, account: &str, op: &str, mut input: Value) -> Result<Outcome, ApiError> {
        // `CreatePartner` is Account's; another service's operation is named by its target
        // (`AWSPartnerCentralSelling.CreateOpportunity`, see [`selling`]).
        let operation = if op.contains('.') { Operation::from_target(op) } else { Service::Account.operation(op) }
            .unwrap_or_else(|| panic!("{op} is not an operation of the model"));
        if let Some(member) = idempotency_token_member(operation) {
            if input.get(member).is_none() {
                self.tokens += 1;
                input[member] = json!(format!("token-{}", self.tokens));
            }
        }
        check_input(operation, &input)?;
        let account = AccountId::parse(account).expect("a test account is 12 digits");
        let caller = Caller { account, region: REGION.into(), endpoint: ENDPOINT.into() };
        let (wall, settings, ids) = (self.wall, &self.settings, &mut self.ids);
        let body = |tx: &mut dyn Tx| execute(tx, ids, &caller, operation, &input, wall, settings);
        let result = if pcentral_core::operations::reads_only(operation) {
            store::read(self.backend.store(), body)
        } else {
            store::write(self.backend.store(), body)
        };
        result.map_err(|failure| match failure {
            Failure::Api(e) => e,
            other => panic!("{op} failed outside the API: {other:?}"),
        })
    }

    /// [`Harness::execute`], answering the response (its JSON text parsed).
    pub fn call(&mut self, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
        self.execute(account, op, input).map(|outcome| outcome.response.to_value())
    }

    /// A call that must succeed.
    #[track_caller]
    pub fn ok(&mut self, account: &str, op: &str, input: Value) -> Value {
        match self.call(account, op, input.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{op} by {account} failed: {e}\ninput: {input}"),
        }
    }

    /// A call that must be refused and change nothing in the database;
    /// answers the refusal's projection.
    #[track_caller]
    pub fn refused(&mut self, account: &str, op: &str, input: Value) -> Refusal {
        Refusal::of(&self.refusal(account, op, input))
    }

    /// [`Harness::refused`], answering the whole error (message included).
    #[track_caller]
    pub fn refusal(&mut self, account: &str, op: &str, input: Value) -> ApiError {
        let before = self.snapshot();
        assert!(before.iter().any(|row| row.starts_with("service_state")), "the snapshot sees the database");
        let e = match self.call(account, op, input.clone()) {
            Ok(v) => panic!("{op} by {account} succeeded: {v}\ninput: {input}"),
            Err(e) => e,
        };
        assert_unchanged(&before, &self.snapshot(), &format!("{op} by {account}, refused with {e},"));
        e
    }

    /// Run `body` in a read transaction (inspection without an API call).
    pub fn read<T>(&self, body: impl FnMut(&mut dyn Tx) -> OpResult<T>) -> T {
        store::read(self.store(), body).unwrap_or_else(|f| panic!("read transaction failed: {f:?}"))
    }

    /// Run `body` in a write transaction (setup without an API call).
    pub fn write<T>(&self, body: impl FnMut(&mut dyn Tx) -> OpResult<T>) -> T {
        store::write(self.store(), body).unwrap_or_else(|f| panic!("write transaction failed: {f:?}"))
    }
}

/// How a test names a Selling API operation to [`Harness::execute`]: `selling("CreateOpportunity")`.
pub fn selling(op: &str) -> String {
    format!("{}.{op}", Service::Selling.target_prefix())
}

/// The member of `operation`'s input that the model marks as its idempotency token.
fn idempotency_token_member(operation: Operation) -> Option<&'static str> {
    let m = model(operation.service());
    let Some(Shape::Structure { members, .. }) = m.shape(&m.operation(operation.name())?.input) else {
        return None;
    };
    members.iter().find(|member| member.idempotency_token).map(|member| member.name.as_str())
}

/// Fail, listing the rows that differ, when `after` is not `before`.
#[track_caller]
pub fn assert_unchanged(before: &[String], after: &[String], what: &str) {
    if before == after {
        return;
    }
    let gone: Vec<&String> = before.iter().filter(|row| !after.contains(row)).collect();
    let new: Vec<&String> = after.iter().filter(|row| !before.contains(row)).collect();
    panic!("{what} changed the database\nrows gone: {gone:#?}\nrows new: {new:#?}");
}
