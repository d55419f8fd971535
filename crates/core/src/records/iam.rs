//! IAM users of an account and the policies they hold (docs/security.md#iam-users-and-policies).

use pcentral_model::{AccountId, Millis};
use serde::{Deserialize, Serialize};

/// An inline policy: its name and its document as given (a JSON object, or a string holding one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: serde_json::Value,
}

/// A named IAM user of an account (principal `arn:aws:iam::<account>:user/<name>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    pub account: AccountId,
    pub name: String,
    #[serde(default)]
    pub policies: Vec<InlinePolicy>,
    /// AWS managed policies by name (`AWSPartnerCentralSandboxFullAccess`).
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Raised by every change: a node's parsed copy is keyed by it, so no
    /// node decides with policies older than the stored ones.
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub updated_at: Millis,
}

impl IamUser {
    /// `arn:aws:iam::<account>:user/<name>`.
    pub fn arn(&self) -> String {
        user_arn(&self.account, &self.name)
    }
}

/// The ARN of IAM user `name` of `account`.
pub fn user_arn(account: &AccountId, name: &str) -> String {
    format!("arn:aws:iam::{account}:user/{name}")
}
