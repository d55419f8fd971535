//! The developer tools (what the admin API runs), on the typed core
//! functions, in one write transaction at service time each.

use pcentral_core::clock;
use pcentral_core::events::{sweep_expired_engagement_invitations, sweep_expired_invitations};
use pcentral_core::fixtures;
use pcentral_core::records::{AccountRecord, EventFilter, StoredEvent, VerificationOutcome};
use pcentral_core::store::{self, OpResult, ResetScope, Tx};
use pcentral_core::tools::ToolError;
use pcentral_core::verification::{self, ForceVerification, VerificationResult};
use pcentral_core::{Failure, Settings};
use pcentral_model::account::VerificationType;
use pcentral_model::{AccountId, Millis};
use serde_json::{json, Value};

use super::{assert_unchanged, CountedIds, Harness, SANDBOX};

/// How the test "server" seals a registered secret (`seal`) and opens it (`unseal`).
pub fn seal(secret: &str) -> String {
    format!("sealed:{secret}")
}

pub fn unseal(sealed: &str) -> Option<String> {
    sealed.strip_prefix("sealed:").map(str::to_string)
}

/// What a developer tool works with inside its transaction.
pub struct Tool<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut CountedIds,
    /// Service time.
    pub now: Millis,
    /// The settings in force.
    pub settings: Settings,
}

impl Tool<'_> {
    /// Seed the fixture `doc` at service time, secrets sealed by [`seal`].
    pub fn seed(&mut self, doc: &Value) -> OpResult<fixtures::Counts> {
        let cx = fixtures::SeedContext { now: self.now, settings: &self.settings, ids: &mut *self.ids, encrypt: &seal };
        fixtures::seed(self.tx, doc.to_string().as_bytes(), cx)
    }
}

impl Harness {
    /// Run a developer tool in one write transaction at service time.
    pub fn tool<T>(&mut self, mut body: impl FnMut(&mut Tool<'_>) -> OpResult<T>) -> OpResult<T> {
        let (wall, start, ids) = (self.wall, &self.settings, &mut self.ids);
        store::write(self.backend.store(), |tx| {
            let (now, state) = clock::service_now(tx, wall)?;
            let settings = state.settings_or(start).clone();
            body(&mut Tool { tx, ids: &mut *ids, now, settings })
        })
    }

    /// A tool that must be refused and change nothing; answers its error.
    #[track_caller]
    pub fn tool_refused<T: std::fmt::Debug>(&mut self, body: impl FnMut(&mut Tool<'_>) -> OpResult<T>) -> ToolError {
        let before = self.snapshot();
        let e = match self.tool(body) {
            Ok(v) => panic!("the tool succeeded: {v:?}"),
            Err(Failure::Tool(e)) => e,
            Err(other) => panic!("the tool failed outside the tools: {other:?}"),
        };
        assert_unchanged(&before, &self.snapshot(), &format!("a tool refused with {e:?}"));
        e
    }

    /// The code last sent to `address` (the outbox).
    pub fn outbox_code(&self, address: &str) -> String {
        let messages = self.read(|tx| Ok(tx.outbox(Some(address))?));
        let last = messages.last().unwrap_or_else(|| panic!("nothing was sent to {address}"));
        last.code.clone().expect("a verification code")
    }

    /// A code that passes for `email` in `catalog`: any 6 digits in Sandbox;
    /// in AWS, `account` sends one (SendEmailVerificationCode) and the outbox tells it.
    pub fn email_code(&mut self, account: &str, catalog: &str, email: &str) -> String {
        if catalog == SANDBOX {
            return "000000".into();
        }
        self.ok(account, "SendEmailVerificationCode", json!({"Catalog": catalog, "Email": email}));
        self.outbox_code(&email.to_lowercase())
    }

    /// Force `account`'s verification of `verification_type` to `outcome`
    /// (business: with the verified `legal_name`, when given).
    pub fn force_verification(
        &mut self,
        account: &str,
        verification_type: VerificationType,
        outcome: VerificationOutcome,
        legal_name: Option<&str>,
    ) -> VerificationResult {
        let command = ForceVerification {
            account: AccountId::parse(account).unwrap(),
            verification_type,
            outcome,
            reason: None,
            legal_name: legal_name.map(str::to_string),
        };
        self.tool(|t| verification::force(t.tx, t.ids, command.clone(), t.now)).expect("forced")
    }

    /// The customer opens the registrant completion link with `token`.
    pub fn complete_verification(&mut self, token: &str) -> OpResult<VerificationResult> {
        self.tool(|t| verification::complete_by_token(t.tx, token, t.now, &t.settings))
    }

    /// Delete what `scope` selects.
    pub fn reset(&mut self, scope: ResetScope) {
        self.tool(|t| Ok(t.tx.reset(&scope)?)).expect("reset");
    }

    /// The fixture of everything stored (with secrets, opened by [`unseal`], when asked).
    pub fn export(&self, secrets: bool) -> Value {
        serde_json::from_str(&self.export_text(secrets)).expect("an export is JSON")
    }

    /// The fixture of everything stored, as the server writes it.
    pub fn export_text(&self, secrets: bool) -> String {
        let wall = self.wall;
        let written = self.read(|tx| {
            let (now, _) = clock::service_now(tx, wall)?;
            let mut out = Vec::new();
            fixtures::export(tx, now, secrets, &unseal, &mut out)?;
            Ok(out)
        });
        String::from_utf8(written).expect("an export is UTF-8")
    }

    /// Seed the fixture `doc` (secrets sealed by [`seal`]); answers how many
    /// records of each list it stored.
    pub fn seed(&mut self, doc: &Value) -> OpResult<fixtures::Counts> {
        self.tool(|t| t.seed(doc))
    }

    /// Seed `doc`, which must be refused without changing anything; answers the message.
    #[track_caller]
    pub fn seed_refused(&mut self, doc: &Value) -> String {
        self.tool_refused(|t| t.seed(doc).map(drop)).to_string()
    }

    /// The expiry sweep the server runs (connection, then engagement
    /// invitations): answers how many invitations it settled.
    pub fn sweep(&mut self) -> usize {
        self.tool(|t| {
            let connections = sweep_expired_invitations(t.tx, t.ids, t.now, &t.settings, 100)?;
            Ok(connections + sweep_expired_engagement_invitations(t.tx, t.ids, t.now, &t.settings, 100)?)
        })
        .expect("sweep")
    }

    /// Every recorded event, oldest first.
    pub fn events(&self) -> Vec<StoredEvent> {
        self.events_where(EventFilter::default())
    }

    /// The recorded events `filter` selects, oldest first.
    pub fn events_where(&self, filter: EventFilter) -> Vec<StoredEvent> {
        self.read(|tx| Ok(tx.events(&filter)?))
    }

    /// Configure an account (display name, seller profile).
    pub fn put_account(&self, record: AccountRecord) {
        self.write(|tx| Ok(tx.put_account(&record)?));
    }

    /// Set the stored service clock offset.
    pub fn set_clock_offset(&self, offset_ms: Millis) {
        self.write(|tx| {
            let mut state = std::sync::Arc::unwrap_or_clone(tx.service_state()?);
            state.clock_offset_ms = offset_ms;
            Ok(tx.put_service_state(&state)?)
        });
    }
}
