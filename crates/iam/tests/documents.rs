//! Bad policy documents are refused with the problem and its place; good
//! ones in every shape IAM accepts are read.
#![allow(clippy::unwrap_used)]

use pcentral_iam::{Policy, PolicyError};
use serde_json::json;

fn refusal(doc: serde_json::Value) -> PolicyError {
    Policy::parse("p", &doc).unwrap_err()
}

#[test]
fn documents_as_objects_or_strings_single_statements_and_lists() {
    let text =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"partnercentral:Get*","Resource":"*"}}"#;
    let from_text = Policy::parse("p", &json!(text)).unwrap();
    let from_object = Policy::parse("p", &serde_json::from_str(text).unwrap()).unwrap();
    assert_eq!(from_text.statements, from_object.statements);
    assert_eq!(from_text.statements.len(), 1);
    assert_eq!(from_text.size, text.len());
}

#[test]
fn invalid_json_names_line_and_column() {
    let e = Policy::parse("p", &json!("{\"Version\": \"2012-10-17\",\n \"Statement\": [}")).unwrap_err();
    assert_eq!(e.place, "line 2 column 16");
    assert!(e.problem.contains("not valid JSON"), "{e}");
    assert!(Policy::parse("p", &json!(42)).is_err());
    assert!(Policy::parse("p", &json!("[1]")).is_err());
}

#[test]
fn each_refusal_names_its_place() {
    let st = |extra: serde_json::Value| {
        let mut s = json!({"Effect": "Allow", "Action": "partnercentral:GetOpportunity", "Resource": "*"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                s.as_object_mut().unwrap().remove(k);
            } else {
                s[k] = v.clone();
            }
        }
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, s]})
    };
    let cases = [
        (st(json!({"Effect": "Permit"})), "Statement[1].Effect", "unknown Effect"),
        (st(json!({"Effect": null})), "Statement[1]", "no Effect"),
        (st(json!({"Action": "GetOpportunity"})), "Statement[1].Action", "service prefix"),
        (st(json!({"Action": []})), "Statement[1].Action", "empty list"),
        (st(json!({"Action": null})), "Statement[1]", "no Action"),
        (st(json!({"NotAction": "partnercentral:Get*"})), "Statement[1]", "not both"),
        (st(json!({"Resource": "opportunity/1"})), "Statement[1].Resource", "an ARN"),
        (st(json!({"Resource": null})), "Statement[1]", "no Resource"),
        (st(json!({"Principal": "*"})), "Statement[1].Principal", "cannot have"),
        (st(json!({"Actions": "x:y"})), "Statement[1].Actions", "unknown element"),
        (st(json!({"Sid": "has space"})), "Statement[1].Sid", "letters and digits"),
        (
            st(json!({"Condition": {"StringEqualz": {"partnercentral:Catalog": "AWS"}}})),
            "Statement[1].Condition.StringEqualz",
            "unknown condition operator",
        ),
        (
            st(json!({"Condition": {"NullIfExists": {"aws:TagKeys": "true"}}})),
            "Statement[1].Condition.NullIfExists",
            "unknown condition operator",
        ),
        (
            st(json!({"Condition": {"StringEquals": {"Catalog": "AWS"}}})),
            "Statement[1].Condition.StringEquals.Catalog",
            "service prefix",
        ),
        (
            st(json!({"Condition": {"NumericLessThan": {"aws:EpochTime": "soon"}}})),
            "Statement[1].Condition.NumericLessThan.aws:EpochTime",
            "a number",
        ),
        (
            st(json!({"Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}})),
            "Statement[1].Condition.DateLessThan.aws:CurrentTime",
            "a date",
        ),
        (
            st(json!({"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}})),
            "Statement[1].Condition.IpAddress.aws:SourceIp",
            "IP address",
        ),
        (
            st(json!({"Condition": {"Bool": {"aws:SecureTransport": "yes"}}})),
            "Statement[1].Condition.Bool.aws:SecureTransport",
            "true or false",
        ),
        (
            st(json!({"Condition": {"StringEquals": {"aws:username": "${aws:username"}}})),
            "Statement[1].Condition.StringEquals.aws:username",
            "closing brace",
        ),
        (json!({"Version": "2012-10-17", "Statement": []}), "Statement", "empty"),
        (json!({"Version": "2020-01-01", "Statement": []}), "Version", "version"),
        (json!({"Version": "2012-10-17"}), "", "no Statement"),
        (json!({"Version": "2012-10-17", "Statement": [], "Extra": 1}), "Extra", "unknown element"),
        (
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            "Statement[1].Sid",
            "used twice",
        ),
    ];
    for (doc, place, problem) in cases {
        let e = refusal(doc.clone());
        assert_eq!(e.place, place, "{doc} -> {e}");
        assert!(e.problem.contains(problem), "{doc} -> {e}");
    }
}

#[test]
fn documents_over_the_managed_policy_quota_are_refused() {
    let actions: Vec<String> = (0..400).map(|i| format!("partnercentral:Action{i:04}")).collect();
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]});
    let e = refusal(doc);
    assert!(e.problem.contains("IAM allows 6144"), "{e}");
}

#[test]
fn policy_names_follow_iams_rule() {
    let doc = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    assert!(Policy::parse("ok-name_1.2@x", &doc).is_ok());
    assert!(Policy::parse("", &doc).is_err());
    assert!(Policy::parse("has space", &doc).is_err());
    assert!(Policy::parse(&"n".repeat(129), &doc).is_err());
}

#[test]
fn a_users_policies_keep_iams_quotas_and_names() {
    use pcentral_iam::PolicySet;
    let small = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*"}});
    let set = PolicySet::build(&[("a", &small), ("b", &small)], &["AWSPartnerCentralSandboxFullAccess"]).unwrap();
    assert_eq!(set.policies().count(), 3);
    let e = PolicySet::build(&[("a", &small), ("a", &small)], &[]).unwrap_err();
    assert!(e.problem.contains("two inline policies"), "{e}");
    let e = PolicySet::build(&[], &["AWSPartnerCentralNoSuchAccess"]).unwrap_err();
    assert_eq!(e.policy, "AWSPartnerCentralNoSuchAccess");
    assert!(e.problem.contains("no AWS managed policy"), "{e}");
    let e = PolicySet::build(&[], &["AWSPartnerCentralFullAccess", "AWSPartnerCentralFullAccess"]).unwrap_err();
    assert!(e.problem.contains("twice"), "{e}");
    // 2,048 characters for all inline policies of a user together.
    let actions: Vec<String> = (0..40).map(|i| format!("partnercentral:Action{i:04}")).collect();
    let big = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]});
    assert!(PolicySet::build(&[("a", &big)], &[]).is_ok());
    let e = PolicySet::build(&[("a", &big), ("b", &big)], &[]).unwrap_err();
    assert_eq!(e.policy, "b");
    assert!(e.problem.contains("IAM allows 2048"), "{e}");
}

#[test]
fn a_set_knows_the_context_keys_its_statements_read_for_an_action() {
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "partnercentral:Get*",
         "Resource": "arn:aws:partnercentral:*:*:catalog/${partnercentral:Catalog}/*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"},
                       "Null": {"aws:ResourceTag/owner": "false"}}},
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Action": "partnercentral:List*", "Resource": "*",
         "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}}
    ]});
    let set = pcentral_iam::PolicySet::build(&[("p", &doc)], &[]).unwrap();
    let get = set.for_action("partnercentral:GetOpportunity", &pcentral_iam::Context::new());
    for key in ["partnercentral:catalog", "AWS:PrincipalTag/Team", "aws:username", "aws:securetransport"] {
        assert!(get.reads(key), "{key}");
    }
    assert!(get.reads_under("aws:ResourceTag/"));
    assert!(!get.reads_under("aws:RequestTag/"));
    // Only the statements that cover the action count.
    assert!(!get.reads("aws:CurrentTime"));
    let list = set.for_action("partnercentral:ListOpportunities", &pcentral_iam::Context::new());
    assert!(list.reads("aws:CurrentTime") && list.reads("aws:SecureTransport"));
    assert!(!list.reads("aws:username") && !list.reads_under("aws:ResourceTag/"));
    // The Sandbox managed policy reads the catalog.
    let managed = pcentral_iam::PolicySet::build(&[], &["AWSPartnerCentralSandboxFullAccess"]).unwrap();
    assert!(managed
        .for_action("partnercentral:GetOpportunity", &pcentral_iam::Context::new())
        .reads("partnercentral:Catalog"));
}
