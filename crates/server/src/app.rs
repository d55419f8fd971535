//! What every request handler shares: the store, the credential rule, the
//! settings the server started with, and the admin access rule.

use std::net::IpAddr;
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

/// Admin calls (and the console) answer on loopback, or to callers presenting
/// the configured admin token.
pub fn admin_allowed(remote: IpAddr, configured_token: Option<&str>, presented: Option<&str>) -> bool {
    remote.is_loopback() || token_matches(configured_token, presented)
}

/// Whether `presented` is the configured admin token (compared in constant time).
pub fn token_matches(configured_token: Option<&str>, presented: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    matches!((configured_token, presented), (Some(want), Some(got)) if bool::from(want.as_bytes().ct_eq(got.as_bytes())))
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

#[cfg(test)]
mod tests {
    use super::admin_allowed;
    use std::net::IpAddr;

    #[test]
    fn admin_calls_need_loopback_or_the_token() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let remote: IpAddr = IpAddr::from([192, 0, 2, 7]);
        assert!(admin_allowed(loopback, None, None));
        assert!(admin_allowed(IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]), None, None));
        assert!(!admin_allowed(remote, None, None));
        assert!(!admin_allowed(remote, None, Some("anything")));
        assert!(!admin_allowed(remote, Some("s3cret"), None));
        assert!(!admin_allowed(remote, Some("s3cret"), Some("s3cre")));
        assert!(!admin_allowed(remote, Some("s3cret"), Some("S3CRET")));
        assert!(admin_allowed(remote, Some("s3cret"), Some("s3cret")));
    }
}
