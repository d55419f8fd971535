//! IAM users through the AWS SDK for Rust (docs/security.md#iam-users-and-policies):
//! a key registered for a user with AWS's Sandbox managed policy and an
//! explicit Deny lists Sandbox opportunities, and is refused the AWS catalog
//! and the denied action with the Selling API's AccessDeniedException in
//! AWS's wording; the Account API answers its own (with Reason ACCESS_DENIED).

use aws_sdk_partnercentralaccount as pa;
use serde_json::json;

mod common;

use common::{account as account_api, selling};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_key_is_held_to_its_policies() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let account = "444455556666";
    let deny = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "NoEngagements", "Effect": "Deny", "Action": "partnercentral:ListEngagements", "Resource": "*"}]});
    let key = server
        .admin(
            "POST",
            "/_pcentral/credentials",
            Some(json!({"account": account, "user": "crm", "managed_policies": ["AWSPartnerCentralSandboxFullAccess"],
                        "policies": [{"name": "deny", "document": deny}]})),
        )
        .expect("a key of user crm");
    let (id, secret) =
        (key["access_key_id"].as_str().unwrap_or_default(), key["secret_access_key"].as_str().unwrap_or_default());
    let c = selling(server.endpoint(), id, secret);
    let listed = c.list_opportunities().catalog("Sandbox").send().await.expect("Sandbox is allowed");
    assert!(listed.opportunity_summaries().is_empty());

    let err = c.list_opportunities().catalog("AWS").send().await.expect_err("the AWS catalog is not");
    let e = err.into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    assert_eq!(
        e.meta().message(),
        Some(format!("User: arn:aws:iam::{account}:user/crm is not authorized to perform: partnercentral:ListOpportunities on resource: * because no identity-based policy allows the partnercentral:ListOpportunities action").as_str())
    );

    let err = c.list_engagements().catalog("Sandbox").send().await.expect_err("explicitly denied");
    let e = err.into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    assert!(
        e.meta().message().unwrap_or_default().ends_with("with an explicit deny in an identity-based policy"),
        "{e:?}"
    );

    let a = account_api(server.endpoint(), id, secret);
    a.list_partners().catalog("Sandbox").send().await.expect("Sandbox is allowed on the Account API too");
    let err = a.list_partners().catalog("AWS").send().await.expect_err("the AWS catalog is not");
    match err.into_service_error() {
        pa::operation::list_partners::ListPartnersError::AccessDeniedException(e) => {
            assert_eq!(e.reason(), &pa::types::AccessDeniedExceptionReason::AccessDenied);
        }
        other => panic!("expected AccessDeniedException, got {other:?}"),
    }
    server.stop();
}
