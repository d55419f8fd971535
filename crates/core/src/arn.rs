//! ARNs: how pcentral writes them and reads the partner ARNs clients send
//! back (docs/behaviour.md#identifiers-and-arns). The partition is always
//! `aws`; the region is the caller's (its SigV4 credential scope).

use pcentral_model::{
    AccountId, Catalog, ConnectionId, EngagementId, EngagementInvitationId, EngagementTaskId, InvitationId,
    OpportunityId, PartnerId,
};

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/partner/{id}`.
pub fn partner(region: &str, account: &AccountId, catalog: Catalog, id: &PartnerId) -> String {
    format!("arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/partner/{id}")
}

/// `arn:aws:partnercentral:{region}::catalog/{catalog}/connection-invitation/{id}` (no account: shared).
pub fn invitation(region: &str, catalog: Catalog, id: &InvitationId) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{catalog}/connection-invitation/{id}")
}

/// `arn:aws:partnercentral:{region}::catalog/{catalog}/connection/{id}` (no account: shared).
pub fn connection(region: &str, catalog: Catalog, id: &ConnectionId) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{catalog}/connection/{id}")
}

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/connection-preferences`.
pub fn preferences(region: &str, account: &AccountId, catalog: Catalog) -> String {
    format!("arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/connection-preferences")
}

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/opportunity/{id}` (the Selling API's).
pub fn opportunity(region: &str, account: &AccountId, catalog: Catalog, id: &OpportunityId) -> String {
    format!("arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/opportunity/{id}")
}

/// `arn:aws:partnercentral:{region}::catalog/{catalog}/engagement/{id}` (no account: shared by its members).
pub fn engagement(region: &str, catalog: Catalog, id: &EngagementId) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{catalog}/engagement/{id}")
}

/// `arn:aws:partnercentral::{sender}:{catalog}/engagement-invitation/{id}`: the model's pattern
/// for an engagement invitation, with the sender's account and no region.
pub fn engagement_invitation(sender: &AccountId, catalog: Catalog, id: &EngagementInvitationId) -> String {
    format!("arn:aws:partnercentral::{sender}:{catalog}/engagement-invitation/{id}")
}

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/{kind}/{id}`: a Selling task,
/// `kind` naming its operation (`engagement-by-accepting-invitation-task`).
pub fn engagement_task(
    region: &str,
    account: &AccountId,
    catalog: Catalog,
    kind: &str,
    id: &EngagementTaskId,
) -> String {
    format!("arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/{kind}/{id}")
}

/// `arn:aws:partnercentral:{region}:{owner}:catalog/{catalog}/engagement/{engagement}/resource-snapshot/{type}/{resource}/{template}/{revision}`:
/// one revision of a resource snapshot, under the resource owner's account.
pub fn resource_snapshot(region: &str, s: &crate::records::ResourceSnapshot) -> String {
    format!(
        "arn:aws:partnercentral:{region}:{}:catalog/{}/engagement/{}/resource-snapshot/{}/{}/{}/{}",
        s.created_by,
        s.catalog,
        s.engagement_id,
        s.resource_type.as_str(),
        s.resource_id,
        s.template,
        s.revision
    )
}

/// What a partner ARN names. The partition and region are not compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerArn<'a> {
    /// The account field, as written (not necessarily 12 digits).
    pub account: &'a str,
    /// The catalog segment, as written (not necessarily a catalog pcentral serves).
    pub catalog: &'a str,
    pub id: PartnerId,
}

/// Read `arn:<partition>:partnercentral:<region>:<account>:catalog/<catalog>/partner/<id>`;
/// `None` when the text (already matching the model's pattern) names something else.
pub fn parse_partner(arn: &str) -> Option<PartnerArn<'_>> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", _, "partnercentral", _, account, resource] = parts.as_slice() else {
        return None;
    };
    let segments: Vec<&str> = resource.split('/').collect();
    let ["catalog", catalog, "partner", id] = segments.as_slice() else {
        return None;
    };
    let catalog_ok = !catalog.is_empty() && catalog.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
    let id = PartnerId::parse(id).ok()?;
    catalog_ok.then_some(PartnerArn { account, catalog, id })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn partner_arns_round_trip_and_nothing_else_parses() {
        let account = AccountId::parse("111111111111").unwrap();
        let id = PartnerId::parse("partner-0123456789abc").unwrap();
        let arn = partner("us-east-1", &account, Catalog::Aws, &id);
        assert_eq!(arn, "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-0123456789abc");
        assert_eq!(parse_partner(&arn), Some(PartnerArn { account: "111111111111", catalog: "AWS", id }));
        for bad in [
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner-0123456789abc",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/connection-preferences",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-short",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-0123456789abc/x",
            "arn:aws:s3:us-east-1:111111111111:catalog/AWS/partner/partner-0123456789abc",
        ] {
            assert_eq!(parse_partner(bad), None, "{bad}");
        }
    }
}
