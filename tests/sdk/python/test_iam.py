"""IAM users and their policies (docs/security.md#iam-users-and-policies): keys registered for a user
are held to the user's policies, as AWS holds a role to its IAM policies, on the Account and Selling
APIs: actions and wildcards, NotAction, resource ARNs, the catalog condition, request-tag
conditions, explicit Deny, managed policies, dependent actions (tags need TagResource), changes
seen at once, the simulator agreeing with real calls, and bad documents refused with their place.
Refused calls answer AccessDeniedException (403) with AWS's wording and store nothing."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import _BOTO_SESSION, _NO_RETRY, REGION, _http
from helpers import expect_error, new_account
from test_opportunities import payload

SB = "Sandbox"


def allow(*actions, resource="*", condition=None, effect="Allow", sid=None):
    st = {"Effect": effect, "Action": list(actions), "Resource": resource}
    if condition:
        st["Condition"] = condition
    if sid:
        st["Sid"] = sid
    return st


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture(scope="module")
def user_key(server, admin):
    """user_key(account, user, statements=(), managed=(), service=...) -> boto3 client signed with a
    new key pair of that IAM user, whose inline policy `p` holds `statements` (given neither statements
    nor managed policies, a new key of the user as it is)."""

    def make(account, user, *statements, managed=(), service="partnercentral-selling"):
        body = {"account": account, "user": user}
        if statements or managed:
            body["managed_policies"] = list(managed)
            body["policies"] = [{"name": "p", "document": doc(*statements)}] if statements else []
        status, key = admin("POST", "/_pcentral/credentials", body)
        assert status == 200, key
        assert key["arn"] == f"arn:aws:iam::{account}:user/{user}"
        return _BOTO_SESSION.create_client(
            service, region_name=REGION, endpoint_url=server.endpoint_for(account),
            aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"],
            config=_NO_RETRY)

    return make


def denied(fn, account, user, action, resource, explicit=False, service="selling", **kwargs):
    reason = "ACCESS_DENIED" if service == "account" else None
    resp = expect_error(fn, "AccessDeniedException", reason, 403, **kwargs)
    because = ("with an explicit deny in an identity-based policy" if explicit
               else f"because no identity-based policy allows the {action} action")
    assert resp["Error"]["Message"] == (
        f"User: arn:aws:iam::{account}:user/{user} is not authorized to perform: {action} "
        f"on resource: {resource} {because}"), resp
    if service == "selling":
        assert "Reason" not in resp, resp
    return resp


def opportunity_arn(account, catalog, oid):
    return f"arn:aws:partnercentral:{REGION}:{account}:catalog/{catalog}/opportunity/{oid}"


def test_a_user_without_policies_is_denied_everything_and_keys_without_a_user_keep_full_access(
        admin, user_key, selling, server):
    acct = new_account()
    nobody = user_key(acct, "nobody")
    denied(nobody.list_opportunities, acct, "nobody", "partnercentral:ListOpportunities", "*", Catalog=SB)
    account_api = user_key(acct, "nobody", service="partnercentral-account")
    denied(account_api.list_partners, acct, "nobody", "partnercentral:ListPartners", "*", service="account",
           Catalog=SB)
    status, plain = admin("POST", "/_pcentral/credentials", {"account": acct})
    assert status == 200 and "user" not in plain
    full = _BOTO_SESSION.create_client("partnercentral-selling", region_name=REGION,
                                       endpoint_url=server.endpoint_for(acct),
                                       aws_access_key_id=plain["access_key_id"],
                                       aws_secret_access_key=plain["secret_access_key"], config=_NO_RETRY)
    assert full.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    assert selling(acct).list_opportunities(Catalog=SB)["OpportunitySummaries"] == []


def test_actions_wildcards_and_not_action(user_key, selling):
    acct = new_account()
    reader = user_key(acct, "reader", allow("partnercentral:List*", "partnercentral:GetOpportunity"))
    assert reader.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    assert reader.list_engagements(Catalog=SB)["EngagementSummaryList"] == []
    denied(reader.create_opportunity, acct, "reader", "partnercentral:CreateOpportunity",
           opportunity_arn(acct, SB, "*"), Catalog=SB, **payload())
    # Nothing was stored by the refused create.
    assert selling(acct).list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    most = user_key(acct, "most", allow("*"), {"Effect": "Allow", "NotAction": "partnercentral:Create*",
                                               "Resource": "*"})
    assert most.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    not_create = user_key(acct, "notcreate", {"Effect": "Allow", "NotAction": ["partnercentral:Create*"],
                                              "Resource": "*"})
    assert not_create.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    denied(not_create.create_opportunity, acct, "notcreate", "partnercentral:CreateOpportunity",
           opportunity_arn(acct, SB, "*"), Catalog=SB, **payload())


def test_resource_arns_name_one_opportunity(user_key, selling):
    acct = new_account()
    mine = selling(acct).create_opportunity(Catalog=SB, **payload())["Id"]
    other = selling(acct).create_opportunity(Catalog=SB, **payload(title="Other"))["Id"]
    one = user_key(acct, "one", allow("partnercentral:GetOpportunity", resource=opportunity_arn(acct, SB, mine)))
    assert one.get_opportunity(Catalog=SB, Identifier=mine)["Id"] == mine
    denied(one.get_opportunity, acct, "one", "partnercentral:GetOpportunity", opportunity_arn(acct, SB, other),
           Catalog=SB, Identifier=other)
    own_account = user_key(acct, "own", allow("partnercentral:GetOpportunity",
                                              resource="arn:aws:partnercentral:*:${aws:PrincipalAccount}:*"))
    assert own_account.get_opportunity(Catalog=SB, Identifier=other)["Id"] == other


def test_the_catalog_condition_and_the_sandbox_managed_policy(user_key):
    acct = new_account()
    sandbox = user_key(acct, "sandbox", managed=["AWSPartnerCentralSandboxFullAccess"])
    assert sandbox.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    denied(sandbox.list_opportunities, acct, "sandbox", "partnercentral:ListOpportunities", "*", Catalog="AWS")
    account_api = user_key(acct, "sandbox", service="partnercentral-account")
    assert account_api.list_partners(Catalog=SB)["PartnerSummaryList"] == []
    denied(account_api.list_partners, acct, "sandbox", "partnercentral:ListPartners", "*", service="account",
           Catalog="AWS")
    inline = user_key(acct, "inline", allow("partnercentral:*",
                                            condition={"StringEquals": {"partnercentral:Catalog": "AWS"}}))
    assert inline.list_opportunities(Catalog="AWS")["OpportunitySummaries"] == []
    denied(inline.list_opportunities, acct, "inline", "partnercentral:ListOpportunities", "*", Catalog=SB)


def test_explicit_deny_wins_over_allow(user_key):
    acct = new_account()
    c = user_key(acct, "nodelete", allow("partnercentral:*"),
                 allow("partnercentral:ListEngagements", effect="Deny", sid="NoEngagements"))
    assert c.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    denied(c.list_engagements, acct, "nodelete", "partnercentral:ListEngagements", "*", explicit=True, Catalog=SB)


def test_tags_need_tag_resource_and_request_tag_conditions_hold(user_key, selling):
    acct = new_account()
    target = opportunity_arn(acct, SB, "*")
    no_tagging = user_key(acct, "notag", allow("partnercentral:CreateOpportunity"))
    red = [{"Key": "team", "Value": "red"}]
    denied(no_tagging.create_opportunity, acct, "notag", "partnercentral:TagResource", target,
           Catalog=SB, Tags=red, **payload())
    assert selling(acct).list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    assert no_tagging.create_opportunity(Catalog=SB, **payload())["Id"]
    teams = user_key(acct, "teams", allow("partnercentral:CreateOpportunity", "partnercentral:TagResource",
                                          condition={"StringEquals": {"aws:RequestTag/team": "red"},
                                                     "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}))
    assert teams.create_opportunity(Catalog=SB, Tags=red, **payload())["Id"]
    denied(teams.create_opportunity, acct, "teams", "partnercentral:CreateOpportunity", target,
           Catalog=SB, Tags=[{"Key": "team", "Value": "blue"}], **payload())
    denied(teams.create_opportunity, acct, "teams", "partnercentral:CreateOpportunity", target,
           Catalog=SB, Tags=[*red, {"Key": "cost", "Value": "1"}], **payload())
    assert len(selling(acct).list_opportunities(Catalog=SB)["OpportunitySummaries"]) == 2


def test_a_policy_change_is_seen_at_once_and_deleting_the_user_denies_its_keys(admin, user_key):
    # An odd account: on a two-node PostgreSQL deployment (PCENTRAL_SUITE_DATABASE) its calls go to
    # the second node while the admin API changes the policies through the first.
    acct = new_account()
    while int(acct) % 2 == 0:
        acct = new_account()
    c = user_key(acct, "changing")
    denied(c.list_opportunities, acct, "changing", "partnercentral:ListOpportunities", "*", Catalog=SB)
    status, body = admin("POST", "/_pcentral/iam/users", {
        "account": acct, "user": "changing",
        "policies": [{"name": "p", "document": doc(allow("partnercentral:ListOpportunities"))}]})
    assert status == 200 and body["version"] == 2, body
    assert c.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    # A document given as a string, as IAM accepts it.
    status, body = admin("POST", "/_pcentral/iam/users", {
        "account": acct, "user": "changing",
        "policies": [{"name": "p", "document": '{"Version": "2012-10-17", "Statement": []}'}]})
    assert status == 400 and "Statement" in body["error"], body
    status, body = admin("POST", "/_pcentral/iam/users/delete", {"account": acct, "user": "changing"})
    assert status == 200, body
    denied(c.list_opportunities, acct, "changing", "partnercentral:ListOpportunities", "*", Catalog=SB)
    users = admin("GET", "/_pcentral/iam/users")[1]["users"]
    assert not [u for u in users if u["account"] == acct and u["user"] == "changing"]


def test_a_user_made_again_under_its_old_name_is_decided_by_its_new_policies(admin, user_key):
    # The user made again starts at version 1 as the deleted one did: a node that kept the old
    # user's parsed policies by version would go on allowing. An odd account, for the two-node run.
    acct = new_account()
    while int(acct) % 2 == 0:
        acct = new_account()
    c = user_key(acct, "again", allow("partnercentral:ListOpportunities"))
    assert c.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    assert admin("POST", "/_pcentral/iam/users/delete", {"account": acct, "user": "again"})[0] == 200
    status, body = admin("POST", "/_pcentral/iam/users", {
        "account": acct, "user": "again",
        "policies": [{"name": "p", "document": doc(allow("partnercentral:GetOpportunity"))}]})
    assert status == 200 and body["version"] == 1, body
    denied(c.list_opportunities, acct, "again", "partnercentral:ListOpportunities", "*", Catalog=SB)


@pytest.mark.parametrize("document,place,problem", [
    ("{not json", "line 1 column 2", "not valid JSON"),
    (doc({"Effect": "Permit", "Action": "partnercentral:*", "Resource": "*"}), "Statement[0].Effect",
     "unknown Effect"),
    (doc(allow("GetOpportunity")), "Statement[0].Action", "service prefix"),
    (doc(allow("partnercentral:*", condition={"StringEqualz": {"partnercentral:Catalog": "AWS"}})),
     "Statement[0].Condition.StringEqualz", "unknown condition operator"),
    (doc(allow(*[f"partnercentral:Action{i:04}" for i in range(80)])), "", "IAM allows 2048"),
])
def test_bad_documents_are_refused_with_their_place_and_nothing_is_stored(admin, document, place, problem):
    acct = new_account()
    before = admin("GET", "/_pcentral/iam/users")[1]
    keys = admin("GET", "/_pcentral/credentials")[1]
    for path in ("/_pcentral/iam/users", "/_pcentral/credentials"):
        status, body = admin("POST", path, {"account": acct, "user": "bad",
                                            "policies": [{"name": "p", "document": document}]})
        assert status == 400, body
        assert problem in body["error"] and place in body["error"], body
    assert admin("GET", "/_pcentral/iam/users")[1] == before
    assert admin("GET", "/_pcentral/credentials")[1] == keys


def test_unknown_fields_and_unknown_managed_policies_are_refused(admin):
    acct = new_account()
    status, body = admin("POST", "/_pcentral/credentials", {"account": acct, "usr": "typo"})
    assert status == 400 and "usr" in body["error"], body
    status, body = admin("POST", "/_pcentral/iam/users", {"account": acct, "user": "u", "policy": []})
    assert status == 400 and "policy" in body["error"], body
    status, body = admin("POST", "/_pcentral/iam/users", {"account": acct, "user": "u",
                                                          "managed_policies": ["AWSPartnerCentralNope"]})
    assert status == 400 and "AWSPartnerCentralNope" in body["error"], body
    status, body = admin("POST", "/_pcentral/credentials", {"account": acct, "managed_policies": []})
    assert status == 400 and "need a user" in body["error"], body


def test_the_simulator_agrees_with_real_calls(admin, user_key):
    acct = new_account()
    statements = (allow("partnercentral:List*", condition={"StringEquals": {"partnercentral:Catalog": SB}}),
                  allow("partnercentral:ListEngagements", effect="Deny", sid="NoEngagements"))
    c = user_key(acct, "sim", *statements)
    status, body = admin("POST", "/_pcentral/iam/simulate", {
        "account": acct, "user": "sim",
        "actions": ["partnercentral:ListOpportunities", "partnercentral:ListEngagements",
                    "partnercentral:GetOpportunity"],
        "context": {"partnercentral:Catalog": SB}})
    assert status == 200, body
    decisions = {r["action"]: r["decision"] for r in body["results"]}
    assert decisions == {"partnercentral:ListOpportunities": "allowed",
                         "partnercentral:ListEngagements": "explicitDeny",
                         "partnercentral:GetOpportunity": "implicitDeny"}
    deny = [r for r in body["results"] if r["decision"] == "explicitDeny"][0]
    assert deny["statement"]["sid"] == "NoEngagements" and deny["statement"]["index"] == 1
    assert c.list_opportunities(Catalog=SB)["OpportunitySummaries"] == []
    denied(c.list_engagements, acct, "sim", "partnercentral:ListEngagements", "*", explicit=True, Catalog=SB)
    with pytest.raises(ClientError):
        c.get_opportunity(Catalog=SB, Identifier="O1234567890")
    # Given policies, without a stored user.
    status, body = admin("POST", "/_pcentral/iam/simulate", {
        "managed_policies": ["AWSPartnerCentralSandboxFullAccess"],
        "actions": ["partnercentral:CreateOpportunity"], "context": {"partnercentral:Catalog": "AWS"}})
    assert status == 200 and body["results"][0]["decision"] == "implicitDeny", body


def test_the_requests_log_records_the_decision_and_statement(server, user_key):
    acct = new_account()
    c = user_key(acct, "logged", allow("partnercentral:ListOpportunities", sid="Lists"))
    c.list_opportunities(Catalog=SB)
    # Each node keeps its own requests list: ask the node this account's client talks to.
    status, _headers, raw = _http("GET", server.endpoint_for(acct) + "/_pcentral/requests?limit=50")
    assert status == 200, raw
    entries = json.loads(raw)["requests"]
    mine = [e for e in entries if e.get("account") == acct]
    assert mine and "allowed by p/Statement[0] (Lists)" in mine[-1]["iam"], mine


def test_resource_tag_conditions_read_the_callers_own_opportunity(user_key, selling):
    acct = new_account()
    red = selling(acct).create_opportunity(Catalog=SB, Tags=[{"Key": "team", "Value": "red"}], **payload())["Id"]
    blue = selling(acct).create_opportunity(Catalog=SB, Tags=[{"Key": "team", "Value": "blue"}], **payload())["Id"]
    c = user_key(acct, "redteam", allow("partnercentral:GetOpportunity",
                                        condition={"StringEquals": {"aws:ResourceTag/team": "red"}}))
    assert c.get_opportunity(Catalog=SB, Identifier=red)["Id"] == red
    denied(c.get_opportunity, acct, "redteam", "partnercentral:GetOpportunity", opportunity_arn(acct, SB, blue),
           Catalog=SB, Identifier=blue)
    # Another account's opportunity of the same id shape has no tags for this caller.
    other = new_account()
    theirs = selling(other).create_opportunity(Catalog=SB, Tags=[{"Key": "team", "Value": "red"}], **payload())["Id"]
    denied(c.get_opportunity, acct, "redteam", "partnercentral:GetOpportunity", opportunity_arn(acct, SB, theirs),
           Catalog=SB, Identifier=theirs)
