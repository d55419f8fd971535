//! The evaluator, rule by rule: each test states one of IAM's rules and
//! shows a request it allows and one it refuses.
#![allow(clippy::unwrap_used)]

use pcentral_iam::{denial_message, evaluate, Context, Decision, Policy, Request};
use serde_json::json;

const OPP: &str = "arn:aws:partnercentral:us-east-1:111122223333:catalog/Sandbox/opportunity/O1";
const OPP_AWS: &str = "arn:aws:partnercentral:us-east-1:111122223333:catalog/AWS/opportunity/O1";

fn policy(doc: serde_json::Value) -> Policy {
    Policy::parse("test", &doc).unwrap()
}

fn decide(policies: &[Policy], action: &str, resource: &str, ctx: &Context) -> Decision {
    evaluate(policies, &Request { action, resource, context: ctx }).decision
}

fn allow(statement: serde_json::Value) -> Policy {
    let mut st = statement;
    st["Effect"] = json!("Allow");
    policy(json!({"Version": "2012-10-17", "Statement": [st]}))
}

#[test]
fn default_deny_without_policies_or_matching_statements() {
    let ctx = Context::new();
    assert_eq!(decide(&[], "partnercentral:GetOpportunity", OPP, &ctx), Decision::ImplicitDeny);
    let p = allow(json!({"Action": "partnercentral:ListOpportunities", "Resource": "*"}));
    assert_eq!(decide(std::slice::from_ref(&p), "partnercentral:GetOpportunity", OPP, &ctx), Decision::ImplicitDeny);
    assert_eq!(decide(&[p], "partnercentral:ListOpportunities", "*", &ctx), Decision::Allowed);
}

#[test]
fn explicit_deny_wins_over_allow_in_any_order_and_policy() {
    let ctx = Context::new();
    let allow_all = allow(json!({"Action": "partnercentral:*", "Resource": "*"}));
    let deny = policy(
        json!({"Version": "2012-10-17", "Statement": {"Sid": "NoCancel", "Effect": "Deny", "Action": "partnercentral:Cancel*", "Resource": "*"}}),
    );
    for set in [vec![allow_all.clone(), deny.clone()], vec![deny.clone(), allow_all.clone()]] {
        let out = evaluate(&set, &Request { action: "partnercentral:CancelConnection", resource: "*", context: &ctx });
        assert_eq!(out.decision, Decision::ExplicitDeny);
        assert_eq!(out.statement.unwrap().sid.as_deref(), Some("NoCancel"));
        assert_eq!(decide(&set, "partnercentral:GetConnection", "*", &ctx), Decision::Allowed);
    }
}

#[test]
fn actions_match_with_wildcards_and_without_case() {
    let ctx = Context::new();
    let p = [allow(json!({"Action": ["partnercentral:Get*", "PARTNERCENTRAL:list?pportunities"], "Resource": "*"}))];
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &ctx), Decision::Allowed);
    assert_eq!(decide(&p, "partnercentral:ListOpportunities", "*", &ctx), Decision::Allowed);
    assert_eq!(decide(&p, "partnercentral:CreateOpportunity", OPP, &ctx), Decision::ImplicitDeny);
    assert_eq!(decide(&p, "otherservice:GetOpportunity", OPP, &ctx), Decision::ImplicitDeny);
    let star = [allow(json!({"Action": "*", "Resource": "*"}))];
    assert_eq!(decide(&star, "partnercentral:CreateOpportunity", OPP, &ctx), Decision::Allowed);
}

#[test]
fn not_action_allows_everything_else() {
    let ctx = Context::new();
    let p = [allow(json!({"NotAction": ["partnercentral:Create*", "partnercentral:Delete*"], "Resource": "*"}))];
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &ctx), Decision::Allowed);
    assert_eq!(decide(&p, "partnercentral:CreateOpportunity", OPP, &ctx), Decision::ImplicitDeny);
}

#[test]
fn resources_and_not_resources_match_arns() {
    let ctx = Context::new();
    let p = [allow(
        json!({"Action": "partnercentral:*", "Resource": "arn:aws:partnercentral:*:111122223333:catalog/Sandbox/*"}),
    )];
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &ctx), Decision::Allowed);
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP_AWS, &ctx), Decision::ImplicitDeny);
    let n = [allow(json!({"Action": "partnercentral:*", "NotResource": "arn:aws:partnercentral:*:*:catalog/AWS/*"}))];
    assert_eq!(decide(&n, "partnercentral:GetOpportunity", OPP, &ctx), Decision::Allowed);
    assert_eq!(decide(&n, "partnercentral:GetOpportunity", OPP_AWS, &ctx), Decision::ImplicitDeny);
}

#[test]
fn catalog_condition_as_in_the_sandbox_managed_policy() {
    let p = [allow(
        json!({"Action": "partnercentral:*", "Resource": "*", "Condition": {"StringEquals": {"partnercentral:Catalog": "Sandbox"}}}),
    )];
    let sandbox = Context::new().with("partnercentral:Catalog", "Sandbox");
    let aws = Context::new().with("partnercentral:Catalog", "AWS");
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &sandbox), Decision::Allowed);
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP_AWS, &aws), Decision::ImplicitDeny);
    // Keys compare without case, values with it.
    let lower = Context::new().with("PartnerCentral:catalog", "sandbox");
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &lower), Decision::ImplicitDeny);
    assert_eq!(decide(&p, "partnercentral:GetOpportunity", OPP, &Context::new()), Decision::ImplicitDeny);
}

#[test]
fn missing_keys_fail_positive_operators_and_pass_negated_ones_and_if_exists() {
    let empty = Context::new();
    let with =
        |op: &str| [allow(json!({"Action": "*", "Resource": "*", "Condition": {op: {"aws:ResourceTag/team": "red"}}}))];
    assert_eq!(decide(&with("StringEquals"), "a:b", "*", &empty), Decision::ImplicitDeny);
    assert_eq!(decide(&with("StringNotEquals"), "a:b", "*", &empty), Decision::Allowed);
    assert_eq!(decide(&with("StringEqualsIfExists"), "a:b", "*", &empty), Decision::Allowed);
    let red = Context::new().with("aws:ResourceTag/team", "red");
    let blue = Context::new().with("aws:ResourceTag/team", "blue");
    assert_eq!(decide(&with("StringEqualsIfExists"), "a:b", "*", &blue), Decision::ImplicitDeny);
    assert_eq!(decide(&with("StringNotEquals"), "a:b", "*", &red), Decision::ImplicitDeny);
    assert_eq!(decide(&with("StringNotEquals"), "a:b", "*", &blue), Decision::Allowed);
}

#[test]
fn values_of_one_key_are_alternatives_and_keys_and_operators_all_hold() {
    let p = [allow(json!({"Action": "*", "Resource": "*", "Condition": {
        "StringEquals": {"aws:RequestTag/team": ["red", "blue"], "partnercentral:Catalog": "Sandbox"},
        "StringNotEquals": {"aws:username": ["mallory", "eve"]}
    }}))];
    let ctx = |team: &'static str, user: &'static str| {
        Context::new()
            .with("aws:RequestTag/team", team)
            .with("partnercentral:Catalog", "Sandbox")
            .with("aws:username", user)
    };
    assert_eq!(decide(&p, "a:b", "*", &ctx("blue", "alice")), Decision::Allowed);
    assert_eq!(decide(&p, "a:b", "*", &ctx("green", "alice")), Decision::ImplicitDeny);
    assert_eq!(decide(&p, "a:b", "*", &ctx("red", "eve")), Decision::ImplicitDeny);
}

#[test]
fn string_like_and_ignore_case() {
    let p = [allow(json!({"Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:username": "dev-*"}}}))];
    assert_eq!(decide(&p, "a:b", "*", &Context::new().with("aws:username", "dev-ann")), Decision::Allowed);
    assert_eq!(decide(&p, "a:b", "*", &Context::new().with("aws:username", "ops-ann")), Decision::ImplicitDeny);
    let q = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {"aws:username": "ANN"}}}),
    )];
    assert_eq!(decide(&q, "a:b", "*", &Context::new().with("aws:username", "ann")), Decision::Allowed);
}

#[test]
fn tag_keys_with_set_operators() {
    let all = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}}}),
    )];
    let any = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}),
    )];
    let keys = |k: &[&str]| {
        let mut c = Context::new();
        c.set_all("aws:TagKeys", k.iter().map(|s| s.to_string()).collect());
        c
    };
    assert_eq!(decide(&all, "a:b", "*", &keys(&["team"])), Decision::Allowed);
    assert_eq!(decide(&all, "a:b", "*", &keys(&["team", "owner"])), Decision::ImplicitDeny);
    // ForAllValues holds for a request without the key; ForAnyValue does not.
    assert_eq!(decide(&all, "a:b", "*", &Context::new()), Decision::Allowed);
    assert_eq!(decide(&any, "a:b", "*", &Context::new()), Decision::ImplicitDeny);
    assert_eq!(decide(&any, "a:b", "*", &keys(&["owner", "team"])), Decision::Allowed);
    assert_eq!(decide(&any, "a:b", "*", &keys(&["owner"])), Decision::ImplicitDeny);
}

#[test]
fn null_tests_presence() {
    let absent =
        [allow(json!({"Action": "*", "Resource": "*", "Condition": {"Null": {"aws:RequestTag/team": "true"}}}))];
    let present =
        [allow(json!({"Action": "*", "Resource": "*", "Condition": {"Null": {"aws:RequestTag/team": false}}}))];
    let tagged = Context::new().with("aws:RequestTag/team", "red");
    assert_eq!(decide(&absent, "a:b", "*", &Context::new()), Decision::Allowed);
    assert_eq!(decide(&absent, "a:b", "*", &tagged), Decision::ImplicitDeny);
    assert_eq!(decide(&present, "a:b", "*", &tagged), Decision::Allowed);
    assert_eq!(decide(&present, "a:b", "*", &Context::new()), Decision::ImplicitDeny);
}

#[test]
fn numeric_date_bool_and_ip_operators() {
    let num = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"NumericLessThanEquals": {"aws:EpochTime": 1000}}}),
    )];
    assert_eq!(decide(&num, "a:b", "*", &Context::new().with("aws:EpochTime", "1000")), Decision::Allowed);
    assert_eq!(decide(&num, "a:b", "*", &Context::new().with("aws:EpochTime", "1001")), Decision::ImplicitDeny);
    let date = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}}),
    )];
    assert_eq!(
        decide(&date, "a:b", "*", &Context::new().with("aws:CurrentTime", "2026-12-07T15:00:00Z")),
        Decision::Allowed
    );
    assert_eq!(
        decide(&date, "a:b", "*", &Context::new().with("aws:CurrentTime", "2027-01-01T00:00:00Z")),
        Decision::ImplicitDeny
    );
    let day = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"DateGreaterThanEquals": {"aws:CurrentTime": "2026-12-07"}}}),
    )];
    assert_eq!(
        decide(&day, "a:b", "*", &Context::new().with("aws:CurrentTime", "2026-12-07T00:00:00Z")),
        Decision::Allowed
    );
    assert_eq!(
        decide(&day, "a:b", "*", &Context::new().with("aws:CurrentTime", "2026-12-06T23:59:59Z")),
        Decision::ImplicitDeny
    );
    let tls = [policy(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}))];
    assert_eq!(decide(&tls, "a:b", "*", &Context::new().with("aws:SecureTransport", "true")), Decision::Allowed);
    assert_eq!(decide(&tls, "a:b", "*", &Context::new().with("aws:SecureTransport", "false")), Decision::ExplicitDeny);
    let ip = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::1"]}}}),
    )];
    assert_eq!(decide(&ip, "a:b", "*", &Context::new().with("aws:SourceIp", "10.2.3.4")), Decision::Allowed);
    assert_eq!(decide(&ip, "a:b", "*", &Context::new().with("aws:SourceIp", "::1")), Decision::Allowed);
    assert_eq!(decide(&ip, "a:b", "*", &Context::new().with("aws:SourceIp", "192.168.1.1")), Decision::ImplicitDeny);
    let not_ip =
        [allow(json!({"Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}))];
    assert_eq!(decide(&not_ip, "a:b", "*", &Context::new().with("aws:SourceIp", "10.2.3.4")), Decision::ImplicitDeny);
    assert_eq!(decide(&not_ip, "a:b", "*", &Context::new().with("aws:SourceIp", "127.0.0.1")), Decision::Allowed);
}

#[test]
fn arn_operators() {
    let p = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/dev-*"}}}),
    )];
    let ctx = |arn: &'static str| Context::new().with("aws:PrincipalArn", arn);
    assert_eq!(decide(&p, "a:b", "*", &ctx("arn:aws:iam::111122223333:user/dev-ann")), Decision::Allowed);
    assert_eq!(decide(&p, "a:b", "*", &ctx("arn:aws:iam::444455556666:user/dev-ann")), Decision::ImplicitDeny);
    let n = [allow(
        json!({"Action": "*", "Resource": "*", "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/root"}}}),
    )];
    assert_eq!(decide(&n, "a:b", "*", &ctx("arn:aws:iam::111122223333:user/root")), Decision::ImplicitDeny);
    assert_eq!(decide(&n, "a:b", "*", &ctx("arn:aws:iam::111122223333:user/ann")), Decision::Allowed);
}

#[test]
fn policy_variables_in_resources_and_conditions() {
    let p = [allow(json!({"Action": "*", "Resource": "arn:aws:partnercentral:*:${aws:PrincipalAccount}:*",
        "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}}))];
    let ctx = Context::new()
        .with("aws:PrincipalAccount", "111122223333")
        .with("aws:username", "ann")
        .with("aws:ResourceTag/owner", "ann");
    assert_eq!(decide(&p, "a:b", OPP, &ctx), Decision::Allowed);
    let other = ctx.clone().with("aws:ResourceTag/owner", "bob");
    assert_eq!(decide(&p, "a:b", OPP, &other), Decision::ImplicitDeny);
    let elsewhere = ctx.clone().with("aws:PrincipalAccount", "444455556666");
    assert_eq!(decide(&p, "a:b", OPP, &elsewhere), Decision::ImplicitDeny);
    // In the 2008-10-17 language `${…}` is literal text.
    let old =
        [policy(json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:username": "${aws:username}"}}}]}))];
    assert_eq!(decide(&old, "a:b", "*", &ctx), Decision::ImplicitDeny);
    assert_eq!(decide(&old, "a:b", "*", &Context::new().with("aws:username", "${aws:username}")), Decision::Allowed);
}

#[test]
fn the_deciding_statement_is_reported_and_the_message_is_aws_wording() {
    let ctx = Context::new();
    let p = [policy(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Reads", "Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*"},
        {"Effect": "Deny", "Action": "partnercentral:GetPartner", "Resource": "*"}
    ]}))];
    let out = evaluate(&p, &Request { action: "partnercentral:GetOpportunity", resource: OPP, context: &ctx });
    assert_eq!(out.decision, Decision::Allowed);
    assert_eq!(out.statement.as_ref().unwrap().to_string(), "test/Statement[0] (Reads)");
    assert_eq!(denial_message("arn:aws:iam::1:user/a", "partnercentral:GetOpportunity", OPP, &out), None);
    let out = evaluate(&p, &Request { action: "partnercentral:GetPartner", resource: "*", context: &ctx });
    assert_eq!(out.statement.as_ref().unwrap().index, 1);
    assert_eq!(
        denial_message("arn:aws:iam::111122223333:user/ann", "partnercentral:GetPartner", "*", &out).unwrap(),
        "User: arn:aws:iam::111122223333:user/ann is not authorized to perform: partnercentral:GetPartner on resource: * with an explicit deny in an identity-based policy"
    );
    let out = evaluate(&p, &Request { action: "partnercentral:ListPartners", resource: "*", context: &ctx });
    assert_eq!(
        denial_message("arn:aws:iam::111122223333:user/ann", "partnercentral:ListPartners", "*", &out).unwrap(),
        "User: arn:aws:iam::111122223333:user/ann is not authorized to perform: partnercentral:ListPartners on resource: * because no identity-based policy allows the partnercentral:ListPartners action"
    );
}

#[test]
fn deciding_with_the_statements_of_an_action_and_a_principal_is_deciding_with_all() {
    use pcentral_iam::data::authorization;
    use pcentral_iam::PolicySet;
    let inline = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Reads", "Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:username": "ann"}}},
        {"Effect": "Deny", "NotAction": ["partnercentral:List*", "partnercentral:Get*"], "Resource": "*",
         "Condition": {"StringNotEquals": {"partnercentral:Catalog": "Sandbox"}}},
        {"Effect": "Allow", "Action": "PartnerCentral:?et*Opportunity", "NotResource": "arn:aws:partnercentral:*:*:catalog/AWS/*"},
        {"Effect": "Deny", "Action": "partnercentral:getpartner", "Resource": "*"},
        {"Effect": "Allow", "Action": "partnercentral:List*", "Resource": "*",
         "Condition": {"StringLike": {"partnercentral:Catalog": "${aws:username}*"}}},
        {"Effect": "Deny", "Action": "partnercentral:Delete*", "Resource": "*",
         "Condition": {"StringEqualsIfExists": {"aws:username": "bob"}, "StringEquals": {"partnercentral:Catalog": "AWS"}}},
        {"Effect": "Allow", "Action": "partnercentral:Delete*", "Resource": "arn:aws:partnercentral:*:*:catalog/${aws:username}/*",
         "Condition": {"Null": {"aws:username": "false"}}}
    ]});
    let set = PolicySet::build(
        &[("mine", &inline)],
        &["AWSPartnerCentralSandboxFullAccess", "AWSPartnerCentralRevenueAttributionManagement"],
    )
    .unwrap();
    let contexts = [
        Context::new(),
        Context::new().with("aws:username", "ann").with("partnercentral:Catalog", "Sandbox"),
        Context::new().with("aws:username", "bob").with("partnercentral:Catalog", "AWS"),
    ];
    let mut decisions = std::collections::BTreeSet::new();
    for action in &authorization().actions {
        let action = format!("partnercentral:{}", action.name);
        for context in &contexts {
            // The principal's key, decided once per principal and action.
            let fixed = match context.single("aws:username") {
                Some(user) => Context::new().with("aws:username", user.to_string()),
                None => Context::new(),
            };
            let only = set.for_action(&action, &fixed);
            for resource in ["*", OPP, OPP_AWS] {
                let request = Request { action: &action, resource, context };
                let all = set.evaluate(&request);
                let decided = set.decide(&only, &request);
                assert_eq!(decided.outcome(), all, "{action} on {resource} with {context:?}");
                let label = decided.by.map(|(_, st)| st.label().to_string());
                assert_eq!(label, all.statement.as_ref().map(ToString::to_string));
                decisions.insert(format!("{:?}", all.decision));
            }
        }
    }
    // The requests reach every kind of decision.
    assert_eq!(decisions.len(), 3, "{decisions:?}");
    // A statement whose condition on the principal's key fails for the principal is left out.
    let reads = |user: &str| {
        set.for_action("partnercentral:GetPartner", &Context::new().with("aws:username", user.to_string()))
            .reads("aws:username")
    };
    assert!(reads("ann") && !reads("bob"));
}
