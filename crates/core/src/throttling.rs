//! Throttling of the Selling API (docs/behaviour.md#throttling): AWS's
//! documented request rates per partner account, as data, and the token
//! bucket that applies one. Off unless the `selling_throttling` setting is
//! on. The buckets themselves live in each node's memory (the server's
//! `throttle` module): the budget is per node.

use pcentral_model::Millis;

use crate::settings::{Settings, SECOND_MS};

/// Where the rates come from, and when they were read there.
pub const SOURCE: &str = "https://docs.aws.amazon.com/partner-central/latest/developer-guide/quotas.html";
pub const READ_ON: &str = "2026-12-07";

/// One row of AWS's quota table: operations that share one rate per partner account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaGroup {
    /// The row's type as AWS names it.
    pub name: &'static str,
    /// Requests per second per partner account.
    pub per_second: u64,
    /// Operations of the Selling API's model the row lists.
    pub operations: &'static [&'static str],
}

/// AWS's quota table for the Selling API (rates per second; the daily
/// quotas beside them are not applied). Operations the table does not
/// list are not throttled.
pub const GROUPS: [QuotaGroup; 6] = [
    QuotaGroup {
        name: "Read actions",
        per_second: 10,
        operations: &[
            "GetOpportunity",
            "GetAwsOpportunitySummary",
            "ListOpportunities",
            "ListSolutions",
            "GetEngagementInvitation",
            "ListEngagementInvitations",
        ],
    },
    QuotaGroup {
        name: "Prospecting read actions (get)",
        per_second: 100,
        operations: &["GetProspectingFromEngagementTask"],
    },
    QuotaGroup {
        name: "Prospecting read actions (list)",
        per_second: 50,
        operations: &["ListProspectingFromEngagementTasks"],
    },
    QuotaGroup {
        name: "Write actions",
        per_second: 1,
        operations: &[
            "CreateOpportunity",
            "UpdateOpportunity",
            "AssociateOpportunity",
            "DisassociateOpportunity",
            "RejectEngagementInvitation",
            "AssignOpportunity",
            "StartEngagementFromOpportunityTask",
            "StartEngagementByAcceptingInvitationTask",
        ],
    },
    QuotaGroup {
        name: "Prospecting write actions",
        per_second: 2,
        operations: &["StartProspectingFromEngagementTask"],
    },
    QuotaGroup { name: "Engagement write actions", per_second: 15, operations: &["CreateEngagement"] },
];

/// The quota group of the Selling operation named `operation`, if AWS lists one.
pub fn group_of(operation: &str) -> Option<&'static QuotaGroup> {
    GROUPS.iter().find(|g| g.operations.contains(&operation))
}

/// A refill rate: `requests` every `per_ms` milliseconds, and a burst of `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u64,
    pub per_ms: u64,
}

/// The rate `group` has under `settings`: AWS's, or the configured
/// `selling_throttling_rate_per_minute` for every group.
pub fn rate(group: &QuotaGroup, settings: &Settings) -> Rate {
    match settings.selling_throttling_rate_per_minute {
        0 => Rate { requests: group.per_second, per_ms: SECOND_MS.unsigned_abs() },
        n => Rate { requests: n, per_ms: 60 * SECOND_MS.unsigned_abs() },
    }
}

/// A token bucket, in units where one request costs `per_ms` and each
/// millisecond adds `requests` (so no fractions are lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    units: u64,
    at: Millis,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn full(rate: Rate, now: Millis) -> Bucket {
        Bucket { units: rate.requests.saturating_mul(rate.per_ms), at: now }
    }

    /// Take one request's tokens at service time `now`; `false` (nothing
    /// taken) when the bucket does not hold them.
    pub fn take(&mut self, rate: Rate, now: Millis) -> bool {
        let capacity = rate.requests.saturating_mul(rate.per_ms);
        let elapsed = u64::try_from(now.saturating_sub(self.at)).unwrap_or(0);
        self.units = self.units.saturating_add(elapsed.saturating_mul(rate.requests)).min(capacity);
        self.at = self.at.max(now);
        if self.units >= rate.per_ms {
            self.units -= rate.per_ms;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let rate = Rate { requests: 3, per_ms: 60_000 };
        let mut b = Bucket::full(rate, 1_000);
        assert!((0..3).all(|_| b.take(rate, 1_000)));
        assert!(!b.take(rate, 1_000));
        assert!(!b.take(rate, 20_999), "a third of a minute refills one request, not before");
        assert!(b.take(rate, 21_000));
        assert!(!b.take(rate, 21_000));
        assert!((0..3).all(|_| b.take(rate, 1_000_000)), "a long pause refills the burst, no more");
        assert!(!b.take(rate, 1_000_000));
    }

    #[test]
    fn every_listed_operation_is_a_selling_operation_or_a_later_one() {
        let names: Vec<&str> = pcentral_model::Service::Selling.operations().iter().map(|o| o.name()).collect();
        for g in GROUPS {
            for op in g.operations {
                // The prospecting operations are newer than the model pcentral serves.
                assert!(names.contains(op) || op.contains("Prospecting"), "{op}");
            }
        }
        assert_eq!(group_of("UpdateOpportunity").map(|g| g.per_second), Some(1));
        assert_eq!(group_of("GetOpportunity").map(|g| g.per_second), Some(10));
        assert_eq!(group_of("ListEngagements"), None);
    }
}
