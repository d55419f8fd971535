//! What every request handler shares: the store, the credential rule, the
//! settings the server started with, the admin gate's settings and the
//! HTTP limits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pcentral_core::{Ids, Settings, Store};
use pcentral_model::IdSuffix;
use rand::Rng;

use crate::credentials::CredentialRule;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub credentials: CredentialRule,
    /// Registered key pairs as last read (per node).
    pub keys: crate::credentials::KnownKeys,
    /// Settings given at start; runtime changes are stored in the database.
    pub settings: Settings,
    /// When set, admin calls from beyond loopback must present it (never empty).
    pub admin_token: Option<String>,
    /// The host names the admin API and the console answer to.
    pub admin_hosts: crate::gate::AdminHosts,
    /// Connection and request limits.
    pub limits: Limits,
    /// For a store reached over the network: one slot per pooled connection,
    /// handed out in arrival order (`None` for SQLite).
    pub store_slots: Option<Arc<tokio::sync::Semaphore>>,
    /// This node's recent requests and metrics (in memory, per node).
    pub observe: crate::observe::Observer,
    /// This node's token buckets of the Selling API's throttling (per node).
    pub throttle: crate::throttle::Buckets,
    /// IAM users' parsed policies, by stored version (per node).
    pub policies: crate::authorize::PolicyCache,
    /// The reverse proxies whose forwarding headers this node believes.
    pub trusted_proxies: crate::proxies::TrustedProxies,
}

/// The limits that keep one node serving under hostile traffic
/// (docs/security.md), from its settings.
#[derive(Debug)]
pub struct Limits {
    /// Concurrent HTTP connections served.
    pub max_connections: usize,
    /// From a connection's start or its previous answer to the end of the next request's headers.
    pub header_timeout: Duration,
    /// For a request's body (a fixture upload: the longest pause in it).
    pub body_timeout: Duration,
    /// Request body bytes all connections may hold in memory at once.
    pub body_memory: Arc<BodyBudget>,
    /// How long a stopping node lets requests in flight finish.
    pub shutdown_grace: Duration,
}

/// A budget of bytes shared by every connection: a request body is read
/// only while its bytes fit, and its bytes are given back when the request
/// is done.
#[derive(Debug)]
pub struct BodyBudget {
    limit: u64,
    used: AtomicU64,
}

impl BodyBudget {
    pub fn new(limit: u64) -> BodyBudget {
        BodyBudget { limit, used: AtomicU64::new(0) }
    }

    /// Take `n` more bytes for `held`, if they fit.
    pub fn take(self: &Arc<Self>, held: &mut Held, n: u64) -> bool {
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let Some(next) = used.checked_add(n).filter(|next| *next <= self.limit) else {
                return false;
            };
            match self.used.compare_exchange_weak(used, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => {
                    held.bytes += n;
                    held.budget = Some(self.clone());
                    return true;
                }
                Err(actual) => used = actual,
            }
        }
    }

    /// Bytes held right now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }
}

/// The bytes one request holds of a [`BodyBudget`], given back when dropped.
#[derive(Debug, Default)]
pub struct Held {
    budget: Option<Arc<BodyBudget>>,
    bytes: u64,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(budget) = &self.budget {
            budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
        }
    }
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

    fn secret(&mut self) -> String {
        // ThreadRng is a CSPRNG (ChaCha, reseeded from the system).
        hex::encode(rand::thread_rng().gen::<[u8; 32]>())
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
    use super::*;

    #[test]
    fn a_body_budget_gives_bytes_back_when_a_request_is_done() {
        let budget = Arc::new(BodyBudget::new(100));
        let mut first = Held::default();
        assert!(budget.take(&mut first, 60));
        {
            let mut second = Held::default();
            assert!(!budget.take(&mut second, 41), "beyond the limit");
            assert!(budget.take(&mut second, 40));
            assert_eq!(budget.used(), 100);
        }
        assert_eq!(budget.used(), 60);
        drop(first);
        assert_eq!(budget.used(), 0);
    }
}
