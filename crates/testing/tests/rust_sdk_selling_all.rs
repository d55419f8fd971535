//! Every operation the pinned AWS SDK for Rust's Selling client
//! (`aws-sdk-partnercentralselling`) has is served: one call per operation,
//! with its catalog and identifier where it has them (the server refuses what
//! is missing with the modeled ValidationException), answers success or an
//! error, never NotImplementedException or UnknownOperationException, never a
//! status of 500 or more. The pinned crate has 45 of the API's 63 operations;
//! the boto3 and AWS CLI tests call all 63.

use aws_sdk_partnercentralselling as ps;
use ps::config::http::HttpResponse;
use ps::error::{ProvideErrorMetadata, SdkError};

mod common;

const CATALOG: &str = "Sandbox";
const ARN: &str = "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O1234567890";
const OPERATIONS_IN_THE_CRATE: usize = 45;

fn client(endpoint: &str, account: &str) -> ps::Client {
    common::selling(endpoint, account, pcentral_testing::SECRET)
}

/// Asserts the answer to `call` was a success or a service error other than
/// NotImplemented/UnknownOperation, with a status below 500.
fn verdict<O, E>(call: &str, result: Result<O, SdkError<E, HttpResponse>>)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let Err(e) = result else { return };
    let status = e.raw_response().map(|r| r.status().as_u16());
    let code = e.as_service_error().and_then(|s| s.code()).map(str::to_string);
    let Some(status) = status else {
        panic!("{call}: no answer from the server: {e:?}");
    };
    let code = code.unwrap_or_else(|| panic!("{call}: {status} without an error code"));
    assert!(!matches!(code.as_str(), "NotImplementedException" | "UnknownOperationException"), "{call}: {code}");
    assert!(status < 500, "{call}: {status} {code}");
    assert!(status != 404 || code == "ResourceNotFoundException", "{call}: 404 {code}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_the_rust_client_is_served() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let c = client(server.endpoint(), &common::new_account());
    let mut called = 0usize;
    macro_rules! check {
        ($call:expr) => {{
            called += 1;
            verdict(stringify!($call), $call.send().await);
        }};
    }
    check!(c.accept_engagement_invitation().catalog(CATALOG).identifier("O1234567890"));
    check!(c.assign_opportunity().catalog(CATALOG).identifier("O1234567890"));
    check!(c.associate_opportunity().catalog(CATALOG).opportunity_identifier("O1234567890"));
    check!(c.create_engagement().catalog(CATALOG));
    check!(c.create_engagement_context().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.create_engagement_invitation().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.create_opportunity().catalog(CATALOG));
    check!(c.create_resource_snapshot().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.create_resource_snapshot_job().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.delete_resource_snapshot_job().catalog(CATALOG).resource_snapshot_job_identifier("job-0123456789abcd"));
    check!(c.disassociate_opportunity().catalog(CATALOG).opportunity_identifier("O1234567890"));
    check!(c.get_aws_opportunity_summary().catalog(CATALOG));
    check!(c.get_engagement().catalog(CATALOG).identifier("O1234567890"));
    check!(c.get_engagement_invitation().catalog(CATALOG).identifier("O1234567890"));
    check!(c.get_opportunity().catalog(CATALOG).identifier("O1234567890"));
    check!(c.get_prospecting_from_engagement_task().catalog(CATALOG).task_identifier("task-0123456789abc"));
    check!(c.get_resource_snapshot().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.get_resource_snapshot_job().catalog(CATALOG).resource_snapshot_job_identifier("job-0123456789abcd"));
    check!(c.get_selling_system_settings().catalog(CATALOG));
    check!(c.list_engagement_by_accepting_invitation_tasks().catalog(CATALOG));
    check!(c.list_engagement_from_opportunity_tasks().catalog(CATALOG));
    check!(c.list_engagement_invitations().catalog(CATALOG));
    check!(c.list_engagement_members().catalog(CATALOG).identifier("O1234567890"));
    check!(c.list_engagement_resource_associations().catalog(CATALOG));
    check!(c.list_engagements().catalog(CATALOG));
    check!(c.list_opportunities().catalog(CATALOG));
    check!(c.list_opportunity_from_engagement_tasks().catalog(CATALOG));
    check!(c.list_prospecting_from_engagement_tasks().catalog(CATALOG));
    check!(c.list_resource_snapshot_jobs().catalog(CATALOG));
    check!(c.list_resource_snapshots().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.list_solutions().catalog(CATALOG));
    check!(c.list_tags_for_resource().resource_arn(ARN));
    check!(c.put_selling_system_settings().catalog(CATALOG));
    check!(c.reject_engagement_invitation().catalog(CATALOG).identifier("O1234567890"));
    check!(c.start_engagement_by_accepting_invitation_task().catalog(CATALOG).identifier("O1234567890"));
    check!(c.start_engagement_from_opportunity_task().catalog(CATALOG).identifier("O1234567890"));
    check!(c.start_opportunity_from_engagement_task().catalog(CATALOG).identifier("O1234567890"));
    check!(c.start_prospecting_from_engagement_task().catalog(CATALOG));
    check!(c.start_resource_snapshot_job().catalog(CATALOG).resource_snapshot_job_identifier("job-0123456789abcd"));
    check!(c.stop_resource_snapshot_job().catalog(CATALOG).resource_snapshot_job_identifier("job-0123456789abcd"));
    check!(c.submit_opportunity().catalog(CATALOG).identifier("O1234567890"));
    check!(c.tag_resource().resource_arn(ARN));
    check!(c.untag_resource().resource_arn(ARN));
    check!(c.update_engagement_context().catalog(CATALOG).engagement_identifier("eng-0123456789abcd"));
    check!(c.update_opportunity().catalog(CATALOG).identifier("O1234567890"));
    assert_eq!(called, OPERATIONS_IN_THE_CRATE);
}
