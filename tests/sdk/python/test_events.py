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
        change_settings(admin, events_webhook_url=hook.url)
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
        assert kinds(seen_by_b) == [
            "Invitation Received", "Invitation Accepted", "Invitation Received", "Invitation Received",
            "Invitation Cancelled", "Cancelled", "Invitation Received", "Invitation Expired"], seen_by_b

        first = seen_by_b[0]["event"]
        assert first["version"] == "0" and first["source"] == "aws.partnercentral-account"
        assert first["account"] == b and first["region"] == "us-east-1"
        arn = f"arn:aws:partnercentral:us-east-1::catalog/{CATALOG}/connection-invitation/{inv}"
        assert first["resources"] == [arn]
        detail = first["detail"]
        assert detail["catalog"] == CATALOG
        ci = detail["connectionInvitation"]
        assert (ci["id"], ci["arn"], ci["connectionType"]) == (inv, arn, "OpportunityCollaboration")
        assert (ci["senderProfileId"], ci["receiverProfileId"]) == (pa, pb)
        assert ci["senderCompanyName"] == "Alpha Legal" and ci["inviterEmail"] == "ana@example.com"
        assert a not in json.dumps(first), "the receiver never learns the sender's account id"
        expired = seen_by_a[-1]["event"]
        assert expired["detail"]["connectionInvitation"]["id"] == expiring
        assert expired["time"] == expired["detail"]["connectionInvitation"]["expiresAt"]
        cancelled = seen_by_a[2]["event"]["detail"]["connection"]
        assert cancelled["id"] == connection["Id"] and cancelled["canceledBy"] == b
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
