"""Every operation of the botocore models in this venv (the Account API's 34, the Selling API's 63)
is served: each answers success or an error its model lists, never NotImplemented or
UnknownOperation. Run against a newer botocore (scripts/drift-check) it shows what AWS added."""

import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import new_account

SESSION = botocore.session.get_session()
MODELS = {name: SESSION.get_service_model(name) for name in ("partnercentral-account", "partnercentral-selling")}

# Minimal valid values for the members a request requires, by shape name (anything else gets a
# value built from the shape's type and constraints).
SAMPLES = {
    "Catalog": "Sandbox",
    "PartnerIdentifier": "partner-0123456789abc",
    "ConnectionId": "pac-0123456789abc",
    "ConnectionInvitationId": "pacinv-0123456789abc",
    "ProfileTaskId": "pprofiletask-0123456789abc",
    "TaggableResourceArn": "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner/partner-0123456789abc",
    "Email": "ops@example.com",
    "EmailVerificationCode": "123456",
    "DomainName": "example.com",
    "ParticipantIdentifier": "111111111111",
    "AwsAccountId": "111111111111",
    "PartnerProfileId": "pprofile-0123456789abc",
    "Url": "https://example.com",
    "Locale": "en-US",
    "CountryCode": "US",
    "SubdivisionCode": "WA",
    "ClientToken": "token-1",
}


def sample(shape, depth=0):
    if shape.name in SAMPLES:
        return SAMPLES[shape.name]
    kind = shape.type_name
    if kind == "structure":
        members = shape.members
        if shape.is_tagged_union:
            name = sorted(members)[0]
            return {name: sample(members[name], depth + 1)}
        names = set(shape.required_members)
        if depth > 0 and not names and members:
            names = {sorted(members)[0]}  # e.g. {ProfileId?, AccountId?}: at least one
        return {n: sample(members[n], depth + 1) for n in names}
    if kind == "list":
        return [sample(shape.member, depth + 1)] if shape.metadata.get("min", 0) else []
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "x" * max(1, shape.metadata.get("min", 1))
    if kind in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return "2026-01-01T00:00:00Z"
    return None


def test_the_models_have_every_operation():
    assert len(MODELS["partnercentral-account"].operation_names) >= 34
    assert len(MODELS["partnercentral-selling"].operation_names) >= 63


@pytest.mark.parametrize("service, operation",
                         [(name, op) for name, model in MODELS.items() for op in model.operation_names])
def test_operation_is_served(server, service, operation):
    account = new_account()
    c = SESSION.create_client(
        service, region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id=account, aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}))
    op = MODELS[service].operation_model(operation)
    params = sample(op.input_shape) if op.input_shape is not None else {}
    try:
        getattr(c, xform_name(operation))(**params)
    except ClientError as e:
        code = e.response["Error"]["Code"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        assert code not in ("NotImplementedException", "UnknownOperationException"), (operation, e.response)
        assert status not in (404,) or code == "ResourceNotFoundException", (operation, e.response)
        assert status < 500, (operation, e.response)
