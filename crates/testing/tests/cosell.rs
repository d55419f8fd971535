//! A two-partner co-sell flow with the AWS SDKs for Rust
//! (`aws-sdk-partnercentralaccount` and `aws-sdk-partnercentralselling`)
//! against pcentral served in process: the partners connect with the
//! Account API, A creates an opportunity and an engagement, invites B, B
//! accepts through StartEngagementByAcceptingInvitationTask, A snapshots its
//! opportunity in the engagement, both read the engagement's members and the
//! snapshot, and a third account sees none of it.

use aws_sdk_partnercentralaccount as account;
use aws_sdk_partnercentralselling as selling;
use selling::types::{
    AccountReceiver, EngagementCustomer, ExpectedCustomerSpend, Invitation, OpportunityInvitationPayload,
    ParticipantType, Payload, PaymentFrequency, ProjectDetails, Receiver, ReceiverResponsibility,
};

mod common;

const CATALOG: &str = "Sandbox";

fn account_client(server: &pcentral_testing::Server, id: &str) -> account::Client {
    common::account(server.endpoint(), id, pcentral_testing::SECRET)
}

fn selling_client(server: &pcentral_testing::Server, id: &str) -> selling::Client {
    common::selling(server.endpoint(), id, pcentral_testing::SECRET)
}

/// A Sandbox partner of the client's account with a published profile; answers the profile id.
async fn published_partner(c: &account::Client, display: &str) -> String {
    use account::types::{AllianceLeadContact, IndustrySegment, PrimarySolutionType, TaskDetails};
    let email = format!("lead-{}@example.com", common::new_account());
    c.send_email_verification_code().catalog(CATALOG).email(&email).send().await.expect("send code");
    let lead = AllianceLeadContact::builder()
        .first_name("Ana")
        .last_name("Lee")
        .email(&email)
        .business_title("Alliance Lead")
        .build()
        .expect("lead");
    let partner = c
        .create_partner()
        .catalog(CATALOG)
        .legal_name(format!("{display} Legal"))
        .primary_solution_type(PrimarySolutionType::SoftwareProducts)
        .alliance_lead_contact(lead)
        .email_verification_code("123456")
        .send()
        .await
        .expect("create partner");
    let details = TaskDetails::builder()
        .display_name(display)
        .description("We build example things for example customers.")
        .website_url("https://www.example.com")
        .logo_url("https://www.example.com/logo.png")
        .primary_solution_type(PrimarySolutionType::ConsultingServices)
        .industry_segments(IndustrySegment::ComputerSoftware)
        .translation_source_locale("en-US")
        .build()
        .expect("details");
    c.start_profile_update_task()
        .catalog(CATALOG)
        .identifier(partner.id())
        .task_details(details)
        .send()
        .await
        .expect("publish");
    let vis = c.get_profile_visibility().catalog(CATALOG).identifier(partner.id()).send().await.expect("visibility");
    vis.profile_id().to_string()
}

fn opportunity_payload() -> Payload {
    let customer = EngagementCustomer::builder()
        .company_name("Acme Corp")
        .country_code(selling::types::CountryCode::Us)
        .industry(selling::types::Industry::SoftwareInternet)
        .website_url("https://acme.example")
        .build()
        .expect("customer");
    let spend = ExpectedCustomerSpend::builder()
        .amount("5000")
        .currency_code(selling::types::CurrencyCode::Usd)
        .frequency(PaymentFrequency::Monthly)
        .target_company("AWS")
        .build()
        .expect("spend");
    let project = ProjectDetails::builder()
        .title("Migration")
        .business_problem("Their data centre lease ends next year.")
        .target_completion_date("2027-06-30")
        .expected_customer_spend(spend)
        .build()
        .expect("project");
    Payload::OpportunityInvitation(
        OpportunityInvitationPayload::builder()
            .receiver_responsibilities(ReceiverResponsibility::ServicesPartner)
            .customer(customer)
            .project(project)
            .build()
            .expect("payload"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_partners_co_sell_and_a_third_sees_nothing() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let (a, b, c) = (common::new_account(), common::new_account(), common::new_account());
    let (aa, ab) = (account_client(&server, &a), account_client(&server, &b));
    published_partner(&aa, "Alpha Co").await;
    let pb = published_partner(&ab, "Beta Co").await;
    // 1. Connect for opportunity collaboration (Account API).
    let sent = aa
        .create_connection_invitation()
        .catalog(CATALOG)
        .connection_type(account::types::ConnectionType::OpportunityCollaboration)
        .email("ana@example.com")
        .message("Let's co-sell")
        .name("Ana Lee")
        .receiver_identifier(&pb)
        .send()
        .await
        .expect("connection invitation");
    ab.accept_connection_invitation().catalog(CATALOG).identifier(sent.id()).send().await.expect("connect");
    // 2. A's opportunity and an engagement for it (Selling API).
    let (sa, sb, sc) = (selling_client(&server, &a), selling_client(&server, &b), selling_client(&server, &c));
    let opportunity = sa
        .create_opportunity()
        .catalog(CATALOG)
        .client_token("opp-1")
        .customer(
            selling::types::Customer::builder()
                .account(selling::types::Account::builder().company_name("Acme Corp").build().expect("account"))
                .build(),
        )
        .send()
        .await
        .expect("opportunity");
    assert!(opportunity.id().starts_with('O'));
    let engagement =
        sa.create_engagement().catalog(CATALOG).client_token("eng-1").title("Acme").description("Co-sell").send().await;
    let engagement = engagement.expect("engagement").id().expect("engagement id").to_string();
    // 3. A invites B; B finds the invitation and accepts.
    let receiver = Receiver::Account(AccountReceiver::builder().aws_account_id(&b).build().expect("receiver"));
    let invitation = Invitation::builder()
        .message("Join us on Acme")
        .receiver(receiver)
        .payload(opportunity_payload())
        .build()
        .expect("invitation");
    let sent = sa
        .create_engagement_invitation()
        .catalog(CATALOG)
        .client_token("inv-1")
        .engagement_identifier(&engagement)
        .invitation(invitation)
        .send()
        .await
        .expect("engagement invitation");
    let received = sb
        .list_engagement_invitations()
        .catalog(CATALOG)
        .participant_type(ParticipantType::Receiver)
        .send()
        .await
        .expect("received");
    let ids: Vec<&str> = received.engagement_invitation_summaries().iter().map(|s| s.id()).collect();
    assert_eq!(ids, [sent.id()]);
    let task = sb
        .start_engagement_by_accepting_invitation_task()
        .catalog(CATALOG)
        .client_token("accept-1")
        .identifier(sent.id())
        .send()
        .await
        .expect("accepting task");
    assert_eq!(task.task_status(), Some(&selling::types::TaskStatus::Complete));
    // 4. A snapshots its opportunity in the engagement.
    let snapshot = sa
        .create_resource_snapshot()
        .catalog(CATALOG)
        .client_token("snap-1")
        .engagement_identifier(&engagement)
        .resource_type(selling::types::ResourceType::Opportunity)
        .resource_identifier(opportunity.id())
        .resource_snapshot_template_identifier("OpportunitySummary")
        .send()
        .await
        .expect("snapshot");
    assert_eq!(snapshot.revision(), Some(1));
    // 5. Both read the members and the snapshot; a third account sees nothing.
    for client in [&sa, &sb] {
        let members =
            client.list_engagement_members().catalog(CATALOG).identifier(&engagement).send().await.expect("members");
        let names: Vec<(&str, &str)> = members
            .engagement_member_list()
            .iter()
            .map(|m| (m.account_id().unwrap_or_default(), m.company_name().unwrap_or_default()))
            .collect();
        assert_eq!(names, [(a.as_str(), "Alpha Co"), (b.as_str(), "Beta Co")]);
        let got = client
            .get_resource_snapshot()
            .catalog(CATALOG)
            .engagement_identifier(&engagement)
            .resource_type(selling::types::ResourceType::Opportunity)
            .resource_identifier(opportunity.id())
            .resource_snapshot_template_identifier("OpportunitySummary")
            .send()
            .await
            .expect("the snapshot");
        assert_eq!((got.revision(), got.created_by()), (Some(1), Some(a.as_str())));
        let summary = match got.payload() {
            Some(selling::types::ResourceSnapshotPayload::OpportunitySummary(s)) => s,
            other => panic!("an OpportunitySummary payload, not {other:?}"),
        };
        let company = summary.customer().and_then(|c| c.account()).map(|acc| acc.company_name());
        assert_eq!(company, Some("Acme Corp"));
    }
    let hidden = sc
        .get_resource_snapshot()
        .catalog(CATALOG)
        .engagement_identifier(&engagement)
        .resource_type(selling::types::ResourceType::Opportunity)
        .resource_identifier(opportunity.id())
        .resource_snapshot_template_identifier("OpportunitySummary")
        .send()
        .await;
    assert!(hidden
        .expect_err("a third account sees no snapshot")
        .into_service_error()
        .is_resource_not_found_exception());
    let hidden = sc.get_engagement().catalog(CATALOG).identifier(&engagement).send().await;
    let err = hidden.expect_err("a third account sees no engagement");
    assert!(err.into_service_error().is_resource_not_found_exception());
    let hidden = sc.get_engagement_invitation().catalog(CATALOG).identifier(sent.id()).send().await;
    assert!(hidden.expect_err("nor its invitation").into_service_error().is_resource_not_found_exception());
    let listed = sc.list_engagements().catalog(CATALOG).send().await.expect("list");
    assert!(listed.engagement_summary_list().is_empty());
    server.stop();
}
