//! Engagement invitations whose expiry the background worker settles.

use pcentral_model::Millis;

use super::StoreError;
use crate::records::EngagementInvitation;

/// The engagement invitation expiry sweep's reads inside one transaction.
pub trait EngagementExpiryTx {
    /// Up to `limit` engagement invitations stored PENDING whose
    /// `expires_at` is at or before `now`, soonest expired first.
    fn expired_pending_engagement_invitations(
        &mut self,
        now: Millis,
        limit: usize,
    ) -> Result<Vec<EngagementInvitation>, StoreError>;
}
