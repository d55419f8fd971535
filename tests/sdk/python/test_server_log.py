"""What the server's log says about refused requests: a refused signature names the check that
failed (the client still gets AWS's error type and wording) (docs/behaviour.md#authentication).
The suite's server writes its log to server.log in its directory (conftest.py)."""

import datetime as dt

from helpers import expect_error, log_line, log_offset, new_account

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
