"""What boto3 users rely on beyond single calls: retries against injected faults (a retried call
that had already committed replays its success), the endpoint from
AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT, timestamps as datetimes; the faults admin API and CLI;
and a graceful stop that lets an in-flight request finish."""

import datetime as dt
import json
import signal
import threading
import time
import uuid

import boto3
import pytest
from botocore.config import Config

from conftest import REGION, SERVICE
from helpers import create_partner, expect_error, new_account, publish

CAT = "Sandbox"
RETRYING = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=30)


@pytest.fixture(autouse=True)
def no_faults(admin):
    yield
    admin("DELETE", "/_pcentral/faults")


def retrying_client(server, account):
    return boto3.session.Session().client(
        SERVICE, region_name=REGION, endpoint_url=server.endpoint_for(account),
        aws_access_key_id=account, aws_secret_access_key="test", config=RETRYING,
    )


def partner_pair(client):
    a, b = new_account(), new_account()
    ca, cb = client(a), client(b)
    for c in (ca, cb):
        publish(c, create_partner(c)["Id"])
    return a, b, ca, cb


def test_retry_after_commit_replays_the_success(server, admin, client):
    a, b, ca, _ = partner_pair(client)
    inv = ca.create_connection_invitation(Catalog=CAT, ConnectionType="SUBSIDIARY", ReceiverIdentifier=b,
                                          Email="a@a.example", Name="A", Message="m")["Id"]
    status, rule = admin("POST", "/_pcentral/faults", {"kind": "internal_after_commit",
                                                       "operation": "AcceptConnectionInvitation",
                                                       "account": b, "remaining": 1})
    assert status == 200, rule
    # boto3 fills in the ClientToken once and sends it on every attempt: the first attempt commits
    # and answers 500, the retry is replayed from the stored answer.
    accepted = retrying_client(server, b).accept_connection_invitation(Catalog=CAT, Identifier=inv)
    assert accepted["ResponseMetadata"]["RetryAttempts"] == 1
    connection = accepted["Connection"]
    assert connection["ConnectionTypes"]["SUBSIDIARY"]["Status"] == "ACTIVE"
    assert [c["Id"] for c in ca.list_connections(Catalog=CAT)["ConnectionSummaries"]] == [connection["Id"]]
    assert isinstance(connection["UpdatedAt"], dt.datetime) and connection["UpdatedAt"].tzinfo is not None
    status, faults = admin("GET", "/_pcentral/faults")
    assert faults["faults"] == [], "a rule with remaining 1 is used up"


def test_throttling_is_retried_until_the_rule_is_used_up(server, admin, client):
    account = new_account()
    status, _ = admin("POST", "/_pcentral/faults", {"kind": "throttle_before", "operation": "ListPartners",
                                                    "account": account, "remaining": 2})
    assert status == 200
    answer = retrying_client(server, account).list_partners(Catalog=CAT)
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2 and answer["PartnerSummaryList"] == []
    # With no retries left the client sees the modeled exception, with its status.
    admin("POST", "/_pcentral/faults", {"kind": "throttle_before", "operation": "ListPartners", "account": account})
    expect_error(client(account).list_partners, "ThrottlingException", None, 429, Catalog=CAT)
    # An internal error before running changes nothing.
    admin("DELETE", "/_pcentral/faults")
    admin("POST", "/_pcentral/faults", {"kind": "internal_before", "operation": "CreatePartner", "account": account})
    expect_error(lambda: create_partner(client(account)), "InternalServerException", None, 500)
    admin("DELETE", "/_pcentral/faults")
    assert client(account).list_partners(Catalog=CAT)["PartnerSummaryList"] == []


def test_faults_through_the_cli(pcentral, admin):
    added = pcentral("faults", "add", "--kind", "delay", "--operation", "GetPartner", "--delay-ms", "10")
    assert added.returncode == 0, added.stderr
    rule_id = json.loads(added.stdout)["id"]
    listed = json.loads(pcentral("faults", "list").stdout)["faults"]
    assert [r["id"] for r in listed] == [rule_id] and listed[0]["kind"] == "delay"
    assert pcentral("faults", "remove", rule_id).returncode == 0
    assert admin("GET", "/_pcentral/faults")[1]["faults"] == []
    pcentral("faults", "add", "--kind", "throttle-before")
    assert pcentral("faults", "clear").returncode == 0
    assert admin("GET", "/_pcentral/faults")[1]["faults"] == []
    bad = pcentral("faults", "add", "--kind", "delay")
    assert bad.returncode != 0 and "delay_ms" in bad.stderr


def test_endpoint_comes_from_the_service_specific_variable(server, monkeypatch):
    account = new_account()
    monkeypatch.setenv("AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT", server.endpoint_for(account))
    c = boto3.session.Session().client(SERVICE, region_name="eu-west-1", aws_access_key_id=account,
                                       aws_secret_access_key="test")
    prefs = c.get_connection_preferences(Catalog=CAT)
    # The ARN carries the region the client signed with.
    assert prefs["Arn"] == f"arn:aws:partnercentral:eu-west-1:{account}:catalog/{CAT}/connection-preferences"


def test_sigterm_lets_an_in_flight_request_finish(server, admin, client):
    account = new_account()
    admin("POST", "/_pcentral/faults", {"kind": "delay", "operation": "ListPartners", "delay_ms": 1500})
    c = client(account)
    result = {}

    def call():
        try:
            result["answer"] = c.list_partners(Catalog=CAT)
        except Exception as e:  # noqa: BLE001 - the assertion below reports it
            result["error"] = e

    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.5)
    node = server.procs[0]
    node.send_signal(signal.SIGTERM)
    t.join(timeout=20)
    assert "answer" in result, result.get("error")
    assert node.wait(timeout=20) == 0, "a graceful stop exits 0"
    server.stop()  # any other nodes, then the whole deployment again for the rest of the module
    server.start()
    admin("DELETE", "/_pcentral/faults")
