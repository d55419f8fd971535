"""The Selling API's system settings (docs/behaviour.md#selling-system-settings) through boto3's
`partnercentral-selling` client and the AWS CLI: nothing set answers the catalog alone, a role name
becomes a role of the caller's account, a full ARN is kept, Put without a role clears it, settings
are per account and catalog, malformed roles are refused and store nothing, and the fixture and
reset tools carry them."""

import pytest
from botocore.exceptions import ClientError

from helpers import new_account

SB = "Sandbox"


def test_put_and_get_per_account_and_catalog(selling):  # noqa: F811
    a, b = new_account(), new_account()
    c = selling(a)
    got = c.get_selling_system_settings(Catalog=SB)
    got.pop("ResponseMetadata")
    assert got == {"Catalog": SB}
    put = c.put_selling_system_settings(Catalog=SB, ResourceSnapshotJobRoleIdentifier="SnapshotRole")
    put.pop("ResponseMetadata")
    assert put == {"Catalog": SB, "ResourceSnapshotJobRoleArn": f"arn:aws:iam::{a}:role/SnapshotRole"}
    got = c.get_selling_system_settings(Catalog=SB)
    got.pop("ResponseMetadata")
    assert got == put
    assert "ResourceSnapshotJobRoleArn" not in c.get_selling_system_settings(Catalog="AWS")
    assert "ResourceSnapshotJobRoleArn" not in selling(b).get_selling_system_settings(Catalog=SB)
    full = f"arn:aws:iam::{b}:role/team/Snapshots"
    assert c.put_selling_system_settings(Catalog=SB, ResourceSnapshotJobRoleIdentifier=full)[
        "ResourceSnapshotJobRoleArn"] == full
    cleared = c.put_selling_system_settings(Catalog=SB)
    assert "ResourceSnapshotJobRoleArn" not in cleared
    assert "ResourceSnapshotJobRoleArn" not in c.get_selling_system_settings(Catalog=SB)


@pytest.mark.parametrize("bad", ["has space", "arn:aws:iam::12:role/Short", "r" * 65, "arn:aws:s3:::bucket"])
def test_a_malformed_role_is_refused_and_stores_nothing(selling, bad):  # noqa: F811
    c = selling(new_account())
    c.put_selling_system_settings(Catalog=SB, ResourceSnapshotJobRoleIdentifier="Kept")
    with pytest.raises(ClientError) as e:
        c.put_selling_system_settings(Catalog=SB, ResourceSnapshotJobRoleIdentifier=bad)
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert c.get_selling_system_settings(Catalog=SB)["ResourceSnapshotJobRoleArn"].endswith(":role/Kept")


def test_fixtures_and_reset(selling, admin):  # noqa: F811
    a, b = new_account(), new_account()
    selling(a).put_selling_system_settings(Catalog=SB, ResourceSnapshotJobRoleIdentifier="RoleA")
    selling(b).put_selling_system_settings(Catalog="AWS", ResourceSnapshotJobRoleIdentifier="RoleB")
    status, exported = admin("GET", "/_pcentral/export")
    assert status == 200
    mine = [s for s in exported["selling_settings"] if s["account"] == a]
    assert [s["resource_snapshot_job_role_arn"] for s in mine] == [f"arn:aws:iam::{a}:role/RoleA"]
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    assert "ResourceSnapshotJobRoleArn" not in selling(a).get_selling_system_settings(Catalog=SB)
    status, counts = admin("POST", "/_pcentral/seed", {"version": 1, "selling_settings": mine})
    assert status == 200, counts
    assert selling(a).get_selling_system_settings(Catalog=SB)["ResourceSnapshotJobRoleArn"].endswith("/RoleA")
    # A catalog reset takes that catalog's settings only.
    assert admin("POST", "/_pcentral/reset", {"catalog": "AWS"})[0] == 200
    assert "ResourceSnapshotJobRoleArn" not in selling(b).get_selling_system_settings(Catalog="AWS")
    assert selling(a).get_selling_system_settings(Catalog=SB)["ResourceSnapshotJobRoleArn"].endswith("/RoleA")


def test_aws_cli_puts_and_gets(cli):
    account = new_account()
    rc, put, err = cli(account, "partnercentral-selling", "put-selling-system-settings", "--catalog", SB,
                       "--resource-snapshot-job-role-identifier", "CliRole")
    assert rc == 0, err
    assert put == {"Catalog": SB, "ResourceSnapshotJobRoleArn": f"arn:aws:iam::{account}:role/CliRole"}
    rc, got, err = cli(account, "partnercentral-selling", "get-selling-system-settings", "--catalog", SB)
    assert rc == 0, err
    assert got == put
