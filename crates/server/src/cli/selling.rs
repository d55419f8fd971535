//! The subcommands that play AWS's side of the Selling API (`pcentral aws`,
//! `pcentral engagement-groups`): their arguments and the admin request each makes.

use clap::Subcommand;
use serde_json::{json, Value};

use super::{fields, AdminArgs, Plan, Upload};
use crate::admin;

#[derive(Subcommand)]
pub enum AwsAction {
    /// Review a submitted opportunity (or an accepted AWS referral) as AWS.
    Review {
        /// The opportunity's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The opportunity id (`O…`).
        #[arg(long)]
        opportunity_id: String,
        /// The outcome: `Approved`, `Action Required` or `Rejected`.
        #[arg(long)]
        status: String,
        /// AWS's `ReviewComments`.
        #[arg(long)]
        comments: Option<String>,
        /// AWS's `ReviewStatusReason`.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Send an AWS referral: an engagement invitation from AWS carrying an opportunity.
    Refer {
        /// The catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The receiving partner's 12-digit account id.
        #[arg(long)]
        receiver: String,
        /// The `OpportunityInvitation` payload as JSON (`Customer`, `Project`, `ReceiverResponsibilities`, …).
        #[arg(long)]
        opportunity: String,
        /// The invitation's message.
        #[arg(long)]
        message: Option<String>,
        /// The sending AWS account id (`SenderAwsAccountId`).
        #[arg(long)]
        sender_account: Option<String>,
        /// The sender's name (`SenderCompanyName`, default AWS).
        #[arg(long)]
        sender_company_name: Option<String>,
    },
    /// Expire one pending engagement invitation, or every pending one an account received, now.
    Expire {
        /// The catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The invitation id (`engi-…`).
        #[arg(long, conflicts_with = "account")]
        invitation_id: Option<String>,
        /// The receiving account (12 digits): all its pending invitations.
        #[arg(long)]
        account: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum EngagementGroupsAction {
    /// Make a group of engagements for one partner account; prints the group.
    Create {
        /// The group's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The partner account the group is curated for (the one that lists it).
        #[arg(long)]
        account: String,
        /// The group's name (1 to 255 characters).
        #[arg(long)]
        name: String,
        /// What the group's engagements have in common (1 to 2048 characters).
        #[arg(long)]
        description: Option<String>,
        /// SalesReady, MarketingReady or LowPotential.
        #[arg(long)]
        readiness_level: Option<String>,
        /// An engagement of the catalog in the group (`eng-…`); repeat for more.
        #[arg(long = "engagement")]
        engagements: Vec<String>,
    },
    /// Delete a group.
    Delete {
        /// The group's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The group id (`eng-grp-…`).
        #[arg(long)]
        id: String,
    },
}

impl AwsAction {
    pub(super) fn plan(self, admin: AdminArgs) -> Plan {
        let s = |v: String| Some(Value::from(v));
        match self {
            Self::Review { catalog, opportunity_id, status, comments, reason } => {
                let body = fields([
                    ("catalog", s(catalog)),
                    ("opportunity_id", s(opportunity_id)),
                    ("status", s(status)),
                    ("comments", comments.and_then(s)),
                    ("reason", reason.and_then(s)),
                ]);
                Plan::new(admin, &admin::AWS_REVIEW, Upload::Json(body))
            }
            Self::Refer { catalog, receiver, opportunity, message, sender_account, sender_company_name } => {
                // JSON as given; other text goes as a string, which the server refuses naming the member.
                let opportunity: Value = serde_json::from_str(&opportunity).unwrap_or(Value::String(opportunity));
                let body = fields([
                    ("catalog", s(catalog)),
                    ("receiver", s(receiver)),
                    ("opportunity", Some(opportunity)),
                    ("message", message.and_then(s)),
                    ("sender_account", sender_account.and_then(s)),
                    ("sender_company_name", sender_company_name.and_then(s)),
                ]);
                Plan::new(admin, &admin::AWS_REFER, Upload::Json(body))
            }
            Self::Expire { catalog, invitation_id, account } => {
                let body = fields([
                    ("catalog", s(catalog)),
                    ("invitation_id", invitation_id.and_then(s)),
                    ("account", account.and_then(s)),
                ]);
                Plan::new(admin, &admin::AWS_EXPIRE, Upload::Json(body))
            }
        }
    }
}

impl EngagementGroupsAction {
    pub(super) fn plan(self, admin: AdminArgs) -> Plan {
        let s = |v: String| Some(Value::from(v));
        match self {
            Self::Create { catalog, account, name, description, readiness_level, engagements } => {
                let body = fields([
                    ("catalog", s(catalog)),
                    ("account", s(account)),
                    ("name", s(name)),
                    ("description", description.and_then(s)),
                    ("readiness_level", readiness_level.and_then(s)),
                    ("engagements", Some(json!(engagements))),
                ]);
                Plan::new(admin, &admin::ENGAGEMENT_GROUP_CREATE, Upload::Json(body))
            }
            Self::Delete { catalog, id } => {
                let body = json!({"catalog": catalog, "id": id});
                Plan::new(admin, &admin::ENGAGEMENT_GROUP_DELETE, Upload::Json(body))
            }
        }
    }
}
