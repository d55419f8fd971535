//! What every request handler shares: the store, the credential rule, the
//! settings the server started with, and the admin access rule.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use pcentral_core::{Ids, Settings, Store};
use pcentral_model::IdSuffix;
use rand::Rng;

use crate::credentials::CredentialRule;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub credentials: CredentialRule,
    /// Settings given at start; runtime changes are stored in the database.
    pub settings: Settings,
    /// When set, admin calls from beyond loopback must present it.
    pub admin_token: Option<String>,
    /// This node's recent requests and metrics (in memory, per node).
    pub observe: crate::observe::Observer,
}

/// Wall-clock time in milliseconds since the Unix epoch.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Fresh identifiers from the thread's random generator.
pub struct RandomIds;

impl Ids for RandomIds {
    fn suffix(&mut self) -> IdSuffix {
        // Lower-case base32: fits every id pattern of the model (docs/behaviour.md#identifiers-and-arns).
        IdSuffix::from_base32(rand::thread_rng().gen())
    }

    fn code(&mut self) -> String {
        format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
    }

    fn event_id(&mut self) -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }
}
