//! The AWS SDK for Rust's Selling client (`aws-sdk-partnercentralselling`)
//! against pcentral served in process by `pcentral_testing::Server`, on the
//! same endpoint as the Account API: the opportunity flow (create, get, list
//! pages, update with a stale LastModifiedDate, submit, associate, the AWS
//! summary, tags, assign), a validation error with its fields, and the
//! endpoint taken from `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING`.

use aws_sdk_partnercentralselling as ps;
use ps::config::Region;
use ps::types::{
    Account, Address, Contact, Customer, ExpectedCustomerSpend, LifeCycle, Project, ReviewStatus, Stage, Tag,
    ValidationExceptionReason,
};

mod common;

const CATALOG: &str = "Sandbox";
const SOLUTION: &str = "S-0000001";

fn client(endpoint: &str, account: &str) -> ps::Client {
    common::selling(endpoint, account, pcentral_testing::SECRET)
}

fn customer(company: &str, website: &str) -> Customer {
    let account = Account::builder()
        .company_name(company)
        .industry("Software and Internet".into())
        .website_url(website)
        .address(
            Address::builder()
                .country_code("US".into())
                .postal_code("99502")
                .state_or_region("Alaska")
                .city("Anchorage")
                .build(),
        )
        .build()
        .expect("account");
    Customer::builder()
        .account(account)
        .contacts(
            Contact::builder()
                .email("buyer@acme.example")
                .first_name("Bo")
                .last_name("Yer")
                .business_title("CIO")
                .build(),
        )
        .build()
}

fn project() -> Project {
    Project::builder()
        .title("Migration")
        .customer_business_problem("Their data centre lease ends next year.")
        .delivery_models("SaaS or PaaS".into())
        .expected_customer_spend(
            ExpectedCustomerSpend::builder()
                .amount("5000")
                .currency_code("USD".into())
                .frequency("Monthly".into())
                .target_company("AWS")
                .build()
                .expect("spend"),
        )
        .build()
}

fn life_cycle(stage: Stage, close: &str) -> LifeCycle {
    LifeCycle::builder().stage(stage).target_close_date(close).next_steps("Call them").build()
}

async fn create(c: &ps::Client, company: &str) -> ps::operation::create_opportunity::CreateOpportunityOutput {
    c.create_opportunity()
        .catalog(CATALOG)
        .customer(customer(company, "https://acme.example"))
        .project(project())
        .life_cycle(life_cycle(Stage::Prospect, "2027-06-30"))
        .opportunity_type("Net New Business".into())
        .primary_needs_from_aws("Co-Sell - Architectural Validation".into())
        .partner_opportunity_identifier("crm-rust")
        .send()
        .await
        .expect("create opportunity")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_opportunity_flow() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let account = common::new_account();
    let c = client(server.endpoint(), &account);

    let mut made = Vec::new();
    for company in ["Alpha", "Beta", "Gamma"] {
        made.push(create(&c, company).await);
    }
    let first = made[0].id().to_string();
    assert!(first.starts_with('O') && first[1..].chars().all(|d| d.is_ascii_digit()), "{first}");
    assert_eq!(made[0].partner_opportunity_identifier(), Some("crm-rust"));

    let got = c.get_opportunity().catalog(CATALOG).identifier(&first).send().await.expect("get");
    assert_eq!(
        got.arn(),
        Some(format!("arn:aws:partnercentral:us-east-1:{account}:catalog/Sandbox/opportunity/{first}").as_str())
    );
    let company = got.customer().and_then(|c| c.account()).map(|a| a.company_name());
    assert_eq!(company, Some("Alpha"));
    let life = got.life_cycle().expect("life cycle");
    assert_eq!(life.review_status(), Some(&ReviewStatus::PendingSubmission));
    assert_eq!(life.stage(), Some(&Stage::Prospect));
    assert_eq!(got.last_modified_date(), made[0].last_modified_date().expect("created date"));

    // Pages of one by hand, then the paginator over pages of two.
    let page1 = c.list_opportunities().catalog(CATALOG).max_results(1).send().await.expect("page 1");
    assert_eq!(page1.opportunity_summaries().len(), 1);
    let token = page1.next_token().expect("a next page").to_string();
    let page2 = c.list_opportunities().catalog(CATALOG).max_results(1).next_token(token).send().await.expect("page 2");
    assert_ne!(page2.opportunity_summaries()[0].id(), page1.opportunity_summaries()[0].id());
    let mut seen: Vec<String> = Vec::new();
    let mut pages = c.list_opportunities().catalog(CATALOG).max_results(2).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        seen.extend(page.opportunity_summaries().iter().filter_map(|s| s.id().map(str::to_string)));
    }
    seen.sort();
    let mut expected: Vec<String> = made.iter().map(|m| m.id().to_string()).collect();
    expected.sort();
    assert_eq!(seen, expected);

    // Update with the date read; the same date again is stale: ConflictException, nothing stored.
    let read_at = *got.last_modified_date();
    let updated = c
        .update_opportunity()
        .catalog(CATALOG)
        .identifier(&first)
        .last_modified_date(read_at)
        .customer(customer("Alpha", "https://acme.example"))
        .project(project())
        .life_cycle(life_cycle(Stage::Qualified, "2027-06-30"))
        .opportunity_type("Net New Business".into())
        .send()
        .await
        .expect("update");
    assert!(
        updated.last_modified_date().secs() * 1000 + i64::from(updated.last_modified_date().subsec_nanos() / 1_000_000)
            > read_at.secs() * 1000 + i64::from(read_at.subsec_nanos() / 1_000_000)
    );
    let err = c
        .update_opportunity()
        .catalog(CATALOG)
        .identifier(&first)
        .last_modified_date(read_at)
        .customer(customer("Stale", "https://acme.example"))
        .life_cycle(life_cycle(Stage::Committed, "2027-06-30"))
        .send()
        .await
        .expect_err("stale date");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));
    assert!(err.into_service_error().is_conflict_exception());
    let now = c.get_opportunity().catalog(CATALOG).identifier(&first).send().await.expect("get after");
    assert_eq!(now.life_cycle().and_then(|l| l.stage()), Some(&Stage::Qualified));
    assert_eq!(now.customer().and_then(|c| c.account()).map(|a| a.company_name()), Some("Alpha"));
    assert_eq!(now.last_modified_date(), updated.last_modified_date());

    // Associate a solution, submit, and read AWS's summary.
    c.associate_opportunity()
        .catalog(CATALOG)
        .opportunity_identifier(&first)
        .related_entity_type("Solutions".into())
        .related_entity_identifier(SOLUTION)
        .send()
        .await
        .expect("associate");
    c.submit_opportunity()
        .catalog(CATALOG)
        .identifier(&first)
        .involvement_type("Co-Sell".into())
        .visibility("Full".into())
        .send()
        .await
        .expect("submit");
    let submitted = c.get_opportunity().catalog(CATALOG).identifier(&first).send().await.expect("get submitted");
    assert_eq!(submitted.life_cycle().and_then(|l| l.review_status()), Some(&ReviewStatus::Submitted));
    assert_eq!(submitted.related_entity_identifiers().map(|r| r.solutions()), Some(&[SOLUTION.to_string()][..]));
    let summary = c
        .get_aws_opportunity_summary()
        .catalog(CATALOG)
        .related_opportunity_identifier(&first)
        .send()
        .await
        .expect("summary");
    assert_eq!(summary.related_opportunity_id(), Some(first.as_str()));
    assert_eq!(summary.involvement_type().map(|t| t.as_str()), Some("Co-Sell"));
    assert_eq!(summary.origin().map(|o| o.as_str()), Some("Partner Referral"));
    let err = c
        .get_aws_opportunity_summary()
        .catalog(CATALOG)
        .related_opportunity_identifier(made[1].id())
        .send()
        .await
        .expect_err("not submitted");
    assert!(err.into_service_error().is_resource_not_found_exception());

    // Tags on the opportunity's ARN.
    let arn = got.arn().expect("arn");
    c.tag_resource()
        .resource_arn(arn)
        .tags(Tag::builder().key("team").value("east").build().expect("tag"))
        .tags(Tag::builder().key("tier").value("1").build().expect("tag"))
        .send()
        .await
        .expect("tag");
    c.untag_resource().resource_arn(arn).tag_keys("tier").send().await.expect("untag");
    let tags = c.list_tags_for_resource().resource_arn(arn).send().await.expect("list tags");
    let tags: Vec<(&str, &str)> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "east")]);

    // Assign another owner.
    let assignee = ps::types::AssigneeContact::builder()
        .email("owner@p.example")
        .first_name("New")
        .last_name("Owner")
        .business_title("PartnerAccountManager")
        .build()
        .expect("assignee");
    c.assign_opportunity().catalog(CATALOG).identifier(made[1].id()).assignee(assignee).send().await.expect("assign");
    let assigned = c.get_opportunity().catalog(CATALOG).identifier(made[1].id()).send().await.expect("get assigned");
    let team: Vec<Option<&str>> = assigned.opportunity_team().iter().map(|m| m.email()).collect();
    assert_eq!(team, [Some("owner@p.example")]);

    // Another account sees none of it.
    let other = client(server.endpoint(), &common::new_account());
    let err = other.get_opportunity().catalog(CATALOG).identifier(&first).send().await.expect_err("not theirs");
    assert!(err.into_service_error().is_resource_not_found_exception());
    let none = other.list_opportunities().catalog(CATALOG).send().await.expect("list other");
    assert!(none.opportunity_summaries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validation_error_names_its_fields_and_stores_nothing() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let account = common::new_account();
    let c = client(server.endpoint(), &account);
    let err = c
        .create_opportunity()
        .catalog(CATALOG)
        .customer(customer("Refused", "x"))
        .project(project())
        .life_cycle(life_cycle(Stage::Prospect, "2027-13-45"))
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    match err.into_service_error() {
        ps::operation::create_opportunity::CreateOpportunityError::ValidationException(e) => {
            assert_eq!(e.reason(), &ValidationExceptionReason::RequestValidationFailed);
            let mut fields: Vec<&str> = e.error_list().iter().filter_map(|x| x.field_name()).collect();
            fields.sort();
            assert_eq!(fields, ["Customer.Account.WebsiteUrl", "LifeCycle.TargetCloseDate"]);
            assert!(e.error_list().iter().all(|x| !x.message().is_empty()));
        }
        other => panic!("expected ValidationException, got {other:?}"),
    }
    let listed = c.list_opportunities().catalog(CATALOG).send().await.expect("list");
    assert!(listed.opportunity_summaries().is_empty());
    let exported = server.admin("GET", "/_pcentral/export", None).expect("export");
    let mine = exported["opportunities"]
        .as_array()
        .map(|all| all.iter().filter(|o| o["owner"] == account.as_str()).count())
        .unwrap_or(0);
    assert_eq!(mine, 0);
}

/// The SDK takes its endpoint from `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING`
/// when the configuration names none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_from_the_environment() {
    let server = pcentral_testing::Server::start().expect("pcentral starts");
    let account = common::new_account();
    let made = create(&client(server.endpoint(), &account), "Env Corp").await;
    // Only this test of this binary touches the environment, and only this variable.
    std::env::set_var("AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING", server.endpoint());
    let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(ps::config::Credentials::new(
            account.as_str(),
            pcentral_testing::SECRET,
            None,
            None,
            "pcentral-test",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .load()
        .await;
    // aws-config reads service endpoints from the environment when a client is made.
    let c = ps::Client::new(&shared);
    std::env::remove_var("AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING");
    let listed = c.list_opportunities().catalog(CATALOG).send().await.expect("list through the variable");
    let ids: Vec<&str> = listed.opportunity_summaries().iter().filter_map(|s| s.id()).collect();
    assert_eq!(ids, [made.id()]);
}
