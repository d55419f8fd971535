//! This node's token buckets for the Selling API's throttling
//! (`pcentral_core::throttling`, docs/behaviour.md#throttling): one per
//! (account, quota group), in memory. The budget is per node: each node of a
//! PostgreSQL deployment keeps its own buckets, so N nodes behind a load
//! balancer allow up to N times the rate (sharing them would put a write
//! in the database on every call).

use std::collections::HashMap;
use std::sync::Mutex;

use pcentral_core::throttling::{group_of, rate, Bucket};
use pcentral_core::Settings;
use pcentral_model::{AccountId, ApiError, ErrorKind, Millis, Operation, Service};

#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<(AccountId, &'static str), Bucket>>,
}

impl Buckets {
    /// Whether `account` may call `operation` at service time `now` under
    /// `settings`; the ThrottlingException when not.
    pub fn admit(
        &self,
        settings: &Settings,
        operation: Operation,
        account: &AccountId,
        now: Millis,
    ) -> Result<(), ApiError> {
        if !settings.selling_throttling || operation.service() != Service::Selling {
            return Ok(());
        }
        let Some(group) = group_of(operation.name()) else {
            return Ok(());
        };
        let rate = rate(group, settings);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry((account.clone(), group.name)).or_insert_with(|| Bucket::full(rate, now));
        if bucket.take(rate, now) {
            return Ok(());
        }
        Err(ApiError::of(
            Service::Selling,
            ErrorKind::Throttling,
            format!(
                "Rate exceeded: {operation} is one of the {} of account {account}, allowed {} requests per {} s; \
                 retry after a pause",
                group.name,
                rate.requests,
                rate.per_ms / 1000
            ),
        ))
    }
}
