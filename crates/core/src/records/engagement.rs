//! The stored engagement of the Selling API (docs/behaviour.md#engagements):
//! the engagement itself, its contexts, and who is a member of it.

use pcentral_model::{
    AccountId, Catalog, EngagementId, EngagementInvitationId, EngagementTaskId, Millis, OpportunityId,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use pcentral_model::selling::EngagementContextType as ContextType;

/// One context of an engagement: its number in the engagement (`1`, `2`,
/// ...), its type and its payload as on the wire (the union member, e.g.
/// `{"CustomerProject": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementContext {
    pub id: u16,
    pub context_type: ContextType,
    pub payload: Value,
}

/// An engagement. Its members are stored apart ([`EngagementMembership`]):
/// the engagement's record never lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engagement {
    pub catalog: Catalog,
    pub id: EngagementId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_at: Millis,
    pub created_by: AccountId,
    /// Service time of the last change: the optimistic-concurrency token of
    /// UpdateEngagementContext (`EngagementLastModifiedAt`).
    pub modified_at: Millis,
    pub modified_by: AccountId,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<EngagementContext>,
}

impl Engagement {
    /// The context types the engagement holds, in context order, each once.
    pub fn context_types(&self) -> Vec<ContextType> {
        let mut types: Vec<ContextType> = Vec::new();
        for c in &self.contexts {
            if !types.contains(&c.context_type) {
                types.push(c.context_type);
            }
        }
        types
    }
}

/// An account's membership of an engagement, from the time it joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementMembership {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub account: AccountId,
    pub joined_at: Millis,
}

pub use pcentral_model::selling::{EngagementInvitationPayloadType as PayloadType, InvitationStatus};

/// An invitation to join an engagement, from one of its members to one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementInvitation {
    pub catalog: Catalog,
    pub id: EngagementInvitationId,
    pub engagement_id: EngagementId,
    pub sender: AccountId,
    pub receiver: AccountId,
    /// The receiver's alias as the sender wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_alias: Option<String>,
    pub message: String,
    pub payload_type: PayloadType,
    /// The `Payload` union as on the wire (`{"OpportunityInvitation": {...}}`).
    pub payload: Value,
    /// As stored: `Pending` until answered; a pending invitation past
    /// `expires_at` is Expired ([`EngagementInvitation::status_at`]).
    pub status: InvitationStatus,
    pub created_at: Millis,
    pub expires_at: Millis,
    /// Time of the last change (the conditional update's token).
    pub updated_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    /// Set when AWS sent the invitation (an AWS referral, sent through the
    /// admin API): the name it goes by. The receiver then needs no connection
    /// with the sender, and accepting it makes an `AWS Referral` opportunity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_aws: Option<AwsSender>,
}

/// Who at AWS sent an AWS referral (`SenderCompanyName`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsSender {
    pub company_name: String,
}

impl EngagementInvitation {
    /// The status at service time `now`: a pending invitation expires at `expires_at`.
    pub fn status_at(&self, now: Millis) -> InvitationStatus {
        match self.status {
            InvitationStatus::Pending if now >= self.expires_at => InvitationStatus::Expired,
            other => other,
        }
    }
}

pub use pcentral_model::selling::{ReasonCode as TaskReasonCode, TaskStatus};

/// What a Selling task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EngagementTaskKind {
    /// StartEngagementByAcceptingInvitationTask: accept an invitation and
    /// make the receiver's opportunity from it.
    AcceptInvitation,
    /// StartOpportunityFromEngagementTask: make the starter's opportunity
    /// from a lead context of an engagement it is a member of.
    OpportunityFromEngagement,
    /// StartEngagementFromOpportunityTask: share the starter's opportunity
    /// with AWS through an engagement and submit it.
    EngagementFromOpportunity,
    /// StartProspectingFromEngagementTask: AWS's side researches each
    /// engagement's customer; it ends when the admin API reports every outcome.
    Prospecting,
}

impl EngagementTaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EngagementTaskKind::AcceptInvitation => "AcceptInvitation",
            EngagementTaskKind::OpportunityFromEngagement => "OpportunityFromEngagement",
            EngagementTaskKind::EngagementFromOpportunity => "EngagementFromOpportunity",
            EngagementTaskKind::Prospecting => "Prospecting",
        }
    }
}

/// A task of the Selling API, started by `account` (the only one that sees
/// it). Stored `InProgress` until the worker (or, without a delay, the
/// starting call) runs it at `due_at`; a held task has no `due_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementTask {
    pub catalog: Catalog,
    pub id: EngagementTaskId,
    pub kind: EngagementTaskKind,
    pub account: AccountId,
    /// Region of the starting request (the ARN's, and the calls the task makes).
    pub region: String,
    /// Base URL the starting request reached.
    pub endpoint: String,
    pub started_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Millis>,
    pub status: TaskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<EngagementInvitationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opportunity_id: Option<OpportunityId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_id: Option<EngagementId>,
    /// The engagement context the task reads (OpportunityFromEngagement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_id: Option<u16>,
    /// The snapshot job the task made (the accepting task: of the receiver's new opportunity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_snapshot_job_id: Option<pcentral_model::ResourceSnapshotJobId>,
    /// How the opportunity is submitted to AWS (EngagementFromOpportunity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_submission: Option<pcentral_model::selling::AwsSubmission>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<TaskReasonCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
    /// A prospecting task's name and per-engagement outcomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prospecting: Option<super::Prospecting>,
}
