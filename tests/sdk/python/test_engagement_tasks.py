"""The Selling API's StartEngagementByAcceptingInvitationTask and
ListEngagementByAcceptingInvitationTasks (docs/behaviour.md#engagement-tasks): the receiver accepts
an invitation through the task, which makes its own opportunity from the invitation's payload; a
task on an answered invitation FAILS with a reason code and changes nothing; only the receiver
starts one and only its starter lists it; the delay setting with the background worker, and the
admin API / `pcentral tasks force-engagement` holding or completing a task."""

import time

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, advance_clock, change_settings, new_account
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_engagements import create as create_engagement, error


def start(selling, account, invitation, token="t1"):
    return selling(account).start_engagement_by_accepting_invitation_task(
        Catalog=CATALOG, ClientToken=f"{token}-{invitation}", Identifier=invitation)


def tasks(selling, account, **filters):
    return selling(account).list_engagement_by_accepting_invitation_tasks(Catalog=CATALOG, **filters)["TaskSummaries"]


@pytest.fixture
def delay(admin):
    """Set engagement_task_delay_seconds for one test; back to 0 (finish at once) after it."""
    yield lambda seconds: change_settings(admin, engagement_task_delay_seconds=seconds)
    change_settings(admin, engagement_task_delay_seconds=0)


def test_accepting_through_the_task(pair, selling):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    task = start(selling, b, sent["Id"])
    assert task["TaskStatus"] == "COMPLETE", task
    assert task["TaskId"].startswith("task-") and task["EngagementInvitationId"] == sent["Id"]
    assert task["TaskArn"].endswith(f":{b}:catalog/{CATALOG}/engagement-by-accepting-invitation-task/{task['TaskId']}")
    assert task["ResourceSnapshotJobId"].startswith("job-") and "ReasonCode" not in task
    # The invitation is accepted: B is a member, and both see two members.
    assert selling(a).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "ACCEPTED"
    for account in (a, b):
        members = selling(account).list_engagement_members(Catalog=CATALOG, Identifier=engagement)
        assert [m["AccountId"] for m in members["EngagementMemberList"]] == [a, b]
    # B's own opportunity, made from the invitation's customer and project; A does not see it.
    opportunity = selling(b).get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])
    account = opportunity["Customer"]["Account"]
    assert account["CompanyName"] == "Acme Corp" and account["Address"] == {"CountryCode": "US"}
    assert account["Industry"] == "Software and Internet" and account["WebsiteUrl"] == "https://acme.example"
    assert opportunity["Project"]["Title"] == "Migration"
    assert opportunity["Project"]["CustomerBusinessProblem"] == "Their data centre lease ends next year."
    assert opportunity["LifeCycle"]["TargetCloseDate"] == "2027-06-30"
    with pytest.raises(ClientError) as e:
        selling(a).get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])
    assert error(e) == "ResourceNotFoundException"
    # Listed to B only, with the same result.
    listed = tasks(selling, b)
    assert len(listed) == 1 and listed[0]["TaskId"] == task["TaskId"]
    assert listed[0]["OpportunityId"] == task["OpportunityId"] and listed[0]["TaskStatus"] == "COMPLETE"
    assert tasks(selling, a) == [] and tasks(selling, new_account()) == []


def test_a_task_on_an_answered_invitation_fails_and_changes_nothing(pair, selling):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    selling(b).reject_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"], RejectionReason="No capacity")
    before = selling(b).list_opportunities(Catalog=CATALOG)["OpportunitySummaries"]
    task = start(selling, b, sent["Id"])
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "EngagementInvitationConflict", task
    assert "REJECTED" in task["Message"] and "OpportunityId" not in task
    assert selling(b).list_opportunities(Catalog=CATALOG)["OpportunitySummaries"] == before
    assert selling(a).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "REJECTED"
    with pytest.raises(ClientError) as e:
        selling(b).get_engagement(Catalog=CATALOG, Identifier=engagement)
    assert error(e) == "ResourceNotFoundException"
    assert [t["TaskStatus"] for t in tasks(selling, b)] == ["FAILED"]


def test_only_the_receiver_starts_the_task(pair, selling):
    a, b, engagement = pair
    sent = invite(selling, a, engagement, b)
    c = new_account()
    for account, expected in ((a, "AccessDeniedException"), (c, "ResourceNotFoundException")):
        with pytest.raises(ClientError) as e:
            start(selling, account, sent["Id"])
        assert error(e) == expected
        if account == c:
            assert a not in str(e.value) and b not in str(e.value)
    with pytest.raises(ClientError) as e:
        start(selling, b, "engi-0000000000000")
    assert error(e) == "ResourceNotFoundException"
    # Nothing stored: no task, the invitation still pending.
    assert tasks(selling, a) == [] and tasks(selling, b) == [] and tasks(selling, c) == []
    assert selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "PENDING"


def test_the_list_filters_and_pages(client, selling):
    a, b = new_account(), new_account()
    partner(client, a, "Alpha Co")
    connect(client, a, b)
    started = []
    for n in range(3):
        engagement = create_engagement(selling(a), title=f"Deal {n}")["Id"]
        sent = invite(selling, a, engagement, b)
        started.append(start(selling, b, sent["Id"]))
    ids = [t["TaskId"] for t in started]
    assert [t["TaskId"] for t in tasks(selling, b)] == ids[::-1]  # newest first
    ascending = {"SortOrder": "ASCENDING", "SortBy": "StartTime"}
    assert [t["TaskId"] for t in tasks(selling, b, Sort=ascending)] == ids
    seen, token = [], None
    while True:
        page = selling(b).list_engagement_by_accepting_invitation_tasks(
            Catalog=CATALOG, MaxResults=2, Sort=ascending, **({"NextToken": token} if token else {}))
        seen += [t["TaskId"] for t in page["TaskSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ids
    assert [t["TaskId"] for t in tasks(selling, b, TaskIdentifier=[ids[1]])] == [ids[1]]
    only = started[2]["EngagementInvitationId"]
    assert [t["TaskId"] for t in tasks(selling, b, EngagementInvitationIdentifier=[only])] == [ids[2]]
    assert [t["TaskId"] for t in tasks(selling, b, OpportunityIdentifier=[started[0]["OpportunityId"]])] == [ids[0]]
    assert tasks(selling, b, TaskStatus=["FAILED"]) == []
    assert len(tasks(selling, b, TaskStatus=["COMPLETE"])) == 3


def wait_for(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_a_delayed_task_runs_on_the_worker_held_or_completed_by_an_admin(pair, selling, admin, pcentral, delay):
    a, b, engagement = pair
    delay(3600)
    sent = invite(selling, a, engagement, b)
    task = start(selling, b, sent["Id"])
    assert task["TaskStatus"] == "IN_PROGRESS" and "OpportunityId" not in task
    assert selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "PENDING"
    # Held with the CLI: the clock passing its due time leaves it IN_PROGRESS.
    held = pcentral("tasks", "force-engagement", "--catalog", CATALOG, "--task-id", task["TaskId"],
                    "--action", "hold")
    assert held.returncode == 0, held.stderr
    advance_clock(admin, "2h")
    time.sleep(1)  # several worker ticks
    assert tasks(selling, b)[0]["TaskStatus"] == "IN_PROGRESS"
    assert selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "PENDING"
    # Completed over HTTP: it runs now.
    status, body = admin("POST", "/_pcentral/engagement-tasks/force",
                         {"catalog": CATALOG, "task_id": task["TaskId"], "action": "complete"})
    assert status == 200 and body["status"] == "COMPLETE", body
    done = tasks(selling, b)[0]
    assert done["TaskStatus"] == "COMPLETE" and done["OpportunityId"].startswith("O")
    assert selling(b).get_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])["Status"] == "ACCEPTED"
    # An ended task is not forced again; an unknown one is not found.
    status, body = admin("POST", "/_pcentral/engagement-tasks/force",
                         {"catalog": CATALOG, "task_id": task["TaskId"], "action": "hold"})
    assert status == 409, body
    status, body = admin("POST", "/_pcentral/engagement-tasks/force",
                         {"catalog": CATALOG, "task_id": "task-0000000000000", "action": "complete"})
    assert status == 404, body


def test_the_worker_runs_a_task_when_it_is_due(client, selling, admin, delay):
    a, b = new_account(), new_account()
    partner(client, a, "Alpha Co")
    connect(client, a, b)
    engagement = create_engagement(selling(a))["Id"]
    delay(60)
    sent = invite(selling, a, engagement, b)
    task = start(selling, b, sent["Id"])
    assert task["TaskStatus"] == "IN_PROGRESS"
    advance_clock(admin, "2m")
    assert wait_for(lambda: tasks(selling, b)[0]["TaskStatus"] == "COMPLETE"), tasks(selling, b)
    members = selling(a).list_engagement_members(Catalog=CATALOG, Identifier=engagement)["EngagementMemberList"]
    assert [m["AccountId"] for m in members] == [a, b]
