"""Opportunities of the Selling API (docs/behaviour.md#opportunities) through boto3's
`partnercentral-selling` client and the AWS CLI: create, get, list (filters, sorts, pages), update
(LastModifiedDate conflicts, omitted members cleared), submit, AWS's review simulated in the
Sandbox, associations, the AWS opportunity summary, tags, assignment, isolation between accounts
and catalogs, refusals that name every field and store nothing, ClientToken replays, events, and
the fixture and reset tools."""

import copy
import datetime as dt
import json
import time

import pytest
from botocore.exceptions import ClientError

from helpers import change_settings, new_account
from test_events import Receiver

SB = "Sandbox"
SOLUTION = "S-0000001"
OFFER = "arn:aws:aws-marketplace:us-east-1:999999999999:AWSMarketplace/Offer/offer-sample1"


def payload(company="Acme Corp", stage="Prospect", close="2027-06-30", title="Migration", **extra):
    body = {
        "Customer": {"Account": {"CompanyName": company, "Industry": "Software and Internet",
                                 "WebsiteUrl": "https://acme.example",
                                 "Address": {"CountryCode": "US", "PostalCode": "99502",
                                             "StateOrRegion": "Alaska", "City": "Anchorage"}},
                     "Contacts": [{"Email": "buyer@acme.example", "FirstName": "Bo", "LastName": "Yer",
                                   "BusinessTitle": "CIO"}]},
        "Project": {"Title": title, "CustomerBusinessProblem": "Their data centre lease ends next year.",
                    "DeliveryModels": ["SaaS or PaaS"],
                    "ExpectedCustomerSpend": [{"Amount": "5000", "CurrencyCode": "USD", "Frequency": "Monthly",
                                               "TargetCompany": "AWS"}]},
        "LifeCycle": {"Stage": stage, "TargetCloseDate": close, "NextSteps": "Call them"},
        "Marketing": {"Source": "None"},
        "OpportunityType": "Net New Business",
        "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
        "PartnerOpportunityIdentifier": "crm-1",
    }
    body.update(extra)
    return body


def create(c, catalog=SB, **kw):
    return c.create_opportunity(Catalog=catalog, **payload(**kw))


def strip(answer):
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def error(e):
    return e.value.response["Error"]["Code"]


def error_fields(e):
    return [x.get("FieldName") for x in e.value.response.get("ErrorList", [])]


def ids_of(c, catalog=SB, **kw):
    out = []
    for page in c.get_paginator("list_opportunities").paginate(Catalog=catalog, **kw):
        out += [s["Id"] for s in page["OpportunitySummaries"]]
    return out


def editable(got):
    """The members of a GetOpportunity answer that UpdateOpportunity takes."""
    got = copy.deepcopy(got)
    keep = ["PrimaryNeedsFromAws", "NationalSecurity", "PartnerOpportunityIdentifier", "Customer", "Project",
            "OpportunityType", "Marketing", "SoftwareRevenue", "LifeCycle"]
    return {k: got[k] for k in keep if k in got}


def test_create_get_and_exact_members(selling):
    c = selling(new_account())
    made = create(c)
    assert set(made) - {"ResponseMetadata"} == {"Id", "PartnerOpportunityIdentifier", "LastModifiedDate"}
    assert made["Id"].startswith("O") and made["Id"][1:].isdigit()
    got = c.get_opportunity(Catalog=SB, Identifier=made["Id"])
    members = set(got) - {"ResponseMetadata"}
    allowed = {"Catalog", "PrimaryNeedsFromAws", "NationalSecurity", "PartnerOpportunityIdentifier", "Customer",
               "Project", "OpportunityType", "Marketing", "SoftwareRevenue", "Id", "Arn", "LastModifiedDate",
               "CreatedDate", "RelatedEntityIdentifiers", "LifeCycle", "OpportunityTeam"}
    assert members <= allowed and {"Catalog", "Id", "Arn", "LastModifiedDate", "CreatedDate",
                                   "RelatedEntityIdentifiers"} <= members
    assert got["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    assert got["LifeCycle"]["Stage"] == "Prospect"
    assert got["Customer"]["Account"]["CompanyName"] == "Acme Corp"
    assert got["LastModifiedDate"] == made["LastModifiedDate"] == got["CreatedDate"]
    assert got["Arn"].startswith("arn:aws:partnercentral:us-east-1:") and got["Arn"].endswith(
        f":catalog/Sandbox/opportunity/{made['Id']}")
    # A stage left out is Prospect.
    life = payload()["LifeCycle"]
    del life["Stage"]
    bare = c.create_opportunity(Catalog=SB, **{**payload(), "LifeCycle": life})
    assert c.get_opportunity(Catalog=SB, Identifier=bare["Id"])["LifeCycle"]["Stage"] == "Prospect"


def test_client_token_replays_and_refuses_other_input(selling):
    c = selling(new_account())
    first = c.create_opportunity(Catalog=SB, ClientToken="opp-token-1", **payload())
    again = c.create_opportunity(Catalog=SB, ClientToken="opp-token-1", **payload())
    assert again["Id"] == first["Id"]
    with pytest.raises(ClientError) as e:
        c.create_opportunity(Catalog=SB, ClientToken="opp-token-1", **payload(company="Other"))
    assert error(e) == "ConflictException"
    assert ids_of(c) == [first["Id"]]


def test_refusals_name_every_field_and_store_nothing(selling):
    c = selling(new_account())
    # The model's constraints, every failing field named.
    bad = payload(close="2027-13-45")
    bad["Customer"]["Account"]["WebsiteUrl"] = "x"
    with pytest.raises(ClientError) as e:
        c.create_opportunity(Catalog=SB, **bad)
    assert error(e) == "ValidationException"
    assert e.value.response["Reason"] == "REQUEST_VALIDATION_FAILED"
    assert set(error_fields(e)) == {"LifeCycle.TargetCloseDate", "Customer.Account.WebsiteUrl"}, e.value.response
    # The rules: an AWS referral is AWS's to make, and AWS sets the review status.
    with pytest.raises(ClientError) as e:
        c.create_opportunity(Catalog="AWS", Origin="AWS Referral",
                             **payload(LifeCycle={"Stage": "Prospect", "ReviewStatus": "Approved"}))
    assert set(error_fields(e)) == {"Origin", "LifeCycle.ReviewStatus"}, e.value.response
    with pytest.raises(ClientError) as e:
        c.create_opportunity(Catalog=SB, **payload(), Tags=[{"Key": "aws:x", "Value": "1"}])
    assert error_fields(e) == ["Tags[0].Key"]
    assert ids_of(c) == [] and ids_of(c, catalog="AWS") == []


def test_list_filters_sorts_and_pages(selling):
    c = selling(new_account())
    made = {}
    for company, stage, close in [("beta", "Qualified", "2027-03-01"), ("Alpha", "Prospect", "2027-01-01"),
                                  ("gamma", "Prospect", "2027-02-01"), ("Alpha", "Committed", "2027-05-01"),
                                  ("delta", "Qualified", "2027-04-01")]:
        made[(company, stage)] = create(c, company=company, stage=stage, close=close)["Id"]
    by_company = ids_of(c, Sort={"SortBy": "CustomerCompanyName", "SortOrder": "ASCENDING"}, MaxResults=2)
    names = [c.get_opportunity(Catalog=SB, Identifier=i)["Customer"]["Account"]["CompanyName"] for i in by_company]
    assert names == ["Alpha", "Alpha", "beta", "delta", "gamma"]
    by_close = ids_of(c, Sort={"SortBy": "TargetCloseDate", "SortOrder": "DESCENDING"}, MaxResults=1)
    assert by_close[0] == made[("Alpha", "Committed")] and by_close[-1] == made[("Alpha", "Prospect")]
    assert sorted(ids_of(c)) == sorted(made.values())
    assert sorted(ids_of(c, LifeCycleStage=["Qualified"])) == sorted([made[("beta", "Qualified")],
                                                                       made[("delta", "Qualified")]])
    assert sorted(ids_of(c, CustomerCompanyName=["ALPHA"])) == sorted([made[("Alpha", "Prospect")],
                                                                       made[("Alpha", "Committed")]])
    assert ids_of(c, TargetCloseDate={"AfterTargetCloseDate": "2027-04-01",
                                      "BeforeTargetCloseDate": "2027-05-01"}) == [made[("delta", "Qualified")]]
    assert ids_of(c, Identifier=[made[("beta", "Qualified")], "O1"]) == [made[("beta", "Qualified")]]
    summary = c.list_opportunities(Catalog=SB, Identifier=[made[("beta", "Qualified")]])["OpportunitySummaries"][0]
    assert set(summary) <= {"Catalog", "Id", "Arn", "PartnerOpportunityIdentifier", "OpportunityType",
                            "LastModifiedDate", "CreatedDate", "LifeCycle", "Customer", "Project"}
    assert "Contacts" not in summary["Customer"] and "Title" not in summary["Project"]
    assert summary["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    # A token belongs to its filters.
    first = c.list_opportunities(Catalog=SB, MaxResults=1)
    with pytest.raises(ClientError) as e:
        c.list_opportunities(Catalog=SB, MaxResults=1, NextToken=first["NextToken"], LifeCycleStage=["Qualified"])
    assert error(e) == "ValidationException" and error_fields(e) == ["NextToken"]


def test_update_conflicts_on_a_stale_date_and_replaces_the_document(selling):
    c = selling(new_account())
    made = create(c)
    got = c.get_opportunity(Catalog=SB, Identifier=made["Id"])
    changed = editable(got)
    changed["LifeCycle"]["Stage"] = "Qualified"
    del changed["Marketing"]
    done = c.update_opportunity(Catalog=SB, Identifier=made["Id"], LastModifiedDate=got["LastModifiedDate"],
                                **changed)
    assert set(done) - {"ResponseMetadata"} == {"Id", "LastModifiedDate"}
    assert done["LastModifiedDate"] > got["LastModifiedDate"]
    now = c.get_opportunity(Catalog=SB, Identifier=made["Id"])
    assert now["LifeCycle"]["Stage"] == "Qualified" and "Marketing" not in now
    # The date read before that update is stale now: refused, nothing stored.
    with pytest.raises(ClientError) as e:
        c.update_opportunity(Catalog=SB, Identifier=made["Id"], LastModifiedDate=got["LastModifiedDate"],
                             **editable(got))
    assert error(e) == "ConflictException"
    assert strip(c.get_opportunity(Catalog=SB, Identifier=made["Id"])) == strip(now)
    # Omitting a whole member clears it.
    slim = editable(now)
    del slim["Project"]
    c.update_opportunity(Catalog=SB, Identifier=made["Id"], LastModifiedDate=now["LastModifiedDate"], **slim)
    assert "Project" not in c.get_opportunity(Catalog=SB, Identifier=made["Id"])


def submit_ready(c):
    made = create(c)
    c.associate_opportunity(Catalog=SB, OpportunityIdentifier=made["Id"], RelatedEntityType="Solutions",
                            RelatedEntityIdentifier=SOLUTION)
    return made["Id"]


def test_submit_review_in_the_sandbox_and_the_aws_summary(selling):
    c = selling(new_account())
    oid = create(c, title="")["Id"]
    with pytest.raises(ClientError) as e:
        c.submit_opportunity(Catalog=SB, Identifier=oid, InvolvementType="Co-Sell")
    assert e.value.response["Reason"] == "BUSINESS_VALIDATION_FAILED"
    assert {"Project.Title", "RelatedEntityIdentifiers.Solutions"} <= set(error_fields(e))
    with pytest.raises(ClientError) as e:
        c.get_aws_opportunity_summary(Catalog=SB, RelatedOpportunityIdentifier=oid)
    assert error(e) == "ResourceNotFoundException"

    oid = submit_ready(c)
    c.submit_opportunity(Catalog=SB, Identifier=oid, InvolvementType="Co-Sell", Visibility="Full")
    got = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert got["LifeCycle"]["ReviewStatus"] == "Submitted"
    # Under review nothing changes.
    with pytest.raises(ClientError) as e:
        c.update_opportunity(Catalog=SB, Identifier=oid, LastModifiedDate=got["LastModifiedDate"], **editable(got))
    assert error(e) == "ValidationException" and error_fields(e) == ["LifeCycle.ReviewStatus"]
    summary = c.get_aws_opportunity_summary(Catalog=SB, RelatedOpportunityIdentifier=oid)
    assert (summary["RelatedOpportunityId"], summary["InvolvementType"], summary["Origin"]) == (
        oid, "Co-Sell", "Partner Referral")
    assert summary["RelatedEntityIds"]["Solutions"] == [SOLUTION]

    # The Sandbox takes AWS's review from UpdateOpportunity: Action Required opens a few fields.
    review = editable(got)
    review["LifeCycle"] = {**review["LifeCycle"], "ReviewStatus": "Action Required",
                           "ReviewComments": "Add the customer's website"}
    c.update_opportunity(Catalog=SB, Identifier=oid, LastModifiedDate=got["LastModifiedDate"], **review)
    got = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert got["LifeCycle"]["ReviewStatus"] == "Action Required"
    assert got["LifeCycle"]["ReviewComments"] == "Add the customer's website"
    bad = editable(got)
    bad["Customer"]["Account"]["CompanyName"] = "Renamed"
    bad["Customer"]["Account"]["WebsiteUrl"] = "https://www.acme.example"
    with pytest.raises(ClientError) as e:
        c.update_opportunity(Catalog=SB, Identifier=oid, LastModifiedDate=got["LastModifiedDate"], **bad)
    assert error_fields(e) == ["Customer.Account.CompanyName"]
    good = editable(got)
    good["Customer"]["Account"]["WebsiteUrl"] = "https://www.acme.example"
    c.update_opportunity(Catalog=SB, Identifier=oid, LastModifiedDate=got["LastModifiedDate"], **good)
    got = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert got["LifeCycle"]["ReviewStatus"] == "Submitted"
    approve = editable(got)
    approve["LifeCycle"]["ReviewStatus"] = "Approved"
    c.update_opportunity(Catalog=SB, Identifier=oid, LastModifiedDate=got["LastModifiedDate"], **approve)
    assert c.get_opportunity(Catalog=SB, Identifier=oid)["LifeCycle"]["ReviewStatus"] == "Approved"


def test_an_aws_referral_in_the_sandbox(selling):
    c = selling(new_account())
    oid = create(c, Origin="AWS Referral")["Id"]
    got = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert "ReviewStatus" not in got["LifeCycle"]
    assert c.get_aws_opportunity_summary(Catalog=SB, RelatedOpportunityIdentifier=oid)["Origin"] == "AWS Referral"
    with pytest.raises(ClientError) as e:
        c.submit_opportunity(Catalog=SB, Identifier=oid, InvolvementType="Co-Sell")
    assert error_fields(e) == ["Identifier"]


def test_associate_and_disassociate(selling):
    c = selling(new_account())
    oid = create(c)["Id"]
    for kind, ident in [("Solutions", SOLUTION), ("AwsProducts", "AmazonRedshift"),
                        ("AwsMarketplaceOffers", OFFER), ("Solutions", SOLUTION)]:
        c.associate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType=kind,
                                RelatedEntityIdentifier=ident)
    related = c.get_opportunity(Catalog=SB, Identifier=oid)["RelatedEntityIdentifiers"]
    assert related == {"Solutions": [SOLUTION], "AwsProducts": ["AmazonRedshift"], "AwsMarketplaceOffers": [OFFER]}
    with pytest.raises(ClientError) as e:
        c.associate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="AwsMarketplaceOffers",
                                RelatedEntityIdentifier=OFFER.replace("sample1", "sample2"))
    assert error_fields(e) == ["RelatedEntityIdentifier"]
    with pytest.raises(ClientError) as e:
        c.associate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="Solutions",
                                RelatedEntityIdentifier="solution-1")
    assert error_fields(e) == ["RelatedEntityIdentifier"]
    c.disassociate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="AwsProducts",
                               RelatedEntityIdentifier="AmazonRedshift")
    with pytest.raises(ClientError) as e:
        c.disassociate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="AwsProducts",
                                   RelatedEntityIdentifier="AmazonRedshift")
    assert error(e) == "ResourceNotFoundException"
    related = c.get_opportunity(Catalog=SB, Identifier=oid)["RelatedEntityIdentifiers"]
    assert related == {"Solutions": [SOLUTION], "AwsMarketplaceOffers": [OFFER]}


def test_assign_tags_and_isolation(selling):
    a, b = new_account(), new_account()
    c = selling(a)
    oid = create(c, OpportunityTeam=[{"Email": "old@p.example", "FirstName": "Old", "LastName": "Owner"}],
                 Tags=[{"Key": "team", "Value": "east"}])["Id"]
    c.assign_opportunity(Catalog=SB, Identifier=oid, Assignee={
        "Email": "new@p.example", "FirstName": "New", "LastName": "Owner", "BusinessTitle": "PartnerAccountManager"})
    team = c.get_opportunity(Catalog=SB, Identifier=oid)["OpportunityTeam"]
    assert team[0]["Email"] == "new@p.example" and len(team) == 1
    arn = f"arn:aws:partnercentral:us-east-1:{a}:catalog/Sandbox/opportunity/{oid}"
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "early"}, {"Key": "team", "Value": "west"}])
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "west"},
                                                               {"Key": "stage", "Value": "early"}]
    c.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "early"}]
    # Another account, or the other catalog, never sees it.
    other = selling(b)
    for call in [lambda: other.get_opportunity(Catalog=SB, Identifier=oid),
                 lambda: c.get_opportunity(Catalog="AWS", Identifier=oid),
                 lambda: other.list_tags_for_resource(ResourceArn=arn),
                 lambda: other.assign_opportunity(Catalog=SB, Identifier=oid, Assignee={
                     "Email": "x@p.example", "FirstName": "X", "LastName": "Y", "BusinessTitle": "PartnerAccountManager"})]:
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == "ResourceNotFoundException"
        assert a not in e.value.response["Error"]["Message"]
    assert ids_of(other) == []


def test_events_of_the_story(selling, admin):
    account = new_account()
    c = selling(account)
    made = create(c)
    got = c.get_opportunity(Catalog=SB, Identifier=made["Id"])
    c.update_opportunity(Catalog=SB, Identifier=made["Id"], LastModifiedDate=got["LastModifiedDate"],
                         **editable(got))
    status, body = admin("GET", f"/_pcentral/events?account={account}")
    assert status == 200
    events = [e["event"] for e in body["events"]]
    assert [e["detail-type"] for e in events] == ["Opportunity Created", "Opportunity Updated"]
    for e in events:
        assert e["source"] == "aws.partnercentral-selling" and e["account"] == account
        assert e["detail"] == {"schemaVersion": "1", "catalog": SB, "opportunity": {"identifier": made["Id"]}}
        assert e["resources"] == [got["Arn"]]


def test_events_reach_the_webhook(selling, admin):
    hook = Receiver()  # answers 500 to its first POST, then records
    try:
        change_settings(admin, events_webhook_url=hook.url)
        account = new_account()
        made = create(selling(account))
        deadline = time.monotonic() + 15
        mine = []
        while time.monotonic() < deadline and not mine:
            with hook.lock:
                mine = [e for e in hook.received if e["account"] == account]
            time.sleep(0.1)
        assert [e["detail-type"] for e in mine] == ["Opportunity Created"], mine
        assert mine[0]["detail"]["opportunity"]["identifier"] == made["Id"]
    finally:
        change_settings(admin, events_webhook_url="")
        hook.close()


def test_fixtures_round_trip_and_reset_by_account(selling, admin):
    a, b = new_account(), new_account()
    oa, ob = create(selling(a))["Id"], create(selling(b))["Id"]
    status, exported = admin("GET", "/_pcentral/export")
    assert status == 200
    mine = [o for o in exported["opportunities"] if o["owner"] in (a, b)]
    assert sorted(o["id"] for o in mine) == sorted([oa, ob])
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    with pytest.raises(ClientError):
        selling(a).get_opportunity(Catalog=SB, Identifier=oa)
    assert selling(b).get_opportunity(Catalog=SB, Identifier=ob)["Id"] == ob
    # Seeding A's record back restores it as it was.
    seeded = {"version": 1, "opportunities": [o for o in mine if o["owner"] == a]}
    status, counts = admin("POST", "/_pcentral/seed", seeded)
    assert status == 200, counts
    assert selling(a).get_opportunity(Catalog=SB, Identifier=oa)["Id"] == oa
    # A catalog reset takes that catalog's opportunities and keeps the other's.
    in_aws = create(selling(b), catalog="AWS")["Id"]
    assert admin("POST", "/_pcentral/reset", {"catalog": "AWS"})[0] == 200
    with pytest.raises(ClientError) as e:
        selling(b).get_opportunity(Catalog="AWS", Identifier=in_aws)
    assert error(e) == "ResourceNotFoundException"
    assert selling(b).get_opportunity(Catalog=SB, Identifier=ob)["Id"] == ob


def test_aws_cli_creates_and_reads(cli):
    account = new_account()
    rc, made, err = cli(account, "partnercentral-selling", "create-opportunity", "--catalog", SB,
                        "--cli-input-json", json.dumps(payload(company="Cli Corp")))
    assert rc == 0, err
    rc, got, err = cli(account, "partnercentral-selling", "get-opportunity", "--catalog", SB,
                       "--identifier", made["Id"])
    assert rc == 0, err
    assert got["Customer"]["Account"]["CompanyName"] == "Cli Corp"
    assert dt.datetime.fromisoformat(got["LastModifiedDate"].replace("Z", "+00:00"))
