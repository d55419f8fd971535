//! [`EngagementExpiryTx`]: the engagement invitations the expiry sweep
//! settles, found through `engagement_invitations_due` (status, expires_at).

use pcentral_core::records::EngagementInvitation;
use pcentral_core::store::EngagementExpiryTx;
use pcentral_core::StoreError;
use pcentral_model::Millis;

use super::{limit, SqlTx};
use crate::sql::Db;

impl<D: Db> EngagementExpiryTx for SqlTx<'_, D> {
    fn expired_pending_engagement_invitations(
        &mut self,
        now: Millis,
        n: usize,
    ) -> Result<Vec<EngagementInvitation>, StoreError> {
        self.all(
            "SELECT doc FROM engagement_invitations WHERE status = 'PENDING' AND expires_at <= ?1
             ORDER BY expires_at, catalog, id LIMIT ?2",
            p![now, limit(n)],
        )
    }
}
