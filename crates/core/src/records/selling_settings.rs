//! The Selling API's system settings of one account in one catalog
//! (docs/behaviour.md#selling-system-settings).

use pcentral_model::{AccountId, Catalog, Millis};
use serde::{Deserialize, Serialize};

/// What PutSellingSystemSettings last stored for `account` in `catalog`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellingSettings {
    pub catalog: Catalog,
    pub account: AccountId,
    /// The IAM role resource snapshot jobs run as, as a full ARN; `None`
    /// when the last Put left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_snapshot_job_role_arn: Option<String>,
    pub updated_at: Millis,
}
