"""An example suite: Partner Central flows against pcentral, through the wheel's pytest fixtures."""

import random

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

CATALOG = "Sandbox"


def new_account():
    """A fresh 12-digit account id: the server is shared by every test of the session."""
    return str(random.randrange(100_000_000_000, 999_999_999_999))


def register(client, name):
    """Register a partner for the client's account and publish its profile; answer the partner id."""
    email = f"lead@{name.lower()}.example"
    client.send_email_verification_code(Catalog=CATALOG, Email=email)
    partner = client.create_partner(
        Catalog=CATALOG, LegalName=f"{name} {random.randrange(10**9)}", PrimarySolutionType="SOFTWARE_PRODUCTS",
        AllianceLeadContact={"FirstName": "Ana", "LastName": "Lee", "Email": email, "BusinessTitle": "CTO"},
        EmailVerificationCode="123456",  # any 6 digits in the Sandbox catalog
    )
    client.start_profile_update_task(Catalog=CATALOG, Identifier=partner["Id"], TaskDetails={
        "DisplayName": name, "Description": f"{name} builds things", "WebsiteUrl": f"https://{name.lower()}.example",
        "LogoUrl": f"https://{name.lower()}.example/logo.png", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "IndustrySegments": ["SOFTWARE_INTERNET"], "TranslationSourceLocale": "en-US"})
    return partner["Id"]


def test_a_partner_is_registered_and_published(pcentral_client):
    c = pcentral_client(new_account())
    partner_id = register(c, "Alpha")
    assert c.get_profile_update_task(Catalog=CATALOG, Identifier=partner_id)["Status"] == "SUCCEEDED"
    assert [p["Id"] for p in c.list_partners(Catalog=CATALOG)["PartnerSummaryList"]] == [partner_id]


def test_two_partners_connect(pcentral_server, pcentral_client):
    a, b = new_account(), new_account()
    ca, cb = pcentral_client(a), pcentral_client(b)
    register(ca, "Alpha")
    b_partner = register(cb, "Beta")
    b_profile = cb.get_partner(Catalog=CATALOG, Identifier=b_partner)["Profile"]["ProfileId"]
    invitation = ca.create_connection_invitation(
        Catalog=CATALOG, ConnectionType="OPPORTUNITY_COLLABORATION", ReceiverIdentifier=b_profile,
        Email="ana@alpha.example", Name="Ana Lee", Message="Let's sell together")
    connection = cb.accept_connection_invitation(Catalog=CATALOG, Identifier=invitation["Id"])["Connection"]
    assert ca.get_connection(Catalog=CATALOG, Identifier=connection["Id"])["OtherParticipantAccountId"] == b
    # The EventBridge events the real service would send, recorded per recipient account.
    kinds = [e["event"]["detail-type"] for e in pcentral_server.events(account=a)]
    assert "Partner Connection Invitation Accepted" in kinds


def test_a_verification_code_expires_after_30_minutes(pcentral_server, pcentral_client):
    account = new_account()
    c = pcentral_client(account)
    for kind in ("BUSINESS_VERIFICATION", "REGISTRANT_VERIFICATION"):
        pcentral_server.admin("POST", "/_pcentral/verification",
                              {"account": account, "type": kind, "status": "SUCCEEDED", "legal_name": "Gamma Data"})
    email = f"lead-{account}@gamma.example"

    def create(code):
        return c.create_partner(Catalog="AWS", LegalName="Gamma Data", PrimarySolutionType="CONSULTING_SERVICES",
                                AllianceLeadContact={"FirstName": "Gia", "LastName": "Do", "Email": email,
                                                     "BusinessTitle": "CEO"},
                                EmailVerificationCode=code)

    c.send_email_verification_code(Catalog="AWS", Email=email)
    code = pcentral_server.outbox(email)[-1]["code"]  # what the real service would have emailed
    pcentral_server.clock.advance("31m")
    with pytest.raises(ClientError) as refused:
        create(code)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    c.send_email_verification_code(Catalog="AWS", Email=email)
    assert create(pcentral_server.latest_code(email))["Catalog"] == "AWS"


def test_my_code_sees_throttling_when_the_client_does_not_retry(pcentral_server, pcentral_client):
    account = new_account()
    # AWS clients retry 429 and 5xx answers by themselves: one attempt shows the error to the code under test.
    c = pcentral_client(account, config=Config(retries={"total_max_attempts": 1}))
    pcentral_server.faults.add("throttle_before", operation="ListPartners", account=account, remaining=1)
    with pytest.raises(ClientError) as throttled:
        c.list_partners(Catalog=CATALOG)
    assert throttled.value.response["Error"]["Code"] == "ThrottlingException"
    assert c.list_partners(Catalog=CATALOG)["PartnerSummaryList"] == []


def test_an_opportunity_is_created_updated_and_listed(pcentral_selling_client):
    """The Selling API answers on the same server: its client comes from `pcentral_selling_client`."""
    s = pcentral_selling_client(new_account())
    made = s.create_opportunity(
        Catalog=CATALOG, Customer={"Account": {"CompanyName": "Acme", "WebsiteUrl": "https://acme.example"}},
        LifeCycle={"Stage": "Prospect", "TargetCloseDate": "2027-06-30"}, Project={"Title": "Data platform"},
        OpportunityType="Net New Business")
    got = s.get_opportunity(Catalog=CATALOG, Identifier=made["Id"])
    life = {**got["LifeCycle"], "Stage": "Qualified"}
    life.pop("ReviewStatus", None)
    s.update_opportunity(Catalog=CATALOG, Identifier=made["Id"], LastModifiedDate=got["LastModifiedDate"],
                         Customer=got["Customer"], Project=got["Project"], LifeCycle=life,
                         OpportunityType=got["OpportunityType"])
    # The date read before that update is stale now: UpdateOpportunity refuses it.
    with pytest.raises(ClientError) as e:
        s.update_opportunity(Catalog=CATALOG, Identifier=made["Id"], LastModifiedDate=got["LastModifiedDate"],
                             Customer=got["Customer"], LifeCycle=life)
    assert e.value.response["Error"]["Code"] == "ConflictException"
    summaries = s.list_opportunities(Catalog=CATALOG, LifeCycleStage=["Qualified"])["OpportunitySummaries"]
    assert [o["Id"] for o in summaries] == [made["Id"]]
