"""Input validation (docs/behaviour.md#validation).

Requests go through the raw signed helper so that boto3's client-side checks never interfere.
Every case lists the exact (Name, Code) pairs expected, in model member order; after every
rejected request the caller's state must be exactly what it was before.
"""

import copy
import secrets

import pytest

from helpers import (
    create_partner, expect_error, field_errors, new_account, outbox_messages, publish, strip, task_details,
    unique_legal_name,
)

DROP = object()

LEAD = {"FirstName": "Ana", "LastName": "Lee", "Email": "ana@example.com", "BusinessTitle": "CEO"}
CREATE = {
    "Catalog": "Sandbox",
    "LegalName": "Validation Corp",
    "PrimarySolutionType": "SOFTWARE_PRODUCTS",
    "AllianceLeadContact": LEAD,
    "EmailVerificationCode": "123456",
}
DETAILS = task_details()
START = {"Catalog": "Sandbox", "Identifier": "{pid}", "TaskDetails": DETAILS}
LOCALIZED = {"DisplayName": "Nom", "Description": "Description", "WebsiteUrl": "https://example.fr",
             "LogoUrl": "https://example.fr/logo.png", "Locale": "fr-FR"}


def edit(base, **changes):
    """Copy of base with top-level or dotted-path changes (value DROP removes the member)."""
    out = copy.deepcopy(base)
    for dotted, value in changes.items():
        parts = dotted.split("__")
        node = out
        for part in parts[:-1]:
            node = node[part]
        if value is DROP:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return out


def loc(**changes):
    return edit(LOCALIZED, **changes)


R, V, F, E, T, D = ("REQUIRED_FIELD_MISSING", "INVALID_VALUE", "INVALID_STRING_FORMAT", "INVALID_ENUM_VALUE",
                    "TOO_MANY_VALUES", "DUPLICATE_VALUE")

CASES = [
    # ---- ListPartners
    ("list-no-catalog", "ListPartners", {}, [("Catalog", R)]),
    ("list-unknown-catalog", "ListPartners", {"Catalog": "Marketplace"}, [("Catalog", V)]),
    ("list-catalog-wrong-case", "ListPartners", {"Catalog": "sandbox"}, [("Catalog", V)]),
    ("list-catalog-wrong-case-aws", "ListPartners", {"Catalog": "aws"}, [("Catalog", V)]),
    ("list-catalog-empty", "ListPartners", {"Catalog": ""}, [("Catalog", V)]),
    ("list-catalog-pattern", "ListPartners", {"Catalog": "Sand box"}, [("Catalog", F)]),
    ("list-catalog-newline", "ListPartners", {"Catalog": "Sandbox\n"}, [("Catalog", F)]),
    ("list-catalog-too-long", "ListPartners", {"Catalog": "A" * 65}, [("Catalog", V)]),
    ("list-nexttoken-empty", "ListPartners", {"Catalog": "Sandbox", "NextToken": ""}, [("NextToken", V)]),
    ("list-nexttoken-space", "ListPartners", {"Catalog": "Sandbox", "NextToken": "a b"}, [("NextToken", F)]),
    ("list-nexttoken-too-long", "ListPartners", {"Catalog": "Sandbox", "NextToken": "n" * 2049},
     [("NextToken", V)]),
    ("list-two-failures", "ListPartners", {"Catalog": "X Y", "NextToken": ""}, [("Catalog", F), ("NextToken", V)]),

    # ---- SendEmailVerificationCode
    ("send-empty", "SendEmailVerificationCode", {}, [("Catalog", R), ("Email", R)]),
    ("send-bad-email", "SendEmailVerificationCode", {"Catalog": "AWS", "Email": "not-an-email"}, [("Email", F)]),
    ("send-email-two-ats", "SendEmailVerificationCode", {"Catalog": "AWS", "Email": "a@b@example.com"},
     [("Email", F)]),
    ("send-email-too-long", "SendEmailVerificationCode",
     {"Catalog": "AWS", "Email": "a" * 309 + "@example.com"}, [("Email", V)]),
    ("send-email-empty", "SendEmailVerificationCode", {"Catalog": "AWS", "Email": ""}, [("Email", V)]),
    ("send-catalog-and-email", "SendEmailVerificationCode", {"Catalog": "Prod", "Email": "x"},
     [("Catalog", V), ("Email", F)]),

    # ---- CreatePartner
    ("create-empty", "CreatePartner", {},
     [("Catalog", R), ("LegalName", R), ("PrimarySolutionType", R), ("AllianceLeadContact", R),
      ("EmailVerificationCode", R)]),
    ("create-everything-wrong", "CreatePartner", {
        "Catalog": "Nope",
        "ClientToken": "bad token!",
        "LegalName": "x" * 81,
        "PrimarySolutionType": "RESELLING",
        "AllianceLeadContact": {"FirstName": "", "Email": "not-an-email", "BusinessTitle": "CEO"},
        "EmailVerificationCode": "12345",
        "Tags": [{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}],
    }, [("Catalog", V), ("ClientToken", F), ("LegalName", V), ("PrimarySolutionType", E),
        ("AllianceLeadContact.FirstName", V), ("AllianceLeadContact.LastName", R),
        ("AllianceLeadContact.Email", F), ("EmailVerificationCode", V), ("Tags", D)]),
    ("create-lead-empty", "CreatePartner", edit(CREATE, AllianceLeadContact={}),
     [("AllianceLeadContact.FirstName", R), ("AllianceLeadContact.LastName", R),
      ("AllianceLeadContact.Email", R), ("AllianceLeadContact.BusinessTitle", R)]),
    ("create-lead-null-members", "CreatePartner",
     edit(CREATE, AllianceLeadContact__FirstName=None, AllianceLeadContact__BusinessTitle=None),
     [("AllianceLeadContact.FirstName", R), ("AllianceLeadContact.BusinessTitle", R)]),
    ("create-null-lead", "CreatePartner", edit(CREATE, AllianceLeadContact=None), [("AllianceLeadContact", R)]),
    ("create-lead-title-too-long", "CreatePartner", edit(CREATE, AllianceLeadContact__BusinessTitle="t" * 81),
     [("AllianceLeadContact.BusinessTitle", V)]),
    ("create-legalname-newline", "CreatePartner", edit(CREATE, LegalName="Two\nLines"), [("LegalName", F)]),
    ("create-legalname-non-bmp", "CreatePartner", edit(CREATE, LegalName="Smile \U0001F600 Corp"),
     [("LegalName", F)]),
    ("create-legalname-empty", "CreatePartner", edit(CREATE, LegalName=""), [("LegalName", V)]),
    ("create-legalname-81-codepoints", "CreatePartner", edit(CREATE, LegalName="\u00e9" * 81), [("LegalName", V)]),
    ("create-code-letters", "CreatePartner", edit(CREATE, EmailVerificationCode="abcdef"),
     [("EmailVerificationCode", F)]),
    ("create-code-too-long", "CreatePartner", edit(CREATE, EmailVerificationCode="1234567"),
     [("EmailVerificationCode", V)]),
    ("create-solution-lowercase", "CreatePartner", edit(CREATE, PrimarySolutionType="software_products"),
     [("PrimarySolutionType", E)]),
    ("create-token-empty", "CreatePartner", edit(CREATE, ClientToken=""), [("ClientToken", V)]),
    ("create-token-too-long", "CreatePartner", edit(CREATE, ClientToken="t" * 65), [("ClientToken", V)]),
    ("create-token-dot", "CreatePartner", edit(CREATE, ClientToken="tok.en"), [("ClientToken", F)]),
    ("create-too-many-tags", "CreatePartner",
     edit(CREATE, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(201)]), [("Tags", T)]),
    ("create-tag-key-empty", "CreatePartner", edit(CREATE, Tags=[{"Key": "", "Value": "v"}]), [("Tags[0].Key", V)]),
    ("create-tag-value-missing", "CreatePartner",
     edit(CREATE, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b"}]), [("Tags[1].Value", R)]),
    ("create-unknown-catalog-only", "CreatePartner", edit(CREATE, Catalog="Production"), [("Catalog", V)]),
    ("create-token-colon", "CreatePartner", edit(CREATE, ClientToken="tok:en"), [("ClientToken", F)]),
    ("create-token-at", "CreatePartner", edit(CREATE, ClientToken="tok@en"), [("ClientToken", F)]),
    ("create-token-caret", "CreatePartner", edit(CREATE, ClientToken="tok^en"), [("ClientToken", F)]),
    ("create-token-bracket", "CreatePartner", edit(CREATE, ClientToken="tok[en]"), [("ClientToken", F)]),
    ("create-code-fullwidth-digits", "CreatePartner", edit(CREATE, EmailVerificationCode="\uff11" * 6),
     [("EmailVerificationCode", F)]),
    ("create-legalname-tab", "CreatePartner", edit(CREATE, LegalName="Tab\tCorp"), [("LegalName", F)]),
    ("create-legalname-fffe", "CreatePartner", edit(CREATE, LegalName="Odd \ufffe Corp"), [("LegalName", F)]),
    ("create-lead-email-unicode", "CreatePartner", edit(CREATE, AllianceLeadContact__Email="j\u00fcrgen@example.com"),
     [("AllianceLeadContact.Email", F)]),
    ("create-too-many-tags-with-duplicates", "CreatePartner",
     edit(CREATE, Tags=[{"Key": "same", "Value": "v"} for _ in range(201)]), [("Tags", T)]),

    # ---- GetPartner
    ("get-empty", "GetPartner", {}, [("Catalog", R), ("Identifier", R)]),
    ("get-id-short", "GetPartner", {"Catalog": "Sandbox", "Identifier": "partner-123"}, [("Identifier", F)]),
    ("get-id-prefix", "GetPartner", {"Catalog": "Sandbox", "Identifier": "xpartner-0123456789abc"},
     [("Identifier", F)]),
    ("get-id-suffix", "GetPartner", {"Catalog": "Sandbox", "Identifier": "partner-0123456789abcd"},
     [("Identifier", F)]),
    ("get-id-empty", "GetPartner", {"Catalog": "Sandbox", "Identifier": ""}, [("Identifier", V)]),
    ("get-id-too-long", "GetPartner", {"Catalog": "Sandbox", "Identifier": "p" * 201}, [("Identifier", V)]),
    ("get-arn-bad-account", "GetPartner",
     {"Catalog": "Sandbox",
      "Identifier": "arn:aws:partnercentral:us-east-1:1234:catalog/Sandbox/partner/partner-0123456789abc"},
     [("Identifier", F)]),

    # ---- StartProfileUpdateTask
    ("start-no-details", "StartProfileUpdateTask", edit(START, TaskDetails=DROP), [("TaskDetails", R)]),
    ("start-details-empty", "StartProfileUpdateTask", edit(START, TaskDetails={}),
     [("TaskDetails.DisplayName", R), ("TaskDetails.Description", R), ("TaskDetails.WebsiteUrl", R),
      ("TaskDetails.LogoUrl", R), ("TaskDetails.PrimarySolutionType", R), ("TaskDetails.IndustrySegments", R),
      ("TaskDetails.TranslationSourceLocale", R)]),
    ("start-details-all-wrong", "StartProfileUpdateTask", edit(START, TaskDetails={
        "DisplayName": "",
        "Description": "d" * 601,
        "WebsiteUrl": "http://example.com",
        "LogoUrl": "https://",
        "PrimarySolutionType": "X",
        "IndustrySegments": [],
        "TranslationSourceLocale": "en_US",
    }), [("TaskDetails.DisplayName", V), ("TaskDetails.Description", V), ("TaskDetails.WebsiteUrl", F),
         ("TaskDetails.LogoUrl", F), ("TaskDetails.PrimarySolutionType", E), ("TaskDetails.IndustrySegments", V),
         ("TaskDetails.TranslationSourceLocale", F)]),
    ("start-top-level-and-nested", "StartProfileUpdateTask",
     {"Catalog": "AWS ", "Identifier": "nope", "ClientToken": "a b",
      "TaskDetails": edit(DETAILS, WebsiteUrl="ftp://example.com")},
     [("Catalog", F), ("Identifier", F), ("ClientToken", F), ("TaskDetails.WebsiteUrl", F)]),
    ("start-too-many-segments", "StartProfileUpdateTask",
     edit(START, TaskDetails__IndustrySegments=["OTHER", "RETAIL", "GAMING", "EDUCATION"]),
     [("TaskDetails.IndustrySegments", T)]),
    ("start-too-many-duplicate-segments", "StartProfileUpdateTask",
     edit(START, TaskDetails__IndustrySegments=["RETAIL"] * 4), [("TaskDetails.IndustrySegments", T)]),
    ("start-locale-lowercase-region", "StartProfileUpdateTask",
     edit(START, TaskDetails__TranslationSourceLocale="en-us"), [("TaskDetails.TranslationSourceLocale", F)]),
    ("start-url-one-slash", "StartProfileUpdateTask",
     edit(START, TaskDetails__WebsiteUrl="https:/example.com"), [("TaskDetails.WebsiteUrl", F)]),
    ("start-duplicate-segments", "StartProfileUpdateTask",
     edit(START, TaskDetails__IndustrySegments=["RETAIL", "RETAIL"]), [("TaskDetails.IndustrySegments", D)]),
    ("start-unknown-segment", "StartProfileUpdateTask",
     edit(START, TaskDetails__IndustrySegments=["OTHER", "SPACE_TRAVEL"]), [("TaskDetails.IndustrySegments[1]", E)]),
    ("start-description-newline", "StartProfileUpdateTask",
     edit(START, TaskDetails__Description="line one\nline two"), [("TaskDetails.Description", F)]),
    ("start-displayname-81", "StartProfileUpdateTask", edit(START, TaskDetails__DisplayName="n" * 81),
     [("TaskDetails.DisplayName", V)]),
    ("start-url-too-long", "StartProfileUpdateTask",
     edit(START, TaskDetails__LogoUrl="https://example.com/" + "a" * 237), [("TaskDetails.LogoUrl", V)]),
    ("start-url-with-space", "StartProfileUpdateTask",
     edit(START, TaskDetails__WebsiteUrl="https://example.com/a b"), [("TaskDetails.WebsiteUrl", F)]),
    ("start-localized-bad-locale", "StartProfileUpdateTask",
     edit(START, TaskDetails__LocalizedContents=[loc(Locale="EN-us")]),
     [("TaskDetails.LocalizedContents[0].Locale", F)]),
    ("start-localized-missing-logo", "StartProfileUpdateTask",
     edit(START, TaskDetails__LocalizedContents=[loc(), loc(Locale="de-DE", LogoUrl=DROP)]),
     [("TaskDetails.LocalizedContents[1].LogoUrl", R)]),
    ("start-localized-several", "StartProfileUpdateTask",
     edit(START, TaskDetails__LocalizedContents=[loc(DisplayName="", WebsiteUrl="http://x.fr")]),
     [("TaskDetails.LocalizedContents[0].DisplayName", V), ("TaskDetails.LocalizedContents[0].WebsiteUrl", F)]),
    ("start-localized-duplicate-locale", "StartProfileUpdateTask",
     edit(START, TaskDetails__LocalizedContents=[loc(), loc(DisplayName="Autre")]),
     [("TaskDetails.LocalizedContents", D)]),
    ("start-localized-too-many", "StartProfileUpdateTask",
     edit(START, TaskDetails__LocalizedContents=[loc(Locale=f"{chr(97 + i)}x-XX") for i in range(21)]),
     [("TaskDetails.LocalizedContents", T)]),
    ("start-hq-missing-subdivision", "StartProfileUpdateTask",
     edit(START, TaskDetails__Headquarters={"CountryCode": "US"}),
     [("TaskDetails.Headquarters.SubdivisionCode", R)]),
    ("start-hq-country-length", "StartProfileUpdateTask",
     edit(START, TaskDetails__Headquarters={"CountryCode": "USA", "SubdivisionCode": "WA"}),
     [("TaskDetails.Headquarters.CountryCode", V)]),
    ("start-hq-lowercase", "StartProfileUpdateTask",
     edit(START, TaskDetails__Headquarters={"CountryCode": "us", "SubdivisionCode": "wa"}),
     [("TaskDetails.Headquarters.CountryCode", F), ("TaskDetails.Headquarters.SubdivisionCode", F)]),

    # ---- GetProfileUpdateTask / CancelProfileUpdateTask
    ("gettask-empty", "GetProfileUpdateTask", {}, [("Catalog", R), ("Identifier", R)]),
    ("cancel-no-taskid", "CancelProfileUpdateTask", {"Catalog": "Sandbox", "Identifier": "{pid}"}, [("TaskId", R)]),
    ("cancel-taskid-short", "CancelProfileUpdateTask",
     {"Catalog": "Sandbox", "Identifier": "{pid}", "TaskId": "pprofiletask-123"}, [("TaskId", F)]),
    ("cancel-taskid-too-long", "CancelProfileUpdateTask",
     {"Catalog": "Sandbox", "Identifier": "{pid}", "TaskId": "t" * 81}, [("TaskId", V)]),
    ("cancel-all-wrong", "CancelProfileUpdateTask",
     {"Catalog": "", "Identifier": "nope", "ClientToken": "!", "TaskId": "x"},
     [("Catalog", V), ("Identifier", F), ("ClientToken", F), ("TaskId", F)]),

    # ---- Get/PutProfileVisibility
    ("getvis-bad-id", "GetProfileVisibility", {"Catalog": "Sandbox", "Identifier": "pprofile-0123456789abc"},
     [("Identifier", F)]),
    ("putvis-missing", "PutProfileVisibility", {"Catalog": "Sandbox", "Identifier": "{pid}"}, [("Visibility", R)]),
    ("putvis-unknown", "PutProfileVisibility",
     {"Catalog": "Sandbox", "Identifier": "{pid}", "Visibility": "HIDDEN"}, [("Visibility", E)]),
    ("putvis-lowercase", "PutProfileVisibility",
     {"Catalog": "Sandbox", "Identifier": "{arn}", "Visibility": "private"}, [("Visibility", E)]),
    ("putvis-catalog-and-enum", "PutProfileVisibility",
     {"Catalog": "Test", "Identifier": "{pid}", "Visibility": "SECRET"}, [("Catalog", V), ("Visibility", E)]),
]


def _fill(value, subs):
    if isinstance(value, str):
        for k, v in subs.items():
            value = value.replace(k, v)
        return value
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def subject(client):
    """An account with a published Sandbox partner, visibility PUBLIC."""
    account = new_account()
    c = client(account)
    p = create_partner(c, legal_name="Validation Corp")
    _, task = publish(c, p["Id"])
    assert task["Status"] == "SUCCEEDED"
    return account, c, p


def snapshot(c, p, admin):
    state = {
        "list_sandbox": strip(c.list_partners(Catalog="Sandbox")),
        "list_aws": strip(c.list_partners(Catalog="AWS")),
        "partner": strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"])),
        "task": strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"])),
        "visibility": strip(c.get_profile_visibility(Catalog="Sandbox", Identifier=p["Id"])),
        "outbox": len(outbox_messages(admin)),
    }
    return state


@pytest.mark.parametrize("operation,params,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_case(raw, admin, subject, operation, params, expected):
    account, c, p = subject
    before = snapshot(c, p, admin)
    body = _fill(params, {"{pid}": p["Id"], "{arn}": p["Arn"]})
    r = raw(operation, body, account=account)
    assert r.status == 400, r
    assert r.error_type == "ValidationException", r
    assert r.json.get("Message"), r
    assert r.json.get("Reason") == "REQUEST_VALIDATION_FAILED", r
    assert (r.header("x-amzn-ErrorType") or "").split("#")[-1].split(":")[0] == "ValidationException", r
    assert field_errors(r.json.get("ErrorDetails")) == expected
    assert_message_names_every_field(r.json)
    assert snapshot(c, p, admin) == before


def assert_message_names_every_field(body):
    """Message says, for every failing field, its name and why: each FieldValidationError's own
    Message names its field, and the exception's Message carries each of them."""
    for item in body["ErrorDetails"]:
        fe = item["FieldValidationError"]
        assert fe["Name"] in fe["Message"], fe
        assert fe["Message"] in body["Message"], (fe, body["Message"])


def test_message_names_the_field_and_why(raw):
    r = raw("ListPartners", {"Catalog": "Prod", "NextToken": ""}, account=new_account())
    assert r.json["Message"] == (
        "Catalog must be one of: AWS, Sandbox; NextToken must be between 1 and 2048 characters long"), r


def test_operation_field_errors_name_their_field(client, admin):
    """Field errors decided by an operation (after the model's checks) follow the same rule."""
    c = client(new_account())
    p = create_partner(c)
    arn = p["Arn"]
    cases = [
        (c.tag_resource, {"ResourceArn": arn, "Tags": [{"Key": "aws:team", "Value": "x"}]}, "Tags[0].Key"),
        (c.tag_resource, {"ResourceArn": arn.replace("/partner/", "/"), "Tags": [{"Key": "k", "Value": "v"}]},
         "ResourceArn"),
        (c.put_alliance_lead_contact, {"Catalog": "Sandbox", "Identifier": p["Id"], "AllianceLeadContact": {
            "FirstName": "Bo", "LastName": "Li", "Email": "new-lead@example.com", "BusinessTitle": "CEO"}},
         "EmailVerificationCode"),
        (c.list_partners, {"Catalog": "Sandbox", "NextToken": "abc"}, "NextToken"),
        (c.list_connections, {"Catalog": "Sandbox", "ConnectionType": "RESELLER"}, "ConnectionType"),
        (c.list_connections, {"Catalog": "Sandbox", "NextToken": "abc.def"}, "NextToken"),
        (create_partner, {"client": client(new_account()), "Tags": [{"Key": "k", "Value": "v"}]}, "Tags"),
        (create_partner, {"client": c, "catalog": "AWS", "email": "x@example.com", "code": "000000"},
         "EmailVerificationCode"),
    ]
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(200)])
    cases.append((c.tag_resource, {"ResourceArn": arn, "Tags": [{"Key": "one-more", "Value": "v"}]}, "Tags"))
    for fn, kwargs, name in cases:
        resp = expect_error(fn, "ValidationException", "REQUEST_VALIDATION_FAILED", 400, **kwargs)
        fields = resp["ErrorDetails"]
        assert [f["FieldValidationError"]["Name"] for f in fields] == [name], resp
        assert_message_names_every_field({"Message": resp["Error"]["Message"], "ErrorDetails": fields})


def test_boto3_exposes_error_details(client, subject):
    _, c, p = subject
    resp = expect_error(c.put_profile_visibility, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        Catalog="Sandbox", Identifier=p["Id"], Visibility="HIDDEN")
    assert field_errors(resp["ErrorDetails"]) == [("Visibility", "INVALID_ENUM_VALUE")]
    # boto3 checks neither patterns nor enums: several failures arrive together
    resp = expect_error(c.start_profile_update_task, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        Catalog="Sandbox", Identifier=p["Id"],
                        TaskDetails=task_details(WebsiteUrl="http://insecure.example.com",
                                                 IndustrySegments=["OTHER", "OTHER"]))
    assert field_errors(resp["ErrorDetails"]) == [("TaskDetails.WebsiteUrl", "INVALID_STRING_FORMAT"),
                                                  ("TaskDetails.IndustrySegments", "DUPLICATE_VALUE")]


def test_rejected_create_leaves_nothing_behind(client, raw):
    account = new_account()
    c = client(account)
    name = unique_legal_name("Rejected")
    r = raw("CreatePartner", edit(CREATE, LegalName=name, PrimarySolutionType="NOPE"), account=account)
    assert r.status == 400 and r.error_type == "ValidationException", r
    assert strip(c.list_partners(Catalog="Sandbox"))["PartnerSummaryList"] == []
    # the legal name was not reserved by the rejected request, neither for this nor another account
    other = client(new_account())
    created = create_partner(other, legal_name=name)
    assert created["LegalName"] == name


def test_lengths_count_code_points(client):
    # 80 code points (but 152+ UTF-8 bytes) is a valid LegalName; characters from U+E000.. are allowed
    name = "\u00e9" * 70 + "\ue000" + secrets.token_hex(4) + "z"
    assert len(name) == 80
    p = create_partner(client(new_account()), legal_name=name)
    assert p["LegalName"] == name
    assert p["Profile"]["DisplayName"] == name


def test_valid_edge_values_accepted(client, subject):
    _, c, p = subject
    # an unusual but valid email in Sandbox
    assert strip(c.send_email_verification_code(Catalog="Sandbox", Email="o'brien+tag@sub-1.example.co")) == {}
    # three segments, 20 localized contents, uppercase HTTPS, headquarters: all at the limits
    details = task_details(
        WebsiteUrl="HTTPS://example.com/path?q=1",
        IndustrySegments=["OTHER", "RETAIL", "GAMING"],
        LocalizedContents=[loc(Locale=f"{chr(97 + i)}x-XX") for i in range(20)],
        Headquarters={"CountryCode": "US", "SubdivisionCode": "WA"},
    )
    started = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=details,
                                                ClientToken="a" * 64))
    assert started["TaskDetails"] == details
    got = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    assert got["Status"] == "SUCCEEDED"
    profile = strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Profile"]
    assert profile["Headquarters"] == {"CountryCode": "US", "SubdivisionCode": "WA"}
    assert len(profile["LocalizedContents"]) == 20


def test_client_token_characters_accepted(client):
    # letters, digits, "-" and "_" only; all of them together are valid
    p = create_partner(client(new_account()), ClientToken="Az09-_" + secrets.token_hex(4))
    assert p["Id"]
