"""Acting as AWS (docs/behaviour.md#acting-as-aws) through the admin API and `pcentral aws`, seen by
the partner through boto3: AWS's review of an opportunity (Approved, Action Required, Rejected, with
comments and a reason, only while the opportunity is under review), an AWS referral (an engagement
invitation from AWS with an opportunity payload) that the partner accepts through
StartEngagementByAcceptingInvitationTask and works through to an approved review, and expiring
invitations on the service clock. Refused tool calls change nothing."""

import json

import pytest
from botocore.exceptions import ClientError

from helpers import new_account
from test_opportunities import create, editable, error, error_fields, strip, submit_ready

AWS_SENDER = "000000000000"
REFERRAL = {
    "ReceiverResponsibilities": ["Co-Sell Facilitator"],
    "SenderContacts": [{"Email": "seller@amazon.example", "FirstName": "Sam", "LastName": "Seller"}],
    "Customer": {"CompanyName": "Umbrella Inc", "CountryCode": "DE", "Industry": "Manufacturing",
                 "WebsiteUrl": "https://umbrella.example"},
    "Project": {"Title": "Data platform", "BusinessProblem": "Their analytics run on ageing hardware.",
                "TargetCompletionDate": "2027-09-30",
                "ExpectedCustomerSpend": [{"Amount": "8000", "CurrencyCode": "EUR", "Frequency": "Monthly",
                                           "TargetCompany": "AWS"}]},
    "OpportunityType": "Net New Business",
}


def refer(admin, catalog, receiver, **extra):
    status, body = admin("POST", "/_pcentral/aws/referrals",
                         {"catalog": catalog, "receiver": receiver, "opportunity": REFERRAL, **extra})
    assert status == 200, body
    return body


def review(admin, catalog, oid, status, **extra):
    return admin("POST", "/_pcentral/aws/review",
                 {"catalog": catalog, "opportunity_id": oid, "status": status, **extra})


def read(c, catalog, oid):
    return strip(c.get_opportunity(Catalog=catalog, Identifier=oid))


def event_types(admin, account, prefix):
    status, body = admin("GET", f"/_pcentral/events?account={account}")
    assert status == 200, body
    return [e["event"]["detail-type"] for e in body["events"] if e["event"]["detail-type"].startswith(prefix)]


@pytest.mark.parametrize("catalog", ["AWS", "Sandbox"])
def test_an_aws_referral_accepted_and_worked_through_to_approval(catalog, selling, admin):
    b = new_account()
    c = selling(b)
    sent = refer(admin, catalog, b, message="A customer for you")
    assert sent["sender_account"] == AWS_SENDER and sent["invitation_id"].startswith("engi-")

    # The partner sees an invitation from AWS, with the payload AWS sent.
    listed = c.list_engagement_invitations(Catalog=catalog, ParticipantType="RECEIVER")
    [summary] = listed["EngagementInvitationSummaries"]
    assert summary["Id"] == sent["invitation_id"] and summary["Status"] == "PENDING"
    assert (summary["SenderAwsAccountId"], summary["SenderCompanyName"]) == (AWS_SENDER, "AWS")
    assert summary["PayloadType"] == "OpportunityInvitation" and summary["EngagementTitle"] == "Data platform"
    got = c.get_engagement_invitation(Catalog=catalog, Identifier=sent["invitation_id"])
    assert got["Payload"] == {"OpportunityInvitation": REFERRAL}
    assert got["InvitationMessage"] == "A customer for you" and got["SenderCompanyName"] == "AWS"
    assert event_types(admin, b, "Engagement") == ["Engagement Invitation Created"]

    # Accepting through the task makes an AWS referral in the partner's account (no connection needed).
    task = c.start_engagement_by_accepting_invitation_task(
        Catalog=catalog, ClientToken=f"accept-{b}", Identifier=sent["invitation_id"])
    assert task["TaskStatus"] == "COMPLETE", task
    oid = task["OpportunityId"]
    o = c.get_opportunity(Catalog=catalog, Identifier=oid)
    assert "ReviewStatus" not in o["LifeCycle"]
    assert o["Customer"]["Account"]["CompanyName"] == "Umbrella Inc"
    assert o["Project"]["Title"] == "Data platform" and o["LifeCycle"]["TargetCloseDate"] == "2027-09-30"
    summary = c.get_aws_opportunity_summary(Catalog=catalog, RelatedOpportunityIdentifier=oid)
    assert summary["Origin"] == "AWS Referral"
    assert c.get_engagement_invitation(Catalog=catalog, Identifier=sent["invitation_id"])["Status"] == "ACCEPTED"
    assert c.get_engagement(Catalog=catalog, Identifier=sent["engagement_id"])["MemberCount"] == 1
    # An AWS referral is never submitted by the partner.
    with pytest.raises(ClientError) as e:
        c.submit_opportunity(Catalog=catalog, Identifier=oid, InvolvementType="Co-Sell")
    assert error_fields(e) == ["Identifier"]

    # The partner completes the customer's details; AWS asks for more, then approves.
    details = editable(o)
    details["Customer"]["Account"]["Address"] = {"CountryCode": "DE", "PostalCode": "10115", "City": "Berlin"}
    c.update_opportunity(Catalog=catalog, Identifier=oid, LastModifiedDate=o["LastModifiedDate"], **details)
    status, body = review(admin, catalog, oid, "Action Required", comments="Add the customer's website path",
                          reason="Missing details")
    assert status == 200 and body["review_status"] == "Action Required" and body["owner"] == b, body
    o = c.get_opportunity(Catalog=catalog, Identifier=oid)
    assert o["LifeCycle"]["ReviewStatus"] == "Action Required"
    assert o["LifeCycle"]["ReviewComments"] == "Add the customer's website path"
    assert o["LastModifiedDate"].isoformat().startswith(body["last_modified_date"][:19])
    answer = editable(o)
    answer["Customer"]["Account"]["WebsiteUrl"] = "https://umbrella.example/de"
    c.update_opportunity(Catalog=catalog, Identifier=oid, LastModifiedDate=o["LastModifiedDate"], **answer)
    assert c.get_opportunity(Catalog=catalog, Identifier=oid)["LifeCycle"]["ReviewStatus"] == "Submitted"
    status, body = review(admin, catalog, oid, "Approved", reason="Validated")
    assert status == 200, body
    o = read(c, catalog, oid)
    assert o["LifeCycle"]["ReviewStatus"] == "Approved" and o["LifeCycle"]["ReviewStatusReason"] == "Validated"
    assert "ReviewComments" not in o["LifeCycle"]
    # Approved is final for the review: AWS reviews it no more, and nothing changes.
    status, body = review(admin, catalog, oid, "Rejected")
    assert status == 409, body
    assert read(c, catalog, oid) == o
    # Each review is an Opportunity Updated for the owner, as the API's own changes are.
    updates = event_types(admin, b, "Opportunity Updated")
    assert len(updates) == 4, updates  # two partner updates, two reviews


@pytest.mark.parametrize("catalog", ["AWS", "Sandbox"])
def test_review_of_a_submitted_partner_referral(catalog, selling, admin):
    c = selling(new_account())
    oid = submit_ready(c) if catalog == "Sandbox" else None
    if oid is None:
        made = create(c, catalog="AWS")
        c.associate_opportunity(Catalog="AWS", OpportunityIdentifier=made["Id"], RelatedEntityType="Solutions",
                                RelatedEntityIdentifier="S-0000001")
        oid = made["Id"]
    pending = read(c, catalog, oid)
    # Not under review yet: refused, unchanged.
    status, body = review(admin, catalog, oid, "Approved")
    assert status == 409 and "Pending Submission" in body["error"], body
    assert read(c, catalog, oid) == pending
    c.submit_opportunity(Catalog=catalog, Identifier=oid, InvolvementType="Co-Sell")
    submitted = read(c, catalog, oid)
    for bad in ("Submitted", "Pending Submission", "In review"):
        status, body = review(admin, catalog, oid, bad)
        assert status == 400, (bad, body)
    status, _ = review(admin, catalog, oid, "Approvedd")
    assert status == 400
    status, _ = review(admin, "Other", oid, "Approved")
    assert status == 400
    other = "Sandbox" if catalog == "AWS" else "AWS"
    assert review(admin, other, oid, "Approved")[0] == 404
    assert review(admin, catalog, "O0000000000000", "Approved")[0] == 404
    assert read(c, catalog, oid) == submitted
    status, body = review(admin, catalog, oid, "Rejected", comments="Duplicate of an AWS opportunity",
                          reason="Duplicate Opportunity")
    assert status == 200, body
    o = c.get_opportunity(Catalog=catalog, Identifier=oid)
    assert (o["LifeCycle"]["ReviewStatus"], o["LifeCycle"]["ReviewComments"]) == (
        "Rejected", "Duplicate of an AWS opportunity")
    # Rejected takes no update from the partner.
    with pytest.raises(ClientError) as e:
        c.update_opportunity(Catalog=catalog, Identifier=oid, LastModifiedDate=o["LastModifiedDate"], **editable(o))
    assert error(e) == "ValidationException"


def test_the_sandbox_review_through_update_opportunity_follows_the_same_rules(selling, admin):
    """UpdateOpportunity's Sandbox review and the admin's review are one path: an accepted AWS
    referral is reviewable through either, a Pending Submission partner referral through neither."""
    b = new_account()
    c = selling(b)
    sent = refer(admin, "Sandbox", b)
    oid = c.start_engagement_by_accepting_invitation_task(
        Catalog="Sandbox", ClientToken=f"accept-{b}", Identifier=sent["invitation_id"])["OpportunityId"]
    o = c.get_opportunity(Catalog="Sandbox", Identifier=oid)
    approve = editable(o)
    approve["LifeCycle"] = {**approve["LifeCycle"], "ReviewStatus": "Approved", "ReviewStatusReason": "Fine"}
    c.update_opportunity(Catalog="Sandbox", Identifier=oid, LastModifiedDate=o["LastModifiedDate"], **approve)
    assert c.get_opportunity(Catalog="Sandbox", Identifier=oid)["LifeCycle"]["ReviewStatus"] == "Approved"


def test_referral_refusals_store_nothing(selling, admin):
    b = new_account()
    c = selling(b)
    bad = {k: v for k, v in REFERRAL.items() if k != "ReceiverResponsibilities"}
    status, body = admin("POST", "/_pcentral/aws/referrals", {"catalog": "AWS", "receiver": b, "opportunity": bad})
    assert status == 400 and "ReceiverResponsibilities" in body["error"], body
    status, body = admin("POST", "/_pcentral/aws/referrals",
                         {"catalog": "AWS", "receiver": AWS_SENDER, "opportunity": REFERRAL})
    assert status == 400, body
    status, body = admin("POST", "/_pcentral/aws/referrals",
                         {"catalog": "AWS", "receiver": "12345", "opportunity": REFERRAL})
    assert status == 400, body
    status, body = admin("POST", "/_pcentral/aws/referrals",
                         {"catalog": "AWS", "receiver": b, "opportunity": REFERRAL, "sender_company_name": ""})
    assert status == 400, body
    assert c.list_engagement_invitations(Catalog="AWS", ParticipantType="RECEIVER")[
        "EngagementInvitationSummaries"] == []
    assert event_types(admin, b, "Engagement") == []


def test_a_referral_from_a_named_aws_team_can_be_rejected(selling, admin):
    b = new_account()
    c = selling(b)
    sent = refer(admin, "AWS", b, sender_account="123456789012", sender_company_name="AWS EMEA Sales")
    got = c.get_engagement_invitation(Catalog="AWS", Identifier=sent["invitation_id"])
    assert (got["SenderAwsAccountId"], got["SenderCompanyName"]) == ("123456789012", "AWS EMEA Sales")
    c.reject_engagement_invitation(Catalog="AWS", Identifier=sent["invitation_id"], RejectionReason="No capacity")
    got = c.get_engagement_invitation(Catalog="AWS", Identifier=sent["invitation_id"])
    assert got["Status"] == "REJECTED" and got["RejectionReason"] == "No capacity"
    assert c.list_opportunities(Catalog="AWS")["OpportunitySummaries"] == []


def test_expire_one_or_every_pending_invitation_of_an_account(selling, admin):
    b, other = new_account(), new_account()
    c = selling(b)
    first, second, third = (refer(admin, "AWS", b) for _ in range(3))
    kept = refer(admin, "AWS", other)
    status, body = admin("POST", "/_pcentral/aws/expire-invitations",
                         {"catalog": "AWS", "invitation_id": first["invitation_id"]})
    assert status == 200 and body["expired"] == [first["invitation_id"]], body
    got = c.get_engagement_invitation(Catalog="AWS", Identifier=first["invitation_id"])
    assert got["Status"] == "EXPIRED"
    assert got["ExpirationDate"] <= got["ExpirationDate"].now(got["ExpirationDate"].tzinfo)
    # An expired invitation is answered no more: the task fails and changes nothing.
    task = c.start_engagement_by_accepting_invitation_task(
        Catalog="AWS", ClientToken=f"late-{b}", Identifier=first["invitation_id"])
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "EngagementInvitationConflict", task
    assert c.list_opportunities(Catalog="AWS")["OpportunitySummaries"] == []
    # Expiring it again is refused; so is an unknown id, a malformed one, or both selectors.
    for body_, expected in (({"invitation_id": first["invitation_id"]}, 409),
                            ({"invitation_id": "engi-0000000000000"}, 404),
                            ({"invitation_id": "nope"}, 400),
                            ({"invitation_id": second["invitation_id"], "account": b}, 400),
                            ({}, 400)):
        status, answer = admin("POST", "/_pcentral/aws/expire-invitations", {"catalog": "AWS", **body_})
        assert status == expected, (body_, answer)
    # Every pending invitation the account received, and nobody else's.
    status, body = admin("POST", "/_pcentral/aws/expire-invitations", {"catalog": "AWS", "account": b})
    assert status == 200 and sorted(body["expired"]) == sorted([second["invitation_id"], third["invitation_id"]])
    statuses = {s["Id"]: s["Status"] for s in c.list_engagement_invitations(
        Catalog="AWS", ParticipantType="RECEIVER")["EngagementInvitationSummaries"]}
    assert set(statuses.values()) == {"EXPIRED"} and len(statuses) == 3
    assert selling(other).get_engagement_invitation(Catalog="AWS", Identifier=kept["invitation_id"])[
        "Status"] == "PENDING"
    status, body = admin("POST", "/_pcentral/aws/expire-invitations", {"catalog": "AWS", "account": b})
    assert status == 200 and body["expired"] == []


def test_the_cli_acts_as_aws(pcentral, selling):
    b = new_account()
    c = selling(b)
    out = pcentral("aws", "refer", "--catalog", "Sandbox", "--receiver", b, "--opportunity", json.dumps(REFERRAL))
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    oid = c.start_engagement_by_accepting_invitation_task(
        Catalog="Sandbox", ClientToken=f"cli-{b}", Identifier=sent["invitation_id"])["OpportunityId"]
    out = pcentral("aws", "review", "--catalog", "Sandbox", "--opportunity-id", oid, "--status", "Approved",
                   "--comments", "Looks good")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["review_status"] == "Approved"
    assert c.get_opportunity(Catalog="Sandbox", Identifier=oid)["LifeCycle"]["ReviewComments"] == "Looks good"
    out = pcentral("aws", "review", "--catalog", "Sandbox", "--opportunity-id", oid, "--status", "Rejected")
    assert out.returncode != 0 and "409" in out.stderr + out.stdout
    again = pcentral("aws", "refer", "--catalog", "Sandbox", "--receiver", b, "--opportunity", json.dumps(REFERRAL))
    second = json.loads(again.stdout)["invitation_id"]
    out = pcentral("aws", "expire", "--catalog", "Sandbox", "--account", b)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["expired"] == [second]
    out = pcentral("aws", "refer", "--catalog", "Sandbox", "--receiver", b, "--opportunity", "{not json")
    assert out.returncode != 0 and "400" in out.stderr and "opportunity" in out.stderr
