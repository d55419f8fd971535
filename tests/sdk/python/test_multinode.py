"""Several pcentral nodes on one PostgreSQL database: one truth, races decided by the database.

Needs PCENTRAL_TEST_DATABASE (a PostgreSQL server URL; scripts/test starts a throwaway cluster).
Race tests repeat many rounds, each with a barrier so that the nodes really receive the calls at
the same moment, and check the invariants after every round.
"""

import json
import os
import threading
import urllib.request
import uuid

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ADMIN_HEADERS, SERVICE, Server, fresh_database, server_binary

pytestmark = pytest.mark.skipif(
    not os.environ.get("PCENTRAL_TEST_DATABASE"), reason="needs PCENTRAL_TEST_DATABASE (a PostgreSQL URL)"
)

CAT = "Sandbox"
ROUNDS = int(os.environ.get("PCENTRAL_RACE_ROUNDS", "200"))
_SESSION = botocore.session.Session()
_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    srv = Server(server_binary(), tmp_path_factory.mktemp("cluster"),
                 database=fresh_database(os.environ["PCENTRAL_TEST_DATABASE"]), nodes=3)
    srv.start()
    # Rounds of invitations from one sender would hit the daily invitation quota; settings are
    # shared, so setting it through one node lifts it for all.
    req = urllib.request.Request(f"http://127.0.0.1:{srv.ports[1]}/_pcentral/settings",
                                 data=json.dumps({"connection_invitations_per_day": 100000}).encode(), method="POST",
                                 headers=ADMIN_HEADERS)
    assert json.load(urllib.request.urlopen(req, timeout=10))["connection_invitations_per_day"] == 100000
    yield srv
    srv.stop()


def node_client(cluster, node, account):
    return _SESSION.create_client(
        SERVICE, region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{cluster.ports[node]}",
        aws_access_key_id=account, aws_secret_access_key="test", config=_CONFIG,
    )


_counter = iter(range(10**9))


def new_account():
    return f"{700_000_000_000 + next(_counter) + (uuid.uuid4().int % 10**6) * 1000:012d}"


def published_partner(c, account):
    p = c.create_partner(
        Catalog=CAT, LegalName=f"Node test {account}", PrimarySolutionType="SOFTWARE_PRODUCTS",
        AllianceLeadContact={"FirstName": "N", "LastName": "T", "Email": f"n{account}@nodes.example",
                             "BusinessTitle": "CTO"},
        EmailVerificationCode="123456",
    )
    c.start_profile_update_task(
        Catalog=CAT, Identifier=p["Id"],
        TaskDetails={"DisplayName": f"N{account}", "Description": "d", "WebsiteUrl": "https://n.example",
                     "LogoUrl": "https://n.example/l.png", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                     "IndustrySegments": ["OTHER"], "TranslationSourceLocale": "en-US"},
    )
    return c.get_partner(Catalog=CAT, Identifier=p["Id"])["Profile"]["ProfileId"]


def race(*calls):
    """Run the calls at the same moment on threads; returns each one's result or ClientError."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except ClientError as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def code(result):
    return result.response["Error"]["Code"] if isinstance(result, ClientError) else "OK"


def reason(result):
    return result.response.get("Reason") if isinstance(result, ClientError) else None


def test_invitation_crosses_three_nodes(cluster):
    a, b = new_account(), new_account()
    a1, b2, b3, a3 = (node_client(cluster, 0, a), node_client(cluster, 1, b),
                      node_client(cluster, 2, b), node_client(cluster, 2, a))
    published_partner(a1, a)
    pb = published_partner(b2, b)
    inv = a1.create_connection_invitation(Catalog=CAT, ConnectionType="OPPORTUNITY_COLLABORATION",
                                          ReceiverIdentifier=pb, Email="a@nodes.example", Name="A",
                                          Message="hi", ClientToken=str(uuid.uuid4()))["Id"]
    conn = b2.accept_connection_invitation(Catalog=CAT, Identifier=inv, ClientToken=str(uuid.uuid4()))["Connection"]
    assert b3.get_connection(Catalog=CAT, Identifier=conn["Id"])["OtherParticipantAccountId"] == a
    assert a3.get_connection(Catalog=CAT, Identifier=conn["Id"])["OtherParticipantAccountId"] == b
    assert b3.get_connection_invitation(Catalog=CAT, Identifier=inv)["Status"] == "ACCEPTED"


def test_concurrent_accepts_on_two_nodes_make_one_connection(cluster):
    for _ in range(ROUNDS // 4):
        a, b = new_account(), new_account()
        a1 = node_client(cluster, 0, a)
        published_partner(a1, a)
        published_partner(node_client(cluster, 1, b), b)
        inv = a1.create_connection_invitation(Catalog=CAT, ConnectionType="SUBSIDIARY", ReceiverIdentifier=b,
                                              Email="a@nodes.example", Name="A", Message="m",
                                              ClientToken=str(uuid.uuid4()))["Id"]
        on1, on2 = node_client(cluster, 1, b), node_client(cluster, 2, b)
        results = race(
            lambda: on1.accept_connection_invitation(Catalog=CAT, Identifier=inv, ClientToken=str(uuid.uuid4())),
            lambda: on2.accept_connection_invitation(Catalog=CAT, Identifier=inv, ClientToken=str(uuid.uuid4())),
        )
        assert sorted(code(r) for r in results) == ["ConflictException", "OK"], results
        loser = next(r for r in results if isinstance(r, ClientError))
        assert reason(loser) == "INCOMPATIBLE_CONNECTION_INVITATION_STATE"
        assert len(a1.list_connections(Catalog=CAT)["ConnectionSummaries"]) == 1


def test_same_client_token_on_two_nodes_runs_once(cluster):
    a, b = new_account(), new_account()
    a1, a2 = node_client(cluster, 0, a), node_client(cluster, 1, a)
    published_partner(a1, a)
    published_partner(node_client(cluster, 2, b), b)
    for _ in range(ROUNDS // 2):
        token = str(uuid.uuid4())
        # The same create on two nodes at once; it is cancelled afterwards so the next round can invite again.
        create = dict(Catalog=CAT, ConnectionType="SUBSIDIARY", ReceiverIdentifier=b, Email="a@nodes.example",
                      Name="A", Message="m", ClientToken=token)
        results = race(lambda: a1.create_connection_invitation(**create),
                       lambda: a2.create_connection_invitation(**create))
        assert [code(r) for r in results] == ["OK", "OK"], results
        assert results[0]["Id"] == results[1]["Id"], "the same token must execute once"
        pending = a1.list_connection_invitations(Catalog=CAT, Status="PENDING")["ConnectionInvitationSummaries"]
        assert [i["Id"] for i in pending] == [results[0]["Id"]]
        a1.cancel_connection_invitation(Catalog=CAT, Identifier=results[0]["Id"], ClientToken=str(uuid.uuid4()))


def test_crossing_invitations_cannot_both_succeed(cluster):
    for _ in range(ROUNDS // 4):
        a, b = new_account(), new_account()
        a1, b2 = node_client(cluster, 0, a), node_client(cluster, 1, b)
        pa, pb = published_partner(a1, a), published_partner(b2, b)
        results = race(
            lambda: a1.create_connection_invitation(Catalog=CAT, ConnectionType="OPPORTUNITY_COLLABORATION",
                                                    ReceiverIdentifier=pb, Email="a@n.example", Name="A",
                                                    Message="m", ClientToken=str(uuid.uuid4())),
            lambda: b2.create_connection_invitation(Catalog=CAT, ConnectionType="OPPORTUNITY_COLLABORATION",
                                                    ReceiverIdentifier=pa, Email="b@n.example", Name="B",
                                                    Message="m", ClientToken=str(uuid.uuid4())),
        )
        assert sorted(code(r) for r in results) == ["ConflictException", "OK"], results
        assert reason(next(r for r in results if isinstance(r, ClientError))) == "DUPLICATE_CONNECTION_INVITATION"
        pending = a1.list_connection_invitations(Catalog=CAT, Status="PENDING")["ConnectionInvitationSummaries"]
        assert len(pending) == 1


def test_one_revision_has_one_winner(cluster):
    a = new_account()
    a1, a2 = node_client(cluster, 0, a), node_client(cluster, 1, a)
    for _ in range(ROUNDS):
        revision = a1.get_connection_preferences(Catalog=CAT)["Revision"]
        results = race(
            lambda: a1.update_connection_preferences(Catalog=CAT, Revision=revision, AccessType="DENY_ALL"),
            lambda: a2.update_connection_preferences(Catalog=CAT, Revision=revision, AccessType="ALLOW_ALL"),
        )
        codes = sorted(code(r) for r in results)
        assert codes == ["ConflictException", "OK"], results
        assert a2.get_connection_preferences(Catalog=CAT)["Revision"] == revision + 1


def test_next_token_clock_and_quotas_are_shared(cluster):
    a = new_account()
    a1, a2, a3 = (node_client(cluster, i, a) for i in range(3))
    published_partner(a1, a)
    receivers = [new_account() for _ in range(3)]
    for r in receivers:
        a1.create_connection_invitation(Catalog=CAT, ConnectionType="SUBSIDIARY", ReceiverIdentifier=r,
                                        Email="a@n.example", Name="A", Message="m", ClientToken=str(uuid.uuid4()))
    page1 = a1.list_connection_invitations(Catalog=CAT, MaxResults=2)
    page2 = a2.list_connection_invitations(Catalog=CAT, MaxResults=2, NextToken=page1["NextToken"])
    seen = [i["OtherParticipantIdentifier"]
            for i in page1["ConnectionInvitationSummaries"] + page2["ConnectionInvitationSummaries"]]
    assert sorted(seen) == sorted(receivers) and "NextToken" not in page2

    # Clock: advanced through node 3, seen by node 1.
    req = urllib.request.Request(f"http://127.0.0.1:{cluster.ports[2]}/_pcentral/clock/advance",
                                 data=json.dumps({"by": "1h"}).encode(), method="POST", headers=ADMIN_HEADERS)
    moved = json.load(urllib.request.urlopen(req, timeout=10))
    seen_by_1 = json.load(urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports[0]}/_pcentral/clock", timeout=10))
    assert seen_by_1["offset_seconds"] >= moved["offset_seconds"] >= 3600

    # Quota: 5 visibility changes a day, spread over three nodes.
    pid = a1.list_partners(Catalog=CAT)["PartnerSummaryList"][0]["Id"]
    for i in range(5):
        (a1, a2, a3)[i % 3].put_profile_visibility(Catalog=CAT, Identifier=pid, Visibility="PUBLIC")
    with pytest.raises(ClientError) as e:
        a2.put_profile_visibility(Catalog=CAT, Identifier=pid, Visibility="PUBLIC")
    assert e.value.response["Reason"] == "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY"


def test_concurrent_quota_use_never_exceeds_the_limit(cluster):
    a = new_account()
    clients = [node_client(cluster, i % 3, a) for i in range(8)]
    published_partner(clients[0], a)
    pid = clients[0].list_partners(Catalog=CAT)["PartnerSummaryList"][0]["Id"]
    results = race(*[
        (lambda c=c: c.put_profile_visibility(Catalog=CAT, Identifier=pid, Visibility="PRIVATE")) for c in clients
    ])
    assert sum(1 for r in results if code(r) == "OK") == 5, [code(r) for r in results]
    assert all(reason(r) == "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY"
               for r in results if isinstance(r, ClientError))


def test_two_updates_with_one_last_modified_date_have_one_winner(cluster):
    """UpdateOpportunity's LastModifiedDate on two nodes at once: one success, one ConflictException."""
    account = new_account()
    clients = [
        _SESSION.create_client("partnercentral-selling", region_name="us-east-1",
                               endpoint_url=f"http://127.0.0.1:{cluster.ports[node]}", aws_access_key_id=account,
                               aws_secret_access_key="test", config=_CONFIG)
        for node in (0, 1)
    ]
    made = clients[0].create_opportunity(
        Catalog=CAT, Customer={"Account": {"CompanyName": "Race Corp"}}, LifeCycle={"Stage": "Prospect"})
    for i in range(max(ROUNDS // 10, 5)):
        got = clients[1].get_opportunity(Catalog=CAT, Identifier=made["Id"])
        date = got["LastModifiedDate"]
        results = race(*[
            (lambda c=c, n=n: c.update_opportunity(
                Catalog=CAT, Identifier=made["Id"], LastModifiedDate=date,
                Customer={"Account": {"CompanyName": f"Race {i} node {n}"}}, LifeCycle={"Stage": "Qualified"}))
            for n, c in enumerate(clients)
        ])
        assert sorted(code(r) for r in results) == ["ConflictException", "OK"], [code(r) for r in results]
        winner = next(n for n, r in enumerate(results) if code(r) == "OK")
        after = clients[0].get_opportunity(Catalog=CAT, Identifier=made["Id"])
        assert after["Customer"]["Account"]["CompanyName"] == f"Race {i} node {winner}"
        assert after["LastModifiedDate"] == results[winner]["LastModifiedDate"] > date


def selling_client(cluster, node, account):
    return _SESSION.create_client("partnercentral-selling", region_name="us-east-1",
                                  endpoint_url=f"http://127.0.0.1:{cluster.ports[node]}", aws_access_key_id=account,
                                  aws_secret_access_key="test", config=_CONFIG)


def engagement_invitation(cluster):
    """A and B connected (OPPORTUNITY_COLLABORATION) on node 0; A's engagement and its invitation to B."""
    a, b = new_account(), new_account()
    a1 = node_client(cluster, 0, a)
    published_partner(a1, a)
    pb = published_partner(node_client(cluster, 1, b), b)
    inv = a1.create_connection_invitation(Catalog=CAT, ConnectionType="OPPORTUNITY_COLLABORATION",
                                          ReceiverIdentifier=pb, Email="a@nodes.example", Name="A", Message="m",
                                          ClientToken=str(uuid.uuid4()))["Id"]
    node_client(cluster, 1, b).accept_connection_invitation(Catalog=CAT, Identifier=inv,
                                                            ClientToken=str(uuid.uuid4()))
    sa = selling_client(cluster, 0, a)
    engagement = sa.create_engagement(Catalog=CAT, ClientToken=str(uuid.uuid4()), Title="Race",
                                      Description="d")["Id"]
    sent = sa.create_engagement_invitation(
        Catalog=CAT, ClientToken=str(uuid.uuid4()), EngagementIdentifier=engagement,
        Invitation={"Message": "m", "Receiver": {"Account": {"AwsAccountId": b}},
                    "Payload": {"LeadInvitation": {"Customer": {"CompanyName": "Race Corp"},
                                                   "Interaction": {"ContactBusinessTitle": "CIO"}}}})["Id"]
    return a, b, engagement, sent


def members(cluster, account, engagement):
    listed = selling_client(cluster, 2, account).list_engagement_members(Catalog=CAT, Identifier=engagement)
    return [m["AccountId"] for m in listed["EngagementMemberList"]]


def test_two_accepts_of_one_engagement_invitation_have_one_winner(cluster):
    for _ in range(max(ROUNDS // 10, 5)):
        a, b, engagement, inv = engagement_invitation(cluster)
        on0, on1 = selling_client(cluster, 0, b), selling_client(cluster, 1, b)
        results = race(lambda: on0.accept_engagement_invitation(Catalog=CAT, Identifier=inv),
                       lambda: on1.accept_engagement_invitation(Catalog=CAT, Identifier=inv))
        assert sorted(code(r) for r in results) == ["ConflictException", "OK"], results
        assert members(cluster, a, engagement) == [a, b]
        got = selling_client(cluster, 2, a).get_engagement_invitation(Catalog=CAT, Identifier=inv)
        assert got["Status"] == "ACCEPTED"


def test_an_accept_racing_a_rejection_or_the_expiry_ends_consistent(cluster):
    outcomes = set()
    for i in range(max(ROUNDS // 10, 6)):
        a, b, engagement, inv = engagement_invitation(cluster)
        accept = selling_client(cluster, 0, b)
        if i % 2 == 0:
            other = selling_client(cluster, 1, b)
            results = race(lambda: accept.accept_engagement_invitation(Catalog=CAT, Identifier=inv),
                           lambda: other.reject_engagement_invitation(Catalog=CAT, Identifier=inv,
                                                                      RejectionReason="race"))
            assert sorted(code(r) for r in results) == ["ConflictException", "OK"], results
        else:
            # The service clock moves past the expiry (15 days) through node 1 while node 0 accepts.
            def expire():
                req = urllib.request.Request(f"http://127.0.0.1:{cluster.ports[1]}/_pcentral/clock/advance",
                                             data=json.dumps({"by": "15d"}).encode(), method="POST",
                                             headers=ADMIN_HEADERS)
                return json.load(urllib.request.urlopen(req, timeout=10))

            results = race(lambda: accept.accept_engagement_invitation(Catalog=CAT, Identifier=inv), expire)
            assert code(results[0]) in ("OK", "ConflictException"), results
        status = selling_client(cluster, 2, a).get_engagement_invitation(Catalog=CAT, Identifier=inv)["Status"]
        # One consistent state: accepted with B a member, or not accepted and B no member.
        assert (status == "ACCEPTED") == (members(cluster, a, engagement) == [a, b]), status
        assert status in ("ACCEPTED", "REJECTED", "EXPIRED")
        outcomes.add(status)
    assert "REJECTED" in outcomes or "ACCEPTED" in outcomes
