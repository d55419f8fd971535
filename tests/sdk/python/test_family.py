"""One endpoint serves the family of Partner Central APIs: Account and Selling (docs/behaviour.md#protocol).

The X-Amz-Target prefix picks the service; the SigV4 credential scope must name that service's
signing name; Selling's input validation answers a ValidationException botocore parses with its
Reason and ErrorList; fault rules and the requests log name the service, so TagResource of one
service is never mistaken for the other's.
"""

import pytest
from botocore.exceptions import ClientError

from helpers import log_line, log_offset, new_account

SELLING = "partnercentral-selling"
SELLING_PREFIX = "AWSPartnerCentralSelling."
OPPORTUNITY_ARN = "arn:aws:partnercentral:us-east-1:{account}:catalog/Sandbox/opportunity/O1234567890"


def selling_client(client, account):
    return client(account, service=SELLING)


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response


def test_the_account_api_still_answers_on_the_same_endpoint(client):
    resp = client(new_account()).list_partners(Catalog="Sandbox")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize("target, signed_for, expected", [
    (SELLING_PREFIX + "ListOpportunities", "partnercentral-account", SELLING),
    ("PartnerCentralAccount.ListPartners", SELLING, "partnercentral-account"),
])
def test_a_request_signed_for_another_service_is_refused(raw, target, signed_for, expected):
    r = raw(None, {"Catalog": "Sandbox"}, account=new_account(), target=target, signing_name=signed_for)
    assert r.status == 403 and r.error_type == "InvalidSignatureException", r
    assert r.json["Message"] == f"Credential should be scoped to correct service: '{expected}'.", r


def test_a_request_signed_for_its_own_service_passes_the_scope_check(raw):
    r = raw(None, {"Catalog": "Sandbox"}, account=new_account(), target=SELLING_PREFIX + "ListOpportunities",
            signing_name=SELLING)
    assert r.status == 200 and r.json["OpportunitySummaries"] == [], r


def test_word_classes_of_selling_patterns_are_ascii(client):
    """`\\w` in a model pattern is [A-Za-z0-9_] (ECMAScript), not every Unicode letter."""
    account = new_account()
    c = selling_client(client, account)
    arn = OPPORTUNITY_ARN.format(account=account)
    resp = error_of(c.list_tags_for_resource, ResourceArn=arn.replace("O1234567890", "Oé234567890"))
    assert resp["Error"]["Code"] == "ValidationException", resp
    assert [(e["FieldName"], e["Code"]) for e in resp["ErrorList"]] == [("ResourceArn", "INVALID_STRING_FORMAT")], resp
    # The same ARN in ASCII passes validation and reaches the handler.
    resp = error_of(c.list_tags_for_resource, ResourceArn=arn)
    assert resp["Error"]["Code"] != "ValidationException", resp


def test_selling_validation_errors_parse_with_reason_and_error_list(client):
    c = selling_client(client, new_account())
    resp = error_of(c.get_opportunity, Catalog="Sandbox", Identifier="not-an-opportunity")
    assert resp["Error"]["Code"] == "ValidationException", resp
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert resp["Reason"] == "REQUEST_VALIDATION_FAILED", resp
    assert [(e["FieldName"], e["Code"]) for e in resp["ErrorList"]] == [("Identifier", "INVALID_STRING_FORMAT")], resp
    assert "Identifier" in resp["ErrorList"][0]["Message"]
    # Selling's codes: a range is VALUE_OUT_OF_RANGE, a catalog pcentral does not serve INVALID_VALUE.
    resp = error_of(c.list_opportunities, Catalog="Production", MaxResults=500)
    codes = {e["FieldName"]: e["Code"] for e in resp["ErrorList"]}
    assert codes == {"Catalog": "INVALID_VALUE", "MaxResults": "VALUE_OUT_OF_RANGE"}, resp
    # A valid input reaches the handler: an unknown opportunity is not found.
    resp = error_of(c.get_opportunity, Catalog="Sandbox", Identifier="O1234567890")
    assert resp["Error"]["Code"] == "ResourceNotFoundException", resp


def test_account_validation_errors_keep_their_own_shape(client):
    resp = error_of(client(new_account()).get_partner, Catalog="Sandbox", Identifier="nope")
    assert resp["Reason"] == "REQUEST_VALIDATION_FAILED" and "ErrorList" not in resp, resp
    assert resp["ErrorDetails"][0]["FieldValidationError"]["Name"] == "Identifier", resp


@pytest.fixture
def no_fault_rules(admin):
    yield
    admin("DELETE", "/_pcentral/faults")


def tag_both(raw, account):
    arn = OPPORTUNITY_ARN.format(account=account)
    selling = raw(None, {"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}]}, account=account,
                  target=SELLING_PREFIX + "TagResource", signing_name=SELLING)
    account_arn = f"arn:aws:partnercentral:us-east-1:{account}:catalog/Sandbox/partner/partner-abcdefghijklm"
    acct = raw("TagResource", {"ResourceArn": account_arn, "Tags": [{"Key": "team", "Value": "a"}]}, account=account)
    return selling, acct


def test_a_fault_rule_on_selling_tag_resource_hits_only_selling(raw, admin, no_fault_rules):
    status, rule = admin("POST", "/_pcentral/faults",
                         {"kind": "throttle_before", "service": SELLING, "operation": "TagResource"})
    assert status == 200, rule
    assert (rule["service"], rule["operation"]) == (SELLING, "TagResource"), rule
    selling, acct = tag_both(raw, new_account())
    assert selling.status == 429 and selling.error_type == "ThrottlingException", selling
    assert acct.status != 429 and acct.error_type != "ThrottlingException", acct


def test_a_fault_rule_without_a_service_is_the_account_apis(raw, admin, no_fault_rules):
    status, rule = admin("POST", "/_pcentral/faults", {"kind": "throttle_before", "operation": "TagResource"})
    assert status == 200 and rule["service"] == "partnercentral-account", rule
    selling, acct = tag_both(raw, new_account())
    assert acct.status == 429 and acct.error_type == "ThrottlingException", acct
    # Selling's TagResource ran: the opportunity the ARN names does not exist.
    assert selling.status == 404 and selling.error_type == "ResourceNotFoundException", selling


def test_a_fault_rule_names_an_operation_of_its_service(admin, no_fault_rules):
    status, body = admin("POST", "/_pcentral/faults",
                         {"kind": "throttle_before", "service": SELLING, "operation": "CreatePartner"})
    assert status == 400 and "CreatePartner" in str(body), body
    status, body = admin("GET", "/_pcentral/faults")
    assert status == 200 and body["faults"] == [], body


def test_pcentral_cli_adds_a_selling_fault_rule(pcentral, admin, no_fault_rules):
    proc = pcentral("faults", "add", "--kind", "throttle-before", "--service", SELLING, "--operation",
                    "ListOpportunities")
    assert proc.returncode == 0, proc.stderr
    status, body = admin("GET", "/_pcentral/faults")
    assert [(f["service"], f["operation"]) for f in body["faults"]] == [(SELLING, "ListOpportunities")], body


def test_the_requests_log_and_the_log_line_show_the_service(raw, admin, server):
    mark = log_offset(server)
    account = new_account()
    op = "ListEngagementResourceAssociations"
    r = raw(None, {"Catalog": "Sandbox"}, account=account, target=SELLING_PREFIX + op, signing_name=SELLING)
    assert r.status == 200, r
    request_id = r.header("x-amzn-RequestId")
    status, listed = admin("GET", "/_pcentral/requests?limit=50")
    assert status == 200, listed
    entry = next(e for e in listed["requests"] if e["request_id"] == request_id)
    assert (entry["service"], entry["operation"], entry["status"]) == (SELLING, op, 200), entry
    line = log_line(server, mark, f"request_id={request_id}", " api ")
    assert f'service="{SELLING}"' in line and f'operation="{op}"' in line, line
    a = raw("ListPartners", {"Catalog": "Sandbox"}, account=account)
    status, listed = admin("GET", "/_pcentral/requests?limit=50")
    entry = next(e for e in listed["requests"] if e["request_id"] == a.header("x-amzn-RequestId"))
    assert entry["service"] == "partnercentral-account", entry
    status, metrics = admin("GET", "/_pcentral/metrics")
    assert f'pcentral_requests_total{{service="{SELLING}",operation="{op}",status="200"}}' in metrics


@pytest.mark.parametrize("path, where", [("/_pcentral/health", ("model", "services")), ("/_pcentral/", ("services",))])
def test_health_and_the_admin_index_list_the_services(admin, path, where):
    status, body = admin("GET", path)
    assert status == 200, body
    for key in where:
        body = body[key]
    services = {s["name"]: s for s in body}
    assert (services["partnercentral-account"]["operations"], services["partnercentral-account"]["built"]) == (34, 34)
    assert services[SELLING]["operations"] == 63 and services[SELLING]["api_version"] == "2022-07-26"
    assert services[SELLING]["target_prefix"] == "AWSPartnerCentralSelling"
