"""The account tools through boto3: alliance lead contact, training email domains, business and
registrant verification (including the completion link and the admin force), the verification gate
on CreatePartner in catalog AWS, tags on partners, and qualifications association."""

import json
import re
import urllib.request

from helpers import (
    PROFILE_ID_RE, TS_RE, advance_clock, change_settings, create_partner, expect_error, field_errors,
    force_verification, latest_code, new_account, publish, strip, uniq, unique_email, unique_legal_name,
)

SB = "Sandbox"


def business_details(name):
    return {"BusinessVerificationDetails": {"LegalName": name, "RegistrationId": "REG-42", "CountryCode": "DE"}}


# ---------------------------------------------------------------------------------------- alliance lead

def test_get_and_put_alliance_lead_contact(client):
    c = client(new_account())
    p = create_partner(c, email="lead@alpha-lead.example")
    got = strip(c.get_alliance_lead_contact(Catalog=SB, Identifier=p["Id"]))
    assert got["Arn"] == p["Arn"] and got["AllianceLeadContact"]["Email"] == "lead@alpha-lead.example"
    # same address, other case: no code needed
    same = {"FirstName": "Bea", "LastName": "Ng", "Email": "LEAD@alpha-lead.example", "BusinessTitle": "CEO"}
    assert strip(c.put_alliance_lead_contact(Catalog=SB, Identifier=p["Arn"], AllianceLeadContact=same))[
        "AllianceLeadContact"] == same
    new = dict(same, Email="new@alpha-lead.example")
    resp = expect_error(c.put_alliance_lead_contact, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=p["Id"], AllianceLeadContact=new)
    assert field_errors(resp["ErrorDetails"]) == [("EmailVerificationCode", "REQUIRED_FIELD_MISSING")]
    c.put_alliance_lead_contact(Catalog=SB, Identifier=p["Id"], AllianceLeadContact=new, EmailVerificationCode="424242")
    assert strip(c.get_alliance_lead_contact(Catalog=SB, Identifier=p["Id"]))["AllianceLeadContact"] == new
    expect_error(client(new_account()).get_alliance_lead_contact, "ResourceNotFoundException", "PARTNER_NOT_FOUND",
                 404, Catalog=SB, Identifier=p["Id"])


def test_alliance_lead_email_change_in_aws_needs_the_sent_code(client, admin):
    account = new_account()
    c = client(account)
    name = unique_legal_name("Lead")
    force_verification(admin, account, legal_name=name)
    email = unique_email("lead")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    p = create_partner(c, catalog="AWS", legal_name=name, email=email, code=latest_code(admin, email))
    new_email = unique_email("next")
    new = {"FirstName": "Cy", "LastName": "Ko", "Email": new_email, "BusinessTitle": "VP"}
    c.send_email_verification_code(Catalog="AWS", Email=new_email)
    code = latest_code(admin, new_email)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    resp = expect_error(c.put_alliance_lead_contact, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        Catalog="AWS", Identifier=p["Id"], AllianceLeadContact=new, EmailVerificationCode=wrong)
    assert field_errors(resp["ErrorDetails"]) == [("EmailVerificationCode", "INVALID_VALUE")]
    c.put_alliance_lead_contact(Catalog="AWS", Identifier=p["Id"], AllianceLeadContact=new, EmailVerificationCode=code)


# ---------------------------------------------------------------------------------------- training domains

def test_training_email_domains(client):
    c = client(new_account())
    p = create_partner(c)
    domain = f"{uniq('train')}.example"
    assert strip(c.associate_aws_training_certification_email_domain(
        Catalog=SB, Identifier=p["Id"], Email=f"Ana@{domain.upper()}", EmailVerificationCode="123456")) == {}
    domains = strip(c.get_partner(Catalog=SB, Identifier=p["Id"]))["AwsTrainingCertificationEmailDomains"]
    assert [d["DomainName"] for d in domains] == [domain]
    # already linked: fine, unchanged
    c.associate_aws_training_certification_email_domain(
        Catalog=SB, Identifier=p["Id"], Email=f"bob@{domain}", EmailVerificationCode="123456")
    assert strip(c.get_partner(Catalog=SB, Identifier=p["Id"]))["AwsTrainingCertificationEmailDomains"] == domains
    resp = expect_error(c.associate_aws_training_certification_email_domain, "ValidationException",
                        "BUSINESS_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=p["Id"], Email="me@gmail.com", EmailVerificationCode="123456")
    assert resp["ErrorDetails"][0]["BusinessValidationError"]["Code"] == "INCOMPATIBLE_DOMAIN"
    other = client(new_account())
    q = create_partner(other)
    resp = expect_error(other.associate_aws_training_certification_email_domain, "ValidationException",
                        "BUSINESS_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=q["Id"], Email=f"x@{domain}", EmailVerificationCode="123456")
    assert resp["ErrorDetails"][0]["BusinessValidationError"]["Code"] == "INCOMPATIBLE_DOMAIN"

    expect_error(c.disassociate_aws_training_certification_email_domain, "ResourceNotFoundException",
                 "PARTNER_DOMAIN_NOT_FOUND", 404, Catalog=SB, Identifier=p["Id"], DomainName="not-linked.example")
    assert strip(c.disassociate_aws_training_certification_email_domain(
        Catalog=SB, Identifier=p["Id"], DomainName=domain.upper())) == {}
    assert strip(c.get_partner(Catalog=SB, Identifier=p["Id"]))["AwsTrainingCertificationEmailDomains"] == []


def test_training_domain_quota(client, admin):
    c = client(new_account())
    p = create_partner(c)
    change_settings(admin, training_domains_per_partner=1)
    try:
        c.associate_aws_training_certification_email_domain(
            Catalog=SB, Identifier=p["Id"], Email=f"a@{uniq('q1')}.example", EmailVerificationCode="123456")
        expect_error(c.associate_aws_training_certification_email_domain, "ServiceQuotaExceededException",
                     "LIMIT_EXCEEDED_NUMBER_OF_DOMAIN", 402,
                     Catalog=SB, Identifier=p["Id"], Email=f"a@{uniq('q2')}.example", EmailVerificationCode="123456")
    finally:
        change_settings(admin, training_domains_per_partner=50)


# ---------------------------------------------------------------------------------------- verification

def test_business_verification(client):
    c = client(new_account())
    expect_error(c.get_verification, "ResourceNotFoundException", "VERIFICATION_NOT_FOUND", 404,
                 VerificationType="BUSINESS_VERIFICATION")
    started = strip(c.start_verification(VerificationDetails=business_details("Acme GmbH")))
    assert started["VerificationType"] == "BUSINESS_VERIFICATION"
    assert started["VerificationStatus"] == "IN_PROGRESS"
    assert started["VerificationResponseDetails"]["BusinessVerificationResponse"]["BusinessVerificationDetails"][
        "LegalName"] == "Acme GmbH"
    got = strip(c.get_verification(VerificationType="BUSINESS_VERIFICATION"))
    assert got["VerificationStatus"] == "SUCCEEDED" and "CompletedAt" in got
    expect_error(c.start_verification, "ConflictException", "ACCOUNT_ALREADY_VERIFIED", 409,
                 VerificationDetails=business_details("Acme GmbH"))


def test_registrant_verification_completes_at_its_link(client, admin):
    c = client(new_account())
    started = strip(c.start_verification(VerificationDetails={"RegistrantVerificationDetails": {}}))
    assert started["VerificationStatus"] == "PENDING_CUSTOMER_ACTION"
    details = started["VerificationResponseDetails"]["RegistrantVerificationResponse"]
    url = details["CompletionUrl"]
    # the link points at this server, as the client reached it
    host = c.meta.endpoint_url.split("//", 1)[1]
    assert url.startswith(f"http://{host}/_pcentral/verification/complete/"), url
    expect_error(c.start_verification, "ConflictException", "VERIFICATION_ALREADY_IN_PROGRESS", 409,
                 VerificationDetails={"RegistrantVerificationDetails": {}})
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.status == 200
        assert json.loads(r.read())["verification"]["status"] == "SUCCEEDED"
    got = strip(c.get_verification(VerificationType="REGISTRANT_VERIFICATION"))
    assert got["VerificationStatus"] == "SUCCEEDED"
    assert TS_RE.match(got["VerificationResponseDetails"]["RegistrantVerificationResponse"][
        "CompletionUrlExpiresAt"].strftime("%Y-%m-%dT%H:%M:%S.000Z"))


def test_unopened_registrant_link_expires_and_can_restart(client, admin):
    c = client(new_account())
    c.start_verification(VerificationDetails={"RegistrantVerificationDetails": {}})
    advance_clock(admin, "25h")
    got = strip(c.get_verification(VerificationType="REGISTRANT_VERIFICATION"))
    assert got["VerificationStatus"] == "FAILED" and "expired" in got["VerificationStatusReason"]
    again = strip(c.start_verification(VerificationDetails={"RegistrantVerificationDetails": {}}))
    assert again["VerificationStatus"] == "PENDING_CUSTOMER_ACTION"


def test_create_partner_in_aws_needs_verification(client, admin):
    account = new_account()
    c = client(account)
    name = unique_legal_name("Verified")
    email = unique_email("verified")

    def attempt():
        c.send_email_verification_code(Catalog="AWS", Email=email)
        return dict(Catalog="AWS", LegalName=name, PrimarySolutionType="SOFTWARE_PRODUCTS",
                    AllianceLeadContact={"FirstName": "A", "LastName": "B", "Email": email, "BusinessTitle": "C"},
                    EmailVerificationCode=latest_code(admin, email))

    def business_code(resp):
        return resp["ErrorDetails"][0]["BusinessValidationError"]["Code"]

    resp = expect_error(c.create_partner, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400, **attempt())
    assert business_code(resp) == "INCOMPATIBLE_KNOW_YOUR_BUSINESS_STATUS"
    c.start_verification(VerificationDetails=business_details(name.upper()))
    resp = expect_error(c.create_partner, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400, **attempt())
    assert business_code(resp) == "INCOMPATIBLE_IDENTITY_VERIFICATION_STATUS"
    # the admin force (and the CLI `pcentral verification force`) settles the registrant check
    status, out = admin("POST", "/_pcentral/verification",
                        {"account": account, "type": "REGISTRANT_VERIFICATION", "status": "SUCCEEDED"})
    assert status == 200 and out["status"] == "SUCCEEDED", out
    resp = expect_error(c.create_partner, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400,
                        **dict(attempt(), LegalName=name + " Two"))
    assert business_code(resp) == "INCOMPATIBLE_LEGAL_NAME"
    assert strip(c.create_partner(**attempt()))["LegalName"] == name


def test_forced_rejection_is_reported(client, admin):
    account = new_account()
    status, out = admin("POST", "/_pcentral/verification", {"account": account, "type": "BUSINESS_VERIFICATION",
                                                            "status": "REJECTED", "reason": "Documents unreadable"})
    assert status == 200, out
    got = strip(client(account).get_verification(VerificationType="BUSINESS_VERIFICATION"))
    assert got["VerificationStatus"] == "REJECTED" and got["VerificationStatusReason"] == "Documents unreadable"
    status, out = admin("POST", "/_pcentral/verification", {"account": account, "type": "X", "status": "SUCCEEDED"})
    assert status == 400, out


# ---------------------------------------------------------------------------------------- tags

def test_tags(client):
    c = client(new_account())
    p = create_partner(c)
    arn = p["Arn"]
    assert strip(c.list_tags_for_resource(ResourceArn=arn)) == {"ResourceArn": arn, "Tags": []}
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}])
    assert strip(c.list_tags_for_resource(ResourceArn=arn)) == {"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}]}
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}])
    assert strip(c.list_tags_for_resource(ResourceArn=arn))["Tags"] == [
        {"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}]
    c.untag_resource(ResourceArn=arn, TagKeys=["team", "never-set"])
    c.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert strip(c.list_tags_for_resource(ResourceArn=arn)) == {"ResourceArn": arn, "Tags": []}

    resp = expect_error(c.tag_resource, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        ResourceArn=arn, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert field_errors(resp["ErrorDetails"]) == [("Tags[0].Key", "INVALID_VALUE")]
    not_partner = arn.split(":catalog/")[0] + ":catalog/Sandbox/partner-0123456789abc"
    resp = expect_error(c.list_tags_for_resource, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                        ResourceArn=not_partner)
    assert field_errors(resp["ErrorDetails"]) == [("ResourceArn", "INVALID_VALUE")]
    for op, kwargs in [(client(new_account()).tag_resource, {"Tags": [{"Key": "k", "Value": "v"}]}),
                       (client(new_account()).untag_resource, {"TagKeys": ["k"]}),
                       (client(new_account()).list_tags_for_resource, {})]:
        expect_error(op, "ResourceNotFoundException", "PARTNER_NOT_FOUND", 404, ResourceArn=arn, **kwargs)


# ---------------------------------------------------------------------------------------- qualifications

def _published(c):
    p = create_partner(c)
    publish(c, p["Id"])
    profile = strip(c.get_partner(Catalog=SB, Identifier=p["Id"]))["Profile"]["ProfileId"]
    assert PROFILE_ID_RE.match(profile)
    return p, profile


def test_qualifications_association_lifecycle(client):
    primary_account, sub_account = new_account(), new_account()
    cp, cs = client(primary_account), client(sub_account)
    p, p_profile = _published(cp)
    s, s_profile = _published(cs)
    for op, reason in [(cs.get_qualifications_association_task, "QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND"),
                       (cs.get_qualifications_disassociation_task, "QUALIFICATIONS_DISASSOCIATION_TASK_NOT_FOUND")]:
        expect_error(op, "ResourceNotFoundException", reason, 404, Catalog=SB, Identifier=s["Id"])
    assert strip(cs.get_qualifications_association_details(Catalog=SB, Identifier=s["Id"])) == {
        "Catalog": SB, "Arn": s["Arn"], "Id": s["Id"], "Status": "NOT_ASSOCIATED"}

    resp = expect_error(cs.start_qualifications_association_task, "ValidationException",
                        "BUSINESS_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account})
    assert resp["ErrorDetails"][0]["BusinessValidationError"]["Code"] == "MISSING_ACTIVE_SUBSIDIARY_CONNECTION"

    inv = strip(cp.create_connection_invitation(
        Catalog=SB, ConnectionType="SUBSIDIARY", ReceiverIdentifier=sub_account, Email="p@example.com",
        Name="Pat", Message="Subsidiary link"))
    conn = strip(cs.accept_connection_invitation(Catalog=SB, Identifier=inv["Id"]))["Connection"]

    started = strip(cs.start_qualifications_association_task(
        Catalog=SB, Identifier=s["Id"], PrimaryPartner={"ProfileId": p_profile}))
    assert re.fullmatch(r"pqatask-[a-z2-7]{13}", started["TaskId"]), started["TaskId"]
    assert started["Status"] == "IN_PROGRESS" and "EndedAt" not in started
    assert started["PrimaryPartner"] == {"ProfileId": p_profile, "AccountId": primary_account}
    task = strip(cs.get_qualifications_association_task(Catalog=SB, Identifier=s["Id"]))
    assert task["Status"] == "SUCCEEDED" and task["TaskId"] == started["TaskId"] and "EndedAt" in task
    for c, partner in [(cs, s), (cp, p)]:
        details = strip(c.get_qualifications_association_details(Catalog=SB, Identifier=partner["Id"]))
        assert details["Status"] == "ASSOCIATED", details
        assert details["PrimaryPartner"] == {"ProfileId": p_profile, "AccountId": primary_account}
        assert details["AssociatedPartners"] == [{"ProfileId": s_profile, "AccountId": sub_account}]
    resp = expect_error(cs.start_qualifications_association_task, "ValidationException",
                        "BUSINESS_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account})
    assert resp["ErrorDetails"][0]["BusinessValidationError"]["Code"] == "QUALIFICATIONS_ASSOCIATION_EXISTS"

    # the primary may not disassociate; the subsidiary leaves
    resp = expect_error(cp.start_qualifications_disassociation_task, "ValidationException",
                        "BUSINESS_VALIDATION_FAILED", 400,
                        Catalog=SB, Identifier=p["Id"], AssociatedPartner={"AccountId": sub_account})
    assert resp["ErrorDetails"][0]["BusinessValidationError"]["Code"] == "INCOMPATIBLE_PRIMARY_PARTNER"
    leaving = strip(cs.start_qualifications_disassociation_task(
        Catalog=SB, Identifier=s["Id"], AssociatedPartner={"AccountId": primary_account}))
    assert re.fullmatch(r"pqdtask-[a-z2-7]{13}", leaving["TaskId"])
    assert strip(cs.get_qualifications_disassociation_task(Catalog=SB, Identifier=s["Id"]))["Status"] == "SUCCEEDED"
    assert strip(cp.get_qualifications_association_details(Catalog=SB, Identifier=p["Id"]))["Status"] == "NOT_ASSOCIATED"

    # associate again, then the primary cancels the SUBSIDIARY link: dissolved at once
    cs.start_qualifications_association_task(Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account})
    assert strip(cs.get_qualifications_association_details(Catalog=SB, Identifier=s["Id"]))["Status"] == "ASSOCIATED"
    cp.cancel_connection(Catalog=SB, Identifier=conn["Id"], ConnectionType="SUBSIDIARY", Reason="sold")
    assert strip(cs.get_qualifications_association_details(Catalog=SB, Identifier=s["Id"]))["Status"] == "NOT_ASSOCIATED"


def test_qualifications_task_in_flight_conflicts(client, admin):
    primary_account, sub_account = new_account(), new_account()
    cp, cs = client(primary_account), client(sub_account)
    _published(cp)
    s, _ = _published(cs)
    inv = strip(cp.create_connection_invitation(
        Catalog=SB, ConnectionType="SUBSIDIARY", ReceiverIdentifier=sub_account, Email="p@example.com",
        Name="Pat", Message="Subsidiary link"))
    cs.accept_connection_invitation(Catalog=SB, Identifier=inv["Id"])
    change_settings(admin, qualifications_task_delay_seconds=3600)
    try:
        token = uniq("qa")
        first = strip(cs.start_qualifications_association_task(
            Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account}, ClientToken=token))
        assert strip(cs.start_qualifications_association_task(
            Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account}, ClientToken=token)) == first
        expect_error(cs.start_qualifications_association_task, "ConflictException",
                     "INCOMPATIBLE_QUALIFICATIONS_ASSOCIATION_TASK_STATE", 409,
                     Catalog=SB, Identifier=s["Id"], PrimaryPartner={"AccountId": primary_account})
        assert strip(cs.get_qualifications_association_task(Catalog=SB, Identifier=s["Id"]))["Status"] == "IN_PROGRESS"
        advance_clock(admin, "1h")
        assert strip(cs.get_qualifications_association_task(Catalog=SB, Identifier=s["Id"]))["Status"] == "SUCCEEDED"
    finally:
        change_settings(admin, qualifications_task_delay_seconds=0)
