"""Trusted proxies (docs/security.md#iam-users-and-policies): a node started with --trusted-proxies takes
`aws:SourceIp` from the X-Forwarded-For of a request whose peer is one of them (the rightmost address that
is not itself a trusted proxy) and `aws:SecureTransport` true from its X-Forwarded-Proto https; a node
that does not trust the peer ignores both headers, so a client cannot claim an address or TLS."""

import json

from conftest import _BOTO_SESSION, _NO_RETRY, REGION, ServerProcess, _http
from helpers import expect_error, new_account
from test_iam import allow, doc

SB = "Sandbox"
POLICY = doc(allow("partnercentral:ListOpportunities", condition={
    "IpAddress": {"aws:SourceIp": "198.51.100.0/24"}, "Bool": {"aws:SecureTransport": "true"}}))


def user_client(endpoint, account, forwarded):
    status, _, raw = _http("POST", endpoint + "/_pcentral/credentials",
                           {"account": account, "user": "office", "managed_policies": [],
                            "policies": [{"name": "p", "document": POLICY}]})
    assert status == 200, raw
    key = json.loads(raw)
    c = _BOTO_SESSION.create_client(
        "partnercentral-selling", region_name=REGION, endpoint_url=endpoint,
        aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"], config=_NO_RETRY)

    def add(request, **_):
        for name, value in forwarded.items():
            request.headers[name] = value

    c.meta.events.register("before-send.partnercentral-selling.*", add)
    return c


FROM_OFFICE = {"X-Forwarded-For": "203.0.113.5, 198.51.100.7", "X-Forwarded-Proto": "https"}


def test_a_trusted_proxy_forwards_the_client_address_and_tls(tmp_path):
    server = ServerProcess(tmp_path, "proxied", "--trusted-proxies", "10.0.0.0/8, 127.0.0.1").wait()
    try:
        acct = new_account()
        assert "OpportunitySummaries" in user_client(server.endpoint, acct, FROM_OFFICE).list_opportunities(
            Catalog=SB)
        # The client's address outside the block, or plain HTTP at the proxy: denied.
        for forwarded in ({**FROM_OFFICE, "X-Forwarded-For": "198.51.100.7, 203.0.113.5"},
                          {**FROM_OFFICE, "X-Forwarded-Proto": "http"},
                          {"X-Forwarded-For": "198.51.100.7"}):
            c = user_client(server.endpoint, acct, forwarded)
            expect_error(c.list_opportunities, "AccessDeniedException", None, 403, Catalog=SB)
    finally:
        server.stop()


def test_an_untrusted_peer_cannot_claim_an_address_or_tls(tmp_path):
    # This node trusts another block: the peer, 127.0.0.1, is the client, over plain HTTP.
    server = ServerProcess(tmp_path, "direct", "--trusted-proxies", "10.0.0.0/8").wait()
    try:
        c = user_client(server.endpoint, new_account(), FROM_OFFICE)
        expect_error(c.list_opportunities, "AccessDeniedException", None, 403, Catalog=SB)
    finally:
        server.stop()
