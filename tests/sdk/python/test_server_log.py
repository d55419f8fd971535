"""What the server's log says about refused requests: a refused signature names the check that
failed (the client still gets AWS's error type and wording), a request refused because of a
setting names the setting (docs/behaviour.md#authentication, docs/behaviour.md#quotas), and each
request's line names the operation its X-Amz-Target names, even when the request was refused before
it ran, with its latency in milliseconds to the microsecond. The suite's server writes its log to
server.log in its directory (conftest.py)."""

import datetime as dt
import re

from helpers import (
    create_partner, expect_error, latest_code, log_line, log_offset, new_account, unique_email,
)

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")


def test_a_wrong_secret_is_logged_as_a_signature_mismatch_with_the_local_secret(client, server):
    account = new_account()
    mark = log_offset(server)
    resp = expect_error(client(account, secret="wrong").list_partners, "InvalidSignatureException", None, 403,
                        Catalog="Sandbox")
    assert resp["Error"]["Message"] == MISMATCH, resp
    line = log_line(server, mark, "authentication refused", account)
    assert "signature mismatch" in line and "its secret is test" in line, line


def test_clock_skew_is_logged_as_such(raw, server):
    account = new_account()
    mark = log_offset(server)
    r = raw("ListPartners", {"Catalog": "Sandbox"}, account=account,
            sign_time=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20))
    assert r.status == 403 and r.error_type == "InvalidSignatureException", r
    assert r.json["Message"].startswith("Signature expired"), r
    assert "clock skew" in log_line(server, mark, "authentication refused", account)


def test_a_quota_refusal_names_its_setting(client, server):
    c = client(new_account())
    email = unique_email("quota-log")
    for _ in range(5):
        c.send_email_verification_code(Catalog="AWS", Email=email)
    mark = log_offset(server)
    expect_error(c.send_email_verification_code, "ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_EMAIL",
                 402, Catalog="AWS", Email=email)
    line = log_line(server, mark, "refused by a setting", "SendEmailVerificationCode")
    assert "email_codes_per_day" in line, line


def test_the_verification_gate_names_its_setting(client, admin, server):
    c = client(new_account())
    email = unique_email("gate-log")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    mark = log_offset(server)
    expect_error(create_partner, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400,
                 client=c, catalog="AWS", email=email, code=latest_code(admin, email))
    line = log_line(server, mark, "refused by a setting", "CreatePartner")
    assert "require_verification_for_aws_catalog" in line, line


def test_sandbox_tags_refusal_names_its_setting(client, server):
    mark = log_offset(server)
    expect_error(create_partner, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                 client=client(new_account()), Tags=[{"Key": "team", "Value": "a"}])
    assert "sandbox_allow_tags" in log_line(server, mark, "refused by a setting", "CreatePartner")


# The request line: `api account=… operation=… status=… error=… latency_ms=…`, one per API request,
# inside the request's span (so it carries the request id the client got in x-amzn-RequestId).
LATENCY = re.compile(r"\blatency_ms=(\S+)")


def request_line(server, mark, response):
    request_id = response.header("x-amzn-RequestId")
    assert request_id, response
    return log_line(server, mark, f"request_id={request_id}", " api ")


def listed_request(admin, response):
    status, listed = admin("GET", "/_pcentral/requests?limit=50")
    assert status == 200, listed
    request_id = response.header("x-amzn-RequestId")
    return next(r for r in listed["requests"] if r["request_id"] == request_id)


def test_a_refused_signature_is_logged_with_the_operation_its_target_names(raw, admin, server):
    mark = log_offset(server)
    r = raw("ListPartners", {"Catalog": "Sandbox"}, account=new_account(), secret="wrong")
    assert r.status == 403 and r.error_type == "InvalidSignatureException", r
    line = request_line(server, mark, r)
    assert 'operation="ListPartners"' in line and "status=403" in line, line
    assert 'error="InvalidSignatureException"' in line, line
    assert listed_request(admin, r)["operation"] == "ListPartners"


def test_a_target_the_model_does_not_have_is_logged_without_an_operation(raw, admin, server):
    mark = log_offset(server)
    r = raw(None, {}, account=new_account(), target="PartnerCentralAccount.NoSuchOperation")
    assert r.error_type == "UnknownOperationException", r
    line = request_line(server, mark, r)
    assert 'operation="-"' in line and "NoSuchOperation" not in line, line
    assert listed_request(admin, r)["operation"] is None


def test_latencies_are_logged_in_milliseconds_to_the_microsecond(raw, admin, server):
    mark = log_offset(server)
    ok = raw("ListPartners", {"Catalog": "Sandbox"}, account=new_account())
    assert ok.status == 200, ok
    refused = raw("ListPartners", {"Catalog": "Sandbox"}, account=new_account(), secret="wrong")
    assert admin("GET", "/_pcentral/clock")[0] == 200
    lines = [request_line(server, mark, ok), request_line(server, mark, refused),
             log_line(server, mark, " admin ", 'path="/_pcentral/clock"')]
    for line in lines:
        latencies = LATENCY.findall(line)
        assert len(latencies) == 1, line
        assert re.fullmatch(r"\d+(\.\d{1,3})?", latencies[0]), line
