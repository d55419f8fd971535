//! Engagements of the Selling API, their members and invitations, with the queries of their lists.

use pcentral_model::{AccountId, Catalog, EngagementId, EngagementInvitationId, EngagementTaskId, Millis};
use serde::{Deserialize, Serialize};

use crate::records::{
    ContextType, Engagement, EngagementInvitation, EngagementMembership, EngagementTask, EngagementTaskKind,
};
use crate::records::{EngagementInvitationStatus as InvitationStatus, InvitationPayloadType as PayloadType};
use crate::store::StoreError;

/// Engagements inside one transaction.
pub trait EngagementsTx {
    fn engagement(&mut self, catalog: Catalog, id: &EngagementId) -> Result<Option<Engagement>, StoreError>;
    /// Store a new engagement; an id already stored in its catalog is
    /// `StoreError::Conflict` (the call runs again with fresh ids).
    fn insert_engagement(&mut self, engagement: &Engagement) -> Result<(), StoreError>;
    /// Replace the stored engagement if its `modified_at` is still
    /// `expected`; answers whether it did (`false`: another write came first).
    fn update_engagement(&mut self, engagement: &Engagement, expected: Millis) -> Result<bool, StoreError>;
    /// One page of the engagements `query` selects, in its order.
    fn list_engagements(&mut self, query: &EngagementQuery) -> Result<Vec<Engagement>, StoreError>;
    /// Make an account a member; answers `false` when it already was one.
    fn insert_engagement_member(&mut self, member: &EngagementMembership) -> Result<bool, StoreError>;
    /// The membership of `account`, if it is a member.
    fn engagement_member(
        &mut self,
        catalog: Catalog,
        id: &EngagementId,
        account: &AccountId,
    ) -> Result<Option<EngagementMembership>, StoreError>;
    /// Up to `limit` members in joining order, after the position `after`.
    fn engagement_members(
        &mut self,
        catalog: Catalog,
        id: &EngagementId,
        after: Option<&MemberCursor>,
        limit: usize,
    ) -> Result<Vec<EngagementMembership>, StoreError>;
    fn count_engagement_members(&mut self, catalog: Catalog, id: &EngagementId) -> Result<u64, StoreError>;
    fn engagement_invitation(
        &mut self,
        catalog: Catalog,
        id: &EngagementInvitationId,
    ) -> Result<Option<EngagementInvitation>, StoreError>;
    /// Store a new invitation; an id already stored is `StoreError::Conflict`.
    fn insert_engagement_invitation(&mut self, invitation: &EngagementInvitation) -> Result<(), StoreError>;
    /// Replace the stored invitation (its status, expiry and document) if it
    /// is still as read (stored status pending, `updated_at` `expected`);
    /// answers whether it did.
    fn update_engagement_invitation(
        &mut self,
        invitation: &EngagementInvitation,
        expected: Millis,
    ) -> Result<bool, StoreError>;
    /// The invitation of `receiver` to `engagement` pending at `now`, if any.
    fn pending_engagement_invitation(
        &mut self,
        catalog: Catalog,
        engagement: &EngagementId,
        receiver: &AccountId,
        now: Millis,
    ) -> Result<Option<EngagementInvitation>, StoreError>;
    /// One page of a catalog's engagements, newest first (the web console's
    /// list); with `member`, that account's only.
    fn admin_engagements(
        &mut self,
        catalog: Catalog,
        member: Option<&AccountId>,
        after: Option<&EngagementCursor>,
        limit: usize,
    ) -> Result<Vec<Engagement>, StoreError>;
    /// One page of the invitations `query` selects, newest or oldest first.
    fn list_engagement_invitations(
        &mut self,
        query: &EngagementInvitationQuery,
    ) -> Result<Vec<EngagementInvitation>, StoreError>;
    fn engagement_task(
        &mut self,
        catalog: Catalog,
        id: &EngagementTaskId,
    ) -> Result<Option<EngagementTask>, StoreError>;
    /// Store a new task; an id already stored is `StoreError::Conflict`.
    fn insert_engagement_task(&mut self, task: &EngagementTask) -> Result<(), StoreError>;
    /// Replace the stored task if it is still IN_PROGRESS; answers whether it did.
    fn update_engagement_task(&mut self, task: &EngagementTask) -> Result<bool, StoreError>;
    /// The tasks of one kind `account` started in `catalog`, oldest first.
    fn engagement_tasks(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
        kind: EngagementTaskKind,
    ) -> Result<Vec<EngagementTask>, StoreError>;
    /// Up to `limit` IN_PROGRESS tasks due at or before `now`, the earliest first.
    fn due_engagement_tasks(&mut self, now: Millis, limit: usize) -> Result<Vec<EngagementTask>, StoreError>;
}

/// One page of the invitations an account sent or received in one catalog.
/// Empty lists select everything; statuses are as at service time `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementInvitationQuery {
    pub catalog: Catalog,
    pub account: AccountId,
    /// Whether `account` is the sender (else the receiver).
    pub as_sender: bool,
    pub now: Millis,
    pub payload_types: Vec<PayloadType>,
    pub statuses: Vec<InvitationStatus>,
    pub engagements: Vec<EngagementId>,
    pub senders: Vec<AccountId>,
    pub descending: bool,
    /// The creation time and id of the last invitation of the previous page.
    pub after: Option<EngagementCursor>,
    pub limit: usize,
}

/// A position in an engagement list: the creation time and id of the last
/// item of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementCursor {
    #[serde(rename = "c")]
    pub created_at: Millis,
    #[serde(rename = "i")]
    pub id: String,
}

/// A position in a member list: the joining time and account of the last member shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCursor {
    #[serde(rename = "j")]
    pub joined_at: Millis,
    #[serde(rename = "a")]
    pub account: String,
}

/// One page of the engagements `member` belongs to in one catalog. Empty
/// lists select everything.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementQuery {
    pub catalog: Catalog,
    pub member: AccountId,
    pub identifiers: Vec<EngagementId>,
    pub created_by: Vec<AccountId>,
    pub exclude_created_by: Vec<AccountId>,
    /// Engagements holding at least one context of these types.
    pub context_types: Vec<ContextType>,
    /// Engagements holding no context of these types.
    pub exclude_context_types: Vec<ContextType>,
    /// Newest first when true.
    pub descending: bool,
    pub after: Option<EngagementCursor>,
    pub limit: usize,
}
