"""`aws:ResourceTag/<key>` conditions of IAM users' policies (docs/security.md#iam-users-and-policies) on
the taggable resource types whose tags pcentral stores besides opportunities: partners of the Account API
and resource snapshot jobs of the Selling API. A condition reads the tags of the caller's own record; a
record of another account has no tags for the caller (so a positive condition on it denies)."""

from helpers import CATALOG, create_partner, new_account
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_iam import allow, denied, user_key  # noqa: F401 (fixture)
from test_snapshots import TEMPLATE, accepted, job_ref  # noqa: F401 (fixture)
from conftest import REGION

RED = {"StringEquals": {"aws:ResourceTag/team": "red"}}


def partner_arn(account, partner_id):
    return f"arn:aws:partnercentral:{REGION}:{account}:catalog/{CATALOG}/partner/{partner_id}"


def test_partner_tags_decide_get_partner(client, user_key):
    acct = new_account()
    made = create_partner(client(acct))
    pid = made["Id"]
    client(acct).tag_resource(ResourceArn=made["Arn"], Tags=[{"Key": "team", "Value": "red"}])
    red = user_key(acct, "red", allow("partnercentral:GetPartner", condition=RED), service="partnercentral-account")
    assert red.get_partner(Catalog=CATALOG, Identifier=pid)["Id"] == pid
    blue = user_key(acct, "blue", allow("partnercentral:GetPartner",
                                        condition={"StringEquals": {"aws:ResourceTag/team": "blue"}}),
                    service="partnercentral-account")
    denied(blue.get_partner, acct, "blue", "partnercentral:GetPartner", partner_arn(acct, pid),
           service="account", Catalog=CATALOG, Identifier=pid)
    # Retagging is seen by the next call.
    client(acct).untag_resource(ResourceArn=made["Arn"], TagKeys=["team"])
    denied(red.get_partner, acct, "red", "partnercentral:GetPartner", partner_arn(acct, pid),
           service="account", Catalog=CATALOG, Identifier=pid)
    # Another account's red partner has no tags for this caller.
    other = new_account()
    theirs = create_partner(client(other))["Id"]
    client(other).tag_resource(ResourceArn=partner_arn(other, theirs), Tags=[{"Key": "team", "Value": "red"}])
    client(acct).tag_resource(ResourceArn=made["Arn"], Tags=[{"Key": "team", "Value": "red"}])
    denied(red.get_partner, acct, "red", "partnercentral:GetPartner", partner_arn(acct, theirs),
           service="account", Catalog=CATALOG, Identifier=theirs)
    assert client(other).list_tags_for_resource(ResourceArn=partner_arn(other, theirs))["Tags"] == [
        {"Key": "team", "Value": "red"}]


def test_resource_snapshot_job_tags_decide_job_calls(accepted, selling, user_key):
    a, b, engagement, resource, copy = accepted

    def job(token, team):
        return selling(a).create_resource_snapshot_job(
            Catalog=CATALOG, ClientToken=token, EngagementIdentifier=engagement, ResourceType="Opportunity",
            ResourceIdentifier=resource, ResourceSnapshotTemplateIdentifier=TEMPLATE,
            Tags=[{"Key": "team", "Value": team}])

    red_job = job(f"red-{resource}", "red")
    blue_job = job(f"blue-{resource}", "blue")
    c = user_key(a, "red", allow("partnercentral:GetResourceSnapshotJob", "partnercentral:DeleteResourceSnapshotJob",
                                 condition=RED))
    assert c.get_resource_snapshot_job(**job_ref(red_job["Id"]))["Id"] == red_job["Id"]
    denied(c.get_resource_snapshot_job, a, "red", "partnercentral:GetResourceSnapshotJob", blue_job["Arn"],
           **job_ref(blue_job["Id"]))
    denied(c.delete_resource_snapshot_job, a, "red", "partnercentral:DeleteResourceSnapshotJob", blue_job["Arn"],
           **job_ref(blue_job["Id"]))
    # The refused delete changed nothing.
    assert selling(a).get_resource_snapshot_job(**job_ref(blue_job["Id"]))["Id"] == blue_job["Id"]
    # B's user asking for A's red job by id: the job is not B's, so it has no tags for B.
    cb = user_key(b, "red", allow("partnercentral:GetResourceSnapshotJob", condition=RED))
    theirs = f"arn:aws:partnercentral:{REGION}:{b}:catalog/{CATALOG}/resource-snapshot-job/{red_job['Id']}"
    denied(cb.get_resource_snapshot_job, b, "red", "partnercentral:GetResourceSnapshotJob", theirs,
           **job_ref(red_job["Id"]))
