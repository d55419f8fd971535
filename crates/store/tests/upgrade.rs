//! A database made by an earlier release (release 0.1.0: `tests/data`, made
//! by `scripts/make-upgrade-fixture` with that release's binary) opens with
//! this release's store, which migrates it in place, and every record reads
//! and works as before: lists come from the new listing tables, stored
//! ClientToken answers replay and reset with their catalog, fault rules and
//! configured accounts keep working. On PostgreSQL when
//! `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use pcentral_core::store::{Record, ResetScope};
use pcentral_model::{AccountId, Catalog, Service};
use serde_json::json;

const RELEASE: &str = "release-0.1.0";

/// The release's story (see the script): A, B and C have published Sandbox
/// partners; A invited B (accepted, ClientToken `upgrade-accept-1`) and then
/// linked B as a subsidiary (accepted), B associated its qualifications with
/// A; A's invitation to C is pending; C's to B was rejected, B's to C cancelled.
fn upgraded() -> Harness {
    // The release wrote its records at its own wall time: run a minute after
    // its last change (so that its 24-hour ClientToken records still replay,
    // whenever the test runs).
    let mut h = Harness::on(Backend::from_release(RELEASE), 0);
    let last = h.records().iter().fold(0, |last, r| match r {
        Record::Invitation(i) => last.max(i.updated_at),
        Record::Connection(c) => last.max(c.updated_at),
        _ => last,
    });
    h.wall = last + 60_000;
    h
}

#[test]
fn every_stored_record_reads_as_a_typed_record() {
    let h = upgraded();
    let records = h.records();
    let count = |kind: fn(&Record) -> bool| records.iter().filter(|r| kind(r)).count();
    assert_eq!(count(|r| matches!(r, Record::Partner(_))), 3);
    assert_eq!(count(|r| matches!(r, Record::Invitation(_))), 5);
    assert_eq!(count(|r| matches!(r, Record::Connection(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::QualificationsTask(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::Account(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::Credential(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::Verification(_))), 1);
    assert_eq!(count(|r| matches!(r, Record::ConnectionPreferences(_))), 1);
}

/// Settings this release added since the release the databases come from:
/// stored settings gain them (with their defaults) on upgrade.
const SETTINGS_ADDED: [&str; 7] = [
    "sandbox_allow_tags",
    "log_retention_days",
    "engagement_invitation_lifetime_days",
    "engagement_task_delay_seconds",
    "selling_throttling",
    "selling_throttling_rate_per_minute",
    "bulk_job_delay_seconds",
];

/// Fixture lists this release added since that release.
const LISTS_ADDED: [&str; 8] = [
    "opportunities",
    "engagements",
    "engagement_members",
    "engagement_invitations",
    "selling_settings",
    "solutions",
    "customer_accounts",
    "iam_users",
];

#[test]
fn the_export_is_byte_for_byte_the_releases() {
    // What the release's `GET /_pcentral/export` wrote from this database
    // (compact JSON, members in name order): a fixture kept in version
    // control does not change when the server is upgraded, except for the
    // settings added since.
    let h = upgraded();
    let file = format!("{}/tests/data/{RELEASE}.{}.export.json", env!("CARGO_MANIFEST_DIR"), h.backend.kind());
    let release = std::fs::read_to_string(file).expect("the release's export");
    let ours = h.export_text(false);
    let mut doc: serde_json::Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(doc.to_string(), ours, "an export is compact JSON with members in name order");
    for added in SETTINGS_ADDED {
        assert!(doc["settings"].as_object_mut().unwrap().remove(added).is_some(), "{added} is exported");
    }
    // Lists added since are optional, and empty here.
    for added in LISTS_ADDED {
        assert_eq!(doc.as_object_mut().unwrap().remove(added), Some(json!([])), "{added} is exported");
    }
    assert_eq!(doc.to_string(), release);
}

#[test]
fn lists_come_from_the_listing_tables() {
    let mut h = upgraded();
    let a = h.ok(A, "ListConnections", json!({"Catalog": SANDBOX}));
    let types = &a["ConnectionSummaries"][0]["ConnectionTypes"];
    assert_eq!((types[OC]["Status"].as_str(), types[SUB]["Status"].as_str()), (Some("ACTIVE"), Some("ACTIVE")));
    let b = h.ok(B, "ListConnections", json!({"Catalog": SANDBOX, "ConnectionType": "SUBSIDIARY:ACTIVE"}));
    assert_eq!(b["ConnectionSummaries"][0]["Id"], a["ConnectionSummaries"][0]["Id"]);
    let sent = h.ok(A, "ListConnectionInvitations", json!({"Catalog": SANDBOX, "ParticipantType": "SENDER"}));
    assert_eq!(sent["ConnectionInvitationSummaries"].as_array().map(Vec::len), Some(3));
    let pending = h.ok(C, "ListConnectionInvitations", json!({"Catalog": SANDBOX, "Status": "PENDING"}));
    let a_profile = h.reserved_profile_id(A);
    assert_eq!(pending["ConnectionInvitationSummaries"][0]["OtherParticipantIdentifier"], json!(a_profile));
    let by_other = h.ok(
        C,
        "ListConnectionInvitations",
        json!({"Catalog": SANDBOX, "OtherParticipantIdentifiers": [h.reserved_profile_id(B)]}),
    );
    let statuses: Vec<&str> = by_other["ConnectionInvitationSummaries"]
        .as_array()
        .map(|l| l.iter().filter_map(|i| i["Status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses.len(), 2, "C's rejected invitation to B and B's cancelled one to C: {statuses:?}");
}

#[test]
fn stored_client_token_answers_replay_and_reset_with_their_catalog() {
    let mut h = upgraded();
    let accepted = h.records().into_iter().find_map(|r| match r {
        Record::Invitation(i) => Some(i),
        _ => None,
    });
    let accepted = accepted.filter(|i| {
        i.connection_type == pcentral_model::account::ConnectionType::OpportunityCollaboration
            && i.status == pcentral_model::account::InvitationStatus::Accepted
    });
    let accepted = accepted.expect("the accepted invitation").id.to_string();
    let replay = json!({"Catalog": SANDBOX, "Identifier": accepted, "ClientToken": "upgrade-accept-1"});
    let first = h.ok(B, "AcceptConnectionInvitation", replay.clone());
    assert_eq!(first["Connection"]["ConnectionTypes"][OC]["Status"], "ACTIVE");
    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert_eq!(
        h.refused(B, "AcceptConnectionInvitation", replay),
        not_found("CONNECTION_INVITATION_NOT_FOUND"),
        "the release's record named its catalog only inside the answer; the migration filled the column"
    );
    // Account-level requests have no catalog: their answers stay.
    let verification = json!({"ClientToken": "upgrade-verify-1", "VerificationDetails": {"BusinessVerificationDetails":
        {"LegalName": "Alpha Upgrade", "RegistrationId": "R-1", "CountryCode": "US"}}});
    assert_eq!(h.ok(A, "StartVerification", verification)["VerificationStatus"], "IN_PROGRESS");
}

#[test]
fn qualifications_faults_accounts_and_the_outbox_survive() {
    let mut h = upgraded();
    let pb = h.read(|tx| Ok(tx.partner_by_account(Catalog::Sandbox, &AccountId::parse(B).unwrap())?)).unwrap().id;
    let details = h.ok(B, "GetQualificationsAssociationDetails", json!({"Catalog": SANDBOX, "Identifier": pb}));
    assert_eq!(details["Status"], "ASSOCIATED");
    assert_eq!(details["PrimaryPartner"]["AccountId"], A);
    let rules = h.read(|tx| Ok(tx.fault_rules()?));
    assert_eq!(rules.len(), 1, "the release kept fault rules inside the service state");
    // The release's rule named no service: it is Account's, and the migration wrote that down.
    let get_partner = Service::Account.operation("GetPartner");
    assert_eq!((rules[0].service, rules[0].operation), (Service::Account, get_partner));
    let stored = stored_faults(&h);
    assert!(stored.contains(r#""service":"partnercentral-account""#), "{stored}");
    let sellers = h.read(|tx| Ok(tx.accounts_with_seller_profile("seller-gamma")?));
    assert_eq!(sellers.iter().map(|a| a.account.as_str()).collect::<Vec<_>>(), [C]);
    assert_eq!(h.read(|tx| Ok(tx.outbox(None)?)).len(), 1);
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert!(h.read(|tx| Ok(tx.outbox(None)?)).is_empty(), "the outbox message was filed under catalog AWS");
}

#[test]
fn the_upgraded_database_takes_new_writes() {
    let mut h = upgraded();
    let c_profile = h.reserved_profile_id(C);
    // A's pending invitation to C holds the pair's slot; B can invite C.
    let invitation = h.ok(B, "CreateConnectionInvitation", json!({"Catalog": SANDBOX,
        "ConnectionType": OC, "ReceiverIdentifier": c_profile, "Email": "b@beta.example", "Name": "B", "Message": "again"}));
    let id = invitation["Id"].as_str().unwrap().to_string();
    h.ok(C, "AcceptConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": id}));
    let c = h.ok(C, "ListConnections", json!({"Catalog": SANDBOX}));
    assert_eq!(c["ConnectionSummaries"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_upgraded_database_stores_opportunities() {
    use pcentral_core::records::{Opportunity, Origin, ReviewStatus};
    use pcentral_model::OpportunityId;
    let h = upgraded();
    let o = Opportunity {
        catalog: Catalog::Sandbox,
        id: OpportunityId::from_number(7),
        owner: AccountId::parse(A).unwrap(),
        created_at: h.wall,
        last_modified: h.wall,
        origin: Origin::PartnerReferral,
        review_comments: None,
        review_status_reason: None,
        review_status: Some(ReviewStatus::PendingSubmission),
        stage: None,
        customer_company_name: Some("Acme".into()),
        target_close_date: None,
        title: None,
        body: Default::default(),
        related: Default::default(),
        submission: None,
        assignee: None,
        tags: Vec::new(),
    };
    h.write(|tx| Ok(tx.insert_opportunity(&o)?));
    assert_eq!(h.read(|tx| Ok(tx.opportunity(Catalog::Sandbox, &o.id)?)), Some(o.clone()));
    assert!(h.records().contains(&Record::Opportunity(o)));
}

#[test]
fn the_upgraded_database_stores_engagements_and_members() {
    use pcentral_core::records::{Engagement, EngagementMembership};
    use pcentral_model::EngagementId;
    let h = upgraded();
    let e = Engagement {
        catalog: Catalog::Sandbox,
        id: EngagementId::parse("eng-0abcdefghijklm").unwrap(),
        title: Some("Co-sell".into()),
        description: None,
        created_at: h.wall,
        created_by: AccountId::parse(A).unwrap(),
        modified_at: h.wall,
        modified_by: AccountId::parse(A).unwrap(),
        contexts: vec![],
    };
    let m = EngagementMembership {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        account: e.created_by.clone(),
        joined_at: h.wall,
    };
    h.write(|tx| {
        tx.insert_engagement(&e)?;
        Ok(tx.insert_engagement_member(&m)?)
    });
    assert_eq!(h.read(|tx| Ok(tx.engagement(Catalog::Sandbox, &e.id)?)), Some(e.clone()));
    let records = h.records();
    assert!(records.contains(&Record::Engagement(e)));
    assert!(records.contains(&Record::EngagementMember(m)));
}

#[test]
fn the_upgraded_database_stores_selling_settings() {
    let mut h = upgraded();
    let op = selling("PutSellingSystemSettings");
    let put = h.ok(A, &op, json!({"Catalog": SANDBOX, "ResourceSnapshotJobRoleIdentifier": "Snapshots"}));
    let arn = format!("arn:aws:iam::{A}:role/Snapshots");
    assert_eq!(put["ResourceSnapshotJobRoleArn"], json!(arn));
    let got = h.ok(A, &selling("GetSellingSystemSettings"), json!({"Catalog": SANDBOX}));
    assert_eq!(got, put);
    assert!(h.records().iter().any(|r| matches!(r, Record::SellingSettings(_))));
}

#[test]
fn the_upgraded_database_lists_solutions() {
    use pcentral_core::records::{Solution, SolutionStatus};
    use pcentral_model::SolutionId;
    let mut h = upgraded();
    let s = Solution {
        catalog: Catalog::Sandbox,
        id: SolutionId::parse("S-0000007").unwrap(),
        owner: AccountId::parse(A).unwrap(),
        name: "Lake House".into(),
        status: SolutionStatus::Active,
        category: "Software Product".into(),
        created_at: h.wall,
        aws_marketplace_solution_arn: None,
    };
    h.write(|tx| Ok(tx.insert_solution(&s)?));
    let listed = h.ok(A, &selling("ListSolutions"), json!({"Catalog": SANDBOX}));
    assert_eq!(listed["SolutionSummaries"][0]["Id"], "S-0000007");
    assert!(h.records().contains(&Record::Solution(s)));
}

#[test]
fn the_upgraded_database_keeps_customer_accounts() {
    let mut h = upgraded();
    let made = h.ok(
        A,
        &selling("CreateCustomerAccount"),
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": "Lake House"}}),
    );
    let found = h.ok(A, &selling("SearchCustomerAccounts"), json!({"Catalog": SANDBOX}));
    assert_eq!(found["CustomerAccountSummaries"][0]["Id"], made["Id"]);
    assert!(h.records().iter().any(|r| matches!(r, Record::CustomerAccount(a) if a.id.as_str() == made["Id"])));
}

#[test]
fn the_upgraded_database_stores_engagement_tasks() {
    use pcentral_core::records::{EngagementTask, EngagementTaskKind, TaskStatus};
    use pcentral_model::EngagementTaskId;
    let h = upgraded();
    let t = EngagementTask {
        catalog: Catalog::Sandbox,
        id: EngagementTaskId::parse("task-0abcdefghijkl").unwrap(),
        kind: EngagementTaskKind::AcceptInvitation,
        account: AccountId::parse(A).unwrap(),
        region: "us-east-1".into(),
        endpoint: "http://localhost".into(),
        started_at: h.wall,
        due_at: Some(h.wall),
        status: TaskStatus::InProgress,
        invitation_id: None,
        opportunity_id: None,
        engagement_id: None,
        context_id: None,
        resource_snapshot_job_id: None,
        aws_submission: None,
        reason_code: None,
        message: None,
        tags: vec![],
        prospecting: None,
    };
    h.write(|tx| Ok(tx.insert_engagement_task(&t)?));
    let mine =
        h.read(|tx| Ok(tx.engagement_tasks(Catalog::Sandbox, &t.account, EngagementTaskKind::AcceptInvitation)?));
    assert_eq!(mine, vec![t.clone()]);
    assert_eq!(h.read(|tx| Ok(tx.due_engagement_tasks(h.wall, 10)?)), vec![t]);
}

#[test]
fn the_upgraded_database_runs_bulk_jobs() {
    let mut h = upgraded();
    let header = "Customer.Account.CompanyName,Customer.Account.Industry,Customer.Account.Address.CountryCode,\
                  Project.Title,Project.CustomerBusinessProblem,Marketing.Source,LifeCycle.TargetCloseDate";
    let content = format!("{header}\nAcme,Software and Internet,US,Move,Their lease ends next year.,None,2027-01-31\n");
    h.tool(|t| pcentral_core::bulk_jobs::put_file(t.tx, t.now, "s3://bucket/old.csv", content.clone())).unwrap();
    let job = h.ok(
        A,
        &selling("StartOpportunityBulkJob"),
        json!({"Catalog": SANDBOX, "FileURI": "s3://bucket/old.csv", "FileFormat": "CSV"}),
    );
    let results =
        h.ok(A, &selling("ListOpportunityBulkJobResults"), json!({"Catalog": SANDBOX, "JobId": job["JobId"]}));
    assert_eq!(results["Results"][0]["Status"], "SUCCEEDED", "{results}");
    let url = h.ok(
        A,
        &selling("GetOpportunityBulkJobReportUrl"),
        json!({"Catalog": SANDBOX, "JobId": job["JobId"], "ReportFormat": "CSV"}),
    );
    assert_eq!(url["ReportStatus"], "AVAILABLE");
}

#[test]
fn the_upgraded_database_stores_engagement_groups() {
    use pcentral_core::records::{EngagementGroup, EngagementGroupId};
    let mut h = upgraded();
    let g = EngagementGroup {
        catalog: Catalog::Sandbox,
        id: EngagementGroupId::parse("eng-grp-0abcdefghijklm").unwrap(),
        account: AccountId::parse(A).unwrap(),
        name: "Upgraded".into(),
        description: None,
        readiness_level: None,
        engagements: vec![],
        updated_at: h.wall,
    };
    h.write(|tx| Ok(tx.insert_engagement_group(&g)?));
    assert_eq!(h.read(|tx| Ok(tx.engagement_groups(Catalog::Sandbox, &g.account)?)), vec![g.clone()]);
    let listed = h.ok(A, &selling("ListEngagementGroups"), json!({"Catalog": "Sandbox"}));
    assert_eq!(listed["EngagementGroupSummaries"][0]["Id"], "eng-grp-0abcdefghijklm");
    h.reset(ResetScope { account: Some(g.account.clone()), ..ResetScope::default() });
    assert!(h.read(|tx| Ok(tx.engagement_groups(Catalog::Sandbox, &g.account)?)).is_empty());
}

#[test]
fn the_upgraded_database_runs_prospecting_tasks() {
    // Prospecting tasks live in the release's engagement_tasks table (their
    // own part inside the document): no migration of their own.
    let mut h = upgraded();
    let made = h.ok(A, &selling("CreateEngagement"), json!({"Catalog": "Sandbox", "Title": "t", "Description": "d"}));
    let started = h.ok(
        A,
        &selling("StartProspectingFromEngagementTask"),
        json!({"Catalog": "Sandbox", "Identifiers": [made["Id"]], "TaskName": "P", "ClientToken": "upgrade-p"}),
    );
    let listed = h.ok(A, &selling("ListProspectingFromEngagementTasks"), json!({"Catalog": "Sandbox"}));
    assert_eq!(listed["TaskSummaries"][0]["TaskId"], started["TaskId"]);
    assert_eq!(listed["TaskSummaries"][0]["TotalEngagementCount"], 1);
}

#[test]
fn the_upgraded_database_serves_the_console_lists() {
    use pcentral_core::store::{
        AdminAssociationQuery, AdminConnectionQuery, AdminEventQuery, AdminInvitationQuery, AdminPartnerQuery,
        AdminProfileTaskQuery, AdminVerificationQuery, TypeFilter,
    };
    use pcentral_model::account::{ConnectionType, InvitationStatus};
    let h = upgraded();
    let sandbox = Catalog::Sandbox;
    let partners = h.read(|tx| {
        Ok(tx.admin_partners(&AdminPartnerQuery {
            catalog: sandbox,
            account: None,
            name: None,
            after: None,
            limit: 10,
        })?)
    });
    assert_eq!(partners.len(), 3);
    let invitation_query = |status| AdminInvitationQuery {
        catalog: sandbox,
        account: None,
        connection_type: None,
        status,
        now: h.wall,
        after: None,
        limit: 10,
    };
    assert_eq!(h.read(|tx| Ok(tx.admin_invitations(&invitation_query(None))?)).len(), 5);
    let pending = h.read(|tx| Ok(tx.admin_invitations(&invitation_query(Some(InvitationStatus::Pending)))?));
    assert_eq!(pending.iter().map(|i| i.receiver_account.as_str()).collect::<Vec<_>>(), [C]);
    let connection_query =
        |types| AdminConnectionQuery { catalog: sandbox, account: None, types, after: None, limit: 10 };
    assert_eq!(h.read(|tx| Ok(tx.admin_connections(&connection_query(TypeFilter::Live))?)).len(), 1);
    let subsidiary = TypeFilter::LiveWith(ConnectionType::Subsidiary);
    assert_eq!(h.read(|tx| Ok(tx.admin_connections(&connection_query(subsidiary))?)).len(), 1);
    let tasks = h.read(|tx| {
        Ok(tx.admin_profile_tasks(&AdminProfileTaskQuery {
            catalog: sandbox,
            account: None,
            before: None,
            limit: 10,
        })?)
    });
    assert!(tasks.len() >= 3, "each partner published its profile: {tasks:?}");
    let verifications = h.read(|tx| {
        Ok(tx.admin_verifications(&AdminVerificationQuery {
            account: None,
            verification_type: None,
            after: None,
            limit: 10,
        })?)
    });
    assert_eq!(verifications.len(), 1);
    let a = AccountId::parse(A).unwrap();
    let subsidiaries = h.read(|tx| {
        Ok(tx.admin_qualifications_subsidiaries(&AdminAssociationQuery {
            catalog: sandbox,
            primary: Some(a.clone()),
            subsidiary: None,
            after: None,
            limit: 10,
        })?)
    });
    assert_eq!(subsidiaries.iter().map(AccountId::as_str).collect::<Vec<_>>(), [B]);
    let now = h.wall;
    let state = h.read(|tx| pcentral_core::qualifications::load(tx, sandbox, &[&subsidiaries[0]], now));
    assert_eq!(state.association_of(&subsidiaries[0]).map(|x| &x.primary_account), Some(&a));
    let events = h.read(|tx| Ok(tx.admin_events(&AdminEventQuery { limit: 100, ..AdminEventQuery::default() })?));
    assert!(!events.is_empty(), "the release recorded events for its invitations");
}

#[test]
fn retention_reads_the_times_the_release_stored() {
    // The migration fills the time columns retention deletes by from the
    // stored documents: nothing of the release's last minute goes, its email
    // code goes at its expiry, its ClientToken records and quota usage a day later.
    let mut h = upgraded();
    let sweep =
        |h: &mut Harness| h.tool(|t| Ok(pcentral_core::retention::sweep(t.tx, t.now, &t.settings, 100)?)).unwrap();
    assert_eq!(sweep(&mut h), pcentral_core::store::Purged::default());
    h.advance(30 * MINUTE);
    assert_eq!(sweep(&mut h), pcentral_core::store::Purged { email_codes: 1, ..Default::default() });
    h.advance(DAY);
    let purged = sweep(&mut h);
    assert!(purged.idempotency >= 3 && purged.usage >= 1 && purged.events == 0, "{purged:?}");
}

/// The fault rules as the database holds them (`service_state.faults`).
fn stored_faults(h: &Harness) -> String {
    let sql = "SELECT faults FROM service_state WHERE id = 1";
    match &h.backend {
        Backend::Sqlite { dir, .. } => {
            let conn = pcentral_store::sqlite::open_connection(&dir.path().join("pcentral.db")).unwrap();
            conn.query_row(sql, [], |r| r.get(0)).unwrap()
        }
        Backend::Postgres { url, schema, .. } => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
            client.batch_execute(&format!("SET search_path TO \"{schema}\"")).unwrap();
            client.query_one(sql, &[]).unwrap().get(0)
        }
    }
}

#[test]
fn the_upgraded_database_finds_expired_engagement_invitations() {
    use pcentral_core::records::{EngagementInvitation, EngagementInvitationStatus, InvitationPayloadType};
    use pcentral_model::{EngagementId, EngagementInvitationId};
    let h = upgraded();
    let i = EngagementInvitation {
        catalog: Catalog::Sandbox,
        id: EngagementInvitationId::parse("engi-0abcdefghijkl").unwrap(),
        engagement_id: EngagementId::parse("eng-0abcdefghijklm").unwrap(),
        sender: AccountId::parse(A).unwrap(),
        receiver: AccountId::parse(B).unwrap(),
        receiver_alias: None,
        message: "Join".into(),
        payload_type: InvitationPayloadType::Opportunityinvitation,
        payload: json!({}),
        status: EngagementInvitationStatus::Pending,
        created_at: h.wall,
        expires_at: h.wall + 1_000,
        updated_at: h.wall,
        rejection_reason: None,
        from_aws: None,
    };
    h.write(|tx| Ok(tx.insert_engagement_invitation(&i)?));
    assert!(h.read(|tx| Ok(tx.expired_pending_engagement_invitations(h.wall + 999, 10)?)).is_empty());
    assert_eq!(h.read(|tx| Ok(tx.expired_pending_engagement_invitations(h.wall + 1_000, 10)?)), vec![i]);
}

#[test]
fn the_upgraded_database_stores_resource_snapshots() {
    let mut h = upgraded();
    let engagement =
        h.ok(A, &selling("CreateEngagement"), json!({"Catalog": SANDBOX, "Title": "T", "Description": "d"}));
    let opportunity = h.ok(
        A,
        &selling("CreateOpportunity"),
        json!({"Catalog": SANDBOX, "Customer": {"Account": {"CompanyName": "Acme"}}, "Project": {"Title": "Move"}}),
    );
    let input = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement["Id"], "ResourceType": "Opportunity",
        "ResourceIdentifier": opportunity["Id"], "ResourceSnapshotTemplateIdentifier": "OpportunitySummary"});
    assert_eq!(h.ok(A, &selling("CreateResourceSnapshot"), input.clone())["Revision"], 1);
    assert_eq!(h.ok(A, &selling("CreateResourceSnapshot"), input.clone())["Revision"], 2);
    assert_eq!(h.ok(A, &selling("GetResourceSnapshot"), input.clone())["Revision"], 2);
    let listed = h.ok(
        A,
        &selling("ListEngagementResourceAssociations"),
        json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement["Id"]}),
    );
    assert_eq!(listed["EngagementResourceAssociationSummaries"][0]["ResourceId"], opportunity["Id"]);
    let mut job_input = input.clone();
    job_input.as_object_mut().unwrap().remove("Revision");
    let job = h.ok(A, &selling("CreateResourceSnapshotJob"), job_input);
    let job = json!({"Catalog": SANDBOX, "ResourceSnapshotJobIdentifier": job["Id"]});
    h.ok(A, &selling("StartResourceSnapshotJob"), job.clone());
    assert_eq!(h.ok(A, &selling("GetResourceSnapshotJob"), job)["Status"], "Running");
}

#[test]
fn the_upgraded_database_stores_iam_users_and_their_keys() {
    let h = upgraded();
    let account = AccountId::parse(A).unwrap();
    let policies = vec![pcentral_core::records::InlinePolicy {
        name: "reads".into(),
        document: json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*"}}),
    }];
    let user = h.write(|tx| pcentral_core::iam_users::put(tx, &account, "ann", policies.clone(), vec![], 5));
    assert_eq!(user.version, 1);
    let again = h.write(|tx| {
        pcentral_core::iam_users::put(tx, &account, "ann", vec![], vec!["AWSPartnerCentralFullAccess".into()], 6)
    });
    assert_eq!(again.version, 2);
    assert_eq!(h.read(|tx| Ok(tx.iam_user(&account, "ann")?)), Some(again.clone()));
    let mut key = credential("PCAKIAMUSER0000001", A, "s", 7);
    key.user = Some("ann".into());
    h.write(|tx| Ok(tx.insert_credential(&key)?));
    assert_eq!(h.read(|tx| Ok(tx.credential("PCAKIAMUSER0000001")?)).unwrap().user.as_deref(), Some("ann"));
    // Users export without secrets, in their own list; the key's user only with secrets.
    let plain: serde_json::Value = serde_json::from_str(&h.export_text(false)).unwrap();
    assert_eq!(plain["iam_users"][0]["name"], json!("ann"));
    assert_eq!(plain["iam_users"][0]["managed_policies"], json!(["AWSPartnerCentralFullAccess"]));
    assert!(plain.get("credentials").is_none());
    // A reset of everything removes them.
    h.write(|tx| Ok(tx.reset(&ResetScope { everything: true, ..ResetScope::default() })?));
    assert_eq!(h.read(|tx| Ok(tx.iam_users()?)), vec![]);
}

/// A database made by the build before IAM users had a fingerprint column
/// and the service row a revision (both columns dropped and their
/// migrations uncounted): opening it adds the columns and fills the
/// fingerprints from each stored user, so the user reads and decides as
/// before, and the service row reads and changes as before.
#[test]
fn a_database_from_before_fingerprints_and_revisions_gets_them() {
    let mut h = Harness::on(Backend::new(), 0);
    let account = AccountId::parse(A).unwrap();
    let policies = vec![pcentral_core::records::InlinePolicy {
        name: "reads".into(),
        document: json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*"}}),
    }];
    let user = h.write(|tx| pcentral_core::iam_users::put(tx, &account, "ann", policies.clone(), vec![], 5));
    let fingerprint = h.read(|tx| Ok(tx.iam_user_fingerprint(&account, "ann")?)).expect("a fingerprint");
    let offset = |h: &mut Harness, ms: i64| {
        h.write(|tx| {
            let state = pcentral_core::records::ServiceState { clock_offset_ms: ms, ..(*tx.service_state()?).clone() };
            Ok(tx.put_service_state(&state)?)
        })
    };
    offset(&mut h, 5 * SECOND);
    h.backend.undo_migrations(
        2,
        "ALTER TABLE iam_users DROP COLUMN fingerprint; ALTER TABLE service_state DROP COLUMN revision",
    );
    h.reopen();
    assert_eq!(h.read(|tx| Ok(tx.service_state()?.clock_offset_ms)), 5 * SECOND);
    offset(&mut h, 6 * SECOND);
    assert_eq!(h.read(|tx| Ok(tx.service_state()?.clock_offset_ms)), 6 * SECOND);
    assert_eq!(h.read(|tx| Ok(tx.iam_user_fingerprint(&account, "ann")?)), Some(fingerprint));
    assert_eq!(h.read(|tx| Ok(tx.iam_user(&account, "ann")?)), Some(user));
    // A change writes a different fingerprint; the same document the same one.
    let other = h.write(|tx| pcentral_core::iam_users::put(tx, &account, "ann", vec![], vec![], 6));
    let changed = h.read(|tx| Ok(tx.iam_user_fingerprint(&account, "ann")?)).expect("a fingerprint");
    assert_ne!(changed, fingerprint);
    h.write(|tx| Ok(tx.put_iam_user(&other)?));
    assert_eq!(h.read(|tx| Ok(tx.iam_user_fingerprint(&account, "ann")?)), Some(changed));
    assert_eq!(h.read(|tx| Ok(tx.iam_user_fingerprint(&account, "bob")?)), None);
}
