"""What the server's log says about refused requests: a refused signature names the check that
failed (the client still gets AWS's error type and wording), and a request refused because of a
setting names the setting (docs/behaviour.md#authentication, docs/behaviour.md#quotas). The
suite's server writes its log to server.log in its directory (conftest.py)."""

import datetime as dt

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
