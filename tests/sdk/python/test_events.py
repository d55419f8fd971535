"""Events (docs/behaviour.md#events): the connection story through boto3 records
EventBridge-shaped events, readable through GET /_pcentral/events and `pcentral events list`, and
delivered to a webhook (a local receiver that fails the first POST) exactly once each after the
retry."""

import http.server
import json
import threading
import time
from urllib.parse import quote

from helpers import CATALOG, advance_clock, change_settings, create_partner, new_account, publish, task_details

OC = "OPPORTUNITY_COLLABORATION"
SUB = "SUBSIDIARY"
PREFIX = "Partner Connection "


class Receiver:
    """A webhook on 127.0.0.1 that answers 500 to the first POST and records the others."""

    def __init__(self):
        self.received = []
        self.failed = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    fail = not receiver.failed
                    event = json.loads(body)
                    assert self.headers.get("Content-Type", "").startswith("application/json")
                    (receiver.failed if fail else receiver.received).append(event)
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def published_partner(client, account, display):
    c = client(account)
    partner = create_partner(c, legal_name=f"{display} Legal")
    publish(c, partner["Id"], details=task_details(DisplayName=display))
    return c.get_profile_visibility(Catalog=CATALOG, Identifier=partner["Id"])["ProfileId"]


def invite(client, sender, kind, receiver):
    return client(sender).create_connection_invitation(
        Catalog=CATALOG, ConnectionType=kind, Email="ana@example.com", Message="Let's co-sell", Name="Ana Lee",
        ReceiverIdentifier=receiver)["Id"]


def events(admin, **filters):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in filters.items())
    status, body = admin("GET", "/_pcentral/events" + (f"?{query}" if query else ""))
    assert status == 200, body
    return body["events"]


def kinds(listing):
    return [e["event"]["detail-type"].removeprefix(PREFIX) for e in listing]


def test_story_events_admin_cli_and_webhook(client, admin, pcentral):
    hook = Receiver()
    try:
        # The story moves the clock 31 days; retention must not take its events meanwhile.
        change_settings(admin, events_webhook_url=hook.url, log_retention_days=60)
        a, b = new_account(), new_account()
        pa = published_partner(client, a, "Alpha")
        pb = published_partner(client, b, "Beta")

        inv = invite(client, a, OC, pb)
        connection = client(b).accept_connection_invitation(Catalog=CATALOG, Identifier=inv)["Connection"]
        rejected = invite(client, a, SUB, b)
        client(b).reject_connection_invitation(Catalog=CATALOG, Identifier=rejected)
        canceled = invite(client, a, SUB, b)
        token = f"cancel-{canceled}"
        first_cancel = client(a).cancel_connection_invitation(Catalog=CATALOG, Identifier=canceled, ClientToken=token)
        # A replay (same ClientToken) answers the same and records nothing again.
        replay = client(a).cancel_connection_invitation(Catalog=CATALOG, Identifier=canceled, ClientToken=token)
        assert replay["UpdatedAt"] == first_cancel["UpdatedAt"]
        client(b).cancel_connection(Catalog=CATALOG, Identifier=connection["Id"], ConnectionType=OC, Reason="done")
        # An invitation left to expire: the server's sweep records Expired at ExpiresAt.
        expiring = invite(client, a, OC, pb)
        advance_clock(admin, "31d")

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(events(admin, type=PREFIX + "Invitation Expired")) < 2:
            time.sleep(0.1)

        seen_by_a = events(admin, account=a)
        seen_by_b = events(admin, account=b)
        assert kinds(seen_by_a) == [
            "Invitation Accepted", "Invitation Rejected", "Cancelled", "Invitation Expired"], seen_by_a
        # B cancelled the connection: only A, the other participant, hears of it.
        assert kinds(seen_by_b) == [
            "Invitation Received", "Invitation Accepted", "Invitation Received", "Invitation Received",
            "Invitation Cancelled", "Invitation Received", "Invitation Expired"], seen_by_b

        assert {e["service"] for e in seen_by_a + seen_by_b} == {"partnercentral-account"}
        first = seen_by_b[0]["event"]
        assert first["version"] == "1" and first["source"] == "aws.partnercentral-account"
        assert first["account"] == b and first["region"] == "us-east-1"
        arn = f"arn:aws:partnercentral:us-east-1::catalog/{CATALOG}/connection-invitation/{inv}"
        assert first["resources"] == [arn]
        detail = first["detail"]
        assert detail["catalog"] == CATALOG
        ci = detail["connectionInvitation"]
        assert (ci["id"], ci["arn"], ci["connectionType"]) == (inv, arn, "OpportunityCollaboration")
        assert ci["senderProfileId"] == pa and "receiverProfileId" not in ci
        assert ci["senderCompanyName"] == "Alpha Legal" and ci["inviterEmail"] == "ana@example.com"
        assert a not in json.dumps(first), "the receiver never learns the sender's account id"
        expired = seen_by_a[-1]["event"]
        assert expired["detail"]["connectionInvitation"]["id"] == expiring
        assert expired["detail"]["connectionInvitation"]["receiverProfileId"] == pb
        cancelled = seen_by_a[2]["event"]["detail"]["connection"]
        assert cancelled["id"] == connection["Id"] and cancelled["canceledBy"] == b
        assert cancelled["arn"] == connection["Arn"]
        seqs = [e["seq"] for e in seen_by_a]
        assert seqs == sorted(seqs)
        after = events(admin, account=a, after=seqs[1])
        assert [e["seq"] for e in after] == seqs[2:]
        status, body = admin("GET", "/_pcentral/events?type=Nope")
        assert status == 400 and "Partner Connection Cancelled" in body["error"]

        # The CLI reads the same listing.
        out = pcentral("events", "list", "--account", b, "--type", PREFIX + "Invitation Received")
        assert out.returncode == 0, out.stderr
        listed = json.loads(out.stdout)["events"]
        assert [e["seq"] for e in listed] == [e["seq"] for e in seen_by_b if e["event"]["detail-type"].endswith(
            "Received")]

        # Every event reaches the webhook exactly once, after the retry of the first one.
        ours = {e["event"]["id"]: e["event"] for e in seen_by_a + seen_by_b}
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with hook.lock:
                got = [e["id"] for e in hook.received]
            if set(got) >= set(ours):
                break
            time.sleep(0.1)
        time.sleep(0.5)  # nothing arrives twice, even a little later
        with hook.lock:
            got = [e["id"] for e in hook.received]
            failed = [e["id"] for e in hook.failed]
        assert len(failed) == 1 and failed[0] in ours
        assert sorted(got) == sorted(ours), f"missing {set(ours) - set(got)}, extra {len(got) - len(set(got))}"
        with hook.lock:
            assert all(e == ours[e["id"]] for e in hook.received), "the body is the stored event JSON"
        deliveries = {e["event"]["id"]: e["delivery"] for e in events(admin, account=a) + events(admin, account=b)}
        assert all(d["state"] == "delivered" and d["delivered_at"] for d in deliveries.values()), deliveries
        retried = deliveries[failed[0]]
        assert retried["attempts"] == 2 and retried["last_error"] is None, retried
    finally:
        change_settings(admin, events_webhook_url="")
        hook.close()


# The member names of each event's documented example, from the events page of the API reference,
# https://docs.aws.amazon.com/partner-central/latest/APIReference/account-api-events.html
# (the developer guide's https://docs.aws.amazon.com/partner-central/latest/developer-guide/account-api-events.html
# shows the same examples). A dict is an object of members; None is any other value.
ENVELOPE = {"version": None, "id": None, "detail-type": None, "source": None, "time": None, "region": None,
            "account": None, "resources": None}


def documented(detail, envelope=ENVELOPE):
    return {**envelope, "detail": detail}


DOCUMENTED = {
    "Partner Connection Invitation Received": documented({"catalog": None, "connectionInvitation": {
        "arn": None, "id": None, "connectionType": None, "inviterEmail": None, "invitationMessage": None,
        "senderCompanyName": None, "senderProfileId": None, "expiresAt": None}}),
    "Partner Connection Invitation Accepted": documented({
        "catalog": None,
        "connectionInvitation": {"arn": None, "id": None, "connectionType": None},
        "connection": {"arn": None, "id": None, "Participant1AccountId": None, "Participant2AccountId": None,
                       "status": None}}),
    "Partner Connection Invitation Rejected": documented({"catalog": None, "connectionInvitation": {
        "arn": None, "id": None, "connectionType": None, "invitationMessage": None, "receiverProfileId": None}}),
    "Partner Connection Cancelled": documented({"catalog": None, "connection": {
        "arn": None, "id": None, "connectionType": None, "canceledBy": None}}),
    "Partner Connection Invitation Cancelled": documented({"catalog": None, "connectionInvitation": {
        "arn": None, "id": None, "connectionType": None, "invitationMessage": None, "senderProfileId": None}}),
    # The Expired example has no `account`.
    "Partner Connection Invitation Expired": documented({"catalog": None, "connectionInvitation": {
        "arn": None, "id": None, "connectionType": None, "inviterEmail": None, "invitationMessage": None,
        "senderProfileId": None, "receiverProfileId": None}},
        envelope={k: v for k, v in ENVELOPE.items() if k != "account"}),
}
# Where pcentral adds to an example (docs/compat.md#events): EventBridge names the receiving account in
# every event, and Expired goes to two accounts, so it keeps `account`.
ADDED = {"Partner Connection Invitation Expired": {"account": None}}


def names(value):
    """The member names of a JSON value, nested like DOCUMENTED."""
    if isinstance(value, dict):
        return {k: names(v) for k, v in value.items()}
    return None


def test_each_event_has_the_members_of_its_documented_example(client, admin):
    """All six events, with every optional member present, and the sender's client in another region."""
    a, b = new_account(), new_account()
    published_partner(client, a, "Gamma")
    pb = published_partner(client, b, "Delta")
    sender = client(a, region="eu-west-1")

    def invite_b(kind):
        receiver = pb if kind == OC else b
        return sender.create_connection_invitation(
            Catalog=CATALOG, ConnectionType=kind, Email="ana@example.com", Message="Let's co-sell",
            Name="Ana Lee", ReceiverIdentifier=receiver)["Id"]

    accepted = invite_b(OC)
    connection = client(b).accept_connection_invitation(Catalog=CATALOG, Identifier=accepted)["Connection"]
    client(b).cancel_connection(Catalog=CATALOG, Identifier=connection["Id"], ConnectionType=OC, Reason="")
    rejected = invite_b(SUB)
    client(b).reject_connection_invitation(Catalog=CATALOG, Identifier=rejected)
    cancelled = invite_b(SUB)
    sender.cancel_connection_invitation(Catalog=CATALOG, Identifier=cancelled)
    expiring = invite_b(OC)
    change_settings(admin, log_retention_days=60)  # keep the events across the 31 days
    advance_clock(admin, "31d")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(
            [e for e in events(admin, account=b) if e["event"]["detail-type"].endswith("Expired")]) < 1:
        time.sleep(0.1)

    recorded = [(e["event"]["account"], e["event"]) for e in events(admin, account=a) + events(admin, account=b)]
    by_type = {}
    for account, event in recorded:
        by_type.setdefault(event["detail-type"], []).append(account)
    assert by_type == {
        "Partner Connection Invitation Received": [b, b, b, b],
        "Partner Connection Invitation Accepted": [a, b],
        "Partner Connection Cancelled": [a],
        "Partner Connection Invitation Rejected": [a],
        "Partner Connection Invitation Cancelled": [b],
        "Partner Connection Invitation Expired": [a, b],
    }, by_type

    for _, event in recorded:
        kind = event["detail-type"]
        want = {**DOCUMENTED[kind], **ADDED.get(kind, {})}
        assert names(event) == want, f"{kind}: {json.dumps(event)}"
        assert event["version"] == "1" and event["region"] == "us-east-1", event
        assert event["detail"]["catalog"] == CATALOG

    accepted_event = next(e for _, e in recorded if e["detail-type"].endswith("Accepted"))
    assert accepted_event["resources"] == [accepted_event["detail"]["connectionInvitation"]["arn"],
                                           accepted_event["detail"]["connection"]["arn"]]
    c = accepted_event["detail"]["connection"]
    assert (c["id"], c["Participant1AccountId"], c["Participant2AccountId"], c["status"]) == (
        connection["Id"], a, b, "ACTIVE")
    cancelled_event = next(e for _, e in recorded if e["detail-type"] == "Partner Connection Cancelled")
    assert cancelled_event["detail"]["connection"]["canceledBy"] == b
    assert cancelled_event["detail"]["connection"]["connectionType"] == "OpportunityCollaboration"
    rejected_event = next(e for _, e in recorded if e["detail-type"].endswith("Rejected"))
    assert rejected_event["detail"]["connectionInvitation"]["receiverProfileId"] == pb
    expired_event = next(e for _, e in recorded if e["detail-type"].endswith("Expired"))
    assert expired_event["detail"]["connectionInvitation"]["id"] == expiring


def test_accepted_names_this_invitations_sender_first(client, admin):
    """B joins, as sender, the live connection A made: Participant1AccountId is B."""
    a, b = new_account(), new_account()
    published_partner(client, a, "Epsilon")
    pb = published_partner(client, b, "Zeta")
    first = invite(client, a, OC, pb)
    connection = client(b).accept_connection_invitation(Catalog=CATALOG, Identifier=first)["Connection"]
    second = invite(client, b, SUB, a)
    joined = client(a).accept_connection_invitation(Catalog=CATALOG, Identifier=second)["Connection"]
    assert joined["Id"] == connection["Id"]
    accepted = [e["event"] for e in events(admin, type=PREFIX + "Invitation Accepted")
                if e["event"]["detail"]["connectionInvitation"]["id"] == second]
    assert [e["account"] for e in accepted] == [b, a], "the sender first"
    for event in accepted:
        c = event["detail"]["connection"]
        assert (c["Participant1AccountId"], c["Participant2AccountId"]) == (b, a), event


def test_secrets_in_the_webhook_url_never_show(client, admin, pcentral):
    """A password or query token in events_webhook_url shows masked everywhere (the settings
    answer, `pcentral settings show`, a plain export, delivery errors, the console), except in
    an export that asked for secrets; giving the masked form back keeps the stored secret."""
    hook = "http://pcentral:hunter2@127.0.0.1:9/hook?token=tok-4711&env=ci"
    shown = "http://pcentral:***@127.0.0.1:9/hook?token=***&env=***"

    def stored():
        status, body = admin("GET", "/_pcentral/export?include_secrets=true")
        assert status == 200, body
        return body["settings"]["events_webhook_url"]

    try:
        assert change_settings(admin, events_webhook_url=hook)["events_webhook_url"] == shown
        status, body = admin("GET", "/_pcentral/settings")
        assert status == 200 and body["events_webhook_url"] == shown, body
        out = pcentral("settings", "show")
        assert out.returncode == 0 and json.loads(out.stdout)["events_webhook_url"] == shown, out
        status, plain = admin("GET", "/_pcentral/export")
        assert status == 200 and plain["settings"]["events_webhook_url"] == shown
        assert "hunter2" not in json.dumps(plain) and "tok-4711" not in json.dumps(plain)
        assert stored() == hook

        # The masked form given back (a copy of `settings show`) keeps the secret; a masked
        # value that is not the stored one's is refused and changes nothing.
        assert change_settings(admin, events_webhook_url=shown)["events_webhook_url"] == shown
        assert stored() == hook
        status, body = admin("POST", "/_pcentral/settings",
                             {"events_webhook_url": "http://other:***@127.0.0.1:9/hook"})
        assert status == 400 and "events_webhook_url" in body["error"], body
        assert stored() == hook

        # A failed delivery's error names no secret: not in the listing, not in the console.
        sender, receiver = new_account(), new_account()
        published_partner(client, sender, "Masked")
        invite(client, sender, SUB, receiver)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            delivery = events(admin, account=receiver)[0]["delivery"]
            if delivery["last_error"]:
                break
            time.sleep(0.1)
        assert delivery["last_error"], delivery
        assert "hunter2" not in delivery["last_error"] and "tok-4711" not in delivery["last_error"], delivery
        status, page = admin("GET", f"/_pcentral/ui/events?account={receiver}")
        assert status == 200 and "last error" in page, page[:2000]
        assert "hunter2" not in page and "tok-4711" not in page
    finally:
        change_settings(admin, events_webhook_url="")
