//! No oracle between accounts (docs/behaviour.md#isolation): an account that
//! names another account's partner, profile, ARN, task, invitation or
//! connection learns nothing about it that the API does not show on purpose.
//!
//! The table below drives every operation that takes an identifier of
//! another party, as a caller that has no business with that party, with
//! (a) the real identifiers of other partners (published PUBLIC, published
//! PRIVATE, a draft whose profile id is only reserved), (b) made-up
//! identifiers of a valid shape and (c) pairs that do not belong together.
//! For each row:
//!
//! * every variant gets the same answer: same exception, `Reason`, status,
//!   details and message once the identifiers the caller itself sent are
//!   blanked out (for a success, the same body, each variant on a fresh
//!   world built the same way);
//! * no answer contains an identifier of another party that the caller was
//!   not given by the API (account ids above all) unless the request
//!   itself contains it;
//! * every refusal leaves the database as it was ([`Harness::refusal`]).
//!
//! Where the model makes an existing and an unknown identifier answer
//! differently (inviting a profile that does not exist), the two are separate
//! rows, and the leak check still applies to both.
//!
//! A second test walks the model: every input member whose shape can name
//! another party's record (partner identifiers, participant identifiers and
//! their lists, tagging ARNs, connection, invitation and task ids,
//! qualifications partners, domains) must be varied by some row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::Settings;
use pcentral_model::shapes::Shape;
use pcentral_model::{model, ApiError, Service};
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// The stranger: a published partner with a connection of its own (to D),
/// and nothing to do with A, B or C.
const S: &str = "444444444444";
/// S's connection partner.
const D: &str = "555555555555";
/// The receiver of A's pending OPPORTUNITY_COLLABORATION invitation: it sees
/// A's profile id, never A's account id.
const R: &str = "666666666666";

/// Identifiers of a valid shape that name nothing.
const MADE_ACCOUNT: &str = "999999999999";
const MADE_PARTNER: &str = "partner-zzzzzzzzzzzzz";
const MADE_PROFILE: &str = "pprofile-zzzzzzzzzzzzz";
const MADE_TASK: &str = "pprofiletask-zzzzzzzzzzzzz";
const MADE_INVITATION: &str = "pacinv-zzzzzzzzzzzzz";
const MADE_CONNECTION: &str = "pac-zzzzzzzzzzzzz";

fn partner_arn(account: &str, catalog: &str, partner: &str) -> String {
    format!("arn:aws:partnercentral:{REGION}:{account}:catalog/{catalog}/partner/{partner}")
}

/// One account's partner, as far as it got.
#[derive(Debug, Clone)]
struct Party {
    account: String,
    partner: String,
    arn: String,
    /// The published profile id, or for a draft the one reserved for it.
    profile: String,
    /// Its latest profile update task, if it ran one.
    task: Option<String>,
}

impl Party {
    fn ids(&self) -> Vec<String> {
        let mut ids = vec![self.account.clone(), self.partner.clone(), self.arn.clone(), self.profile.clone()];
        ids.extend(self.task.clone());
        ids
    }
}

/// The world every row runs in:
///
/// * A: published, PUBLIC, the primary of B, with a training domain;
/// * B: published, PRIVATE, associated under A over their SUBSIDIARY connection;
/// * C: a draft partner (its profile id reserved, never shown) with a
///   SUBSIDIARY invitation from A pending;
/// * D and S: published, connected (OPPORTUNITY_COLLABORATION);
/// * R: published, with A's OPPORTUNITY_COLLABORATION invitation pending.
struct World {
    h: Harness,
    a: Party,
    b: Party,
    c: Party,
    d: Party,
    s: Party,
    r: Party,
    b_association_task: String,
    ab_connection: String,
    sd_connection: String,
    ac_invitation: String,
    ar_invitation: String,
}

const A_DOMAIN: &str = "alpha-training.example.com";

impl World {
    fn build() -> World {
        let mut h = Harness::new(START);
        let a = published(&mut h, A, "Alpha");
        let b = published(&mut h, B, "Bravo");
        h.ok(B, "PutProfileVisibility", json!({"Catalog": SANDBOX, "Identifier": b.partner, "Visibility": "PRIVATE"}));
        let c_partner = h.create_partner(C)["Id"].as_str().unwrap().to_string();
        let c = Party {
            account: C.into(),
            arn: partner_arn(C, SANDBOX, &c_partner),
            partner: c_partner,
            profile: h.reserved_profile_id(C),
            task: None,
        };
        let d = published(&mut h, D, "Delta");
        let s = published(&mut h, S, "Stranger");
        let r = published(&mut h, R, "Receiver");
        let ab_connection = h.connect(A, SUB, B, B);
        let started = h.ok(
            B,
            "StartQualificationsAssociationTask",
            json!({"Catalog": SANDBOX, "Identifier": b.partner, "PrimaryPartner": {"AccountId": A}}),
        );
        let b_association_task = started["TaskId"].as_str().unwrap().to_string();
        let ac_invitation = h.invitation_id(A, SUB, C);
        let ar_invitation = h.invitation_id(A, OC, &r.profile);
        let sd_connection = h.connect(S, OC, D, &d.profile);
        h.ok(
            A,
            "AssociateAwsTrainingCertificationEmailDomain",
            json!({"Catalog": SANDBOX, "Identifier": a.partner, "Email": format!("lead@{A_DOMAIN}"),
                   "EmailVerificationCode": "123456"}),
        );
        World { h, a, b, c, d, s, r, b_association_task, ab_connection, sd_connection, ac_invitation, ar_invitation }
    }

    /// Every identifier of another party that `who` was never shown.
    fn secrets_for(&self, who: &str) -> Vec<String> {
        let mut hidden = Vec::new();
        let shared = [&self.b_association_task, &self.ab_connection, &self.ac_invitation];
        hidden.extend(shared.map(String::clone));
        hidden.extend(self.b.ids());
        hidden.extend(self.c.ids());
        match who {
            S => {
                hidden.extend(self.a.ids());
                hidden.extend(self.r.ids());
                hidden.push(self.ar_invitation.clone());
            }
            R => {
                // R was shown A's profile id and the invitation, nothing else of A.
                hidden.extend(self.a.ids().into_iter().filter(|id| *id != self.a.profile));
                hidden.extend(self.d.ids());
                hidden.extend(self.s.ids());
                hidden.push(self.sd_connection.clone());
            }
            other => panic!("no secrets listed for {other}"),
        }
        hidden
    }
}

fn published(h: &mut Harness, account: &str, display: &str) -> Party {
    let p = h.published_partner(account, display);
    let task = h.ok(account, "GetProfileUpdateTask", json!({"Catalog": SANDBOX, "Identifier": p.id}));
    Party {
        account: account.into(),
        arn: partner_arn(account, SANDBOX, &p.id),
        partner: p.id,
        profile: p.profile_id,
        task: Some(task["TaskId"].as_str().unwrap().to_string()),
    }
}

/// What every variant of a row must answer.
#[derive(Debug, Clone)]
enum Expect {
    Refused(Refusal),
    /// A success (write operations run each variant on a fresh world).
    Answered,
}

/// One operation called by `who` with `base` plus each variant's members;
/// all variants must answer alike.
struct Row {
    who: &'static str,
    op: &'static str,
    base: Value,
    variants: Vec<(&'static str, Value)>,
    expect: Expect,
    /// Settings for this row only.
    settings: Option<fn(&mut Settings)>,
}

fn row(who: &'static str, op: &'static str, base: Value, variants: Vec<(&'static str, Value)>, expect: Expect) -> Row {
    Row { who, op, base, variants, expect, settings: None }
}

fn merged(base: &Value, extra: &Value) -> Value {
    let mut input = base.clone();
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// Every string inside `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(members) => members.values().for_each(|m| strings(m, out)),
        _ => {}
    }
}

/// `(member, value)` pairs as a variant's members, each value under the member.
fn each(member: &str, values: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
    values.iter().map(|(label, v)| (*label, json!({ member: v }))).collect()
}

/// Partner identifiers of other accounts, real and made up, ids and ARNs.
fn foreign_partners(w: &World) -> Vec<(&'static str, Value)> {
    vec![
        ("A's partner id (published, PUBLIC)", json!(w.a.partner)),
        ("B's partner id (published, PRIVATE)", json!(w.b.partner)),
        ("C's partner id (draft)", json!(w.c.partner)),
        ("a made-up partner id", json!(MADE_PARTNER)),
        ("A's partner ARN", json!(w.a.arn)),
        ("B's partner ARN", json!(w.b.arn)),
        ("C's partner ARN", json!(w.c.arn)),
        ("a made-up account's ARN", json!(partner_arn(MADE_ACCOUNT, SANDBOX, MADE_PARTNER))),
        ("the caller's account with A's partner id", json!(partner_arn(S, SANDBOX, &w.a.partner))),
        ("A's account with the caller's partner id", json!(partner_arn(A, SANDBOX, &w.s.partner))),
        ("A's account with a made-up partner id", json!(partner_arn(A, SANDBOX, MADE_PARTNER))),
    ]
}

/// Tagging ARNs of other accounts: [`foreign_partners`]' ARNs and a few more.
fn foreign_arns(w: &World) -> Vec<(&'static str, Value)> {
    let mut arns: Vec<_> =
        foreign_partners(w).into_iter().filter(|(_, v)| v.as_str().unwrap().starts_with("arn:")).collect();
    arns.push(("A's partner ARN in catalog AWS", json!(partner_arn(A, AWS, &w.a.partner))));
    arns.push(("A's partner ARN in a catalog pcentral does not serve", json!(partner_arn(A, "Other", &w.a.partner))));
    arns
}

/// `PrimaryPartner` / `AssociatedPartner` values naming someone the caller
/// has no SUBSIDIARY link with, alone and in pairs, matching or not.
fn foreign_qualification_partners(w: &World) -> Vec<(&'static str, Value)> {
    let pair = |profile: &str, account: &str| json!({"ProfileId": profile, "AccountId": account});
    vec![
        ("A's profile (PUBLIC)", json!({"ProfileId": w.a.profile})),
        ("B's profile (PRIVATE)", json!({"ProfileId": w.b.profile})),
        ("C's reserved profile id", json!({"ProfileId": w.c.profile})),
        ("a made-up profile id", json!({"ProfileId": MADE_PROFILE})),
        ("A's account", json!({"AccountId": A})),
        ("C's account (a draft partner)", json!({"AccountId": C})),
        ("a made-up account", json!({"AccountId": MADE_ACCOUNT})),
        ("A's profile with A's account (the matching pair)", pair(&w.a.profile, A)),
        ("A's profile with B's account", pair(&w.a.profile, B)),
        ("B's profile with B's account (the matching pair)", pair(&w.b.profile, B)),
        ("A's profile with a made-up account", pair(&w.a.profile, MADE_ACCOUNT)),
        ("a made-up profile with A's account", pair(MADE_PROFILE, A)),
        ("a made-up pair", pair(MADE_PROFILE, MADE_ACCOUNT)),
    ]
}

/// Values of `OtherParticipantIdentifiers` naming parties the caller has no connection with.
fn foreign_participants(w: &World) -> Vec<(&'static str, Value)> {
    vec![
        ("A's account", json!([A])),
        ("A's profile", json!([w.a.profile])),
        ("B's profile (PRIVATE)", json!([w.b.profile])),
        ("C's reserved profile id", json!([w.c.profile])),
        ("A's account and profile", json!([A, w.a.profile])),
        ("a made-up account", json!([MADE_ACCOUNT])),
        ("a made-up profile", json!([MADE_PROFILE])),
    ]
}

fn rows(w: &World) -> Vec<Row> {
    use Expect::*;
    let partner_not_found = Refused(not_found("PARTNER_NOT_FOUND"));
    let identifiers = || each("Identifier", &foreign_partners(w));
    let contact = json!({"FirstName": "Eve", "LastName": "Stranger", "Email": "eve@example.com",
                         "BusinessTitle": "Lead"});
    let mut rows = Vec::new();

    // The caller's partner named by another's identifier: PARTNER_NOT_FOUND, whoever's it is.
    for (op, extra) in [
        ("GetPartner", json!({})),
        ("GetAllianceLeadContact", json!({})),
        ("PutAllianceLeadContact", json!({"AllianceLeadContact": contact, "EmailVerificationCode": "123456"})),
        ("GetProfileVisibility", json!({})),
        ("PutProfileVisibility", json!({"Visibility": "PRIVATE"})),
        ("GetProfileUpdateTask", json!({})),
        ("StartProfileUpdateTask", json!({"TaskDetails": task_details("Eve")})),
        ("CancelProfileUpdateTask", json!({"TaskId": w.a.task})),
        (
            "AssociateAwsTrainingCertificationEmailDomain",
            json!({"Email": "eve@stranger.example.com", "EmailVerificationCode": "123456"}),
        ),
        ("DisassociateAwsTrainingCertificationEmailDomain", json!({"DomainName": A_DOMAIN})),
        ("GetQualificationsAssociationDetails", json!({})),
        ("GetQualificationsAssociationTask", json!({})),
        ("GetQualificationsDisassociationTask", json!({})),
        ("StartQualificationsAssociationTask", json!({"PrimaryPartner": {"AccountId": MADE_ACCOUNT}})),
        ("StartQualificationsDisassociationTask", json!({"AssociatedPartner": {"AccountId": MADE_ACCOUNT}})),
    ] {
        rows.push(row(S, op, sandbox(extra), identifiers(), partner_not_found.clone()));
    }

    // Tags on another account's partner.
    let arns = || each("ResourceArn", &foreign_arns(w));
    rows.push(row(S, "ListTagsForResource", json!({}), arns(), partner_not_found.clone()));
    rows.push(row(S, "TagResource", json!({"Tags": [{"Key": "k", "Value": "v"}]}), arns(), partner_not_found.clone()));
    rows.push(row(S, "UntagResource", json!({"TagKeys": ["k"]}), arns(), partner_not_found.clone()));

    // The caller's own partner with another partner's task or domain.
    let own = sandbox(json!({"Identifier": w.s.partner}));
    let tasks = vec![
        ("A's profile task", json!({"TaskId": w.a.task})),
        ("B's profile task", json!({"TaskId": w.b.task})),
        ("a made-up task", json!({"TaskId": MADE_TASK})),
    ];
    let task_not_found = Refused(not_found("PARTNER_PROFILE_TASK_NOT_FOUND"));
    rows.push(row(S, "CancelProfileUpdateTask", own.clone(), tasks, task_not_found));
    let domains = vec![
        ("A's training domain", json!({"DomainName": A_DOMAIN})),
        ("a made-up domain", json!({"DomainName": "nobody.example.com"})),
    ];
    let domain_not_found = Refused(not_found("PARTNER_DOMAIN_NOT_FOUND"));
    rows.push(row(S, "DisassociateAwsTrainingCertificationEmailDomain", own.clone(), domains, domain_not_found));
    // A domain taken by another partner: refused (the model says so), naming nobody.
    let taken = vec![("A's training domain", json!({"Email": format!("eve@{A_DOMAIN}")}))];
    let code = merged(&own, &json!({"EmailVerificationCode": "123456"}));
    let incompatible_domain = Refused(business("INCOMPATIBLE_DOMAIN"));
    rows.push(row(S, "AssociateAwsTrainingCertificationEmailDomain", code, taken, incompatible_domain));

    // Qualifications: naming a primary the caller has no SUBSIDIARY link with.
    let missing_link = Refused(business("MISSING_ACTIVE_SUBSIDIARY_CONNECTION"));
    let primaries = || each("PrimaryPartner", &foreign_qualification_partners(w));
    rows.push(row(S, "StartQualificationsAssociationTask", own.clone(), primaries(), missing_link.clone()));
    let not_associated = Refused(business("QUALIFICATIONS_ASSOCIATION_NOT_FOUND"));
    let associated = each("AssociatedPartner", &foreign_qualification_partners(w));
    rows.push(row(S, "StartQualificationsDisassociationTask", own.clone(), associated, not_associated));
    // R knows A's profile from the invitation, not A's account: a guessed pair confirms nothing.
    let r_own = sandbox(json!({"Identifier": w.r.partner}));
    let guesses = vec![
        ("A's profile", json!({"PrimaryPartner": {"ProfileId": w.a.profile}})),
        ("A's profile with A's account", json!({"PrimaryPartner": {"ProfileId": w.a.profile, "AccountId": A}})),
        ("A's profile with B's account", json!({"PrimaryPartner": {"ProfileId": w.a.profile, "AccountId": B}})),
        (
            "A's profile with a made-up account",
            json!({"PrimaryPartner": {"ProfileId": w.a.profile, "AccountId": MADE_ACCOUNT}}),
        ),
        ("A's account", json!({"PrimaryPartner": {"AccountId": A}})),
        ("a made-up profile", json!({"PrimaryPartner": {"ProfileId": MADE_PROFILE}})),
    ];
    rows.push(row(R, "StartQualificationsAssociationTask", r_own, guesses, missing_link));

    // Invitations and connections between other accounts.
    let invitation_not_found = Refused(not_found("CONNECTION_INVITATION_NOT_FOUND"));
    let invitations = || {
        vec![
            ("A's invitation to C", json!({"Identifier": w.ac_invitation})),
            ("A's invitation to R", json!({"Identifier": w.ar_invitation})),
            ("a made-up invitation", json!({"Identifier": MADE_INVITATION})),
        ]
    };
    for op in [
        "GetConnectionInvitation",
        "AcceptConnectionInvitation",
        "RejectConnectionInvitation",
        "CancelConnectionInvitation",
    ] {
        rows.push(row(S, op, sandbox(json!({})), invitations(), invitation_not_found.clone()));
    }
    let connection_not_found = Refused(not_found("CONNECTION_NOT_FOUND"));
    let connections = || {
        vec![
            ("A's connection with B", json!({"Identifier": w.ab_connection})),
            ("a made-up connection", json!({"Identifier": MADE_CONNECTION})),
        ]
    };
    rows.push(row(S, "GetConnection", sandbox(json!({})), connections(), connection_not_found.clone()));
    for kind in [SUB, OC] {
        let base = sandbox(json!({"ConnectionType": kind, "Reason": ""}));
        rows.push(row(S, "CancelConnection", base, connections(), connection_not_found.clone()));
    }

    // Lists filtered by another party: nothing, whoever it is.
    for who in [S, R] {
        for op in ["ListConnections", "ListConnectionInvitations"] {
            let filters = each("OtherParticipantIdentifiers", &foreign_participants(w));
            let filters = if who == R {
                // R's invitation shows A's profile id: filtering by it finds it, on purpose.
                filters.into_iter().filter(|(_, v)| !v.to_string().contains(&w.a.profile)).collect()
            } else {
                filters
            };
            rows.push(row(who, op, sandbox(json!({})), filters, Answered));
        }
    }

    // Exclusions are stored as typed, whoever they name (one at a time, so
    // that the answers' lists have the same length).
    let one_each = foreign_participants(w).into_iter().filter(|(_, v)| v.as_array().unwrap().len() == 1);
    let exclusions = each("ExcludedParticipantIdentifiers", &one_each.collect::<Vec<_>>());
    let prefs = sandbox(json!({"Revision": 0, "AccessType": "ALLOW_BY_DEFAULT_DENY_SOME"}));
    rows.push(row(S, "UpdateConnectionPreferences", prefs, exclusions, Answered));

    // Inviting: a published profile is invited whatever its visibility; a
    // profile that is not published is RECEIVER_PROFILE_NOT_FOUND whoever reserved it.
    let invite = |kind: &str| invitation_input(kind, "unused");
    let receivers = |values: Vec<(&'static str, Value)>| each("ReceiverIdentifier", &values);
    let published_profiles =
        vec![("A's profile (PUBLIC)", json!(w.a.profile)), ("B's profile (PRIVATE)", json!(w.b.profile))];
    rows.push(row(S, "CreateConnectionInvitation", invite(OC), receivers(published_profiles), Answered));
    let unknown_profiles =
        vec![("C's reserved profile id", json!(w.c.profile)), ("a made-up profile", json!(MADE_PROFILE))];
    let receiver_not_found = Refused(not_found("RECEIVER_PROFILE_NOT_FOUND"));
    rows.push(row(S, "CreateConnectionInvitation", invite(OC), receivers(unknown_profiles), receiver_not_found));
    let accounts = vec![
        ("A's account", json!(A)),
        ("B's account", json!(B)),
        ("C's account", json!(C)),
        ("a made-up account", json!(MADE_ACCOUNT)),
    ];
    let wrong_kind = Refused(business("INCOMPATIBLE_CONNECTION_INVITATION_REQUEST"));
    rows.push(row(S, "CreateConnectionInvitation", invite(OC), receivers(accounts.clone()), wrong_kind.clone()));
    rows.push(row(S, "CreateConnectionInvitation", invite(SUB), receivers(accounts), Answered));
    let profiles = vec![("A's profile", json!(w.a.profile)), ("a made-up profile", json!(MADE_PROFILE))];
    rows.push(row(S, "CreateConnectionInvitation", invite(SUB), receivers(profiles), wrong_kind));
    // R may guess A's account for a SUBSIDIARY invitation: nothing tells it that it guessed right.
    let r_guesses = vec![("A's account", json!(A)), ("a made-up account", json!(MADE_ACCOUNT))];
    rows.push(row(R, "CreateConnectionInvitation", invite(SUB), receivers(r_guesses), Answered));

    // Accepting while the inviter is at its connection limit: the refusal
    // must not name the inviter's account, which R has not been shown.
    let mut at_limit = row(
        R,
        "AcceptConnectionInvitation",
        sandbox(json!({})),
        vec![("A's invitation to R", json!({"Identifier": w.ar_invitation}))],
        Refused(quota("LIMIT_EXCEEDED_NUMBER_OF_ACTIVE_CONNECTION")),
    );
    at_limit.settings = Some(|s| s.active_connections = 1);
    rows.push(at_limit);
    rows
}

/// `text` with every identifier the caller sent replaced by `<sent>`
/// (longest first, so an ARN goes before the account id inside it).
fn blank(text: &str, sent: &[String]) -> String {
    let mut sent: Vec<&String> = sent.iter().filter(|s| !s.is_empty()).collect();
    sent.sort_by_key(|s| std::cmp::Reverse(s.len()));
    sent.into_iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "<sent>"))
}

/// An answer as the rows compare it: status and body (error or success).
fn answer_text(answer: &Result<Value, ApiError>) -> String {
    match answer {
        Ok(body) => format!("200 {body}"),
        Err(e) => format!("{} {}", e.status(), e.body()),
    }
}

#[test]
fn another_accounts_identifiers_answer_like_made_up_ones_and_reveal_nothing() {
    let mut w = World::build();
    let table = rows(&w);
    let mut problems = Vec::new();
    for row in &table {
        let secrets = w.secrets_for(row.who);
        let start_settings = w.h.settings.clone();
        if let Some(tweak) = row.settings {
            tweak(&mut w.h.settings);
        }
        let writes = !Service::Account.operation(row.op).unwrap().readonly();
        let mut first: Option<(&str, String)> = None;
        for (label, members) in &row.variants {
            let input = merged(&row.base, members);
            let what = format!("{} by {} with {label}", row.op, row.who);
            let answer = match &row.expect {
                Expect::Refused(expected) => {
                    let e = w.h.refusal(row.who, row.op, input.clone());
                    if Refusal::of(&e) != *expected {
                        problems.push(format!("{what}: expected {expected:?}, got {e}"));
                    }
                    Err(e)
                }
                Expect::Answered if writes => {
                    // A success changes the store: each variant on a fresh, identical world.
                    let mut fresh = World::build();
                    fresh.h.settings = w.h.settings.clone();
                    fresh.h.call(row.who, row.op, input.clone())
                }
                Expect::Answered => w.h.call(row.who, row.op, input.clone()),
            };
            if let (Expect::Answered, Err(e)) = (&row.expect, &answer) {
                problems.push(format!("{what}: expected a success, got {e}"));
            }
            let text = answer_text(&answer);
            let input_text = input.to_string();
            for secret in secrets.iter().filter(|s| !input_text.contains(s.as_str())) {
                if text.contains(secret.as_str()) {
                    problems.push(format!("{what}: the answer reveals {secret}: {text}"));
                }
            }
            let mut sent = Vec::new();
            strings(members, &mut sent);
            let blanked = blank(&text, &sent);
            match &first {
                None => first = Some((label, blanked)),
                Some((first_label, first_text)) if *first_text != blanked => problems.push(format!(
                    "{} by {}: {label} answers unlike {first_label}:\n  {blanked}\n  {first_text}",
                    row.op, row.who
                )),
                Some(_) => {}
            }
        }
        w.h.settings = start_settings;
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Input shapes whose value can name another party's record.
const FOREIGN_SHAPES: &[&str] = &[
    "PartnerIdentifier",
    "ParticipantIdentifier",
    "TaggableResourceArn",
    "ConnectionId",
    "ConnectionInvitationId",
    "ProfileTaskId",
    "QualificationsAssociationPartner",
    "DomainName",
];

fn names_another_party(target: &str) -> bool {
    FOREIGN_SHAPES.contains(&target)
        || matches!(model(Service::Account).shape(target), Some(Shape::List { member, .. }) if FOREIGN_SHAPES.contains(&member.as_str()))
}

#[test]
fn the_table_covers_every_input_member_that_can_name_another_party() {
    let w = World::build();
    let table = rows(&w);
    let mut uncovered = Vec::new();
    for op in Service::Account.operations() {
        let input = &model(Service::Account).operation(op.name()).expect("the operation is in the model").input;
        let Some(Shape::Structure { members, .. }) = model(Service::Account).shape(input) else {
            continue;
        };
        for member in members.iter().filter(|m| names_another_party(&m.target)) {
            let covered = table
                .iter()
                .any(|r| r.op == op.name() && r.variants.iter().any(|(_, v)| v.get(&member.name).is_some()));
            if !covered {
                uncovered.push(format!("{}.{}", op.name(), member.name));
            }
        }
    }
    assert!(uncovered.is_empty(), "no row varies {uncovered:?}");
}
