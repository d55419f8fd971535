"""Engagements of the Selling API (docs/behaviour.md#engagements) through boto3's
`partnercentral-selling` client: create (the creator is the first member), get, list (filters,
sort, pages), members (names from the published profile), contexts (create, update with the
EngagementLastModifiedAt check, a lead's interactions), isolation from other accounts and
catalogs, refusals that store nothing, ClientToken replays, and the fixture and reset tools."""

import time

import pytest
from botocore.exceptions import ClientError

from helpers import create_partner, new_account, publish, task_details

SB = "Sandbox"

PROJECT = {"CustomerProject": {
    "Customer": {"CompanyName": "Acme Corp", "CountryCode": "US", "Industry": "Software and Internet",
                 "WebsiteUrl": "https://acme.example"},
    "Project": {"Title": "Migration", "BusinessProblem": "Their data centre lease ends next year.",
                "TargetCompletionDate": "2027-06-30"}}}

CONTACT = {"BusinessTitle": "CIO", "Email": "cio@lead.example", "FirstName": "Li", "LastName": "Ead"}


def lead(name="Lead Corp", interaction="first call"):
    return {"Customer": {"CompanyName": name, "Address": {"CountryCode": "US"}},
            "Interactions": [{"SourceType": "Event", "SourceId": "ev-1", "SourceName": "Summit",
                              "CustomerAction": interaction, "Contact": CONTACT}]}


def create(c, catalog=SB, title="Co-sell", **kw):
    return c.create_engagement(Catalog=catalog, ClientToken=kw.pop("token", f"t-{time.monotonic_ns()}"),
                               Title=title, Description="Working together", **kw)


def strip(answer):
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def error(e):
    return e.value.response["Error"]["Code"]


def test_create_get_and_members(selling):
    a = new_account()
    made = create(selling(a), Contexts=[{"Type": "CustomerProject", "Payload": PROJECT}])
    assert made["Id"].startswith("eng-") and len(made["Id"]) == 18
    assert made["Arn"].endswith(f":catalog/Sandbox/engagement/{made['Id']}")
    got = selling(a).get_engagement(Catalog=SB, Identifier=made["Id"])
    assert got["Title"] == "Co-sell" and got["Description"] == "Working together"
    assert got["CreatedBy"] == a and got["ModifiedBy"] == a and got["MemberCount"] == 1
    assert got["ModifiedAt"] == made["ModifiedAt"]
    assert got["Contexts"] == [{"Id": "1", "Type": "CustomerProject", "Payload": PROJECT}]
    # The ARN names it too.
    assert selling(a).get_engagement(Catalog=SB, Identifier=made["Arn"])["Id"] == made["Id"]
    members = selling(a).list_engagement_members(Catalog=SB, Identifier=made["Id"])["EngagementMemberList"]
    assert members == [{"CompanyName": a, "AccountId": a}]


def test_member_names_come_from_the_published_profile(client, selling):
    a = new_account()
    account = client(a)
    partner = create_partner(account)
    publish(account, partner["Id"], details=task_details(DisplayName="Shown Name",
                                                           WebsiteUrl="https://shown.example"))
    made = create(selling(a))
    members = selling(a).list_engagement_members(Catalog=SB, Identifier=made["Id"])["EngagementMemberList"]
    assert members == [{"CompanyName": "Shown Name", "WebsiteUrl": "https://shown.example", "AccountId": a}]


def test_another_account_and_catalog_see_nothing(selling):
    a, b = new_account(), new_account()
    made = create(selling(a))
    for call in (lambda: selling(b).get_engagement(Catalog=SB, Identifier=made["Id"]),
                 lambda: selling(b).list_engagement_members(Catalog=SB, Identifier=made["Id"]),
                 lambda: selling(a).get_engagement(Catalog="AWS", Identifier=made["Id"])):
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == "ResourceNotFoundException"
    # The same answer as for an engagement nobody has.
    with pytest.raises(ClientError) as missing:
        selling(b).get_engagement(Catalog=SB, Identifier="eng-00000000000000")
    assert error(missing) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        selling(b).create_engagement_context(Catalog=SB, EngagementIdentifier=made["Id"], ClientToken="x1",
                                             Type="Lead", Payload={"Lead": lead()})
    assert error(e) == "ResourceNotFoundException"
    assert selling(b).list_engagements(Catalog=SB)["EngagementSummaryList"] == []
    assert [s["Id"] for s in selling(a).list_engagements(Catalog=SB)["EngagementSummaryList"]] == [made["Id"]]
    assert selling(a).get_engagement(Catalog=SB, Identifier=made["Id"])["Contexts"] == []


def test_list_filters_sort_and_pages(selling):
    a = new_account()
    first = create(selling(a), title="one", Contexts=[{"Type": "CustomerProject", "Payload": PROJECT}])["Id"]
    second = create(selling(a), title="two", Contexts=[{"Type": "Lead", "Payload": {"Lead": lead()}}])["Id"]
    third = create(selling(a), title="three")["Id"]
    ids = lambda **kw: [s["Id"] for s in selling(a).list_engagements(Catalog=SB, **kw)["EngagementSummaryList"]]
    assert ids() == [third, second, first]
    assert ids(Sort={"SortBy": "CreatedDate", "SortOrder": "ASCENDING"}) == [first, second, third]
    assert ids(ContextTypes=["Lead"]) == [second]
    assert ids(ExcludeContextTypes=["Lead"]) == [third, first]
    assert ids(CreatedBy=[a]) == [third, second, first]
    assert ids(ExcludeCreatedBy=[a]) == []
    assert ids(EngagementIdentifier=[first, third]) == [third, first]
    summary = selling(a).list_engagements(Catalog=SB, EngagementIdentifier=[second])["EngagementSummaryList"][0]
    assert summary["ContextTypes"] == ["Lead"] and summary["MemberCount"] == 1 and summary["Title"] == "two"
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        page = selling(a).list_engagements(Catalog=SB, MaxResults=2, **kw)
        seen += [s["Id"] for s in page["EngagementSummaryList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [third, second, first]


def test_contexts_create_and_update(selling):
    a = new_account()
    made = create(selling(a))
    added = selling(a).create_engagement_context(Catalog=SB, EngagementIdentifier=made["Id"], ClientToken="c1",
                                                 Type="Lead", Payload={"Lead": lead()})
    assert added["ContextId"] == "1" and added["EngagementId"] == made["Id"]
    assert added["EngagementLastModifiedAt"] > made["ModifiedAt"]
    # A stale EngagementLastModifiedAt is refused and changes nothing.
    before = strip(selling(a).get_engagement(Catalog=SB, Identifier=made["Id"]))
    update = {"Lead": {"Customer": {"CompanyName": "Renamed"},
                       "Interaction": {"SourceType": "Event", "SourceId": "ev-2", "SourceName": "Summit",
                                       "CustomerAction": "second call", "Contact": CONTACT}}}
    with pytest.raises(ClientError) as e:
        selling(a).update_engagement_context(Catalog=SB, EngagementIdentifier=made["Id"], ContextIdentifier="1",
                                             EngagementLastModifiedAt=made["ModifiedAt"], Type="Lead",
                                             Payload=update)
    assert error(e) == "ConflictException"
    for ctx_id, kind, code in (("2", "Lead", "ResourceNotFoundException"),
                               ("1", "CustomerProject", "ValidationException")):
        with pytest.raises(ClientError) as e:
            selling(a).update_engagement_context(
                Catalog=SB, EngagementIdentifier=made["Id"], ContextIdentifier=ctx_id,
                EngagementLastModifiedAt=added["EngagementLastModifiedAt"], Type=kind,
                Payload=update if kind == "Lead" else PROJECT)
        assert error(e) == code
    assert strip(selling(a).get_engagement(Catalog=SB, Identifier=made["Id"])) == before
    done = selling(a).update_engagement_context(Catalog=SB, EngagementIdentifier=made["Id"], ContextIdentifier="1",
                                                EngagementLastModifiedAt=added["EngagementLastModifiedAt"],
                                                Type="Lead", Payload=update)
    assert done["ContextId"] == "1" and done["EngagementLastModifiedAt"] > added["EngagementLastModifiedAt"]
    got = selling(a).get_engagement(Catalog=SB, Identifier=made["Id"])
    payload = got["Contexts"][0]["Payload"]["Lead"]
    assert payload["Customer"]["CompanyName"] == "Renamed"
    assert [i["CustomerAction"] for i in payload["Interactions"]] == ["first call", "second call"]
    assert got["ModifiedAt"] == done["EngagementLastModifiedAt"]


def test_a_payload_of_another_type_is_refused_and_stores_nothing(selling):
    a = new_account()
    with pytest.raises(ClientError) as e:
        create(selling(a), Contexts=[{"Type": "Lead", "Payload": PROJECT}])
    assert error(e) == "ValidationException"
    assert [x["FieldName"] for x in e.value.response["ErrorList"]] == ["Contexts[0].Payload"]
    assert selling(a).list_engagements(Catalog=SB)["EngagementSummaryList"] == []


def test_a_client_token_replays(selling):
    a = new_account()
    one = create(selling(a), token="same")
    two = create(selling(a), token="same")
    assert one["Id"] == two["Id"]
    with pytest.raises(ClientError) as e:
        create(selling(a), token="same", title="other")
    assert error(e) == "ConflictException"
    assert len(selling(a).list_engagements(Catalog=SB)["EngagementSummaryList"]) == 1


def test_fixtures_round_trip_and_reset_by_account(selling, admin):
    a, b = new_account(), new_account()
    ea, eb = create(selling(a))["Id"], create(selling(b))["Id"]
    status, exported = admin("GET", "/_pcentral/export")
    assert status == 200
    mine = [e for e in exported["engagements"] if e["created_by"] == a]
    members = [m for m in exported["engagement_members"] if m["engagement_id"] == ea]
    assert [e["id"] for e in mine] == [ea] and [m["account"] for m in members] == [a]
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    with pytest.raises(ClientError):
        selling(a).get_engagement(Catalog=SB, Identifier=ea)
    assert selling(b).get_engagement(Catalog=SB, Identifier=eb)["Id"] == eb
    status, counts = admin("POST", "/_pcentral/seed",
                           {"version": 1, "engagements": mine, "engagement_members": members})
    assert status == 200, counts
    assert selling(a).get_engagement(Catalog=SB, Identifier=ea)["MemberCount"] == 1
