"""Customer accounts of the Selling API (docs/behaviour.md#customer-accounts) through boto3's
`partnercentral-selling` client and the AWS CLI: create, get (by id and by ARN), update
(LastModifiedDate conflicts, omitted members cleared), delete, search (filters, sorts, pages) and
statistics (counts and buckets), isolation between accounts and catalogs, refusals that name their
field and store nothing, ClientToken replays, and the fixture and reset tools."""

import datetime as dt
import json

import botocore.loaders
import pytest
from botocore.exceptions import ClientError

from helpers import new_account

SB = "Sandbox"
DATA = {"CompanyName": "Acme Corp", "WebsiteUrl": "https://acme.example", "Duns": "123456789",
        "Industry": "Software", "Domain": "acme.example", "ParentCompanyName": "Acme Holdings",
        "Address": {"City": "Anchorage", "PostalCode": "99502", "StateOrRegion": "Alaska", "CountryCode": "US",
                    "StreetAddress": "1 Main St"}}


def error(e):
    return e.value.response["Error"]["Code"], e.value.response


def get(c, ident, catalog=SB):
    """GetCustomerAccount's answer without its ResponseMetadata."""
    got = c.get_customer_account(Catalog=catalog, Identifier=ident)
    got.pop("ResponseMetadata")
    return got


def everything(c, **kwargs):
    """Every page of a search, walked by NextToken."""
    ids, kwargs = [], {"Catalog": SB, **kwargs}
    while True:
        page = c.search_customer_accounts(**kwargs)
        ids += [s["Id"] for s in page["CustomerAccountSummaries"]]
        if "NextToken" not in page:
            return ids
        kwargs["NextToken"] = page["NextToken"]


def test_create_get_update_delete(selling):
    account = new_account()
    c = selling(account)
    made = c.create_customer_account(Catalog=SB, Account=DATA, PartnerAccountIdentifier="crm-7",
                                      Tags=[{"Key": "team", "Value": "east"}])
    made.pop("ResponseMetadata")
    assert set(made) == {"Arn", "Id", "Status", "Catalog", "PartnerAccountIdentifier", "CreatedDate"}
    assert made["Status"] == "PENDING" and made["Catalog"] == SB and made["Id"].startswith("cust-acc-")
    assert made["Arn"] == f"arn:aws:partnercentral:us-east-1:{account}:catalog/Sandbox/customer-account/{made['Id']}"
    got = c.get_customer_account(Catalog=SB, Identifier=made["Id"])
    got.pop("ResponseMetadata")
    assert got["Account"] == DATA
    assert got["EnrichmentStatus"] == "PENDING" and "AwsEnrichment" not in got
    assert got["Tags"] == [{"Key": "team", "Value": "east"}]
    assert got["PartnerAccountIdentifier"] == "crm-7"
    assert got["CreatedDate"] == got["LastModifiedDate"] == made["CreatedDate"]
    assert c.get_customer_account(Catalog=SB, Identifier=made["Arn"])["Id"] == made["Id"]
    # Update replaces Account and PartnerAccountIdentifier (omitted: cleared).
    new = {"CompanyName": "Acme Corporation", "Duns": "987654321"}
    upd = c.update_customer_account(Catalog=SB, Identifier=made["Arn"], Account=new,
                                    LastModifiedDate=got["LastModifiedDate"])
    assert upd["LastModifiedDate"] > got["LastModifiedDate"] and upd["Status"] == "PENDING"
    after = get(c, made["Id"])
    assert after["Account"] == new and "PartnerAccountIdentifier" not in after
    assert after["LastModifiedDate"] == upd["LastModifiedDate"]
    # A stale LastModifiedDate is a conflict and changes nothing.
    with pytest.raises(ClientError) as e:
        c.update_customer_account(Catalog=SB, Identifier=made["Id"], Account=DATA,
                                  LastModifiedDate=got["LastModifiedDate"])
    assert error(e)[0] == "ConflictException"
    assert get(c, made["Id"]) == after
    c.delete_customer_account(Catalog=SB, Identifier=made["Id"])
    with pytest.raises(ClientError) as e:
        c.get_customer_account(Catalog=SB, Identifier=made["Id"])
    assert error(e)[0] == "ResourceNotFoundException"
    # Deleting it again: DeleteCustomerAccount has no ResourceNotFoundException.
    with pytest.raises(ClientError) as e:
        c.delete_customer_account(Catalog=SB, Identifier=made["Id"])
    code, resp = error(e)
    assert code == "ValidationException"
    assert resp["ErrorList"][0]["FieldName"] == "Identifier"


def test_isolation_between_accounts_and_catalogs(selling):
    a, b = new_account(), new_account()
    made = selling(a).create_customer_account(Catalog=SB, Account={"CompanyName": "Private Co"})
    for who, catalog, ident in [(b, SB, made["Id"]), (b, SB, made["Arn"]), (a, "AWS", made["Id"]),
                                (a, SB, made["Arn"].replace(a, b))]:
        with pytest.raises(ClientError) as e:
            selling(who).get_customer_account(Catalog=catalog, Identifier=ident)
        assert error(e)[0] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as e:
            selling(who).update_customer_account(Catalog=catalog, Identifier=ident, Account={"CompanyName": "X"},
                                                 LastModifiedDate=made["CreatedDate"])
        assert error(e)[0] == "ResourceNotFoundException"
        with pytest.raises(ClientError) as e:
            selling(who).delete_customer_account(Catalog=catalog, Identifier=ident)
        assert error(e)[0] == "ValidationException"
    assert everything(selling(b)) == []
    assert selling(b).get_customer_account_statistics(Catalog=SB)["TotalCount"] == 0
    assert selling(a).get_customer_account(Catalog=SB, Identifier=made["Id"])["Account"]["CompanyName"] == "Private Co"


@pytest.mark.parametrize("bad,field", [
    ({"Account": {"CompanyName": "  "}}, "Account.CompanyName"),
    ({"Account": {"CompanyName": "A"}, "Tags": [{"Key": "aws:x", "Value": "v"}]}, "Tags[0].Key"),
    ({"Account": {"CompanyName": "A"}, "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     "Tags[1].Key"),
    ({"Account": {"CompanyName": "A", "Duns": "12345"}}, None),
    ({"Account": {"CompanyName": "A", "WebsiteUrl": "a"}}, None),
    ({"Account": {"CompanyName": "x" * 121}}, None),
    ({"Account": {"CompanyName": "A", "Address": {"CountryCode": "XX"}}}, None),
])
def test_create_refusals_store_nothing(selling, bad, field):
    c = selling(new_account())
    with pytest.raises(ClientError) as e:
        c.create_customer_account(Catalog=SB, **bad)
    code, resp = error(e)
    assert code == "ValidationException"
    if field:
        assert [f["FieldName"] for f in resp["ErrorList"]] == [field]
    assert everything(c) == []


def test_update_refusal_changes_nothing(selling):
    c = selling(new_account())
    made = c.create_customer_account(Catalog=SB, Account=DATA)
    before = get(c, made["Id"])
    with pytest.raises(ClientError) as e:
        c.update_customer_account(Catalog=SB, Identifier=made["Id"], Account={"CompanyName": ""},
                                  LastModifiedDate=before["LastModifiedDate"])
    assert error(e)[0] == "ValidationException"
    assert get(c, made["Id"]) == before


def test_client_token_replays(selling):
    c = selling(new_account())
    one = c.create_customer_account(Catalog=SB, Account={"CompanyName": "Once"}, ClientToken="tok-1")
    two = c.create_customer_account(Catalog=SB, Account={"CompanyName": "Once"}, ClientToken="tok-1")
    assert one["Id"] == two["Id"]
    with pytest.raises(ClientError) as e:
        c.create_customer_account(Catalog=SB, Account={"CompanyName": "Other"}, ClientToken="tok-1")
    assert error(e)[0] == "ConflictException"
    assert everything(c) == [one["Id"]]


def enriched(catalog, owner, n, company, industry=None, programs=None, score=None, status="ENRICHED",
             import_id=None, created=1_780_000_000_000):
    row = {"catalog": catalog, "id": f"cust-acc-{owner[:6]}{n:07d}", "owner": owner,
           "account": {"CompanyName": company}, "enrichment_status": status, "created_at": created + n * 1000}
    customer = {k: v for k, v in {"Industry": industry, "EligiblePrograms": programs, "Geo": "AMER"}.items() if v}
    if status == "ENRICHED":
        row["enrichment"] = {"Customer": customer, "Insights": {"SolutionScore": score} if score else {}}
    if import_id:
        row["import_id"] = import_id
    return row


def seed(admin, rows):
    status, body = admin("POST", "/_pcentral/seed", {"version": 1, "customer_accounts": rows})
    assert status == 200, body


def test_search_filters_sorts_and_pages(selling, admin):
    a = new_account()
    rows = [
        enriched(SB, a, 1, "Alpha Labs", "Software", ["MAP", "ISV"], "80", import_id="imp-1"),
        enriched(SB, a, 2, "beta works", "Retail", ["MAP"], "30", import_id="imp-1"),
        enriched(SB, a, 3, "Gamma", status="PENDING"),
        enriched(SB, a, 4, "Delta Alpha", "Software", ["ISV"], "55"),
        enriched(SB, a, 5, "Epsilon", status="NO_MATCH_FOUND"),
    ]
    seed(admin, rows)
    seed(admin, [enriched(SB, new_account(), 9, "Alpha Elsewhere", "Software")])
    c = selling(a)
    ids = [r["id"] for r in rows]
    # Default order: last modified, newest first.
    assert everything(c) == list(reversed(ids))
    by_name = {"SortBy": "COMPANY_NAME", "SortOrder": "ASCENDING"}
    assert everything(c, Sort=by_name, MaxResults=2) == [ids[0], ids[1], ids[3], ids[4], ids[2]]
    assert everything(c, Sort={"SortBy": "SOLUTION_SCORE", "SortOrder": "DESCENDING"})[:3] == [ids[0], ids[3], ids[1]]
    summary = c.search_customer_accounts(Catalog=SB, Sort=by_name, MaxResults=1)["CustomerAccountSummaries"][0]
    assert set(summary) == {"Arn", "Id", "Catalog", "EnrichmentStatus", "CreatedDate", "LastModifiedDate",
                            "CustomerAccount", "AwsEnrichment"}
    assert summary["CustomerAccount"] == {"CompanyName": "Alpha Labs"}
    assert summary["AwsEnrichment"]["Customer"]["EligiblePrograms"] == ["MAP", "ISV"]

    def found(f, **kw):
        return sorted(everything(c, Filter=f, **kw))

    assert found({"ContainsAny": {"Key": "COMPANY_NAME", "Value": {"StringListValue": ["alpha"]}}}) == [ids[0], ids[3]]
    assert found({"EqualsTo": {"Key": "ENRICHMENT_STATUS", "Value": {"StringValue": "PENDING"}}}) == [ids[2]]
    assert found({"EqualsTo": {"Key": "AWS_INDUSTRY", "Value": {"StringValue": "software"}}}) == [ids[0], ids[3]]
    assert found({"ContainsAll": {"Key": "PROGRAM_ELIGIBILITY",
                                  "Value": {"StringListValue": ["MAP", "ISV"]}}}) == [ids[0]]
    assert found({"EqualsTo": {"Key": "IMPORT_ID", "Value": {"StringValue": "imp-1"}}}) == [ids[0], ids[1]]
    start = dt.datetime.fromtimestamp((1_780_000_000_000 + 2000) / 1000, dt.timezone.utc)
    assert found({"GreaterThanOrEquals": {"Key": "CREATED_DATE", "Value": {"DateValue": start}}}) == ids[1:]
    assert found({"GreaterThan": {"Key": "SOLUTION_SCORE", "Value": {"LongValue": 50}}}) == [ids[0], ids[3]]
    assert found({"AndAllFilters": [
        {"ContainsAny": {"Key": "COMPANY_NAME", "Value": {"StringListValue": ["alpha", "beta"]}}},
        {"NotFilter": {"EqualsTo": {"Key": "AWS_INDUSTRY", "Value": {"StringValue": "Retail"}}}}]}) == [ids[0], ids[3]]
    assert found({"OrAllFilters": [
        {"EqualsTo": {"Key": "ENRICHMENT_STATUS", "Value": {"StringValue": "NO_MATCH_FOUND"}}},
        {"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "GAMMA"}}}]}) == [ids[2], ids[4]]
    # Filtered pages of one.
    assert found({"EqualsTo": {"Key": "GEO", "Value": {"StringValue": "AMER"}}}, MaxResults=1) == [
        ids[0], ids[1], ids[3]]
    assert c.search_customer_accounts(Catalog="AWS")["CustomerAccountSummaries"] == []


def test_statistics(selling, admin):
    a = new_account()
    seed(admin, [
        enriched(SB, a, 1, "One", "Software", ["MAP", "ISV"]),
        enriched(SB, a, 2, "Two", "Software", ["MAP"]),
        enriched(SB, a, 3, "Three", "Retail"),
        enriched(SB, a, 4, "Four", status="PENDING"),
    ])
    c = selling(a)
    got = c.get_customer_account_statistics(
        Catalog=SB, Aggregations=[{"GroupBy": ["AWS_INDUSTRY"]}, {"GroupBy": ["PROGRAM_ELIGIBILITY"]},
                                  {"GroupBy": ["ENRICHMENT_STATUS"]}])
    assert got["TotalCount"] == 4
    industry, programs, status = got["Aggregations"]
    assert industry == {"GroupBy": ["AWS_INDUSTRY"], "OtherCount": 0,
                        "Buckets": [{"Values": ["Software"], "Count": 2}, {"Values": ["Retail"], "Count": 1}]}
    assert programs["Buckets"] == [{"Values": ["MAP"], "Count": 2}, {"Values": ["ISV"], "Count": 1}]
    assert status["Buckets"] == [{"Values": ["ENRICHED"], "Count": 3}, {"Values": ["PENDING"], "Count": 1}]
    missing = c.get_customer_account_statistics(Catalog=SB, IncludeMissing=True,
                                                Aggregations=[{"GroupBy": ["AWS_INDUSTRY"]}])["Aggregations"][0]
    assert {"Values": [""], "Count": 1} in missing["Buckets"]
    only = c.get_customer_account_statistics(
        Catalog=SB, Filter={"EqualsTo": {"Key": "AWS_INDUSTRY", "Value": {"StringValue": "Software"}}})
    assert only["TotalCount"] == 2 and "Aggregations" not in only


@pytest.mark.parametrize("bad", [
    {"Filter": {}},
    {"Filter": {"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "a"}},
                "ContainsAny": {"Key": "COMPANY_NAME", "Value": {"StringListValue": ["a"]}}}},
    {"Filter": {"ContainsAll": {"Key": "COMPANY_NAME", "Value": {"StringListValue": ["a"]}}}},
    {"Filter": {"GreaterThan": {"Key": "COMPANY_NAME", "Value": {"StringValue": "a"}}}},
    {"Filter": {"EqualsTo": {"Key": "CREATED_DATE", "Value": {"StringValue": "a"}}}},
    {"Filter": {"NotFilter": {"NotFilter": {"NotFilter": {
        "EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "a"}}}}}}},
    {"MaxResults": 101},
    {"NextToken": "forged"},
])
def test_search_refusals(selling, bad):
    c = selling(new_account())
    with pytest.raises(ClientError) as e:
        c.search_customer_accounts(Catalog=SB, **bad)
    assert error(e)[0] == "ValidationException"
    if "Filter" in bad:
        with pytest.raises(ClientError) as e:
            c.get_customer_account_statistics(Catalog=SB, Filter=bad["Filter"])
        assert error(e)[0] == "ValidationException"


def test_a_token_is_bound_to_its_filter(selling, admin):
    a = new_account()
    seed(admin, [enriched(SB, a, n, f"Co {n}") for n in range(1, 4)])
    c = selling(a)
    token = c.search_customer_accounts(Catalog=SB, MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as e:
        c.search_customer_accounts(Catalog=SB, MaxResults=1, NextToken=token,
                                   Filter={"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "x"}}})
    assert error(e)[0] == "ValidationException"


def test_reset_by_account_and_catalog(selling, admin):
    a = new_account()
    c = selling(a)
    c.create_customer_account(Catalog=SB, Account={"CompanyName": "Sandboxed"})
    c.create_customer_account(Catalog="AWS", Account={"CompanyName": "Production"})
    assert admin("POST", "/_pcentral/reset", {"account": a, "catalog": SB})[0] == 200
    assert everything(c) == []
    assert len(c.search_customer_accounts(Catalog="AWS")["CustomerAccountSummaries"]) == 1
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    assert c.search_customer_accounts(Catalog="AWS")["CustomerAccountSummaries"] == []


def test_aws_cli_creates_and_searches(cli, tmp_path):
    # The pinned AWS CLI bundles a Selling model from before customer accounts; it takes the
    # pinned botocore's (which boto3 uses) with its own `configure add-model` (into this module's
    # CLI home).
    account = new_account()
    model = tmp_path / "selling.json"
    model.write_text(json.dumps(botocore.loaders.create_loader().load_service_model("partnercentral-selling",
                                                                                    "service-2")))
    rc, _, err = cli(account, "configure", "add-model", "--service-name", "partnercentral-selling",
                     "--service-model", f"file://{model}")
    assert rc == 0, err
    rc, out, err = cli(account, "partnercentral-selling", "create-customer-account", "--catalog", SB,
                       "--account", "CompanyName=Cli Co,Duns=123456789")
    assert rc == 0, err
    rc, found, err = cli(account, "partnercentral-selling", "search-customer-accounts", "--catalog", SB)
    assert rc == 0, err
    assert [s["Id"] for s in found["CustomerAccountSummaries"]] == [out["Id"]]
