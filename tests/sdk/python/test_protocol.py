"""Protocol and authentication errors (docs/behaviour.md#protocol,
docs/behaviour.md#authentication), response headers, timestamp format, built operations and
registered credentials."""

import datetime as dt
import hashlib
import json

import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import (
    MILESTONE_OPERATIONS, PARTNER_ID_RE, TS_RE, alliance_lead, create_partner, expect_error, field_errors,
    new_account, strip, task_details, unique_legal_name,
)

LIST_OK = {"Catalog": "Sandbox"}
MIB = 1024 * 1024


def _short(value):
    return (value or "").split("#")[-1].split(":")[0]


def check_common_headers(r):
    assert r.header("x-amzn-RequestId"), f"missing x-amzn-RequestId: {r}"
    date = r.header("Date")
    assert date, f"missing Date: {r}"
    sent = dt.datetime.strptime(date, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)
    # the Date header is the wall clock (never the service clock)
    assert abs((sent - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 120, date


def check_error(r, status, error_type):
    assert r.status == status, f"expected {status} {error_type}, got {r}"
    assert isinstance(r.json, dict), f"error body is not a JSON object: {r}"
    assert r.error_type == error_type, f"expected {error_type}, got {r}"
    assert isinstance(r.json.get("Message"), str) and r.json["Message"], f"no Message: {r}"
    assert _short(r.header("x-amzn-ErrorType")) == error_type, f"x-amzn-ErrorType mismatch: {r}"
    check_common_headers(r)


def _now():
    return dt.datetime.now(dt.timezone.utc)


PROTOCOL_CASES = [
    # id, operation, raw kwargs, status, __type, text expected in Message (or None)
    ("not-json", "ListPartners", {"body": b"hello"}, 400, "SerializationException", None),
    ("truncated-json", "ListPartners", {"body": b'{"Catalog": "Sandbox"'}, 400, "SerializationException", None),
    ("json-array", "ListPartners", {"body": b'[{"Catalog": "Sandbox"}]'}, 400, "SerializationException", None),
    ("json-string", "ListPartners", {"body": b'"Sandbox"'}, 400, "SerializationException", None),
    ("json-null", "ListPartners", {"body": b"null"}, 400, "SerializationException", None),
    ("invalid-utf8", "ListPartners", {"body": b'{"Catalog": "Sand\xffbox"}'}, 400, "SerializationException", None),
    ("duplicate-keys", "ListPartners", {"body": b'{"Catalog": "Sandbox", "Catalog": "AWS"}'}, 400,
     "SerializationException", None),
    ("wrong-type-number", "ListPartners", {"body": b'{"Catalog": 42}'}, 400, "SerializationException", "Catalog"),
    ("wrong-type-list", "GetPartner", {"body": b'{"Catalog": "Sandbox", "Identifier": ["partner-0123456789abc"]}'},
     400, "SerializationException", "Identifier"),
    ("wrong-type-nested-struct", "CreatePartner",
     {"body": json.dumps({"Catalog": "Sandbox", "LegalName": "X", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                          "AllianceLeadContact": "Ana Lee", "EmailVerificationCode": "123456"})},
     400, "SerializationException", "AllianceLeadContact"),
    ("wrong-type-list-member", "StartProfileUpdateTask",
     {"body": json.dumps({"Catalog": "Sandbox", "Identifier": "partner-0123456789abc",
                          "TaskDetails": task_details(IndustrySegments="OTHER")})},
     400, "SerializationException", "IndustrySegments"),
    ("wrong-type-bool", "ListPartners", {"body": b'{"Catalog": true}'}, 400, "SerializationException", None),
    ("nested-duplicate-keys", "StartProfileUpdateTask",
     {"body": b'{"Catalog": "Sandbox", "Identifier": "partner-0123456789abc", '
              b'"TaskDetails": {"DisplayName": "a", "DisplayName": "b"}}'}, 400, "SerializationException", None),
    ("wrong-type-in-list", "StartProfileUpdateTask",
     {"body": json.dumps({"Catalog": "Sandbox", "Identifier": "partner-0123456789abc",
                          "TaskDetails": task_details(IndustrySegments=[7])})}, 400, "SerializationException", None),
    ("trailing-garbage", "ListPartners", {"body": b'{"Catalog": "Sandbox"} x'}, 400, "SerializationException", None),
    ("two-objects", "ListPartners", {"body": b'{"Catalog": "Sandbox"}{"Catalog": "AWS"}'}, 400,
     "SerializationException", None),
    ("too-large", "ListPartners",
     {"body": b'{"Catalog": "Sandbox", "Padding": "' + b"a" * MIB + b'"}'}, 413, "RequestEntityTooLargeException",
     None),
    ("no-target", None, {"body": LIST_OK, "omit_target": True}, 400, "UnknownOperationException", None),
    ("wrong-prefix", None, {"body": LIST_OK, "target": "PartnerCentralSelling.ListPartners"}, 400,
     "UnknownOperationException", None),
    ("unknown-operation", None, {"body": LIST_OK, "target": "PartnerCentralAccount.DeleteEverything"}, 400,
     "UnknownOperationException", None),
    ("no-operation", None, {"body": LIST_OK, "target": "PartnerCentralAccount."}, 400,
     "UnknownOperationException", None),
    ("no-authorization", "ListPartners", {"body": LIST_OK, "sign": False}, 403,
     "MissingAuthenticationTokenException", None),
    ("wrong-secret", "ListPartners", {"body": LIST_OK, "secret": "not-test"}, 403, "InvalidSignatureException",
     None),
    ("malformed-authorization", "ListPartners",
     {"body": LIST_OK, "override_headers": {"Authorization": "AWS4-HMAC-SHA256 garbage"}}, 403,
     "IncompleteSignatureException", None),
    ("authorization-without-signature", "ListPartners",
     {"body": LIST_OK, "override_headers": {
         "Authorization": "AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/partnercentral-account/"
                          "aws4_request, SignedHeaders=host;x-amz-date"}}, 403, "IncompleteSignatureException", None),
    ("body-changed-after-signing", "ListPartners",
     {"body": b'{"Catalog": "AWS"}', "signed_body": b'{"Catalog": "Sandbox"}'}, 403,
     "InvalidSignatureException", None),
    ("content-sha256-mismatch", "ListPartners",
     {"body": LIST_OK, "extra_headers": {"X-Amz-Content-SHA256": "0" * 64}}, 403, "InvalidSignatureException",
     None),
]


@pytest.mark.parametrize("operation,kwargs,status,error_type,mentions",
                         [c[1:] for c in PROTOCOL_CASES], ids=[c[0] for c in PROTOCOL_CASES])
def test_protocol_error(raw, operation, kwargs, status, error_type, mentions):
    r = raw(operation, **kwargs)
    check_error(r, status, error_type)
    if mentions:
        assert mentions in r.json["Message"], r


def test_signature_expired(raw):
    r = raw("ListPartners", LIST_OK, sign_time=_now() - dt.timedelta(minutes=20))
    check_error(r, 403, "InvalidSignatureException")
    assert r.json["Message"].startswith("Signature expired"), r


def test_signature_not_yet_current(raw):
    r = raw("ListPartners", LIST_OK, sign_time=_now() + dt.timedelta(minutes=20))
    check_error(r, 403, "InvalidSignatureException")
    assert r.json["Message"].startswith("Signature not yet current"), r


def test_small_skew_is_accepted(raw):
    r = raw("ListPartners", LIST_OK, sign_time=_now() - dt.timedelta(minutes=10))
    assert r.status == 200, r


@pytest.mark.parametrize("operation", MILESTONE_OPERATIONS)
def test_milestone_operations_are_built(raw, operation):
    r = raw(operation, {"Catalog": "Sandbox"}, account=new_account())
    assert r.status != 501 and r.error_type != "NotImplementedException", r
    check_common_headers(r)


def test_wrong_secret_through_boto3(client):
    expect_error(client("111111111111", secret="wrong").list_partners, "InvalidSignatureException", None, 403,
                 Catalog="Sandbox")


# ---------------------------------------------------------------------------------------------- lenient input

def test_empty_body_reads_as_empty_object(raw):
    r = raw("ListPartners", b"")
    assert r.status == 400, r
    assert r.error_type == "ValidationException", r
    assert field_errors(r.json["ErrorDetails"]) == [("Catalog", "REQUIRED_FIELD_MISSING")]
    check_common_headers(r)


def test_null_member_is_absent(raw):
    account = new_account()
    r = raw("ListPartners", b'{"Catalog": "Sandbox", "NextToken": null}', account=account)
    assert r.status == 200, r
    assert r.json == {"PartnerSummaryList": []}, r
    # a null required member is missing
    r = raw("ListPartners", b'{"Catalog": null}', account=account)
    assert r.status == 400 and field_errors(r.json["ErrorDetails"]) == [("Catalog", "REQUIRED_FIELD_MISSING")], r


def test_unknown_members_ignored(raw):
    r = raw("ListPartners", {"Catalog": "Sandbox", "Surprise": {"nested": [1, 2, 3]}, "MaxResults": 5},
            account=new_account())
    assert r.status == 200, r
    assert r.json["PartnerSummaryList"] == []


def test_unknown_nested_members_ignored(raw):
    account = new_account()
    lead = dict(alliance_lead(), MiddleName="Q", Phone={"n": 1})
    body = {"Catalog": "Sandbox", "LegalName": unique_legal_name("Nested"), "PrimarySolutionType": "SOFTWARE_PRODUCTS",
            "AllianceLeadContact": lead, "EmailVerificationCode": "123456", "Extra": None}
    r = raw("CreatePartner", body, account=account)
    assert r.status == 200, r
    assert "MiddleName" not in r.json["AllianceLeadContact"], r


def test_empty_body_for_an_operation_without_required_members(raw):
    # StartVerification has no required member in the model: an empty body reads as {}, passes
    # the model's checks, and reaches the operation, which needs VerificationDetails to start.
    r = raw("StartVerification", b"", account=new_account())
    assert r.status == 400 and r.error_type == "ValidationException", r
    assert field_errors(r.json["ErrorDetails"]) == [("VerificationDetails", "REQUIRED_FIELD_MISSING")], r


def test_content_type_and_path_are_ignored(raw):
    account = new_account()
    r = raw("ListPartners", LIST_OK, account=account, content_type="application/json")
    assert r.status == 200, r
    r = raw("ListPartners", LIST_OK, account=account, content_type="application/x-amz-json-1.0; charset=utf-8")
    assert r.status == 200, r
    r = raw("ListPartners", LIST_OK, account=account, path="/some/prefix")
    assert r.status == 200, r
    assert r.json == {"PartnerSummaryList": []}


def test_success_headers_and_timestamps(raw):
    account = new_account()
    name = unique_legal_name("Raw")
    body = {"Catalog": "Sandbox", "LegalName": name, "PrimarySolutionType": "HARDWARE_PRODUCTS",
            "AllianceLeadContact": alliance_lead(), "EmailVerificationCode": "123456"}
    r = raw("CreatePartner", body, account=account)
    assert r.status == 200, r
    check_common_headers(r)
    assert (r.header("Content-Type") or "").startswith("application/x-amz-json-1.0"), r
    created = r.json
    assert TS_RE.match(created["CreatedAt"]), created["CreatedAt"]
    assert PARTNER_ID_RE.match(created["Id"])
    assert "null" not in r.body.decode(), r  # absent members are omitted, never null
    pid = created["Id"]

    r = raw("GetPartner", {"Catalog": "Sandbox", "Identifier": pid}, account=account)
    assert r.status == 200 and r.json["CreatedAt"] == created["CreatedAt"], r
    r = raw("ListPartners", LIST_OK, account=account)
    assert r.status == 200 and TS_RE.match(r.json["PartnerSummaryList"][0]["CreatedAt"]), r
    assert "NextToken" not in r.json

    r = raw("StartProfileUpdateTask", {"Catalog": "Sandbox", "Identifier": pid, "TaskDetails": task_details()},
            account=account)
    assert r.status == 200, r
    assert TS_RE.match(r.json["StartedAt"]) and "EndedAt" not in r.json, r
    r = raw("GetProfileUpdateTask", {"Catalog": "Sandbox", "Identifier": pid}, account=account)
    assert r.status == 200 and r.json["Status"] == "SUCCEEDED", r
    assert TS_RE.match(r.json["StartedAt"]) and TS_RE.match(r.json["EndedAt"]), r
    assert r.json["EndedAt"] >= r.json["StartedAt"]

    # operations without output members answer exactly {}
    r = raw("SendEmailVerificationCode", {"Catalog": "Sandbox", "Email": "raw@example.com"}, account=account)
    assert r.status == 200 and r.json == {}, r

    # request ids are unique per response
    ids = {raw("ListPartners", LIST_OK, account=account).header("x-amzn-RequestId") for _ in range(3)}
    assert len(ids) == 3


def test_modeled_error_format(raw):
    r = raw("GetPartner", {"Catalog": "Sandbox", "Identifier": "partner-0123456789abc"}, account=new_account())
    check_error(r, 404, "ResourceNotFoundException")
    assert r.json["Reason"] == "PARTNER_NOT_FOUND"


# ---------------------------------------------------------------------------------------------- credentials

def test_registered_credentials(admin, client, raw):
    account = new_account()
    status, creds = admin("POST", "/_pcentral/credentials", {"account": account})
    assert status in (200, 201), (status, creds)
    assert creds["account"] == account
    key, secret = creds["access_key_id"], creds["secret_access_key"]
    assert key and secret and secret != "test"

    reg = client(account, access_key=key, secret=secret)
    p = create_partner(reg)
    assert f":{account}:catalog/Sandbox/partner/" in p["Arn"]
    # the same account through the local convention sees the partner
    listed = strip(client(account).list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    assert [x["Id"] for x in listed] == [p["Id"]]

    # listing never shows secrets
    status, listing = admin("GET", "/_pcentral/credentials")
    assert status == 200, listing
    mine = [c for c in listing["credentials"] if c["access_key_id"] == key]
    assert len(mine) == 1 and mine[0]["account"] == account and mine[0]["created_at"], listing
    assert secret not in json.dumps(listing)

    # a wrong secret for a registered key is refused
    r = raw("ListPartners", LIST_OK, access_key=key, secret=secret + "x")
    check_error(r, 403, "InvalidSignatureException")


def test_registered_credentials_via_cli(pcentral, client):
    account = new_account()
    proc = pcentral("credentials", "create", "--account", account)
    assert proc.returncode == 0, proc.stderr
    creds = json.loads(proc.stdout)
    assert creds["account"] == account
    reg = client(account, access_key=creds["access_key_id"], secret=creds["secret_access_key"])
    assert strip(reg.list_partners(Catalog="Sandbox")) == {"PartnerSummaryList": []}
    p = create_partner(reg)
    assert f":{account}:" in p["Arn"]


def test_non_account_key_maps_to_default_account(client):
    c = client(access_key="AKIDEXAMPLE", secret="test")
    p = create_partner(c, legal_name=unique_legal_name("Default Account"))
    assert ":000000000000:catalog/Sandbox/partner/" in p["Arn"], p["Arn"]
    assert strip(client("000000000000").get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Id"] == p["Id"]


def test_region_of_scope_goes_into_arn(client):
    account = new_account()
    c = client(account, region="eu-west-1")
    p = create_partner(c)
    assert p["Arn"].startswith(f"arn:aws:partnercentral:eu-west-1:{account}:catalog/Sandbox/partner/"), p["Arn"]


def test_session_token_ignored_under_local_convention(server):
    account = new_account()
    c = botocore.session.Session().create_client(
        "partnercentral-account", region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id=account, aws_secret_access_key="test", aws_session_token="some-session-token",
        config=Config(retries={"total_max_attempts": 1}))
    assert strip(c.list_partners(Catalog="Sandbox")) == {"PartnerSummaryList": []}


def test_session_token_with_registered_key_is_refused(server, admin):
    account = new_account()
    status, creds = admin("POST", "/_pcentral/credentials", {"account": account})
    assert status in (200, 201), creds
    c = botocore.session.Session().create_client(
        "partnercentral-account", region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id=creds["access_key_id"], aws_secret_access_key=creds["secret_access_key"],
        aws_session_token="some-session-token", config=Config(retries={"total_max_attempts": 1}))
    expect_error(c.list_partners, "UnrecognizedClientException", None, 403, Catalog="Sandbox")


def test_health(admin):
    status, body = admin("GET", "/_pcentral/health")
    assert status == 200 and body["status"] == "ok", body


def test_body_of_exactly_one_mib_is_accepted(raw):
    head, tail = b'{"Catalog": "Sandbox", "Padding": "', b'"}'
    body = head + b"a" * (MIB - len(head) - len(tail)) + tail
    assert len(body) == MIB
    r = raw("ListPartners", body, account=new_account())
    assert r.status == 200, r
    r = raw("ListPartners", body[:-2] + b'a"}', account=new_account())
    check_error(r, 413, "RequestEntityTooLargeException")


def test_signature_variants_accepted(raw, server):
    account = new_account()
    # JS signs x-amz-content-sha256 with the real body hash
    body = json.dumps(LIST_OK).encode()
    r = raw("ListPartners", body, account=account,
            extra_headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    assert r.status == 200, r
    # Authorization parts separated by "," without spaces
    req = AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-amz-json-1.0",
                              "X-Amz-Target": "PartnerCentralAccount.ListPartners"})
    SigV4Auth(Credentials(account, "test"), "partnercentral-account", "us-east-1").add_auth(req)
    headers = dict(req.headers.items())
    headers["Authorization"] = headers["Authorization"].replace(", ", ",")
    r = raw("ListPartners", body, account=account, sign=False, override_headers=headers)
    assert r.status == 200, r


def test_unsigned_security_token_is_refused(raw):
    r = raw("ListPartners", LIST_OK, account=new_account(),
            override_headers={"X-Amz-Security-Token": "added-after-signing"})
    assert r.status == 403, r
    assert r.error_type in ("InvalidSignatureException", "IncompleteSignatureException"), r


def test_secrets_never_stored_or_logged_in_clear(server, admin, client):
    account = new_account()
    status, creds = admin("POST", "/_pcentral/credentials", {"account": account})
    assert status in (200, 201), creds
    secret = creds["secret_access_key"].encode()
    # use it, so a request signed with it is in the log too
    reg = client(account, access_key=creds["access_key_id"], secret=creds["secret_access_key"])
    assert strip(reg.list_partners(Catalog="Sandbox")) == {"PartnerSummaryList": []}
    for path in server.data_dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), f"secret in clear in {path}"
    assert secret not in server.log_path.read_bytes(), "secret in the server log"


def test_x_amz_target_wins_over_admin_path(raw):
    # a request carrying X-Amz-Target is an API call whatever its path
    r = raw("ListPartners", LIST_OK, account=new_account(), path="/_pcentral/health")
    assert r.status == 200, r
    assert r.json == {"PartnerSummaryList": []}, r
    r = raw("ListPartners", LIST_OK, path="/_pcentral/clock", sign=False)
    check_error(r, 403, "MissingAuthenticationTokenException")
