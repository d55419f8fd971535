"""Engagement groups (docs/behaviour.md#engagement-groups): AWS's side, played through the admin API
(`POST /_pcentral/engagement-groups`, `.../delete`) and `pcentral engagement-groups`, makes a group
of engagements for one partner account; ListEngagementGroups lists the caller's groups with their
filters, sorts and pages, counting only the engagements the caller is a member of; SearchEngagements'
GroupId finds the group's engagements; refused admin commands store nothing; reset takes the groups."""

import json

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, advance_clock, new_account
from test_engagements import create as create_engagement, error


def make_group(admin, account, name, engagements=(), **extra):
    body = {"catalog": CATALOG, "account": account, "name": name, "engagements": list(engagements), **extra}
    status, group = admin("POST", "/_pcentral/engagement-groups", body)
    assert status == 200, group
    return group


def groups(selling, account, **kw):
    return selling(account).list_engagement_groups(Catalog=CATALOG, **kw)["EngagementGroupSummaries"]


def search(selling, account, group):
    found = selling(account).search_engagements(Catalog=CATALOG, GroupId=group)["EngagementSearchSummaries"]
    return sorted(e["Id"] for e in found)


def test_a_group_lists_for_its_account_and_finds_its_engagements(selling, admin):
    a, b = new_account(), new_account()
    mine = [create_engagement(selling(a), catalog=CATALOG, title=f"Deal {i}")["Id"] for i in range(2)]
    theirs = create_engagement(selling(b), catalog=CATALOG, title="Not yours")["Id"]
    g = make_group(admin, a, "EMEA retail", [*mine, theirs], description="Retail leads in EMEA",
                   readiness_level="SalesReady")
    assert g["id"].startswith("eng-grp-") and len(g["id"]) == 22
    [summary] = groups(selling, a)
    assert summary["Id"] == g["id"] and summary["Name"] == "EMEA retail"
    assert summary["Description"] == "Retail leads in EMEA" and summary["ReadinessLevel"] == "SalesReady"
    assert summary["Catalog"] == CATALOG and summary["Arn"].endswith(f":catalog/{CATALOG}/engagement-group/{g['id']}")
    assert summary["Count"] == 2  # b's engagement is not a's to see
    assert "UpdatedAt" in summary
    assert search(selling, a, g["id"]) == sorted(mine)
    # Another account neither lists the group nor finds anything through it.
    assert groups(selling, b) == []
    assert search(selling, b, g["id"]) == []
    # In the other catalog, nothing.
    assert selling(a).list_engagement_groups(Catalog="AWS")["EngagementGroupSummaries"] == []


def test_filters_sorts_and_pages(selling, admin):
    a = new_account()
    e = [create_engagement(selling(a), catalog=CATALOG, title=f"Deal {i}")["Id"] for i in range(3)]
    small = make_group(admin, a, "Small", e[:1], readiness_level="LowPotential")["id"]
    advance_clock(admin, "1s")
    big = make_group(admin, a, "Big", e, readiness_level="SalesReady")["id"]
    advance_clock(admin, "1s")
    empty = make_group(admin, a, "Empty")["id"]
    ids = lambda **kw: [g["Id"] for g in groups(selling, a, **kw)]  # noqa: E731
    assert ids() == [empty, big, small]  # most recently updated first
    assert ids(Sort={"SortBy": "UpdatedAt", "SortOrder": "ASCENDING"}) == [small, big, empty]
    assert ids(Sort={"SortBy": "Count", "SortOrder": "DESCENDING"}) == [big, small, empty]
    assert ids(ReadinessLevel="SalesReady") == [big]
    assert ids(EngagementGroupIdentifiers=[small, empty]) == [empty, small]
    first = selling(a).list_engagement_groups(Catalog=CATALOG, MaxResults=2)
    assert [g["Id"] for g in first["EngagementGroupSummaries"]] == [empty, big]
    rest = selling(a).list_engagement_groups(Catalog=CATALOG, MaxResults=2, NextToken=first["NextToken"])
    assert [g["Id"] for g in rest["EngagementGroupSummaries"]] == [small] and "NextToken" not in rest
    # A token of other filters is refused.
    with pytest.raises(ClientError) as e_:
        selling(a).list_engagement_groups(Catalog=CATALOG, ReadinessLevel="SalesReady", NextToken=first["NextToken"])
    assert error(e_) == "ValidationException"
    # The model's constraints.
    with pytest.raises(ClientError) as e_:
        selling(a).list_engagement_groups(Catalog=CATALOG, EngagementGroupIdentifiers=["grp-1"])
    assert error(e_) == "ValidationException"


def test_refused_commands_store_nothing_and_delete_and_reset(selling, admin, pcentral):
    a = new_account()
    eng = create_engagement(selling(a), catalog=CATALOG)["Id"]
    for body, status in (
        ({"catalog": CATALOG, "account": a, "name": "x", "engagements": ["eng-00000000000000"]}, 404),
        ({"catalog": CATALOG, "account": a, "name": " "}, 400),
        ({"catalog": CATALOG, "account": a, "name": "x" * 256}, 400),
        ({"catalog": CATALOG, "account": a, "name": "x", "readiness_level": "Hot"}, 400),
        ({"catalog": CATALOG, "account": a, "name": "x", "engagements": ["nope"]}, 400),
        ({"catalog": CATALOG, "name": "x"}, 400),
    ):
        got, answer = admin("POST", "/_pcentral/engagement-groups", body)
        assert got == status, (body, answer)
    assert groups(selling, a) == []
    # The CLI plays the same side.
    made = pcentral("engagement-groups", "create", "--catalog", CATALOG, "--account", a, "--name", "From the CLI",
                    "--readiness-level", "MarketingReady", "--engagement", eng)
    assert made.returncode == 0, made.stderr
    group = json.loads(made.stdout)
    assert group["engagements"] == [eng] and group["readiness_level"] == "MarketingReady"
    assert [g["Id"] for g in groups(selling, a)] == [group["id"]]
    gone = pcentral("engagement-groups", "delete", "--catalog", CATALOG, "--id", group["id"])
    assert gone.returncode == 0, gone.stderr
    assert groups(selling, a) == [] and search(selling, a, group["id"]) == []
    status, _ = admin("POST", "/_pcentral/engagement-groups/delete", {"catalog": CATALOG, "id": group["id"]})
    assert status == 404
    # An account's reset takes its groups; another account's stay.
    b = new_account()
    make_group(admin, a, "A's")
    kept = make_group(admin, b, "B's")["id"]
    status, _ = admin("POST", "/_pcentral/reset", {"account": a, "catalog": CATALOG})
    assert status == 200
    assert groups(selling, a) == [] and [g["Id"] for g in groups(selling, b)] == [kept]
