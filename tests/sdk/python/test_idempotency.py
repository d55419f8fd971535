"""ClientToken replay and conflict (docs/behaviour.md#idempotency) for CreatePartner,
StartProfileUpdateTask and CancelProfileUpdateTask; replays never count against a quota."""

import pytest

from helpers import (
    advance_clock, alliance_lead, create_partner, expect_error, latest_code, new_account, other_code, set_task_delay, strip,
    task_details, uniq, unique_email, unique_legal_name,
)


@pytest.fixture(scope="module", autouse=True)
def _aws_catalog_without_verification(admin):
    """CreatePartner in catalog AWS normally needs SUCCEEDED verifications; this module is about
    idempotency, not verification (test_account_tools.py covers that), so the check is off here."""
    status, body = admin("POST", "/_pcentral/settings", {"require_verification_for_aws_catalog": False})
    assert status == 200, body


def _create_params(catalog="Sandbox", code="123456", email=None, legal_name=None, token=None):
    params = {
        "Catalog": catalog,
        "LegalName": legal_name or unique_legal_name("Idem"),
        "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "AllianceLeadContact": alliance_lead(email),
        "EmailVerificationCode": code,
    }
    if token:
        params["ClientToken"] = token
    return params


@pytest.fixture
def held_tasks(admin):
    """Tasks started inside the test stay IN_PROGRESS for an hour; reset afterwards."""
    set_task_delay(admin, 3600)
    yield
    set_task_delay(admin, 0)


def test_create_partner_replay_returns_same_response(client):
    c = client(new_account())
    token = uniq("tok")
    params = _create_params(token=token)
    first = strip(c.create_partner(**params))
    again = strip(c.create_partner(**params))
    assert again == first
    assert strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"][0]["Id"] == first["Id"]
    assert len(strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"]) == 1


def test_create_partner_same_token_different_input_conflicts(client):
    c = client(new_account())
    token = uniq("tok")
    params = _create_params(token=token)
    first = strip(c.create_partner(**params))
    changed = dict(params, LegalName=unique_legal_name("Other"))
    expect_error(c.create_partner, "ConflictException", "CONFLICT_CLIENT_TOKEN", 409, **changed)
    changed = dict(params, PrimarySolutionType="TRAINING_SERVICES")
    expect_error(c.create_partner, "ConflictException", "CONFLICT_CLIENT_TOKEN", 409, **changed)
    # a different token with the same input is a new request, which now hits the one-partner rule
    expect_error(c.create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, **dict(params, ClientToken=uniq("t2")))
    listed = strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    assert [p["Id"] for p in listed] == [first["Id"]]


def test_create_partner_token_is_per_account(client):
    token = uniq("shared")
    c1, c2 = client(new_account()), client(new_account())
    p1 = strip(c1.create_partner(**_create_params(token=token)))
    p2 = strip(c2.create_partner(**_create_params(token=token)))
    assert p1["Id"] != p2["Id"]
    assert p2["Arn"] != p1["Arn"]


def test_create_partner_replay_in_aws_does_not_recheck_consumed_code(client, admin):
    c = client(new_account())
    email = unique_email("idem")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    code = latest_code(admin, email)
    token = uniq("tok")
    params = _create_params(catalog="AWS", code=code, email=email, token=token)
    first = strip(c.create_partner(**params))
    # the code is consumed now, but a replay returns the stored response without re-executing
    assert strip(c.create_partner(**params)) == first


def test_failed_call_is_not_remembered(client, admin):
    c = client(new_account())
    email = unique_email("fail")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    code = latest_code(admin, email)
    token = uniq("tok")
    bad = _create_params(catalog="AWS", code=other_code(code), email=email, token=token)
    expect_error(c.create_partner, "ValidationException", "REQUEST_VALIDATION_FAILED", 400, **bad)
    good = dict(bad, EmailVerificationCode=code)
    created = strip(c.create_partner(**good))
    assert created["Catalog"] == "AWS"


def test_start_task_replay_and_conflict(client):
    c = client(new_account())
    p = create_partner(c)
    token = uniq("task")
    details = task_details(DisplayName="Idem One")
    first = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                              ClientToken=token))
    assert first["Status"] == "IN_PROGRESS"
    # with the default 0 s delay it has already succeeded; a replay still returns the stored response
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["Status"] == "SUCCEEDED"
    again = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                              ClientToken=token))
    assert again == first
    latest = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    assert latest["TaskId"] == first["TaskId"]

    # same token, different details
    expect_error(c.start_profile_update_task, "ConflictException", "CONFLICT_CLIENT_TOKEN", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskDetails=task_details(DisplayName="Idem Two"),
                 ClientToken=token)
    # still the same latest task
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["TaskId"] == first["TaskId"]

    # the same token on another operation is independent (key = account, operation, token):
    # CreatePartner runs and meets the one-partner rule instead of a token conflict
    expect_error(c.create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, **_create_params(token=token))


def test_replays_do_not_count_against_task_quota(client):
    c = client(new_account())
    p = create_partner(c)
    token = uniq("quota")
    details = task_details(DisplayName="Quota 0")
    first = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                              ClientToken=token))
    for _ in range(4):
        again = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                                  ClientToken=token))
        assert again["TaskId"] == first["TaskId"]
    task_ids = {first["TaskId"]}
    for i in range(1, 10):  # 9 more real tasks: 10 in total, the quota
        r = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"],
                                              TaskDetails=task_details(DisplayName=f"Quota {i}")))
        task_ids.add(r["TaskId"])
    assert len(task_ids) == 10
    expect_error(c.start_profile_update_task, "ServiceQuotaExceededException",
                 "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY", 402,
                 Catalog="Sandbox", Identifier=p["Id"], TaskDetails=task_details(DisplayName="Quota 10"))
    # a replay of an already-accepted request still answers after the quota is reached
    assert strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                             ClientToken=token)) == first


def test_cancel_replay_returns_stored_response(client, admin, held_tasks):
    c = client(new_account())
    p = create_partner(c)
    started = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=task_details()))
    assert started["Status"] == "IN_PROGRESS"
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["Status"] == "IN_PROGRESS"
    token = uniq("cancel")
    canceled = strip(c.cancel_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskId=started["TaskId"],
                                                  ClientToken=token))
    assert canceled["Status"] == "CANCELED"
    assert canceled["TaskId"] == started["TaskId"]
    assert "EndedAt" in canceled
    again = strip(c.cancel_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskId=started["TaskId"],
                                               ClientToken=token))
    assert again == canceled
    expect_error(c.cancel_profile_update_task, "ConflictException", "CONFLICT_CLIENT_TOKEN", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId="pprofiletask-0123456789abc", ClientToken=token)
    # a new token is a new request and sees the CANCELED state
    expect_error(c.cancel_profile_update_task, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId=started["TaskId"], ClientToken=uniq("cancel2"))


def test_catalog_is_part_of_the_fingerprint(client, admin):
    c = client(new_account())
    token = uniq("cat")
    email = unique_email("cat")
    params = _create_params(email=email, token=token)
    strip(c.create_partner(**params))
    c.send_email_verification_code(Catalog="AWS", Email=email)
    aws = dict(params, Catalog="AWS", EmailVerificationCode=latest_code(admin, email))
    expect_error(c.create_partner, "ConflictException", "CONFLICT_CLIENT_TOKEN", 409, **aws)
    assert strip(c.list_partners(Catalog="AWS"))["PartnerSummaryList"] == []


def test_fingerprint_ignores_member_order_and_spacing(client, raw):
    account = new_account()
    token = uniq("order")
    lead = alliance_lead()
    body1 = ('{"Catalog":"Sandbox","ClientToken":"%s","LegalName":"Order %s","PrimarySolutionType":"SOFTWARE_PRODUCTS",'
             '"AllianceLeadContact":{"FirstName":"%s","LastName":"%s","Email":"%s","BusinessTitle":"%s"},'
             '"EmailVerificationCode":"123456"}' % (token, token, lead["FirstName"], lead["LastName"], lead["Email"],
                                                     lead["BusinessTitle"]))
    body2 = ('{ "EmailVerificationCode" : "123456", "AllianceLeadContact" : { "BusinessTitle" : "%s", "Email" : "%s",'
             ' "LastName" : "%s", "FirstName" : "%s" }, "PrimarySolutionType" : "SOFTWARE_PRODUCTS",'
             ' "LegalName" : "Order %s", "ClientToken" : "%s", "Catalog" : "Sandbox" }'
             % (lead["BusinessTitle"], lead["Email"], lead["LastName"], lead["FirstName"], token, token))
    r1 = raw("CreatePartner", body1, account=account)
    assert r1.status == 200, r1
    r2 = raw("CreatePartner", body2, account=account)
    assert r2.status == 200, r2
    assert r2.json == r1.json


def test_idempotency_record_expires_after_24_hours(client, admin):
    c = client(new_account())
    token = uniq("old")
    params = _create_params(token=token)
    first = strip(c.create_partner(**params))
    advance_clock(admin, "23h")
    assert strip(c.create_partner(**params)) == first
    advance_clock(admin, "2h")
    # the record is gone: the same call is a new request and meets the one-partner rule
    expect_error(c.create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, **params)
    # and the token may be reused with other input without a token conflict
    expect_error(c.create_partner, "ConflictException", "DUPLICATE_PARTNER", 409,
                 **dict(params, LegalName=unique_legal_name("Reuse")))
