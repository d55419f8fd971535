//! The AWS SDK for Rust (`aws-sdk-partnercentralaccount`) against pcentral
//! served in process by `pcentral_testing::Server` (the production startup
//! path on a free loopback port): the two-party connection story,
//! modeled errors, paginators, a retry after a committed call, and the
//! endpoint taken from `AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT`.

use std::sync::{Arc, Mutex};

use aws_sdk_partnercentralaccount as pc;
use pc::config::interceptors::BeforeTransmitInterceptorContextRef;
use pc::config::{ConfigBag, Intercept, Region, RuntimeComponents};
use pc::error::BoxError;
use pc::types::{
    ConnectionType, ConnectionTypeStatus, FieldValidationCode, Participant, ParticipantType, PrimarySolutionType,
    ValidationError,
};
use serde_json::{json, Value};

mod common;

const CATALOG: &str = "Sandbox";

/// pcentral in process (`pcentral_testing`), with the SDK configuration this suite uses.
struct Server(pcentral_testing::Server);

impl Server {
    async fn start() -> Server {
        Server(pcentral_testing::Server::start().expect("pcentral starts"))
    }

    fn endpoint(&self) -> &str {
        self.0.endpoint()
    }

    fn client(&self, account: &str) -> pc::Client {
        self.client_with(account, None)
    }

    fn client_with(&self, account: &str, recorder: Option<Recorder>) -> pc::Client {
        let mut config = pc::Config::builder()
            .behavior_version(pc::config::BehaviorVersion::latest())
            .endpoint_url(self.endpoint())
            .region(Region::new("us-east-1"))
            .credentials_provider(credentials(account))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(pc::config::retry::RetryConfig::standard().with_max_attempts(3));
        if let Some(r) = recorder {
            config = config.interceptor(r);
        }
        pc::Client::from_conf(config.build())
    }

    /// Call the admin API (blocking, briefly).
    async fn admin(&self, method: &'static str, path: &str, body: Option<Value>) -> Value {
        self.0.admin(method, path, body).expect("admin call")
    }
}

fn credentials(account: &str) -> pc::config::Credentials {
    pc::config::Credentials::new(account, pcentral_testing::SECRET, None, None, "pcentral-test")
}

/// Records the JSON body of every attempt a client transmits.
#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Value>>>);

impl Recorder {
    fn bodies(&self) -> Vec<Value> {
        self.0.lock().expect("lock").clone()
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "pcentral-test-recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let bytes = context.request().body().bytes().unwrap_or_default();
        let body: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
        self.0.lock().expect("lock").push(body);
        Ok(())
    }
}

struct Partner {
    id: String,
    profile_id: String,
}

/// Register a Sandbox partner for `account` and publish its profile.
async fn published_partner(c: &pc::Client, display: &str) -> Partner {
    let email = format!("lead-{}@example.com", common::new_account());
    c.send_email_verification_code().catalog(CATALOG).email(&email).send().await.expect("send code");
    let lead = pc::types::AllianceLeadContact::builder()
        .first_name("Ana")
        .last_name("Lee")
        .email(&email)
        .business_title("Alliance Lead")
        .build()
        .expect("lead");
    let partner = c
        .create_partner()
        .catalog(CATALOG)
        .legal_name(format!("{display} Legal {}", common::new_account()))
        .primary_solution_type(PrimarySolutionType::SoftwareProducts)
        .alliance_lead_contact(lead)
        .email_verification_code("123456")
        .send()
        .await
        .expect("create partner");
    let details = pc::types::TaskDetails::builder()
        .display_name(display)
        .description("We build example things for example customers.")
        .website_url("https://www.example.com")
        .logo_url("https://www.example.com/logo.png")
        .primary_solution_type(PrimarySolutionType::ConsultingServices)
        .industry_segments(pc::types::IndustrySegment::ComputerSoftware)
        .translation_source_locale("en-US")
        .build()
        .expect("details");
    c.start_profile_update_task()
        .catalog(CATALOG)
        .identifier(partner.id())
        .task_details(details)
        .send()
        .await
        .expect("start task");
    let task = c.get_profile_update_task().catalog(CATALOG).identifier(partner.id()).send().await.expect("task");
    assert_eq!(task.status().as_str(), "SUCCEEDED");
    let vis = c.get_profile_visibility().catalog(CATALOG).identifier(partner.id()).send().await.expect("visibility");
    Partner { id: partner.id().to_string(), profile_id: vis.profile_id().to_string() }
}

async fn invite(
    c: &pc::Client,
    kind: ConnectionType,
    receiver: &str,
) -> pc::operation::create_connection_invitation::CreateConnectionInvitationOutput {
    c.create_connection_invitation()
        .catalog(CATALOG)
        .connection_type(kind)
        .email("ana@example.com")
        .message("Let's work together")
        .name("Ana Lee")
        .receiver_identifier(receiver)
        .send()
        .await
        .expect("invite")
}

fn profile_of(p: &Participant) -> (String, String) {
    match p {
        Participant::PartnerProfile(s) => (s.id().to_string(), s.name().to_string()),
        other => panic!("expected a partner profile, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_party_story() {
    let server = Server::start().await;
    let (a, b) = (common::new_account(), common::new_account());
    let (ca, cb) = (server.client(&a), server.client(&b));
    let pa = published_partner(&ca, "Alpha Display").await;
    let pb = published_partner(&cb, "Beta Display").await;
    assert!(pa.id.starts_with("partner-"));

    let sent = invite(&ca, ConnectionType::OpportunityCollaboration, &pb.profile_id).await;
    assert_eq!(sent.participant_type(), &ParticipantType::Sender);
    assert_eq!(sent.other_participant_identifier(), pb.profile_id);
    assert_eq!(sent.status().as_str(), "PENDING");
    let expires = sent.expires_at().expect("ExpiresAt").secs();
    assert_eq!(expires - sent.created_at().secs(), 30 * 86_400);

    let listed = cb
        .list_connection_invitations()
        .catalog(CATALOG)
        .participant_type(ParticipantType::Receiver)
        .send()
        .await
        .expect("list invitations");
    let ids: Vec<&str> = listed.connection_invitation_summaries().iter().map(|s| s.id()).collect();
    assert_eq!(ids, [sent.id()]);
    let got = cb.get_connection_invitation().catalog(CATALOG).identifier(sent.id()).send().await.expect("get");
    assert_eq!(got.participant_type(), &ParticipantType::Receiver);
    assert_eq!(got.other_participant_identifier(), pa.profile_id);

    let accepted =
        cb.accept_connection_invitation().catalog(CATALOG).identifier(sent.id()).send().await.expect("accept");
    let conn = accepted.connection().expect("connection");
    let cid = conn.id().to_string();
    assert!(cid.starts_with("pac-"));
    assert_eq!(conn.other_participant_account_id(), a);

    let from_a = ca.get_connection().catalog(CATALOG).identifier(&cid).send().await.expect("A view");
    let from_b = cb.get_connection().catalog(CATALOG).identifier(&cid).send().await.expect("B view");
    assert_eq!(from_a.other_participant_account_id(), b);
    assert_eq!(from_b.other_participant_account_id(), a);
    let oc_a = &from_a.connection_types()[&ConnectionType::OpportunityCollaboration];
    let oc_b = &from_b.connection_types()[&ConnectionType::OpportunityCollaboration];
    assert_eq!(oc_a.status(), &ConnectionTypeStatus::Active);
    assert_eq!(
        profile_of(oc_a.other_participant().expect("participant")),
        (pb.profile_id.clone(), "Beta Display".into())
    );
    assert_eq!(
        profile_of(oc_b.other_participant().expect("participant")),
        (pa.profile_id.clone(), "Alpha Display".into())
    );
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs() as i64;
    assert!((from_a.updated_at().secs() - now).abs() < 120, "timestamps decode to real times");
    assert_eq!(from_a.arn(), format!("arn:aws:partnercentral:us-east-1::catalog/{CATALOG}/connection/{cid}"));

    // SUBSIDIARY by account id: the same connection gets a second type.
    let sub = invite(&ca, ConnectionType::Subsidiary, &b).await;
    let accepted2 =
        cb.accept_connection_invitation().catalog(CATALOG).identifier(sub.id()).send().await.expect("accept sub");
    let conn2 = accepted2.connection().expect("connection");
    assert_eq!(conn2.id(), cid);
    assert_eq!(conn2.connection_types().len(), 2);

    let canceled = cb
        .cancel_connection()
        .catalog(CATALOG)
        .identifier(&cid)
        .connection_type(ConnectionType::Subsidiary)
        .reason("done")
        .send()
        .await
        .expect("cancel");
    let sub_entry = &canceled.connection_types()[&ConnectionType::Subsidiary];
    assert_eq!(sub_entry.status(), &ConnectionTypeStatus::Canceled);
    assert_eq!(sub_entry.canceled_by(), Some(b.as_str()));
    assert_eq!(
        canceled.connection_types()[&ConnectionType::OpportunityCollaboration].status(),
        &ConnectionTypeStatus::Active
    );
    let found = ca
        .list_connections()
        .catalog(CATALOG)
        .connection_type("SUBSIDIARY:CANCELED")
        .send()
        .await
        .expect("list canceled");
    let ids: Vec<&str> = found.connection_summaries().iter().map(|s| s.id()).collect();
    assert_eq!(ids, [cid.as_str()]);

    // Canceling again: the modeled ConflictException with its reason.
    let err = cb
        .cancel_connection()
        .catalog(CATALOG)
        .identifier(&cid)
        .connection_type(ConnectionType::Subsidiary)
        .reason("again")
        .send()
        .await
        .expect_err("second cancel");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));
    match err.into_service_error() {
        pc::operation::cancel_connection::CancelConnectionError::ConflictException(e) => {
            assert_eq!(e.reason().as_str(), "INCOMPATIBLE_CONNECTION_STATE");
        }
        other => panic!("expected ConflictException, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modeled_errors() {
    let server = Server::start().await;
    let a = common::new_account();
    let c = server.client(&a);
    published_partner(&c, "Gamma").await;

    let err = c.get_connection().catalog(CATALOG).identifier("pac-zzzzzzzzzzzzz").send().await.expect_err("404");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(404));
    match err.into_service_error() {
        pc::operation::get_connection::GetConnectionError::ResourceNotFoundException(e) => {
            assert_eq!(e.reason().as_str(), "CONNECTION_NOT_FOUND");
            assert!(e.message().contains("pac-zzzzzzzzzzzzz"), "typed message is filled: {e:?}");
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }

    // The Rust SDK does not check required members: the server names each one.
    let err = c
        .create_connection_invitation()
        .catalog(CATALOG)
        .connection_type(ConnectionType::from("FRIENDSHIP"))
        .email("x")
        .send()
        .await
        .expect_err("invalid");
    let pc::operation::create_connection_invitation::CreateConnectionInvitationError::ValidationException(v) =
        err.into_service_error()
    else {
        panic!("expected ValidationException");
    };
    assert_eq!(v.reason().as_str(), "REQUEST_VALIDATION_FAILED");
    let fields: Vec<(String, FieldValidationCode)> = v
        .error_details()
        .iter()
        .map(|d| match d {
            ValidationError::FieldValidationError(f) => (f.name().to_string(), f.code().clone()),
            other => panic!("expected field errors, got {other:?}"),
        })
        .collect();
    let code_of = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone());
    assert_eq!(code_of("ConnectionType"), Some(FieldValidationCode::InvalidEnumValue));
    assert_eq!(code_of("Email"), Some(FieldValidationCode::InvalidStringFormat));
    assert_eq!(code_of("Message"), Some(FieldValidationCode::RequiredFieldMissing));
    assert_eq!(code_of("Name"), Some(FieldValidationCode::RequiredFieldMissing));
    assert_eq!(code_of("ClientToken"), None, "the SDK fills the token in");

    // A business rule failure carries a BusinessValidationError.
    let err = c
        .create_connection_invitation()
        .catalog(CATALOG)
        .connection_type(ConnectionType::Subsidiary)
        .email("ana@example.com")
        .message("hi")
        .name("Ana")
        .receiver_identifier(&a)
        .send()
        .await
        .expect_err("self");
    let pc::operation::create_connection_invitation::CreateConnectionInvitationError::ValidationException(v) =
        err.into_service_error()
    else {
        panic!("expected ValidationException");
    };
    assert_eq!(v.reason().as_str(), "BUSINESS_VALIDATION_FAILED");
    match v.error_details() {
        [ValidationError::BusinessValidationError(b)] => {
            assert_eq!(b.code().as_str(), "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST")
        }
        other => panic!("expected one business error, got {other:?}"),
    }

    // An injected throttle outlasting the retries is the modeled ThrottlingException.
    server
        .admin(
            "POST",
            "/_pcentral/faults",
            Some(json!({"kind": "throttle_before", "operation": "ListConnections", "account": a, "remaining": 3})),
        )
        .await;
    let err = c.list_connections().catalog(CATALOG).send().await.expect_err("throttled");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(429));
    assert!(err.into_service_error().is_throttling_exception());
    let faults = server.admin("GET", "/_pcentral/faults", None).await;
    assert_eq!(faults["faults"], json!([]), "three attempts used the three throttles up");
    assert!(c.list_connections().catalog(CATALOG).send().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_commit_is_replayed_and_paginators_walk_one_per_page() {
    let server = Server::start().await;
    let (a, b) = (common::new_account(), common::new_account());
    let ca = server.client(&a);
    published_partner(&ca, "Alpha").await;
    let pb = published_partner(&server.client(&b), "Beta").await;
    let inv = invite(&ca, ConnectionType::OpportunityCollaboration, &pb.profile_id).await;

    let rule = server
        .admin(
            "POST",
            "/_pcentral/faults",
            Some(json!({"kind": "internal_after_commit", "operation": "AcceptConnectionInvitation",
                        "account": b, "remaining": 1})),
        )
        .await;
    assert!(rule["id"].as_str().is_some_and(|id| id.starts_with("fault-")), "{rule}");
    let recorder = Recorder::default();
    let cb = server.client_with(&b, Some(recorder.clone()));
    let accepted =
        cb.accept_connection_invitation().catalog(CATALOG).identifier(inv.id()).send().await.expect("accept");
    let cid = accepted.connection().expect("connection").id().to_string();
    let bodies = recorder.bodies();
    assert_eq!(bodies.len(), 2, "the injected 500 was retried once: {bodies:?}");
    let token = bodies[0]["ClientToken"].as_str().expect("token filled in");
    assert_eq!(bodies[1]["ClientToken"].as_str(), Some(token), "the retry reuses the token");
    assert_eq!(server.admin("GET", "/_pcentral/faults", None).await["faults"], json!([]));
    for (client, other) in [(&ca, &b), (&cb, &a)] {
        let list = client.list_connections().catalog(CATALOG).send().await.expect("list");
        let ids: Vec<&str> = list.connection_summaries().iter().map(|s| s.id()).collect();
        assert_eq!(ids, [cid.as_str()], "exactly one connection");
        assert_eq!(list.connection_summaries()[0].other_participant_account_id(), other.as_str());
    }

    // Three more SUBSIDIARY invitations from A, accepted by their receivers.
    let mut created = vec![inv.id().to_string()];
    let mut connections = vec![cid.clone()];
    for i in 0..3 {
        let r = common::new_account();
        let cr = server.client(&r);
        published_partner(&cr, &format!("Receiver {i}")).await;
        let sub = invite(&ca, ConnectionType::Subsidiary, &r).await;
        created.push(sub.id().to_string());
        let acc = cr.accept_connection_invitation().catalog(CATALOG).identifier(sub.id()).send().await.expect("acc");
        connections.push(acc.connection().expect("connection").id().to_string());
    }

    let mut pages = ca.list_connection_invitations().catalog(CATALOG).into_paginator().page_size(1).send();
    let mut walked = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        assert_eq!(page.connection_invitation_summaries().len(), 1);
        walked.extend(page.connection_invitation_summaries().iter().map(|s| s.id().to_string()));
        n += 1;
    }
    assert_eq!(n, 4);
    walked.sort();
    created.sort();
    assert_eq!(walked, created);

    let mut pages = ca.list_connections().catalog(CATALOG).into_paginator().page_size(1).send();
    let mut walked = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        assert_eq!(page.connection_summaries().len(), 1);
        walked.extend(page.connection_summaries().iter().map(|s| s.id().to_string()));
    }
    walked.sort();
    connections.sort();
    assert_eq!(walked, connections);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_from_the_environment() {
    let server = Server::start().await;
    let a = common::new_account();
    let partner = published_partner(&server.client(&a), "Delta").await;
    // Only this test touches the environment, and only this variable.
    std::env::set_var("AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT", server.endpoint());
    let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials(&a))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .load()
        .await;
    // aws-config reads service endpoints from the environment when a client is made.
    let c = pc::Client::new(&shared);
    let list = c.list_partners().catalog(CATALOG).send().await;
    std::env::remove_var("AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT");
    let list = list.expect("list partners through the env endpoint");
    let ids: Vec<&str> = list.partner_summary_list().iter().map(|p| p.id()).collect();
    assert_eq!(ids, [partner.id.as_str()]);
}
