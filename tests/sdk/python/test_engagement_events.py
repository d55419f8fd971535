"""The `Engagement Invitation Expired` event (docs/behaviour.md#events): when an engagement invitation's
ExpiresAt passes on the service clock, the worker stores it EXPIRED and records the event once, for
the sender only, with the invitation's detail; it is listed by the admin API and POSTed to the
webhook."""

from urllib.parse import quote

from helpers import CATALOG, advance_clock, change_settings
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_engagement_tasks import wait_for
from test_events import Receiver

EXPIRED = "Engagement Invitation Expired"


def expired_events(admin, account):
    status, body = admin("GET", f"/_pcentral/events?account={account}&type={quote(EXPIRED)}")
    assert status == 200, body
    return [e["event"] for e in body["events"]]


def test_an_expired_invitation_tells_its_sender_once(pair, selling, admin):
    a, b, engagement = pair
    hook = Receiver()
    try:
        change_settings(admin, events_webhook_url=hook.url)
        sent = invite(selling, a, engagement, b)
        assert expired_events(admin, a) == []
        advance_clock(admin, "15d")
        assert wait_for(lambda: len(expired_events(admin, a)) == 1), expired_events(admin, a)
        event = expired_events(admin, a)[0]
        assert event["source"] == "aws.partnercentral-selling" and event["account"] == a
        assert event["detail"] == {"schemaVersion": "1", "catalog": CATALOG, "engagementInvitation": {
            "identifier": sent["Id"], "engagementIdentifier": engagement}}
        assert event["resources"] == [sent["Arn"]]
        assert expired_events(admin, b) == []
        got = selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
        assert got["Status"] == "EXPIRED" and event["time"] == got["ExpirationDate"].strftime("%Y-%m-%dT%H:%M:%SZ")
        # Delivered to the webhook (after its first refusal), and never recorded twice.
        assert wait_for(lambda: any(e["id"] == event["id"] for e in hook.received)), hook.received
        advance_clock(admin, "1d")
        assert len(expired_events(admin, a)) == 1
    finally:
        change_settings(admin, events_webhook_url="")
        hook.close()


def test_an_answered_invitation_does_not_expire(pair, selling, admin):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    advance_clock(admin, "16d")
    assert selling(a).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "ACCEPTED"
    assert expired_events(admin, a) == []
