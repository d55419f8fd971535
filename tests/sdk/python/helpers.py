"""Shared helpers for the pcentral Python black-box suite (no fixtures here; see conftest.py)."""

import datetime as _dt
import json
import random
import re
import secrets
import time

import pytest
from botocore.exceptions import ClientError

CATALOG = "Sandbox"
SANDBOX_CODE = "123456"

TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PARTNER_ID_RE = re.compile(r"^partner-[A-Za-z0-9]{13}$")
TASK_ID_RE = re.compile(r"^pprofiletask-[A-Za-z0-9]{13}$")
PROFILE_ID_RE = re.compile(r"^pprofile-[A-Za-z0-9]{13}$")

# The operations of the first milestone: never 501.
MILESTONE_OPERATIONS = [
    "SendEmailVerificationCode", "CreatePartner", "GetPartner", "ListPartners", "StartProfileUpdateTask",
    "GetProfileUpdateTask", "CancelProfileUpdateTask", "GetProfileVisibility", "PutProfileVisibility",
]

_RESERVED_ACCOUNTS = {"000000000000", "111111111111", "222222222222", "333333333333"}


def new_account():
    """A random 12-digit account id, distinct from the fixed ones used by the story tests."""
    while True:
        acct = str(random.randint(100000000000, 999999999999))
        if acct not in _RESERVED_ACCOUNTS:
            return acct


def uniq(prefix="x"):
    return f"{prefix}-{secrets.token_hex(5)}"


def unique_email(prefix="lead"):
    return f"{prefix}-{secrets.token_hex(5)}@example.com"


def unique_legal_name(prefix="Example Corp"):
    return f"{prefix} {secrets.token_hex(5)}"


def alliance_lead(email=None, first="Ana", last="Lee", title="Alliance Lead"):
    return {
        "FirstName": first,
        "LastName": last,
        "Email": email or unique_email(),
        "BusinessTitle": title,
    }


def create_partner(client, catalog=CATALOG, legal_name=None, email=None, code=SANDBOX_CODE,
                   solution="SOFTWARE_PRODUCTS", **extra):
    """CreatePartner with sensible defaults; returns the response without ResponseMetadata."""
    params = {
        "Catalog": catalog,
        "LegalName": legal_name or unique_legal_name(),
        "PrimarySolutionType": solution,
        "AllianceLeadContact": alliance_lead(email),
        "EmailVerificationCode": code,
    }
    params.update(extra)
    return strip(client.create_partner(**params))


def task_details(**overrides):
    details = {
        "DisplayName": "Example Display",
        "Description": "We build example things for example customers.",
        "WebsiteUrl": "https://www.example.com",
        "LogoUrl": "https://www.example.com/logo.png",
        "PrimarySolutionType": "CONSULTING_SERVICES",
        "IndustrySegments": ["COMPUTER_SOFTWARE", "FINANCIAL_SERVICES"],
        "TranslationSourceLocale": "en-US",
    }
    details.update(overrides)
    return details


def publish(client, partner_id, catalog=CATALOG, details=None):
    """Start a profile task (default delay 0 s) and return (start response, get response)."""
    started = strip(client.start_profile_update_task(
        Catalog=catalog, Identifier=partner_id, TaskDetails=details or task_details()))
    got = strip(client.get_profile_update_task(Catalog=catalog, Identifier=partner_id))
    return started, got


def strip(resp):
    resp = dict(resp)
    resp.pop("ResponseMetadata", None)
    return resp


def expect_error(fn, code, reason=None, status=None, /, **kwargs):
    """Call fn(**kwargs), expect a ClientError with the given code (and Reason / HTTP status)."""
    with pytest.raises(ClientError) as info:
        fn(**kwargs)
    resp = info.value.response
    got = (resp["Error"]["Code"], resp.get("Reason"), resp["ResponseMetadata"]["HTTPStatusCode"])
    assert resp["Error"]["Code"] == code, f"expected {code}/{reason}/{status}, got {got}: {resp}"
    if reason is not None:
        assert resp.get("Reason") == reason, f"expected reason {reason}, got {got}: {resp}"
    if status is not None:
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, f"expected {status}, got {got}"
    assert resp["Error"].get("Message"), f"error without a Message: {resp}"
    return resp


def field_errors(error_details):
    """[(Name, Code), ...] from a ValidationException's ErrorDetails list."""
    out = []
    for item in error_details or []:
        assert isinstance(item, dict) and len(item) == 1, f"ValidationError union must have one member: {item}"
        assert "FieldValidationError" in item, f"expected FieldValidationError, got {item}"
        fe = item["FieldValidationError"]
        assert fe.get("Message"), f"FieldValidationError without Message: {fe}"
        out.append((fe.get("Name"), fe.get("Code")))
    return out


def outbox_messages(admin, address=None):
    path = "/_pcentral/outbox"
    if address is not None:
        from urllib.parse import quote
        path += "?address=" + quote(address)
    status, body = admin("GET", path)
    assert status == 200, f"outbox: {status} {body}"
    return body["messages"]


def latest_code(admin, address):
    msgs = [m for m in outbox_messages(admin, address)
            if m.get("address", "").lower() == address.lower()]
    assert msgs, f"no outbox message for {address}"
    msg = msgs[-1]
    assert msg["kind"] == "EMAIL_VERIFICATION_CODE", msg
    assert re.fullmatch(r"\d{6}", msg["code"]), msg
    return msg["code"]


def other_code(code):
    return f"{(int(code) + 1) % 1000000:06d}"


def parse_ts(text):
    assert TS_RE.match(text), f"not an RFC 3339 ms Z timestamp: {text!r}"
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_dt.timezone.utc)


def clock_now(admin):
    status, body = admin("GET", "/_pcentral/clock")
    assert status == 200, body
    return parse_ts(body["now"]), body["offset_seconds"]


def advance_clock(admin, by):
    status, body = admin("POST", "/_pcentral/clock/advance", {"by": by})
    assert status == 200, f"clock advance {by}: {status} {body}"
    return body


def set_task_delay(admin, seconds):
    status, body = admin("POST", "/_pcentral/settings", {"profile_task_delay_seconds": seconds})
    assert status == 200, f"settings: {status} {body}"
    return body


def force_verification(admin, account, legal_name=None):
    """Force SUCCEEDED business and registrant verification for `account`, which CreatePartner in
    catalog AWS requires (with `legal_name`, the partner's LegalName must equal it)."""
    for kind in ("BUSINESS_VERIFICATION", "REGISTRANT_VERIFICATION"):
        body = {"account": account, "type": kind, "status": "SUCCEEDED"}
        if legal_name is not None and kind == "BUSINESS_VERIFICATION":
            body["legal_name"] = legal_name
        status, out = admin("POST", "/_pcentral/verification", body)
        assert status == 200 and out["status"] == "SUCCEEDED", f"force verification: {status} {out}"


def change_settings(admin, **changes):
    status, body = admin("POST", "/_pcentral/settings", changes)
    assert status == 200, f"settings: {status} {body}"
    return body


def dumps(obj):
    return json.dumps(obj, sort_keys=True, default=str)


def log_offset(server):
    """The size of the server's log now: pass it to log_line to read only what comes after."""
    try:
        return server.log_path.stat().st_size
    except FileNotFoundError:
        return 0


def log_line(server, offset, *needles, timeout=5.0):
    """The first line the server logged after `offset` that contains every one of `needles`."""
    deadline = time.monotonic() + timeout
    while True:
        with open(server.log_path, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
        for line in text.splitlines():
            if all(n in line for n in needles):
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line with {needles!r} after offset {offset}:\n{text[-3000:]}")
        time.sleep(0.05)


def connection_id(i):
    """The `i`-th of a run of distinct connection ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    suffix = ""
    for _ in range(13):
        suffix = alphabet[i % 32] + suffix
        i //= 32
    return "pac-" + suffix


def write_connections_fixture(path, n, account):
    """A hand-written fixture of n live connections of `account`, each with another account."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"version": 1, "connections": [')
        for i in range(n):
            if i:
                f.write(",\n")
            f.write(json.dumps({
                "catalog": "Sandbox", "id": connection_id(i), "participants": [account, "%012d" % (200_000_000_000 + i)],
                "types": {"OPPORTUNITY_COLLABORATION": {"status": "ACTIVE", "inviter_email": "ana@example.com",
                                                        "inviter_name": "Ana"}}}))
        f.write("]}\n")
