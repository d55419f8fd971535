//! The Selling API's opportunity bulk jobs: a row's writes taken back whole
//! by its savepoint, a job run row by row through the opportunity handlers
//! (outcomes recorded, refused rows leaving nothing), report URLs read from
//! the database by a store opened again (another node) until the service
//! clock passes their expiry, refusals that store nothing, a delayed job
//! held, run by the admin tool and by the worker's step, and reset. On
//! PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::bulk_jobs::{self, Report};
use pcentral_core::clock;
use pcentral_core::engagements::tasks::Runner;
use pcentral_core::qualifications::TaskAction;
use pcentral_core::records::BulkJobKind;
use pcentral_core::store::ResetScope;
use pcentral_core::tools::ToolError;
use pcentral_model::selling::BulkJobStatus;
use pcentral_model::{AccountId, BulkJobId, Catalog, OpportunityId};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;
const MINUTE: i64 = 60 * SECOND;
const HEADER: &str = "RequestId,Customer.Account.CompanyName,Customer.Account.Industry,Customer.Account.WebsiteUrl,\
Customer.Account.Address.CountryCode,Project.Title,Project.CustomerBusinessProblem,\
Project.ExpectedCustomerSpend.0.Amount,Project.ExpectedCustomerSpend.0.CurrencyCode,\
Project.ExpectedCustomerSpend.0.Frequency,Project.ExpectedCustomerSpend.0.TargetCompany,Marketing.Source,\
LifeCycle.Stage,LifeCycle.TargetCloseDate";

fn record(request: &str, company: &str, website: &str) -> String {
    format!(
        "{request},{company},Software and Internet,{website},US,Move,Their data centre lease ends next year.,\
         10,USD,Monthly,AWS,None,Qualified,2027-01-31"
    )
}

/// Two good records and one whose WebsiteUrl the model refuses.
fn file() -> String {
    [
        HEADER.to_string(),
        record("r1", "Acme", "https://acme.example"),
        record("r2", "Bad", "x"),
        record("", "\"Beta, Inc\"", "https://beta.example"),
    ]
    .join("\r\n")
}

fn upload(h: &mut Harness, uri: &str, content: &str) {
    h.tool(|t| bulk_jobs::put_file(t.tx, t.now, uri, content.to_string())).expect("uploaded");
}

fn start(h: &mut Harness, account: &str, uri: &str) -> String {
    let out = h.ok(
        account,
        &selling("StartOpportunityBulkJob"),
        json!({"Catalog": SANDBOX, "FileURI": uri, "FileFormat": "CSV"}),
    );
    out["JobId"].as_str().unwrap().to_string()
}

fn jobs(h: &mut Harness, account: &str) -> Vec<Value> {
    let out = h.ok(account, &selling("ListOpportunityBulkJobs"), json!({"Catalog": SANDBOX}));
    out["OpportunityBulkJobSummaries"].as_array().unwrap().clone()
}

fn results(h: &mut Harness, account: &str, job: &str) -> Vec<Value> {
    let out = h.ok(account, &selling("ListOpportunityBulkJobResults"), json!({"Catalog": SANDBOX, "JobId": job}));
    out["Results"].as_array().unwrap().clone()
}

fn opportunities(h: &mut Harness, account: &str) -> usize {
    let out = h.ok(account, &selling("ListOpportunities"), json!({"Catalog": SANDBOX}));
    out["OpportunitySummaries"].as_array().unwrap().len()
}

/// The report a URL's token reads at the harness's service time.
fn read_report(h: &Harness, token: &str) -> Report {
    let wall = h.wall;
    h.read(|tx| {
        let (now, _) = clock::service_now(tx, wall)?;
        bulk_jobs::report(tx, now, token)
    })
}

#[test]
fn a_rows_writes_are_taken_back_whole_or_kept() {
    let h = Harness::new(START);
    let made = |n: u64| {
        let mut o = pcentral_core::records::Opportunity {
            catalog: Catalog::Sandbox,
            id: OpportunityId::from_number(n),
            owner: AccountId::parse(A).unwrap(),
            created_at: START,
            last_modified: START,
            origin: pcentral_core::records::Origin::PartnerReferral,
            review_status: None,
            review_comments: None,
            review_status_reason: None,
            stage: None,
            customer_company_name: None,
            target_close_date: None,
            title: None,
            body: Default::default(),
            related: Default::default(),
            submission: None,
            assignee: None,
            tags: vec![],
        };
        o.title = Some(format!("o{n}"));
        o
    };
    h.write(|tx| {
        tx.insert_opportunity(&made(1))?;
        tx.begin_bulk_row()?;
        tx.insert_opportunity(&made(2))?;
        tx.undo_bulk_row()?;
        tx.begin_bulk_row()?;
        tx.insert_opportunity(&made(3))?;
        tx.keep_bulk_row()?;
        Ok(())
    });
    let present: Vec<bool> = (1..=3)
        .map(|n| h.read(|tx| Ok(tx.opportunity(Catalog::Sandbox, &OpportunityId::from_number(n))?.is_some())))
        .collect();
    assert_eq!(present, vec![true, false, true]);
}

#[test]
fn a_job_runs_every_row_through_the_opportunity_handlers() {
    let mut h = Harness::new(START);
    upload(&mut h, "s3://bucket/deals.csv", &file());
    let job = start(&mut h, A, "s3://bucket/deals.csv");
    let [summary] = jobs(&mut h, A).try_into().unwrap();
    assert_eq!(summary["Status"], "COMPLETED");
    assert_eq!(summary["OperationType"], "BULK_CREATE");
    assert_eq!(summary["FileName"], "deals.csv");
    let counts = ["TotalRecords", "ProcessedRecords", "SuccessCount", "FailureCount"].map(|k| summary[k].clone());
    assert_eq!(counts, [json!(3), json!(3), json!(2), json!(1)]);
    let rows = results(&mut h, A, &job);
    let named: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["RequestId"].as_str().unwrap(), r["Status"].as_str().unwrap())).collect();
    assert_eq!(named, vec![("r1", "SUCCEEDED"), ("r2", "FAILED"), ("3", "SUCCEEDED")]);
    assert_eq!(rows[1]["ErrorCode"], "ValidationException");
    assert!(rows[1]["ErrorMessage"].as_str().unwrap().contains("WebsiteUrl"), "{}", rows[1]);
    // The refused record made nothing; the others are opportunities as CreateOpportunity makes them.
    assert_eq!(opportunities(&mut h, A), 2);
    let beta =
        h.ok(A, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": rows[2]["ResourceIdentifier"]}));
    assert_eq!(beta["Customer"]["Account"]["CompanyName"], "Beta, Inc");
    assert_eq!(beta["Project"]["ExpectedCustomerSpend"][0]["Amount"], "10");
    // Only the starter sees the job.
    assert!(jobs(&mut h, B).is_empty());
    let e = h.refused(B, &selling("ListOpportunityBulkJobResults"), json!({"Catalog": SANDBOX, "JobId": job}));
    assert_eq!(e.kind, "ResourceNotFoundException");
}

#[test]
fn report_urls_are_read_from_the_database_until_the_service_clock_passes_them() {
    let mut h = Harness::new(START);
    upload(&mut h, "s3://bucket/deals.csv", &file());
    let job = start(&mut h, A, "s3://bucket/deals.csv");
    let answer = h.ok(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": job, "ReportFormat": "CSV"}),
    );
    assert_eq!(answer["ReportStatus"], "AVAILABLE");
    let url = answer["Url"].as_str().unwrap();
    let token = url.strip_prefix(&format!("{ENDPOINT}/_pcentral/reports/")).expect("pcentral's own path");
    assert_eq!(token.len(), 64);
    let expected = format!(
        "{HEADER},ErrorCode,ErrorMessage\r\n{},ValidationException,",
        record("r2", "Bad", "x").replace(", ", ",")
    );
    // Another node: a store opened again on the same database.
    h.reopen();
    let Report::Csv(text) = read_report(&h, token) else { panic!("no report") };
    assert!(text.starts_with(&expected), "{text}");
    assert_eq!(text.lines().count(), 2);
    assert_eq!(read_report(&h, &"0".repeat(64)), Report::Unknown);
    h.advance(15 * MINUTE - 1);
    assert!(matches!(read_report(&h, token), Report::Csv(_)));
    h.advance(1);
    assert_eq!(read_report(&h, token), Report::Expired);
    // The report itself, 7 days after the job ended.
    h.advance(7 * 24 * 60 * MINUTE);
    let gone = h.ok(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": job, "ReportFormat": "CSV"}),
    );
    assert_eq!(gone["ReportStatus"], "EXPIRED");
    assert!(gone.get("Url").is_none());
}

#[test]
fn refusals_store_nothing() {
    let mut h = Harness::new(START);
    let e = h.refused(
        A,
        &selling("StartOpportunityBulkJob"),
        json!({"Catalog": SANDBOX, "FileURI": "s3://bucket/none.csv", "FileFormat": "CSV", "ClientToken": "t"}),
    );
    assert_eq!((e.kind, e.detail.map(|d| d.0)), ("ValidationException", Some("FileURI".to_string())));
    upload(&mut h, "s3://bucket/deals.csv", &file());
    let job = start(&mut h, A, "s3://bucket/deals.csv");
    let e = h.refused(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": job, "ReportFormat": "CSV", "ReportType": "ALL_RECORDS"}),
    );
    assert_eq!(e.detail.map(|d| d.0), Some("ReportType".to_string()));
    for (account, id) in [(B, job.as_str()), (A, "bulkjob-0000000000000")] {
        let e = h.refused(
            account,
            &selling("GetOpportunityBulkJobReportUrl"),
            json!({"Catalog": SANDBOX, "JobId": id, "ReportFormat": "CSV"}),
        );
        assert_eq!(e.kind, "ResourceNotFoundException");
    }
    let e = h.tool_refused(|t| bulk_jobs::put_file(t.tx, t.now, "https://x/y.csv", "a".into()));
    assert!(matches!(e, ToolError::Invalid(_)), "{e:?}");
}

#[test]
fn a_delayed_job_waits_is_held_and_runs_when_forced_or_due() {
    let mut h = Harness::new(START);
    h.settings.bulk_job_delay_seconds = 60;
    upload(&mut h, "s3://bucket/deals.csv", &file());
    let held = start(&mut h, A, "s3://bucket/deals.csv");
    let due = start(&mut h, A, "s3://bucket/deals.csv");
    assert!(jobs(&mut h, A).iter().all(|j| j["Status"] == "SUBMITTED" && j.get("StartedAt").is_none()));
    let waiting = h.ok(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": held, "ReportFormat": "CSV"}),
    );
    assert_eq!((waiting["ReportStatus"].as_str(), waiting.get("Url")), (Some("NOT_STARTED"), None));
    let force = |h: &mut Harness, id: &str, action| {
        let id = BulkJobId::parse(id).unwrap();
        h.tool(|t| {
            let key = t.tx.service_state()?.pagination_key.clone();
            let runner = Runner { now: t.now, settings: &t.settings, pagination_key: &key };
            bulk_jobs::force_bulk_job(t.tx, t.ids, &runner, Catalog::Sandbox, &id, action)
        })
    };
    assert_eq!(force(&mut h, &held, TaskAction::Hold).unwrap(), BulkJobStatus::Submitted);
    h.advance(2 * MINUTE);
    // The worker's step runs the due job, not the held one.
    let ran = h.tool(|t| {
        let key = t.tx.service_state()?.pagination_key.clone();
        let runner = Runner { now: t.now, settings: &t.settings, pagination_key: &key };
        bulk_jobs::run_due_bulk_jobs(t.tx, t.ids, &runner, 10)
    });
    assert_eq!(ran.unwrap(), 1);
    let status = |h: &mut Harness, id: &str| {
        jobs(h, A).into_iter().find(|j| j["JobId"] == id).map(|j| j["Status"].clone()).unwrap()
    };
    assert_eq!((status(&mut h, &due), status(&mut h, &held)), (json!("COMPLETED"), json!("SUBMITTED")));
    assert_eq!(opportunities(&mut h, A), 2);
    assert_eq!(force(&mut h, &held, TaskAction::Complete).unwrap(), BulkJobStatus::Completed);
    assert_eq!(opportunities(&mut h, A), 4);
    let e = h.tool_refused(|t| {
        let key = t.tx.service_state()?.pagination_key.clone();
        let runner = Runner { now: t.now, settings: &t.settings, pagination_key: &key };
        let id = BulkJobId::parse(&held).unwrap();
        bulk_jobs::force_bulk_job(t.tx, t.ids, &runner, Catalog::Sandbox, &id, TaskAction::Hold)
    });
    assert!(matches!(e, ToolError::Conflict(_)), "{e:?}");
}

#[test]
fn reset_takes_an_accounts_jobs_and_everything_takes_the_files() {
    let mut h = Harness::new(START);
    upload(&mut h, "s3://bucket/deals.csv", &file());
    let a_job = start(&mut h, A, "s3://bucket/deals.csv");
    start(&mut h, B, "s3://bucket/deals.csv");
    h.ok(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": a_job, "ReportFormat": "CSV"}),
    );
    h.reset(ResetScope { account: Some(AccountId::parse(A).unwrap()), ..ResetScope::default() });
    assert!(jobs(&mut h, A).is_empty());
    assert_eq!(jobs(&mut h, B).len(), 1);
    let a = AccountId::parse(A).unwrap();
    let id = BulkJobId::parse(&a_job).unwrap();
    assert!(h.read(|tx| Ok(tx.bulk_jobs(Catalog::Sandbox, &a, BulkJobKind::Opportunity)?)).is_empty());
    assert!(h.read(|tx| Ok(tx.bulk_job_rows(Catalog::Sandbox, &id)?)).is_empty());
    assert!(h.read(|tx| Ok(tx.bulk_file("s3://bucket/deals.csv")?)).is_some());
    h.reset(ResetScope::default());
    assert!(jobs(&mut h, B).is_empty());
    assert!(h.read(|tx| Ok(tx.bulk_file("s3://bucket/deals.csv")?)).is_none());
    let dump = h.snapshot().join("\n");
    assert!(!dump.contains("bulkjob-"), "{dump}");
}

#[test]
fn a_customer_account_job_runs_its_rows_through_the_customer_account_handlers() {
    let mut h = Harness::new(START);
    let csv =
        "RequestId,Account.CompanyName,Account.Address.CountryCode\r\nc1,Acme,US\r\nc2,Bad,XX\r\n,\"Beta, Inc\",\r\n";
    upload(&mut h, "s3://bucket/accounts.csv", csv);
    let started = h.ok(
        A,
        &selling("StartCustomerAccountBulkJob"),
        json!({"Catalog": SANDBOX, "FileUri": "s3://bucket/accounts.csv", "ClientToken": "t1"}),
    );
    let job = started["Id"].as_str().unwrap().to_string();
    assert_eq!(started["Status"], "COMPLETED");
    let arn = started["Arn"].as_str().unwrap().to_string();
    assert!(arn.ends_with(&format!(":{A}:catalog/Sandbox/customer-account-bulk-job/{job}")), "{arn}");
    let get = |h: &mut Harness, ident: &str| {
        h.ok(A, &selling("GetCustomerAccountBulkJob"), json!({"Catalog": SANDBOX, "Identifier": ident}))
    };
    let got = get(&mut h, &arn);
    let counts = ["TotalRecords", "SuccessCount", "FailureCount", "DeletedCount"].map(|k| got[k].clone());
    assert_eq!(counts, [json!(3), json!(2), json!(1), json!(0)]);
    // Not an opportunity job: ListOpportunityBulkJobs does not list it, nor its results.
    assert!(jobs(&mut h, A).is_empty());
    let e = h.refused(A, &selling("ListOpportunityBulkJobResults"), json!({"Catalog": SANDBOX, "JobId": job}));
    assert_eq!(e.kind, "ResourceNotFoundException");
    let out = h.ok(A, &selling("ListCustomerAccountBulkJobResults"), json!({"Catalog": SANDBOX, "Identifier": job}));
    let rows = out["Results"].as_array().unwrap().clone();
    let named: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["RequestId"].as_str().unwrap(), r["Status"].as_str().unwrap())).collect();
    assert_eq!(named, vec![("c1", "SUCCEEDED"), ("c2", "FAILED"), ("3", "SUCCEEDED")]);
    // The refused row stored nothing; the others are the job's imports.
    let search = |h: &mut Harness| {
        let out = h.ok(A, &selling("SearchCustomerAccounts"), json!({"Catalog": SANDBOX}));
        out["CustomerAccountSummaries"].as_array().unwrap().len()
    };
    assert_eq!(search(&mut h), 2);
    let beta = h.ok(
        A,
        &selling("GetCustomerAccount"),
        json!({"Catalog": SANDBOX, "Identifier": rows[2]["ResourceIdentifier"]}),
    );
    assert_eq!(beta["Account"]["CompanyName"], "Beta, Inc");
    // An update job: Identifier makes it one, UpdateCustomerAccount runs each row.
    let update = format!(
        "Identifier,Account.CompanyName\r\n{},Beta Renamed\r\n",
        rows[2]["ResourceIdentifier"].as_str().unwrap()
    );
    upload(&mut h, "s3://bucket/rename.csv", &update);
    let renamed = h.ok(
        A,
        &selling("StartCustomerAccountBulkJob"),
        json!({"Catalog": SANDBOX, "FileUri": "s3://bucket/rename.csv", "ClientToken": "t2"}),
    );
    assert_eq!(get(&mut h, renamed["Id"].as_str().unwrap())["SuccessCount"], json!(1));
    let beta = h.ok(
        A,
        &selling("GetCustomerAccount"),
        json!({"Catalog": SANDBOX, "Identifier": rows[2]["ResourceIdentifier"]}),
    );
    assert_eq!(beta["Account"]["CompanyName"], "Beta Renamed");
    // ALL_RECORDS, read by another node.
    let answer = h.ok(
        A,
        &selling("GetCustomerAccountBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "Identifier": job, "ReportType": "ALL_RECORDS"}),
    );
    let token = answer["Url"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    h.reopen();
    let Report::Csv(text) = read_report(&h, &token) else { panic!("no report") };
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.starts_with(
            "RequestId,Account.CompanyName,Account.Address.CountryCode,ErrorCode,ErrorMessage\r\nc1,Acme,US,,\r\n"
        ),
        "{text}"
    );
    // DeletedCount counts the imports deleted since.
    h.ok(
        A,
        &selling("DeleteCustomerAccount"),
        json!({"Catalog": SANDBOX, "Identifier": rows[0]["ResourceIdentifier"]}),
    );
    assert_eq!(get(&mut h, &job)["DeletedCount"], json!(1));
    // Nobody else sees the job.
    let e = h.refused(B, &selling("GetCustomerAccountBulkJob"), json!({"Catalog": SANDBOX, "Identifier": job}));
    assert_eq!(e.kind, "ResourceNotFoundException");
    let out = h.ok(B, &selling("ListCustomerAccountBulkJobs"), json!({"Catalog": SANDBOX}));
    assert_eq!(out["items"], json!([]));
}
