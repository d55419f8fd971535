"""SearchOpportunities (docs/behaviour.md#searchopportunities) through boto3's `partnercentral-selling`
client and the AWS CLI: filter trees over the model's keys, nested combinators, the keyword, every
sort key, pages bound to their request (boto3 and the AWS CLI), refusals that name the member (and change nothing), and
isolation (another account, another catalog, sees nothing)."""

import datetime as dt
import json

import botocore.loaders
import botocore.session
import pytest
from botocore.exceptions import ClientError

from helpers import new_account
from test_opportunities import OFFER, payload

SB = "Sandbox"


def error(e):
    return e.value.response["Error"]["Code"], e.value.response


def everything(c, catalog=SB, **kwargs):
    """Every page of a search, walked by NextToken."""
    ids, kwargs = [], {"Catalog": catalog, **kwargs}
    while True:
        page = c.search_opportunities(**kwargs)
        ids += [s["Id"] for s in page["OpportunitySearchSummaries"]]
        if "NextToken" not in page:
            return ids
        kwargs["NextToken"] = page["NextToken"]


def seed(c):
    """Four opportunities of one account, with distinct values to filter and sort on."""
    made = []
    specs = [
        dict(company="Alpha Labs", stage="Prospect", close="2027-03-01", title="Data lake",
             Tags=[{"Key": "team", "Value": "east"}]),
        dict(company="beta works", stage="Qualified", close="2027-01-15", title="Migration alpha",
             OpportunityType="Expansion"),
        dict(company="Gamma", stage="Committed", close="2027-12-31", title="Analytics"),
        dict(company="Delta Alpha", stage="Prospect", close="2027-06-30", title="Backup",
             PartnerOpportunityIdentifier="crm-zeta"),
    ]
    for n, spec in enumerate(specs):
        body = payload(**{k: v for k, v in spec.items() if k in ("company", "stage", "close", "title")})
        body["Project"]["ExpectedCustomerSpend"][0]["Amount"] = str(1000 * (n + 1))
        body["Project"]["ApnPrograms"] = [["APN Immersion Days"], ["APN Immersion Days", "Migration Acceleration Program"], [],
                                          ["Migration Acceleration Program"]][n]
        if not body["Project"]["ApnPrograms"]:
            del body["Project"]["ApnPrograms"]
        body.update({k: v for k, v in spec.items() if k not in ("company", "stage", "close", "title")})
        made.append(c.create_opportunity(Catalog=SB, **body)["Id"])
    return made


@pytest.fixture(scope="module")
def seeded(selling):
    account = new_account()
    c = selling(account)
    ids = seed(c)
    c.associate_opportunity(Catalog=SB, OpportunityIdentifier=ids[2], RelatedEntityType="AwsMarketplaceOffers",
                            RelatedEntityIdentifier=OFFER)
    return c, ids


def found(c, f, **kw):
    return sorted(everything(c, Filter=f, **kw))


def test_filters_and_nested_trees(seeded):
    c, ids = seeded

    def eq(key, **value):
        return {"EqualsTo": {"Key": key, "Value": value}}

    assert found(c, eq("Stage", StringValue="prospect")) == sorted([ids[0], ids[3]])
    assert found(c, eq("OpportunityId", StringValue=ids[1])) == [ids[1]]
    assert found(c, {"ContainsAny": {"Key": "CustomerCompanyName", "Value": {"StringListValue": ["alpha"]}}}) == \
        sorted([ids[0], ids[3]])
    assert found(c, {"ContainsAny": {"Key": "PartnerProjectTitle", "Value": {"StringValue": "ALPHA"}}}) == [ids[1]]
    assert found(c, eq("OpportunityType", StringValue="Expansion")) == [ids[1]]
    assert found(c, eq("PartnerOpportunityIdentifier", StringValue="crm-zeta")) == [ids[3]]
    assert found(c, eq("CountryCode", StringValue="US")) == sorted(ids)
    assert found(c, eq("Industry", StringValue="Software and Internet")) == sorted(ids)
    assert found(c, eq("ReviewStatus", StringValue="Pending Submission")) == sorted(ids)
    assert found(c, eq("Origin", StringValue="Partner Referral")) == sorted(ids)
    assert found(c, eq("NextStep", StringValue="call them")) == sorted(ids)
    assert found(c, eq("Tags", StringValue="team=east")) == [ids[0]]
    assert found(c, {"ContainsAny": {"Key": "OfferId", "Value": {"StringListValue": [OFFER]}}}) == [ids[2]]
    assert found(c, {"ContainsAll": {"Key": "ApnPrograms", "Value": {"StringListValue": [
        "APN Immersion Days", "Migration Acceleration Program"]}}}) == [ids[1]]
    assert found(c, {"ContainsAny": {"Key": "ApnPrograms", "Value": {"StringListValue": [
        "Migration Acceleration Program"]}}}) == sorted([ids[1], ids[3]])
    # Dates: the target close date as a day, created/modified as instants.
    june = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)
    assert found(c, {"GreaterThan": {"Key": "TargetCloseDate", "Value": {"DateValue": june}}}) == \
        sorted([ids[2], ids[3]])
    assert found(c, {"LessThanOrEquals": {"Key": "TargetCloseDate", "Value": {"DateValue": dt.datetime(
        2027, 1, 15, tzinfo=dt.timezone.utc)}}}) == [ids[1]]
    future = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
    assert found(c, {"LessThan": {"Key": "CreatedDate", "Value": {"DateValue": future}}}) == sorted(ids)
    assert found(c, {"GreaterThan": {"Key": "LastModifiedDate", "Value": {"DateValue": future}}}) == []
    # Amounts compare as numbers, with LongValue or DoubleValue.
    assert found(c, {"GreaterThanOrEquals": {"Key": "EstimatedMrr", "Value": {"LongValue": 3000}}}) == \
        sorted([ids[2], ids[3]])
    assert found(c, {"LessThan": {"Key": "EstimatedMrr", "Value": {"DoubleValue": 1500.5}}}) == [ids[0]]
    # Fields pcentral holds no value for match nothing; their NotFilter matches everything.
    assert found(c, eq("EngagementScore", StringValue="High")) == []
    assert found(c, {"NotFilter": eq("CosellMotion", StringValue="x")}) == sorted(ids)
    # Nested trees: And of (Or, Not), three levels deep.
    tree = {"AndAllFilters": [
        {"OrAllFilters": [eq("Stage", StringValue="Prospect"), eq("Stage", StringValue="Qualified")]},
        {"NotFilter": {"ContainsAny": {"Key": "CustomerCompanyName", "Value": {"StringValue": "delta"}}}},
    ]}
    assert found(c, tree) == sorted([ids[0], ids[1]])
    assert found(c, tree, MaxResults=1) == sorted([ids[0], ids[1]])
    # The keyword looks in the title, company name, id and partner identifier.
    assert found(c, {"NotFilter": eq("Stage", StringValue="Launched")}, Keyword="ALPHA") == \
        sorted([ids[0], ids[1], ids[3]])
    assert sorted(everything(c, Keyword="zeta")) == [ids[3]]


def test_sorts_and_pages(seeded):
    c, ids = seeded
    # Default: last modified, newest first (the associated one was modified last).
    default = everything(c)
    assert default[0] == ids[2] and sorted(default) == sorted(ids)

    def by(key, order="ASCENDING", **kw):
        return everything(c, Sort={"SortBy": key, "SortOrder": order}, **kw)

    assert by("CustomerCompanyName") == [ids[0], ids[1], ids[3], ids[2]]
    assert by("CustomerCompanyName", "DESCENDING", MaxResults=1) == [ids[2], ids[3], ids[1], ids[0]]
    assert by("TargetCloseDate") == [ids[1], ids[0], ids[3], ids[2]]
    assert by("EstimatedMrr", "DESCENDING", MaxResults=3) == [ids[3], ids[2], ids[1], ids[0]]
    prospects = sorted([ids[0], ids[3]])  # a tie: by id
    assert by("Stage", MaxResults=2) == [ids[2], *prospects, ids[1]]
    assert by("OpportunityId") == sorted(ids)
    assert by("PartnerProjectTitle") == [ids[2], ids[3], ids[0], ids[1]]
    # Every sort key of the model is taken, and each walks all four.
    model = botocore.session.get_session().get_service_model("partnercentral-selling")
    for key in model.shape_for("OpportunitySearchSortName").enum:
        for order in ("ASCENDING", "DESCENDING"):
            assert sorted(by(key, order, MaxResults=1)) == sorted(ids), key
    page = c.search_opportunities(Catalog=SB, MaxResults=2)
    assert len(page["OpportunitySearchSummaries"]) == 2 and "NextToken" in page


def test_summary_shape(seeded):
    c, ids = seeded
    got = c.search_opportunities(Catalog=SB, Filter={"EqualsTo": {"Key": "OpportunityId", "Value": {
        "StringValue": ids[0]}}})["OpportunitySearchSummaries"]
    assert len(got) == 1
    s = got[0]
    assert s["Id"] == ids[0] and s["OpportunityType"] == "Net New Business"
    assert s["Customer"]["Account"] == {"CompanyName": "Alpha Labs", "Industry": "Software and Internet",
                                        "Address": {"CountryCode": "US"}}
    assert s["LifeCycle"] == {"ReviewStatus": "Pending Submission", "Stage": "Prospect", "NextSteps": "Call them",
                              "TargetCloseDate": "2027-03-01"}
    assert s["Project"]["Title"] == "Data lake"
    assert s["Project"]["ExpectedCustomerSpend"] == [{"Amount": "1000", "CurrencyCode": "USD"}]
    assert s["Tags"] == [{"Key": "team", "Value": "east"}]
    assert "AwsOpportunitySummary" not in s  # not submitted: AWS has no opportunity yet
    assert set(s) <= {"Id", "LastModifiedDate", "CreatedDate", "OpportunityType", "PartnerOpportunityIdentifier",
                      "LifeCycle", "Customer", "Project", "Tags", "RelatedEntityIdentifiers", "OpportunityTeam",
                      "AwsOpportunitySummary"}


def test_another_account_and_catalog_see_nothing(seeded, selling):
    c, ids = seeded
    other = selling(new_account())
    other.create_opportunity(Catalog=SB, **payload(company="Alpha Elsewhere"))
    assert len(everything(other)) == 1
    assert not set(everything(other)) & set(ids)
    assert everything(other, Keyword="alpha") != [] and not set(everything(other, Keyword="alpha")) & set(ids)
    assert everything(selling(new_account())) == []
    assert everything(c, catalog="AWS") == []


@pytest.mark.parametrize("bad,field", [
    ({"Filter": {}}, "Filter"),
    ({"Filter": {"EqualsTo": {"Key": "Stage", "Value": {"StringValue": "Prospect"}},
                 "NotFilter": {"EqualsTo": {"Key": "Stage", "Value": {"StringValue": "Prospect"}}}}}, "Filter"),
    ({"Filter": {"GreaterThan": {"Key": "Stage", "Value": {"LongValue": 3}}}}, "Filter.GreaterThan.Value"),
    ({"Filter": {"EqualsTo": {"Key": "CreatedDate", "Value": {"StringValue": "x"}}}}, "Filter.EqualsTo.Value"),
    ({"Filter": {"ContainsAll": {"Key": "Stage", "Value": {"StringListValue": ["a"]}}}},
     "Filter.ContainsAll.Value"),
    ({"Filter": {"AndAllFilters": [{"OrAllFilters": [{"NotFilter": {
        "EqualsTo": {"Key": "Stage", "Value": {"StringValue": "a"}}}}]}]}}, "Filter.AndAllFilters[0].OrAllFilters[0]"),
    ({"MaxResults": 101}, None),
    ({"NextToken": "forged"}, None),
])
def test_refusals_name_the_member_and_change_nothing(seeded, bad, field):
    c, ids = seeded
    before = c.list_opportunities(Catalog=SB)["OpportunitySummaries"]
    with pytest.raises(ClientError) as e:
        c.search_opportunities(Catalog=SB, **bad)
    code, response = error(e)
    assert code == "ValidationException"
    if field:
        assert field in [x.get("FieldName") for x in response.get("ErrorList", [])]
    assert c.list_opportunities(Catalog=SB)["OpportunitySummaries"] == before


def test_a_token_is_bound_to_its_request_and_caller(seeded, selling):
    c, ids = seeded
    token = c.search_opportunities(Catalog=SB, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as e:
        c.search_opportunities(Catalog=SB, MaxResults=1, NextToken=token, Keyword="alpha")
    assert error(e)[0] == "ValidationException"
    with pytest.raises(ClientError) as e:
        selling(new_account()).search_opportunities(Catalog=SB, MaxResults=1, NextToken=token)
    assert error(e)[0] == "ValidationException"


def test_aws_cli_searches(cli, selling, tmp_path):
    # The pinned AWS CLI bundles an older Selling model; it takes the pinned botocore's with its own
    # `configure add-model` (into this module's CLI home), as the customer-account tests do.
    account = new_account()
    mine = selling(account).create_opportunity(Catalog=SB, **payload(company="Cli Co"))["Id"]
    selling(account).create_opportunity(Catalog=SB, **payload(company="Other Co"))
    model = tmp_path / "selling.json"
    model.write_text(json.dumps(botocore.loaders.create_loader().load_service_model("partnercentral-selling",
                                                                                    "service-2")))
    rc, _, err = cli(account, "configure", "add-model", "--service-name", "partnercentral-selling",
                     "--service-model", f"file://{model}")
    assert rc == 0, err
    rc, found, err = cli(account, "partnercentral-selling", "search-opportunities", "--catalog", SB,
                         "--filter", json.dumps({"EqualsTo": {"Key": "CustomerCompanyName",
                                                              "Value": {"StringValue": "cli co"}}}))
    assert rc == 0, err
    assert [s["Id"] for s in found["OpportunitySearchSummaries"]] == [mine]
