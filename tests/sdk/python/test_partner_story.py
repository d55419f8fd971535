"""The README story through boto3 and the AWS CLI: registration, profile publication,
visibility, isolation between accounts and catalogs, and email codes in catalog AWS."""

import datetime as dt
import json
import re

import pytest

from helpers import (
    PARTNER_ID_RE, PROFILE_ID_RE, TASK_ID_RE, advance_clock, alliance_lead, create_partner,
    expect_error, field_errors, latest_code, new_account, other_code, outbox_messages, publish, strip,
    task_details, unique_email, unique_legal_name,
)


@pytest.fixture(scope="module", autouse=True)
def _aws_catalog_without_verification(admin):
    """CreatePartner in catalog AWS normally needs SUCCEEDED verifications; this module is about
    partners and email codes, not verification (test_account_tools.py covers that), so the check is off here."""
    status, body = admin("POST", "/_pcentral/settings", {"require_verification_for_aws_catalog": False})
    assert status == 200, body


A = "111111111111"
B = "222222222222"


def arn_re(account, catalog):
    return re.compile(
        rf"^arn:aws:partnercentral:us-east-1:{account}:catalog/{catalog}/partner/partner-[A-Za-z0-9]{{13}}$")


def check_draft_partner(resp, account, catalog, legal_name, solution):
    assert resp["Catalog"] == catalog
    assert PARTNER_ID_RE.match(resp["Id"]), resp["Id"]
    assert arn_re(account, catalog).match(resp["Arn"]), resp["Arn"]
    assert resp["Arn"].endswith("/" + resp["Id"])
    assert resp["LegalName"] == legal_name
    assert isinstance(resp["CreatedAt"], dt.datetime)
    profile = resp["Profile"]
    assert profile["DisplayName"] == legal_name
    assert profile["Description"] == legal_name
    assert profile["WebsiteUrl"] == "https://example.invalid"
    assert profile["LogoUrl"] == "https://example.invalid"
    assert profile["IndustrySegments"] == ["OTHER"]
    assert profile["TranslationSourceLocale"] == "en-US"
    assert profile["PrimarySolutionType"] == solution
    assert "ProfileId" not in profile
    assert "Headquarters" not in profile
    assert resp.get("AwsTrainingCertificationEmailDomains", []) == []


def test_two_party_story_sandbox(client):
    ca, cb = client(A), client(B)
    email_a, email_b = unique_email("a"), unique_email("b")
    name_a, name_b = unique_legal_name("Alpha Consulting"), unique_legal_name("Beta Software")

    # nothing yet
    assert strip(ca.list_partners(Catalog="Sandbox"))["PartnerSummaryList"] == []

    # codes (Sandbox accepts any 6 digits, the send itself still succeeds with an empty output)
    assert strip(ca.send_email_verification_code(Catalog="Sandbox", Email=email_a)) == {}
    assert strip(cb.send_email_verification_code(Catalog="Sandbox", Email=email_b)) == {}

    lead_a = alliance_lead(email_a, first="Alice", last="Anders", title="CEO")
    pa = strip(ca.create_partner(Catalog="Sandbox", LegalName=name_a, PrimarySolutionType="CONSULTING_SERVICES",
                                 AllianceLeadContact=lead_a, EmailVerificationCode="000000"))
    check_draft_partner(pa, A, "Sandbox", name_a, "CONSULTING_SERVICES")
    assert pa["AllianceLeadContact"] == lead_a

    pb = create_partner(cb, legal_name=name_b, email=email_b, code="987654", solution="SOFTWARE_PRODUCTS")
    check_draft_partner(pb, B, "Sandbox", name_b, "SOFTWARE_PRODUCTS")
    assert pa["Id"] != pb["Id"]

    # GetPartner by id and by ARN: same content, no alliance lead
    by_id = strip(ca.get_partner(Catalog="Sandbox", Identifier=pa["Id"]))
    by_arn = strip(ca.get_partner(Catalog="Sandbox", Identifier=pa["Arn"]))
    assert by_id == by_arn
    assert "AllianceLeadContact" not in by_id
    for key in ("Catalog", "Arn", "Id", "LegalName", "CreatedAt", "Profile"):
        assert by_id[key] == pa[key], key

    # before any task
    expect_error(ca.get_profile_update_task, "ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"])
    expect_error(ca.get_profile_visibility, "ResourceNotFoundException", "PARTNER_PROFILE_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"])
    expect_error(ca.put_profile_visibility, "ResourceNotFoundException", "PARTNER_PROFILE_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"], Visibility="PUBLIC")

    # publish A's profile
    details = task_details(
        DisplayName="Alpha", Description="Alpha helps customers move to the cloud.",
        LocalizedContents=[{"DisplayName": "Alpha FR", "Description": "Alpha en francais",
                            "WebsiteUrl": "https://alpha.example.com/fr", "LogoUrl": "https://alpha.example.com/l.png",
                            "Locale": "fr-FR"}],
    )
    started = strip(ca.start_profile_update_task(Catalog="Sandbox", Identifier=pa["Arn"], TaskDetails=details))
    assert started["Status"] == "IN_PROGRESS"
    assert TASK_ID_RE.match(started["TaskId"]), started["TaskId"]
    assert started["Arn"] == pa["Arn"]
    assert started["Id"] == pa["Id"]
    assert started["Catalog"] == "Sandbox"
    assert started["TaskDetails"] == details
    assert isinstance(started["StartedAt"], dt.datetime)
    assert "EndedAt" not in started
    assert "ErrorDetailList" not in started

    got = strip(ca.get_profile_update_task(Catalog="Sandbox", Identifier=pa["Id"]))
    assert got["Status"] == "SUCCEEDED"
    assert got["TaskId"] == started["TaskId"]
    assert got["Arn"] == pa["Arn"]
    assert got["TaskDetails"] == details
    assert got["StartedAt"] == started["StartedAt"]
    # the default delay is 0 s: the task ended at its due time, which is its start
    assert got["EndedAt"] == got["StartedAt"]

    after = strip(ca.get_partner(Catalog="Sandbox", Identifier=pa["Id"]))
    profile = after["Profile"]
    assert PROFILE_ID_RE.match(profile.get("ProfileId", "")), profile
    for key, value in details.items():
        assert profile[key] == value, key
    assert after["LegalName"] == name_a
    assert after["CreatedAt"] == pa["CreatedAt"]

    vis = strip(ca.get_profile_visibility(Catalog="Sandbox", Identifier=pa["Id"]))
    assert vis == {"Catalog": "Sandbox", "Arn": pa["Arn"], "Id": pa["Id"], "Visibility": "PUBLIC",
                   "ProfileId": profile["ProfileId"]}
    put = strip(ca.put_profile_visibility(Catalog="Sandbox", Identifier=pa["Id"], Visibility="PRIVATE"))
    assert put == dict(vis, Visibility="PRIVATE")
    assert strip(ca.get_profile_visibility(Catalog="Sandbox", Identifier=pa["Arn"]))["Visibility"] == "PRIVATE"
    # visibility does not touch the content
    assert strip(ca.get_partner(Catalog="Sandbox", Identifier=pa["Id"]))["Profile"] == profile

    # publish B's profile too; profile ids differ
    _, got_b = publish(cb, pb["Id"])
    assert got_b["Status"] == "SUCCEEDED"
    profile_b = strip(cb.get_partner(Catalog="Sandbox", Identifier=pb["Id"]))["Profile"]
    assert PROFILE_ID_RE.match(profile_b["ProfileId"])
    assert profile_b["ProfileId"] != profile["ProfileId"]

    # isolation: each caller lists only its own partner
    la = strip(ca.list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    lb = strip(cb.list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    assert [p["Id"] for p in la] == [pa["Id"]]
    assert [p["Id"] for p in lb] == [pb["Id"]]
    assert la[0]["Arn"] == pa["Arn"] and la[0]["LegalName"] == name_a and la[0]["Catalog"] == "Sandbox"
    assert la[0]["CreatedAt"] == pa["CreatedAt"]

    # B cannot see A's partner by id or ARN, nor act on it
    for ident in (pa["Id"], pa["Arn"]):
        expect_error(cb.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                     Catalog="Sandbox", Identifier=ident)
        expect_error(cb.get_profile_visibility, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                     Catalog="Sandbox", Identifier=ident)
    expect_error(cb.put_profile_visibility, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"], Visibility="PUBLIC")
    expect_error(cb.get_profile_update_task, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"])
    expect_error(cb.start_profile_update_task, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"], TaskDetails=task_details())
    expect_error(cb.cancel_profile_update_task, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=pa["Id"], TaskId=started["TaskId"])
    # A's visibility unchanged by B's attempts
    assert strip(ca.get_profile_visibility(Catalog="Sandbox", Identifier=pa["Id"]))["Visibility"] == "PRIVATE"

    # catalogs are separate: nothing of Sandbox is visible through AWS
    assert strip(ca.list_partners(Catalog="AWS"))["PartnerSummaryList"] == []
    expect_error(ca.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="AWS", Identifier=pa["Id"])
    expect_error(ca.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="AWS", Identifier=pa["Arn"])

    # an unknown but well-formed id
    expect_error(ca.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier="partner-0123456789abc")


def test_arn_with_other_account_is_not_found(client):
    acct = new_account()
    c = client(acct)
    p = create_partner(c)
    forged = p["Arn"].replace(f":{acct}:", ":999999999999:")
    expect_error(c.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=forged)
    forged_catalog = p["Arn"].replace("catalog/Sandbox/", "catalog/AWS/")
    expect_error(c.get_partner, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=forged_catalog)


def test_second_partner_same_account_is_duplicate(client):
    c = client(new_account())
    first = create_partner(c)
    resp = expect_error(create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, client=c)
    assert resp
    listed = strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    assert [p["Id"] for p in listed] == [first["Id"]]


def test_same_legal_name_other_account_is_duplicate(client, admin):
    name = unique_legal_name("Gamma Holdings")
    c1, c2 = client(new_account()), client(new_account())
    create_partner(c1, legal_name=name)
    expect_error(create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, client=c2, legal_name=name.upper())
    expect_error(create_partner, "ConflictException", "DUPLICATE_PARTNER", 409, client=c2, legal_name=name.lower())
    assert strip(c2.list_partners(Catalog="Sandbox"))["PartnerSummaryList"] == []
    # the same legal name in the other catalog is a different namespace
    email = unique_email()
    c2.send_email_verification_code(Catalog="AWS", Email=email)
    p = create_partner(c2, catalog="AWS", legal_name=name, email=email, code=latest_code(admin, email))
    assert p["LegalName"] == name and p["Catalog"] == "AWS"


def test_sandbox_send_writes_nothing_to_outbox(client, admin):
    c = client(new_account())
    email = unique_email("sandbox")
    c.send_email_verification_code(Catalog="Sandbox", Email=email)
    assert [m for m in outbox_messages(admin, email)] == []
    # and any six digits work in Sandbox
    p = create_partner(c, email=email, code="424242")
    assert PARTNER_ID_RE.match(p["Id"])


def _aws_create(c, email, code, legal_name=None, **extra):
    return create_partner(c, catalog="AWS", email=email, code=code, legal_name=legal_name, **extra)


def _expect_bad_code(c, email, code, legal_name=None):
    resp = expect_error(_aws_create, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        c=c, email=email, code=code, legal_name=legal_name)
    assert ("EmailVerificationCode", "INVALID_VALUE") in field_errors(resp.get("ErrorDetails")), resp
    return resp


def test_aws_catalog_email_code(client, admin):
    acct = new_account()
    c = client(acct)
    email = unique_email("aws")
    assert strip(c.send_email_verification_code(Catalog="AWS", Email=email)) == {}
    msgs = outbox_messages(admin, email)
    assert len(msgs) == 1, msgs
    msg = msgs[0]
    assert msg["catalog"] == "AWS" and msg["address"] == email and msg["kind"] == "EMAIL_VERIFICATION_CODE"
    assert re.fullmatch(r"\d{6}", msg["code"])
    assert isinstance(msg["id"], int) and msg["sent_at"]
    code = msg["code"]

    # wrong code: refused, nothing created, the right code is not burnt by the failure
    _expect_bad_code(c, email, other_code(code))
    assert strip(c.list_partners(Catalog="AWS"))["PartnerSummaryList"] == []

    p = _aws_create(c, email, code)
    assert p["Catalog"] == "AWS"
    assert arn_re(acct, "AWS").match(p["Arn"])
    listed = strip(c.list_partners(Catalog="AWS"))["PartnerSummaryList"]
    assert [x["Id"] for x in listed] == [p["Id"]]
    # not visible in Sandbox
    assert strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"] == []

    # single use: another account presenting the same address and code is refused
    other = client(new_account())
    _expect_bad_code(other, email, code)
    assert strip(other.list_partners(Catalog="AWS"))["PartnerSummaryList"] == []


def test_aws_catalog_code_from_other_address_is_refused(client, admin):
    c = client(new_account())
    e1, e2 = unique_email("one"), unique_email("two")
    c.send_email_verification_code(Catalog="AWS", Email=e1)
    code1 = latest_code(admin, e1)
    _expect_bad_code(c, e2, code1)


def test_aws_catalog_new_code_replaces_old(client, admin):
    c = client(new_account())
    email = unique_email("replace")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    first = latest_code(admin, email)
    c.send_email_verification_code(Catalog="AWS", Email=email)
    second = latest_code(admin, email)
    assert len(outbox_messages(admin, email)) == 2
    if first != second:
        _expect_bad_code(c, email, first)
    p = _aws_create(c, email, second)
    assert p["Catalog"] == "AWS"


def test_aws_catalog_code_expires_after_30_minutes(client, admin):
    c = client(new_account())
    email = unique_email("expire")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    code = latest_code(admin, email)
    advance_clock(admin, "31m")
    _expect_bad_code(c, email, code)
    assert strip(c.list_partners(Catalog="AWS"))["PartnerSummaryList"] == []

    # a fresh code still valid after 29 minutes
    c.send_email_verification_code(Catalog="AWS", Email=email)
    code2 = latest_code(admin, email)
    advance_clock(admin, "29m")
    p = _aws_create(c, email, code2)
    assert p["Catalog"] == "AWS"


def test_sandbox_code_requires_six_digits_through_boto3(client):
    c = client(new_account())
    resp = expect_error(create_partner, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        client=c, code="12345a")
    assert field_errors(resp["ErrorDetails"]) == [("EmailVerificationCode", "INVALID_STRING_FORMAT")]


# ----------------------------------------------------------------------------------------------
# the same story through the AWS CLI

def _cli_ok(cli, account, *args):
    rc, out, err = cli(account, "partnercentral-account", *args)
    assert rc == 0, f"aws {' '.join(args)} -> {rc}\n{err}"
    return out


def _cli_err(cli, account, exception, *args):
    rc, out, err = cli(account, "partnercentral-account", *args)
    assert rc in (254, 255), f"aws {' '.join(args)} -> {rc} (expected 254/255)\n{out}\n{err}"
    assert exception in err, f"expected {exception} in stderr: {err}"
    return err


def test_cli_story(cli):
    a, b = new_account(), new_account()
    email = unique_email("cli")
    name = unique_legal_name("Cli Corp")
    lead = json.dumps(alliance_lead(email))

    out = _cli_ok(cli, a, "send-email-verification-code", "--catalog", "Sandbox", "--email", email)
    assert out in (None, {}), out

    created = _cli_ok(cli, a, "create-partner", "--catalog", "Sandbox", "--legal-name", name,
                      "--primary-solution-type", "MANAGED_SERVICES", "--alliance-lead-contact", lead,
                      "--email-verification-code", "123456")
    assert PARTNER_ID_RE.match(created["Id"])
    assert created["LegalName"] == name
    assert created["Profile"]["PrimarySolutionType"] == "MANAGED_SERVICES"
    assert f":{a}:catalog/Sandbox/partner/" in created["Arn"]

    got = _cli_ok(cli, a, "get-partner", "--catalog", "Sandbox", "--identifier", created["Id"])
    assert got["Id"] == created["Id"] and got["LegalName"] == name

    listed = _cli_ok(cli, a, "list-partners", "--catalog", "Sandbox")
    assert [p["Id"] for p in listed["PartnerSummaryList"]] == [created["Id"]]

    started = _cli_ok(cli, a, "start-profile-update-task", "--catalog", "Sandbox", "--identifier", created["Id"],
                      "--task-details", json.dumps(task_details(DisplayName="Cli Display")))
    assert started["Status"] == "IN_PROGRESS"
    task = _cli_ok(cli, a, "get-profile-update-task", "--catalog", "Sandbox", "--identifier", created["Id"])
    assert task["Status"] == "SUCCEEDED" and task["TaskId"] == started["TaskId"]
    vis = _cli_ok(cli, a, "get-profile-visibility", "--catalog", "Sandbox", "--identifier", created["Arn"])
    assert vis["Visibility"] == "PUBLIC" and PROFILE_ID_RE.match(vis["ProfileId"])

    # errors: other account, duplicate, validation
    err = _cli_err(cli, b, "ResourceNotFoundException", "get-partner", "--catalog", "Sandbox",
                   "--identifier", created["Id"])
    assert "GetPartner" in err
    _cli_err(cli, a, "ConflictException", "create-partner", "--catalog", "Sandbox",
             "--legal-name", unique_legal_name(), "--primary-solution-type", "MANAGED_SERVICES",
             "--alliance-lead-contact", lead, "--email-verification-code", "123456")
    _cli_err(cli, a, "ValidationException", "list-partners", "--catalog", "Marketplace")
    _cli_err(cli, b, "ResourceNotFoundException", "get-profile-update-task", "--catalog", "Sandbox",
             "--identifier", created["Id"])
    listed_b = _cli_ok(cli, b, "list-partners", "--catalog", "Sandbox")
    assert listed_b["PartnerSummaryList"] == []


def test_latest_task_and_profile_replacement(client):
    c = client(new_account())
    p = create_partner(c)
    first_details = task_details(
        DisplayName="First", Headquarters={"CountryCode": "FR", "SubdivisionCode": "75"},
        LocalizedContents=[{"DisplayName": "Premier", "Description": "Premier profil",
                            "WebsiteUrl": "https://example.fr", "LogoUrl": "https://example.fr/l.png",
                            "Locale": "fr-FR"}])
    first, _ = publish(c, p["Id"], details=first_details)
    published = strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Profile"]
    assert published["Headquarters"] == {"CountryCode": "FR", "SubdivisionCode": "75"}
    assert published["LocalizedContents"] == first_details["LocalizedContents"]
    c.put_profile_visibility(Catalog="Sandbox", Identifier=p["Id"], Visibility="PRIVATE")

    second_details = task_details(DisplayName="Second", IndustrySegments=["EDUCATION"],
                                  PrimarySolutionType="TRAINING_SERVICES")
    second, got = publish(c, p["Id"], details=second_details)
    assert second["TaskId"] != first["TaskId"]
    assert got["TaskId"] == second["TaskId"] and got["Status"] == "SUCCEEDED"  # always the latest task
    profile = strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Profile"]
    assert profile["ProfileId"] == published["ProfileId"]  # assigned once
    assert profile["DisplayName"] == "Second"
    assert profile["IndustrySegments"] == ["EDUCATION"]
    assert profile["PrimarySolutionType"] == "TRAINING_SERVICES"
    assert profile.get("LocalizedContents", []) == []  # replaced by the new content
    assert profile["Headquarters"] == {"CountryCode": "FR", "SubdivisionCode": "75"}  # kept when not sent
    # content changes leave visibility alone
    assert strip(c.get_profile_visibility(Catalog="Sandbox", Identifier=p["Id"]))["Visibility"] == "PRIVATE"
    # the first task's id is still a task of this partner (already ended), another partner's is not
    expect_error(c.cancel_profile_update_task, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId=first["TaskId"])
    other = client(new_account())
    op = create_partner(other)
    other_task, _ = publish(other, op["Id"])
    expect_error(c.cancel_profile_update_task, "ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId=other_task["TaskId"])


def test_concurrent_registrations(server, client):
    from concurrent.futures import ThreadPoolExecutor
    import threading

    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ClientError

    def fresh(account):
        return botocore.session.Session().create_client(
            "partnercentral-account", region_name="us-east-1", endpoint_url=server.endpoint,
            aws_access_key_id=account, aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}))

    def race(calls):
        barrier = threading.Barrier(len(calls))

        def run(call):
            barrier.wait(timeout=30)
            try:
                return ("ok", call())
            except ClientError as e:
                return (e.response["Error"]["Code"], e.response.get("Reason"))

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(run, calls))

    # one legal name, eight accounts: exactly one wins
    name = unique_legal_name("Race")
    clients = [fresh(new_account()) for _ in range(8)]
    results = race([lambda c=c: create_partner(c, legal_name=name) for c in clients])
    assert sum(1 for r in results if r[0] == "ok") == 1, results
    assert all(r == ("ConflictException", "DUPLICATE_PARTNER") for r in results if r[0] != "ok"), results

    # one account, eight different requests: exactly one partner
    account = new_account()
    clients = [fresh(account) for _ in range(8)]
    results = race([lambda c=c: create_partner(c) for c in clients])
    assert sum(1 for r in results if r[0] == "ok") == 1, results
    assert len(strip(client(account).list_partners(Catalog="Sandbox"))["PartnerSummaryList"]) == 1

    # one account, one client token, eight concurrent retries: one partner, and every success is that partner
    account = new_account()
    clients = [fresh(account) for _ in range(8)]
    params = {"Catalog": "Sandbox", "LegalName": unique_legal_name("Same Token"),
              "PrimarySolutionType": "SOFTWARE_PRODUCTS", "AllianceLeadContact": alliance_lead(),
              "EmailVerificationCode": "123456", "ClientToken": "race-" + name[-10:]}
    results = race([lambda c=c: strip(c.create_partner(**params)) for c in clients])
    listed = strip(client(account).list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
    assert len(listed) == 1, results
    oks = [r[1] for r in results if r[0] == "ok"]
    assert oks and all(o["Id"] == listed[0]["Id"] for o in oks), results


def test_tags_on_create_refused_in_sandbox(client, admin):
    """The Sandbox testing guide says tags are not used there (docs/compat.md#partners-and-profiles)."""
    c = client(new_account())
    tags = [{"Key": "team", "Value": "alliances"}, {"Key": "empty", "Value": ""}]
    resp = expect_error(create_partner, "ValidationException", "REQUEST_VALIDATION_FAILED", 400, client=c, Tags=tags)
    assert field_errors(resp["ErrorDetails"]) == [("Tags", "INVALID_VALUE")]
    message = resp["ErrorDetails"][0]["FieldValidationError"]["Message"]
    assert "Tags" in message and "Sandbox" in message, message
    assert strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"] == []
    # The same tags in catalog AWS are ordinary tags.
    email = unique_email("aws-tags")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    aws = _aws_create(c, email, latest_code(admin, email), Tags=tags)
    assert strip(c.list_tags_for_resource(ResourceArn=aws["Arn"]))["Tags"] == tags


def test_sandbox_allow_tags_restores_tags_on_create(client, admin):
    status, body = admin("POST", "/_pcentral/settings", {"sandbox_allow_tags": True})
    assert status == 200, body
    try:
        c = client(new_account())
        tags = [{"Key": "team", "Value": "alliances"}, {"Key": "empty", "Value": ""}]
        p = create_partner(c, Tags=tags)
        assert PARTNER_ID_RE.match(p["Id"])
        assert strip(c.list_tags_for_resource(ResourceArn=p["Arn"]))["Tags"] == tags
    finally:
        admin("POST", "/_pcentral/settings", {"sandbox_allow_tags": False})


def test_failed_create_does_not_consume_the_code(client, admin):
    x = client(new_account())
    first_email = unique_email("first")
    x.send_email_verification_code(Catalog="AWS", Email=first_email)
    create_partner(x, catalog="AWS", email=first_email, code=latest_code(admin, first_email))
    # X already has a partner in AWS: the create fails, and the code it presented stays usable
    email = unique_email("kept")
    x.send_email_verification_code(Catalog="AWS", Email=email)
    code = latest_code(admin, email)
    expect_error(create_partner, "ConflictException", "DUPLICATE_PARTNER", 409,
                 client=x, catalog="AWS", email=email, code=code)
    y = client(new_account())
    p = create_partner(y, catalog="AWS", email=email, code=code)
    assert p["Catalog"] == "AWS"
