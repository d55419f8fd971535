"""Resource snapshots of the Selling API (docs/behaviour.md#resource-snapshots) through boto3 and the
AWS CLI: the two-partner co-sell flow carried to its end (connect with the Account API, create an
opportunity and an engagement, invite the connected partner, accept through the task, snapshot the
opportunity, both partners read the engagement's members and the snapshot, by revision); a third
account sees none of it and learns nothing; the lists with their filters and pages;
ListEngagementResourceAssociations; refusals that store nothing; reset by account."""

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, new_account
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_engagements import error
from test_opportunities import payload

TEMPLATE = "OpportunitySummary"


def opportunity(selling, account, **kw):
    return selling(account).create_opportunity(Catalog=CATALOG, ClientToken=f"o-{new_account()}",
                                               **payload(**kw))["Id"]


def snapshot(selling, account, engagement, resource, token=None, **kw):
    return selling(account).create_resource_snapshot(
        Catalog=CATALOG, ClientToken=token or f"s-{new_account()}", EngagementIdentifier=engagement,
        ResourceType="Opportunity", ResourceIdentifier=resource, ResourceSnapshotTemplateIdentifier=kw.pop(
            "template", TEMPLATE), **kw)


def get(selling, account, engagement, resource, **kw):
    return selling(account).get_resource_snapshot(
        Catalog=CATALOG, EngagementIdentifier=engagement, ResourceType="Opportunity",
        ResourceIdentifier=resource, ResourceSnapshotTemplateIdentifier=TEMPLATE, **kw)


def listed(selling, account, engagement, **filters):
    page = selling(account).list_resource_snapshots(Catalog=CATALOG, EngagementIdentifier=engagement, **filters)
    return [(s["ResourceId"], s["Revision"]) for s in page["ResourceSnapshotSummaries"]]


def update_amount(selling, account, resource, amount):
    got = selling(account).get_opportunity(Catalog=CATALOG, Identifier=resource)
    body = {k: got[k] for k in ("Customer", "Project", "LifeCycle", "Marketing", "OpportunityType",
                                "PrimaryNeedsFromAws", "PartnerOpportunityIdentifier") if k in got}
    body["LifeCycle"] = {k: v for k, v in body["LifeCycle"].items() if k in ("Stage", "TargetCloseDate", "NextSteps")}
    body["Project"]["ExpectedCustomerSpend"][0]["Amount"] = amount
    selling(account).update_opportunity(Catalog=CATALOG, Identifier=resource,
                                        LastModifiedDate=got["LastModifiedDate"], **body)


@pytest.fixture
def accepted(pair, selling):
    """The pair's engagement, which B joined by accepting A's invitation through the task, A's opportunity,
    and B's copy (the task's opportunity, which the task's snapshot job snapshotted in the engagement)."""
    a, b, engagement = pair
    resource = opportunity(selling, a, company="Snap Corp")
    sent = invite(selling, a, engagement, b)
    task = selling(b).start_engagement_by_accepting_invitation_task(
        Catalog=CATALOG, ClientToken=f"accept-{sent['Id']}", Identifier=sent["Id"])
    assert task["TaskStatus"] == "COMPLETE", task
    return a, b, engagement, resource, task["OpportunityId"]


def test_the_co_sell_flow_ends_with_both_partners_reading_members_and_the_snapshot(accepted, selling):
    a, b, engagement, resource, copy = accepted
    made = snapshot(selling, a, engagement, resource)
    assert made["Revision"] == 1
    assert made["Arn"].startswith(f"arn:aws:partnercentral:us-east-1:{a}:catalog/{CATALOG}/engagement/{engagement}/")
    update_amount(selling, a, resource, "7000")
    assert snapshot(selling, a, engagement, resource)["Revision"] == 2
    for account in (a, b):
        members = selling(account).list_engagement_members(Catalog=CATALOG, Identifier=engagement)
        assert [m["AccountId"] for m in members["EngagementMemberList"]] == [a, b]
        latest = get(selling, account, engagement, resource)
        assert latest["Revision"] == 2 and latest["CreatedBy"] == a and latest["EngagementId"] == engagement
        assert latest["ResourceId"] == resource and latest["ResourceSnapshotTemplateName"] == TEMPLATE
        assert latest["TargetMemberAccounts"] == [b] and latest["Arn"].endswith("/2")
        summary = latest["Payload"]["OpportunitySummary"]
        assert summary["Customer"]["Account"]["CompanyName"] == "Snap Corp"
        assert summary["Project"]["ExpectedCustomerSpend"][0]["Amount"] == "7000"
        assert summary["Lifecycle"]["Stage"] == "Prospect" and summary["OpportunityType"] == "Net New Business"
        first = get(selling, account, engagement, resource, Revision=1)
        assert first["Payload"]["OpportunitySummary"]["Project"]["ExpectedCustomerSpend"][0]["Amount"] == "5000"
        assert listed(selling, account, engagement, CreatedBy=a) == [(resource, 1), (resource, 2)]
        # B's copy, snapshotted by the accepting task's job, is shared the other way.
        assert listed(selling, account, engagement, CreatedBy=b) == [(copy, 1)]
        associations = selling(account).list_engagement_resource_associations(
            Catalog=CATALOG, EngagementIdentifier=engagement)["EngagementResourceAssociationSummaries"]
        assert associations == [{"Catalog": CATALOG, "EngagementId": engagement, "ResourceType": "Opportunity",
                                 "ResourceId": r, "CreatedBy": owner} for r, owner in ((copy, b), (resource, a))]
    with pytest.raises(ClientError) as e:
        get(selling, b, engagement, resource, Revision=3)
    assert error(e) == "ResourceNotFoundException"


def test_a_third_account_sees_no_snapshot_and_learns_nothing(accepted, selling):
    a, b, engagement, resource, copy = accepted
    snapshot(selling, a, engagement, resource)
    c = new_account()
    made_up = "eng-00000000000000"
    calls = {
        "create": lambda e: snapshot(selling, c, e, resource),
        "get": lambda e: get(selling, c, e, resource),
        "list": lambda e: selling(c).list_resource_snapshots(Catalog=CATALOG, EngagementIdentifier=e),
        "associations": lambda e: selling(c).list_engagement_resource_associations(
            Catalog=CATALOG, EngagementIdentifier=e),
    }
    for name, call in calls.items():
        answers = []
        for e in (engagement, made_up):
            with pytest.raises(ClientError) as raised:
                call(e)
            assert error(raised) == "ResourceNotFoundException", name
            text = str(raised.value)
            assert a not in text and b not in text
            answers.append(raised.value.response["Error"]["Message"].replace(e, "ENGAGEMENT"))
        assert answers[0] == answers[1], name
    assert selling(c).list_engagement_resource_associations(
        Catalog=CATALOG)["EngagementResourceAssociationSummaries"] == []


def test_refusals_store_nothing(accepted, selling):
    a, b, engagement, resource, copy = accepted
    theirs = opportunity(selling, b)
    for account, res, template, code in ((a, resource, "NoSuchTemplate", "ValidationException"),
                                         (a, theirs, TEMPLATE, "ResourceNotFoundException"),
                                         (b, resource, TEMPLATE, "ResourceNotFoundException")):
        with pytest.raises(ClientError) as e:
            snapshot(selling, account, engagement, res, template=template)
        assert error(e) == code
    assert listed(selling, a, engagement, CreatedBy=a) == []
    assert selling(a).list_engagement_resource_associations(
        Catalog=CATALOG, EngagementIdentifier=engagement, CreatedBy=a)["EngagementResourceAssociationSummaries"] == []


def test_a_client_token_replays(accepted, selling):
    a, _b, engagement, resource, _copy = accepted
    first = snapshot(selling, a, engagement, resource, token="same")
    again = snapshot(selling, a, engagement, resource, token="same")
    assert (again["Arn"], again["Revision"]) == (first["Arn"], 1)
    assert listed(selling, a, engagement, CreatedBy=a) == [(resource, 1)]


def test_lists_filter_and_page(accepted, selling):
    a, b, engagement, resource, copy = accepted
    other = opportunity(selling, a, company="Other Corp")
    theirs = opportunity(selling, b, company="Their Corp")
    for r in (resource, other, resource):
        snapshot(selling, a, engagement, r)
    snapshot(selling, b, engagement, theirs)
    everything = listed(selling, b, engagement)
    assert sorted(everything) == sorted([(copy, 1), (resource, 1), (other, 1), (resource, 2), (theirs, 1)])
    seen, token = [], None
    while True:
        page = selling(a).list_resource_snapshots(Catalog=CATALOG, EngagementIdentifier=engagement, MaxResults=1,
                                                  **({"NextToken": token} if token else {}))
        seen += [(s["ResourceId"], s["Revision"]) for s in page["ResourceSnapshotSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == everything
    assert listed(selling, a, engagement, CreatedBy=b) == [(copy, 1), (theirs, 1)]
    assert listed(selling, a, engagement, ResourceIdentifier=resource) == [(resource, 1), (resource, 2)]
    assert listed(selling, a, engagement, ResourceSnapshotTemplateIdentifier="Other") == []
    pages = selling(a).get_paginator("list_engagement_resource_associations").paginate(
        Catalog=CATALOG, EngagementIdentifier=engagement, PaginationConfig={"PageSize": 1})
    assert [(x["ResourceId"], x["CreatedBy"]) for p in pages for x in p["EngagementResourceAssociationSummaries"]] \
        == [(copy, b), (resource, a), (other, a), (theirs, b)]
    mine = selling(b).list_engagement_resource_associations(Catalog=CATALOG, CreatedBy=b)
    assert [x["ResourceId"] for x in mine["EngagementResourceAssociationSummaries"]] == [copy, theirs]


def test_reset_by_account_takes_its_snapshots(accepted, selling, admin):
    a, b, engagement, resource, copy = accepted
    theirs = opportunity(selling, b)
    snapshot(selling, a, engagement, resource)
    snapshot(selling, b, engagement, theirs)
    assert admin("POST", "/_pcentral/reset", {"account": b})[0] == 200
    assert listed(selling, a, engagement, CreatedBy=a) == [(resource, 1)]
    assert admin("POST", "/_pcentral/reset", {"account": a})[0] == 200
    with pytest.raises(ClientError) as e:
        selling(a).list_resource_snapshots(Catalog=CATALOG, EngagementIdentifier=engagement)
    assert error(e) == "ResourceNotFoundException"


def test_the_cli_reads_a_snapshot(accepted, selling, cli):
    a, b, engagement, resource, copy = accepted
    snapshot(selling, a, engagement, resource)
    rc, got, err = cli(b, "partnercentral-selling", "get-resource-snapshot", "--catalog", CATALOG,
                       "--engagement-identifier", engagement, "--resource-type", "Opportunity",
                       "--resource-identifier", resource, "--resource-snapshot-template-identifier", TEMPLATE)
    assert rc == 0, err
    assert got["Revision"] == 1 and got["Payload"]["OpportunitySummary"]["Customer"]["Account"]["CompanyName"] \
        == "Snap Corp"


def job_ref(job_id):
    return {"Catalog": CATALOG, "ResourceSnapshotJobIdentifier": job_id}


def wait_for(check, seconds=10):
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_running_job_snapshots_each_change_on_the_worker(accepted, selling):
    a, b, engagement, resource, copy = accepted
    made = selling(a).create_resource_snapshot_job(
        Catalog=CATALOG, ClientToken=f"j-{resource}", EngagementIdentifier=engagement, ResourceType="Opportunity",
        ResourceIdentifier=resource, ResourceSnapshotTemplateIdentifier=TEMPLATE)
    job = made["Id"]
    assert job.startswith("job-") and made["Arn"].endswith(f":{a}:catalog/{CATALOG}/resource-snapshot-job/{job}")
    got = selling(a).get_resource_snapshot_job(**job_ref(job))
    assert got["Status"] == "Stopped" and got["EngagementId"] == engagement and got["ResourceId"] == resource
    assert got["ResourceArn"].endswith(f":{a}:catalog/{CATALOG}/opportunity/{resource}")
    assert listed(selling, a, engagement, CreatedBy=a) == []
    selling(a).start_resource_snapshot_job(**job_ref(job))
    assert listed(selling, b, engagement, CreatedBy=a) == [(resource, 1)]
    got = selling(a).get_resource_snapshot_job(**job_ref(job))
    assert got["Status"] == "Running" and "LastSuccessfulExecutionDate" in got
    update_amount(selling, a, resource, "9000")
    assert wait_for(lambda: listed(selling, b, engagement, CreatedBy=a) == [(resource, 1), (resource, 2)])
    assert get(selling, b, engagement, resource)["Payload"]["OpportunitySummary"]["Project"][
        "ExpectedCustomerSpend"][0]["Amount"] == "9000"
    summaries = selling(a).list_resource_snapshot_jobs(Catalog=CATALOG, EngagementIdentifier=engagement)
    assert summaries["ResourceSnapshotJobSummaries"] == [
        {"Id": job, "Arn": made["Arn"], "EngagementId": engagement, "Status": "Running"}]
    # Only its maker sees it; a running job is not deleted.
    for account in (b, new_account()):
        with pytest.raises(ClientError) as e:
            selling(account).get_resource_snapshot_job(**job_ref(job))
        assert error(e) == "ResourceNotFoundException" and a not in str(e.value)
        theirs = selling(account).list_resource_snapshot_jobs(Catalog=CATALOG)["ResourceSnapshotJobSummaries"]
        assert job not in [j["Id"] for j in theirs]
    with pytest.raises(ClientError) as e:
        selling(a).delete_resource_snapshot_job(**job_ref(job))
    assert error(e) == "ConflictException"
    selling(a).stop_resource_snapshot_job(**job_ref(job))
    assert selling(a).get_resource_snapshot_job(**job_ref(job))["Status"] == "Stopped"
    selling(a).delete_resource_snapshot_job(**job_ref(job))
    with pytest.raises(ClientError) as e:
        selling(a).get_resource_snapshot_job(**job_ref(job))
    assert error(e) == "ResourceNotFoundException"
