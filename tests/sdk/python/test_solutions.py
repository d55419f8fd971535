"""Partner solutions of the Selling API (docs/behaviour.md#solutions) through boto3's
`partnercentral-selling` client and the AWS CLI: solutions seeded by fixture are listed to their
owner only, in their catalog, with every filter, sort and page; refusals; reset by account. Every
account's Sandbox catalog also lists the built-in Sandbox test solution (TEST, which sorts after the
seeded ids and before their creation times), on a fresh server as after a reset, and an opportunity
associated with it can be submitted."""

import pytest
from botocore.exceptions import ClientError

from helpers import new_account
from test_opportunities import create, strip

SB = "Sandbox"
CATEGORIES = ["Software Product", "Consulting Service"]
TEST = "S-9999999"
TEST_SUMMARY = {"Catalog": SB, "Id": TEST, "Name": "pcentral Sandbox test solution", "Status": "Active",
                "Category": "Software Product"}


def seed(admin, account, first, count, catalog=SB):
    rows = [{"catalog": catalog, "id": f"S-{first + i}", "owner": account, "name": f"Solution {i % 3}",
             "category": CATEGORIES[i % 2], "status": ["Active", "Draft"][i % 2],
             "created_at": 1_780_000_000_000 + i * 1000} for i in range(count)]
    status, body = admin("POST", "/_pcentral/seed", {"version": 1, "solutions": rows})
    assert status == 200, body
    return rows


def test_list_filters_sorts_and_pages(selling, admin):  # noqa: F811
    a, b = new_account(), new_account()
    first = int(a[:7])
    rows = seed(admin, a, first, 7)
    seed(admin, b, first + 100, 2)
    c = selling(a)
    got = c.list_solutions(Catalog=SB)
    got.pop("ResponseMetadata")
    assert [s["Id"] for s in got["SolutionSummaries"]] == [r["id"] for r in rows] + [TEST]
    assert "NextToken" not in got
    one = got["SolutionSummaries"][0]
    assert set(one) == {"Catalog", "Id", "Name", "Status", "Category", "CreatedDate"}
    assert (one["Name"], one["Status"], one["Category"]) == ("Solution 0", "Active", "Software Product")
    # Pages of 3, newest first.
    ids, kwargs = [], {"Catalog": SB, "MaxResults": 3, "Sort": {"SortBy": "CreatedDate", "SortOrder": "DESCENDING"}}
    while True:
        page = c.list_solutions(**kwargs)
        ids += [s["Id"] for s in page["SolutionSummaries"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert ids == [r["id"] for r in reversed(rows)] + [TEST]
    drafts = c.list_solutions(Catalog=SB, Status=["Draft"], Category=["consulting service"])["SolutionSummaries"]
    assert [s["Id"] for s in drafts] == [r["id"] for r in rows if r["status"] == "Draft"]
    assert c.list_solutions(Catalog="AWS")["SolutionSummaries"] == []
    assert len(selling(b).list_solutions(Catalog=SB)["SolutionSummaries"]) == 3
    # The paginator walks the same list.
    walked = [s["Id"] for p in c.get_paginator("list_solutions").paginate(Catalog=SB, PaginationConfig={"PageSize": 2})
              for s in p["SolutionSummaries"]]
    assert walked == [r["id"] for r in rows] + [TEST]


@pytest.mark.parametrize("bad", [{"MaxResults": 101}, {"Identifier": ["S-x"]}, {"NextToken": "forged"},
                                 {"AwsMarketplaceSolutionArn": ["nope"]}])
def test_refusals(selling, bad):  # noqa: F811
    with pytest.raises(ClientError) as e:
        selling(new_account()).list_solutions(Catalog=SB, **bad)
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_reset_by_account(selling, admin):  # noqa: F811
    a = new_account()
    seed(admin, a, int(a[:7]) + 500, 2)
    assert len(selling(a).list_solutions(Catalog=SB)["SolutionSummaries"]) == 3
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    assert [s["Id"] for s in selling(a).list_solutions(Catalog=SB)["SolutionSummaries"]] == [TEST]


def test_aws_cli_lists(cli, admin):
    account = new_account()
    rows = seed(admin, account, int(account[:7]) + 800, 1)
    rc, out, err = cli(account, "partnercentral-selling", "list-solutions", "--catalog", SB)
    assert rc == 0, err
    assert [s["Id"] for s in out["SolutionSummaries"]] == [rows[0]["id"], TEST]


def test_the_sandbox_test_solution_on_a_fresh_server(server, selling, admin):  # noqa: F811
    # A whole reset first: nothing seeded is left, as on a server just started.
    assert admin("POST", "/_pcentral/reset", {})[0] == 200
    c = selling(new_account())
    listed = strip(c.list_solutions(Catalog=SB))
    created = listed["SolutionSummaries"][0].pop("CreatedDate")
    assert listed == {"SolutionSummaries": [TEST_SUMMARY]}
    assert created.isoformat() == "2024-01-01T00:00:00+00:00"
    # Its filters select it as any solution's would; catalog AWS never lists it.
    assert [s["Id"] for s in c.list_solutions(Catalog=SB, Identifier=[TEST])["SolutionSummaries"]] == [TEST]
    assert [s["Id"] for s in c.list_solutions(Catalog=SB, Status=["Active"])["SolutionSummaries"]] == [TEST]
    assert c.list_solutions(Catalog=SB, Status=["Draft", "Inactive"])["SolutionSummaries"] == []
    assert c.list_solutions(Catalog=SB, Identifier=["S-1"])["SolutionSummaries"] == []
    assert c.list_solutions(Catalog="AWS")["SolutionSummaries"] == []
    assert c.list_solutions(Catalog="AWS", Identifier=[TEST])["SolutionSummaries"] == []
    # An opportunity associated with it is complete and submits.
    oid = create(c)["Id"]
    c.associate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="Solutions",
                            RelatedEntityIdentifier=TEST)
    got = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert got["RelatedEntityIdentifiers"]["Solutions"] == [TEST]
    c.submit_opportunity(Catalog=SB, Identifier=oid, InvolvementType="Co-Sell")
    assert c.get_opportunity(Catalog=SB, Identifier=oid)["LifeCycle"]["ReviewStatus"] == "Submitted"
    summary = c.get_aws_opportunity_summary(Catalog=SB, RelatedOpportunityIdentifier=oid)
    assert summary["RelatedEntityIds"]["Solutions"] == [TEST]


def test_a_fixture_naming_the_test_solution_in_the_sandbox_is_refused(selling, admin):  # noqa: F811
    a = new_account()
    status, body = admin("POST", "/_pcentral/seed", {"version": 1, "solutions": [
        {"catalog": SB, "id": TEST, "owner": a, "name": "Mine", "category": "Software Product"}]})
    assert status == 400, body
    assert f"solutions[Sandbox/{TEST}]" in str(body), body
    listed = selling(a).list_solutions(Catalog=SB)["SolutionSummaries"]
    assert [(s["Id"], s["Name"]) for s in listed] == [(TEST, TEST_SUMMARY["Name"])]
