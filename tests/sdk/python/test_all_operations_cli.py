"""Every operation of the Selling API's botocore model (63) through the pinned AWS CLI: each
`aws partnercentral-selling <op> --cli-input-json` with the minimal input test_all_operations_served
builds answers success or an error its model lists, never NotImplemented or UnknownOperation.
The pinned CLI bundles an older Selling model, so the module first gives it botocore's with
`aws configure add-model` (into this module's CLI home). One CLI process per operation, each with
a timeout."""

import json
import re

import botocore.loaders
import pytest
from botocore import xform_name

from helpers import new_account
from test_all_operations_served import MODELS, sample

SELLING = MODELS["partnercentral-selling"]
ERROR = re.compile(r"An error occurred \((\w+)\) when calling the (\w+) operation")


@pytest.fixture(scope="module")
def selling_cli(cli, tmp_path_factory):
    model = tmp_path_factory.mktemp("model") / "selling.json"
    model.write_text(json.dumps(botocore.loaders.create_loader().load_service_model(
        "partnercentral-selling", "service-2")))
    rc, _, err = cli(new_account(), "configure", "add-model", "--service-name", "partnercentral-selling",
                     "--service-model", f"file://{model}")
    assert rc == 0, err
    return cli


def test_the_model_has_every_operation():
    assert len(SELLING.operation_names) >= 63


@pytest.mark.parametrize("operation", SELLING.operation_names)
def test_operation_is_served_to_the_cli(selling_cli, operation):
    op = SELLING.operation_model(operation)
    params = sample(op.input_shape) if op.input_shape is not None else {}
    command = xform_name(operation, "-")
    rc, _, err = selling_cli(new_account(), "partnercentral-selling", command,
                             "--cli-input-json", json.dumps(params), timeout=60)
    assert "NotImplemented" not in err and "UnknownOperation" not in err, (operation, err)
    if rc == 0:
        return
    # 254/255: the service answered an error (252 would be the CLI refusing the input unsent).
    assert rc in (254, 255), (operation, rc, err)
    found = ERROR.search(err)
    assert found, (operation, err)
    code, called = found.groups()
    assert called == operation, (operation, err)
    listed = {e.name for e in op.error_shapes}
    assert code in listed and code != "InternalServerException", (operation, code, sorted(listed))
