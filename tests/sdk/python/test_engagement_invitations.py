"""Engagement invitations of the Selling API (docs/behaviour.md#engagement-invitations) between
partners connected with the Account API: the co-sell flow (connect, create an engagement, invite
the connected partner, accept, both read the members), the OPPORTUNITY_COLLABORATION connection
the invitation needs, rejection with a reason, expiry on the service clock, the lists as sender
and as receiver with their filters, isolation from a third account, refusals that store nothing,
and the events of both sides."""

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, advance_clock, create_partner, new_account, publish, task_details
from test_engagements import create as create_engagement, error, strip

OC = "OPPORTUNITY_COLLABORATION"
PAYLOAD = {"OpportunityInvitation": {
    "ReceiverResponsibilities": ["Services Partner"],
    "SenderContacts": [{"Email": "ana@alpha.example", "FirstName": "Ana", "LastName": "Lee"}],
    "Customer": {"CompanyName": "Acme Corp", "CountryCode": "US", "Industry": "Software and Internet",
                 "WebsiteUrl": "https://acme.example"},
    "Project": {"Title": "Migration", "BusinessProblem": "Their data centre lease ends next year.",
                "TargetCompletionDate": "2027-06-30",
                "ExpectedCustomerSpend": [{"Amount": "5000", "CurrencyCode": "USD", "Frequency": "Monthly",
                                           "TargetCompany": "AWS"}]}}}


def partner(client, account, display):
    """A partner with a published profile; answers its profile id."""
    c = client(account)
    made = create_partner(c)
    publish(c, made["Id"], details=task_details(DisplayName=display, WebsiteUrl=f"https://{account}.example"))
    return c.get_profile_visibility(Catalog=CATALOG, Identifier=made["Id"])["ProfileId"]


def connect(client, a, b, kind=OC):
    """A invites B (its published profile; SUBSIDIARY: its account) with the Account API; B accepts."""
    pb = partner(client, b, f"Partner {b}") if kind == OC else b
    sent = client(a).create_connection_invitation(Catalog=CATALOG, ConnectionType=kind, Email="ana@example.com",
                                                  Message="Let's co-sell", Name="Ana Lee", ReceiverIdentifier=pb)
    return client(b).accept_connection_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Connection"]


def invite(selling, sender, engagement, receiver, token=None):
    return selling(sender).create_engagement_invitation(
        Catalog=CATALOG, ClientToken=token or f"inv-{engagement}-{receiver}", EngagementIdentifier=engagement,
        Invitation={"Message": "Join us on Acme", "Receiver": {"Account": {"AwsAccountId": receiver,
                                                                           "Alias": "Beta"}},
                    "Payload": PAYLOAD})


@pytest.fixture
def pair(client, selling):
    """Two connected partners (A published too) and A's engagement."""
    a, b = new_account(), new_account()
    partner(client, a, "Alpha Co")
    connect(client, a, b)
    engagement = create_engagement(selling(a), title="Acme co-sell")["Id"]
    return a, b, engagement


def test_the_co_sell_flow(pair, selling):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    assert sent["Id"].startswith("engi-")
    assert sent["Arn"] == f"arn:aws:partnercentral::{a}:{CATALOG}/engagement-invitation/{sent['Id']}"
    got = selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert got["Status"] == "PENDING" and got["SenderAwsAccountId"] == a
    assert got["SenderCompanyName"] == "Alpha Co" and got["EngagementTitle"] == "Acme co-sell"
    assert got["Receiver"] == {"Account": {"AwsAccountId": b, "Alias": "Beta"}}
    assert got["Payload"] == PAYLOAD and got["PayloadType"] == "OpportunityInvitation"
    assert got["InvitationMessage"] == "Join us on Acme"
    assert got["ExistingMembers"] == [{"CompanyName": "Alpha Co", "WebsiteUrl": f"https://{a}.example"}]
    # Before accepting, B is no member.
    with pytest.raises(ClientError) as e:
        selling(b).get_engagement(Catalog=CATALOG, Identifier=engagement)
    assert error(e) == "ResourceNotFoundException"
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    for account in (a, b):
        members = selling(account).list_engagement_members(Catalog=CATALOG, Identifier=engagement)
        assert members["EngagementMemberList"] == [
            {"CompanyName": "Alpha Co", "WebsiteUrl": f"https://{a}.example", "AccountId": a},
            {"CompanyName": f"Partner {b}", "WebsiteUrl": f"https://{b}.example", "AccountId": b}]
        assert selling(account).get_engagement(Catalog=CATALOG, Identifier=engagement)["MemberCount"] == 2
    assert selling(a).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "ACCEPTED"
    # A second accept is refused: the invitation is answered.
    with pytest.raises(ClientError) as e:
        selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert error(e) == "ConflictException"
    # Now a member, B cannot be invited again.
    with pytest.raises(ClientError) as e:
        invite(selling, a, engagement, b, token="again")
    assert error(e) == "ConflictException"


def test_a_third_account_sees_nothing(pair, selling):
    a, b, engagement = pair
    c = new_account()
    sent = invite(selling, a, engagement, b)
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    calls = [lambda: selling(c).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"]),
             lambda: selling(c).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"]),
             lambda: selling(c).reject_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"]),
             lambda: selling(c).get_engagement(Catalog=CATALOG, Identifier=engagement),
             lambda: selling(c).list_engagement_members(Catalog=CATALOG, Identifier=engagement)]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == "ResourceNotFoundException"
        assert a not in str(e.value) and b not in str(e.value)
    for side in ("SENDER", "RECEIVER"):
        listed = selling(c).list_engagement_invitations(Catalog=CATALOG, ParticipantType=side)
        assert listed["EngagementInvitationSummaries"] == []
    assert selling(c).list_engagements(Catalog=CATALOG)["EngagementSummaryList"] == []


def test_an_invitation_needs_an_active_collaboration_connection(client, selling, admin):
    a, b, c = new_account(), new_account(), new_account()
    partner(client, a, "Alpha Co")
    connect(client, a, b, kind="SUBSIDIARY")
    engagement = create_engagement(selling(a))["Id"]
    before = admin("GET", "/_pcentral/export")[1]["engagement_invitations"]
    for receiver in (b, c):
        with pytest.raises(ClientError) as e:
            invite(selling, a, engagement, receiver)
        assert error(e) == "ValidationException"
        assert e.value.response["Reason"] == "BUSINESS_VALIDATION_FAILED"
        assert [x["FieldName"] for x in e.value.response["ErrorList"]] == [
            "Invitation.Receiver.Account.AwsAccountId"]
    with pytest.raises(ClientError) as e:
        invite(selling, a, engagement, a)
    assert error(e) == "ValidationException"
    assert admin("GET", "/_pcentral/export")[1]["engagement_invitations"] == before
    # Cancelling the connection stops a pending invitation from being accepted.
    d = new_account()
    connection = connect(client, a, d)
    sent = invite(selling, a, engagement, d)
    client(a).cancel_connection(Catalog=CATALOG, Identifier=connection["Id"], ConnectionType=OC, Reason="")
    with pytest.raises(ClientError) as e:
        selling(d).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert error(e) == "ValidationException"
    assert selling(d).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "PENDING"


def test_reject_with_a_reason_and_the_sender_cannot_answer(pair, selling):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    with pytest.raises(ClientError) as e:
        selling(a).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert error(e) == "AccessDeniedException"
    selling(b).reject_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"], RejectionReason="No capacity")
    got = selling(a).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert (got["Status"], got["RejectionReason"]) == ("REJECTED", "No capacity")
    with pytest.raises(ClientError) as e:
        selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert error(e) == "ConflictException"
    assert selling(a).get_engagement(Catalog=CATALOG, Identifier=engagement)["MemberCount"] == 1


def test_expiry_on_the_service_clock(pair, selling, admin):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    got = selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert (got["ExpirationDate"] - got["InvitationDate"]).days == 15
    advance_clock(admin, "15d")
    assert selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "EXPIRED"
    with pytest.raises(ClientError) as e:
        selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert error(e) == "ConflictException"
    listed = selling(b).list_engagement_invitations(Catalog=CATALOG, ParticipantType="RECEIVER", Status=["EXPIRED"])
    assert [s["Id"] for s in listed["EngagementInvitationSummaries"]] == [sent["Id"]]
    # Expired, it no longer blocks a new invitation.
    again = invite(selling, a, engagement, b, token="after-expiry")
    assert again["Id"] != sent["Id"]


def test_lists_as_sender_and_receiver_with_filters(client, selling):
    a, b, c = new_account(), new_account(), new_account()
    partner(client, a, "Alpha Co")
    connect(client, a, b)
    connect(client, a, c)
    first = create_engagement(selling(a), title="first")["Id"]
    second = create_engagement(selling(a), title="second")["Id"]
    i1 = invite(selling, a, first, b)["Id"]
    i2 = invite(selling, a, second, b)["Id"]
    i3 = invite(selling, a, first, c)["Id"]
    selling(b).reject_engagement_invitation(Catalog=CATALOG, Identifier=i1)

    def ids(account, side, **kw):
        page = selling(account).list_engagement_invitations(Catalog=CATALOG, ParticipantType=side, **kw)
        return [s["Id"] for s in page["EngagementInvitationSummaries"]]

    assert ids(a, "SENDER") == [i3, i2, i1]
    assert ids(a, "RECEIVER") == []
    assert ids(b, "RECEIVER") == [i2, i1]
    assert ids(b, "RECEIVER", Sort={"SortBy": "InvitationDate", "SortOrder": "ASCENDING"}) == [i1, i2]
    assert ids(b, "RECEIVER", Status=["PENDING"]) == [i2]
    assert ids(a, "SENDER", EngagementIdentifier=[first]) == [i3, i1]
    assert ids(b, "RECEIVER", SenderAwsAccountId=[a]) == [i2, i1]
    assert ids(b, "RECEIVER", SenderAwsAccountId=[c]) == []
    assert ids(b, "RECEIVER", PayloadType=["OpportunityInvitation"]) == [i2, i1]
    page = selling(a).list_engagement_invitations(Catalog=CATALOG, ParticipantType="SENDER", MaxResults=2)
    rest = selling(a).list_engagement_invitations(Catalog=CATALOG, ParticipantType="SENDER", MaxResults=2,
                                                  NextToken=page["NextToken"])
    assert [s["Id"] for s in page["EngagementInvitationSummaries"] + rest["EngagementInvitationSummaries"]] == [
        i3, i2, i1]
    summary = selling(b).list_engagement_invitations(Catalog=CATALOG, ParticipantType="RECEIVER")[
        "EngagementInvitationSummaries"][0]
    assert summary["ParticipantType"] == "RECEIVER" and summary["SenderCompanyName"] == "Alpha Co"
    assert summary["EngagementTitle"] == "second" and summary["Status"] == "PENDING"


def test_events_of_both_sides(pair, selling, admin):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])

    def types(account):
        status, body = admin("GET", f"/_pcentral/events?account={account}")
        assert status == 200, body
        events = [e["event"] for e in body["events"]]
        return [(e["detail-type"], e["source"], e["detail"].get("engagementInvitation", {}).get("identifier"))
                for e in events if e["detail-type"].startswith("Engagement")]

    source = "aws.partnercentral-selling"
    assert types(b) == [("Engagement Invitation Created", source, sent["Id"])]
    assert types(a) == [("Engagement Invitation Accepted", source, sent["Id"])]


def test_the_console_lists_engagements_and_their_members(pair, selling, admin):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    status, page = admin("GET", f"/_pcentral/ui/catalogs/{CATALOG}/engagements?account={b}")
    assert status == 200
    page = page if isinstance(page, str) else page.decode()
    assert engagement in page and "Acme co-sell" in page
    status, other = admin("GET", f"/_pcentral/ui/catalogs/{CATALOG}/engagements?account={new_account()}")
    assert status == 200 and engagement not in (other if isinstance(other, str) else other.decode())
    status, record = admin("GET", f"/_pcentral/ui/catalogs/{CATALOG}/engagements/{engagement}")
    record = record if isinstance(record, str) else record.decode()
    assert status == 200 and a in record and b in record
    # The graph draws the engagement between its members and shows it when selected.
    status, graph = admin("GET", f"/_pcentral/ui/catalogs/{CATALOG}/graph")
    graph = graph if isinstance(graph, str) else graph.decode()
    assert status == 200 and f'data-key="engagement:{engagement}"' in graph
    status, chosen = admin("GET", f"/_pcentral/ui/catalogs/{CATALOG}/graph?select=engagement:{engagement}")
    chosen = chosen if isinstance(chosen, str) else chosen.decode()
    assert status == 200 and "Members" in chosen and f"engagements/{engagement}" in chosen
