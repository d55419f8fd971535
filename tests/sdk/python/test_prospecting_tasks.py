"""StartProspectingFromEngagementTask, GetProspectingFromEngagementTask and
ListProspectingFromEngagementTasks (docs/behaviour.md#prospecting-tasks): the task checks its
engagements (the caller's, or ResourceNotFoundException storing nothing) and stays IN_PROGRESS
until AWS's side, played through `POST /_pcentral/prospecting-tasks/complete` and `pcentral tasks
complete-prospecting`, reports each engagement: a result checked against the model and stored as
the engagement's ProspectingResult context, or a failure; the task ends with its last engagement.
The lists filter, sort and page; other accounts see nothing; reset takes the tasks."""

import json

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, advance_clock, new_account
from test_engagements import create as create_engagement, error

RESULT = {"Customer": {"AccountName": "Far Co", "Country": "DE", "Industry": "Retail", "CompanySize": "Large"},
          "Insights": {"MarketplaceEngagementScore": "High", "SolutionCategory": "Storage"}}


def start(selling, account, engagements, name="Prospects", token=None):
    return selling(account).start_prospecting_from_engagement_task(
        Catalog=CATALOG, Identifiers=engagements, TaskName=name, ClientToken=token or f"t-{name}-{account}")


def get(selling, account, task):
    got = selling(account).get_prospecting_from_engagement_task(Catalog=CATALOG, TaskIdentifier=task)
    got.pop("ResponseMetadata")
    return got


def report(admin, task, engagement, **outcome):
    return admin("POST", "/_pcentral/prospecting-tasks/complete",
                 {"catalog": CATALOG, "task_id": task, "engagement_id": engagement, **outcome})


def test_a_task_waits_for_aws_and_stores_the_result_as_a_context(selling, admin, pcentral):
    a = new_account()
    e1, e2 = (create_engagement(selling(a), catalog=CATALOG, title=f"Deal {i}")["Id"] for i in range(2))
    started = start(selling, a, [e1, e2])
    assert started["TaskStatus"] == "IN_PROGRESS" and started["Identifiers"] == [e1, e2]
    assert started["TaskName"] == "Prospects" and started["TaskId"].startswith("task-")
    assert started["TaskArn"].endswith(f":catalog/{CATALOG}/prospecting-from-engagement-task/{started['TaskId']}")
    task = started["TaskId"]
    # The same ClientToken answers the same task.
    assert start(selling, a, [e1, e2])["TaskId"] == task
    advance_clock(admin, "25h")
    got = get(selling, a, task)
    assert "EndTime" not in got and [e["Status"] for e in got["Engagements"]] == ["IN_PROGRESS", "IN_PROGRESS"]
    # AWS's side: a result that does not fit the model is refused and stores nothing.
    status, body = report(admin, task, e1, result={"Customer": {"Country": "Atlantis"}})
    assert status == 400, body
    status, body = report(admin, task, e1, result=RESULT, failure={"reason_code": "X", "message": "y"})
    assert status == 400, body
    assert get(selling, a, task) == got
    contexts = selling(a).get_engagement(Catalog=CATALOG, Identifier=e1).get("Contexts", [])
    assert contexts == []
    # A result becomes the engagement's ProspectingResult context.
    status, body = report(admin, task, e1, result=RESULT)
    assert status == 200 and body["task_status"] == "IN_PROGRESS", body
    [context] = selling(a).get_engagement(Catalog=CATALOG, Identifier=e1)["Contexts"]
    aws = context["Payload"]["ProspectingResult"]["Aws"]
    assert context["Type"] == "ProspectingResult" and aws["Customer"] == RESULT["Customer"]
    assert aws["TaskId"] == task and aws["TaskName"] == "Prospects" and aws["TaskArn"] == started["TaskArn"]
    status, _ = report(admin, task, e1, result=RESULT)
    assert status == 409  # its outcome came already
    # The CLI reports a failure; the task ends with its last engagement.
    done = pcentral("tasks", "complete-prospecting", "--catalog", CATALOG, "--task-id", task, "--engagement-id", e2,
                    "--failure-reason", "InsufficientData", "--message", "No public profile")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["task_status"] == "COMPLETED"
    got = get(selling, a, task)
    assert "EndTime" in got
    assert [(e["EngagementIdentifier"], e["Status"]) for e in got["Engagements"]] == [(e1, "COMPLETED"),
                                                                                      (e2, "FAILED")]
    assert got["Engagements"][1]["ReasonCode"] == "InsufficientData"
    [summary] = selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG)["TaskSummaries"]
    assert (summary["TotalEngagementCount"], summary["CompletedEngagementCount"],
            summary["FailedEngagementCount"]) == (2, 1, 1)
    # The engine-room control refuses to run it: AWS's side ends it.
    status, _ = admin("POST", "/_pcentral/engagement-tasks/force",
                      {"catalog": CATALOG, "task_id": task, "action": "complete"})
    assert status == 409


def test_refusals_store_nothing_and_other_accounts_see_nothing(selling, admin):
    a, b = new_account(), new_account()
    mine = create_engagement(selling(a), catalog=CATALOG)["Id"]
    theirs = create_engagement(selling(b), catalog=CATALOG)["Id"]
    for ids in ([theirs], [mine, "eng-00000000000000"]):
        with pytest.raises(ClientError) as e:
            start(selling, a, ids, token=f"refused-{ids[-1]}")
        assert error(e) == "ResourceNotFoundException"
    assert selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG)["TaskSummaries"] == []
    with pytest.raises(ClientError) as e:
        selling(a).start_prospecting_from_engagement_task(Catalog=CATALOG, Identifiers=["nope"], TaskName="x",
                                                          ClientToken="v")
    assert error(e) == "ValidationException"
    task = start(selling, a, [mine])["TaskId"]
    with pytest.raises(ClientError) as e:
        get(selling, b, task)
    assert error(e) == "ResourceNotFoundException"
    assert selling(b).list_prospecting_from_engagement_tasks(Catalog=CATALOG)["TaskSummaries"] == []
    status, _ = report(admin, task, theirs, result=RESULT)
    assert status == 404  # not one of the task's engagements
    status, _ = report(admin, "task-0000000000000", mine, result=RESULT)
    assert status == 404
    # An empty task has nothing to wait for.
    empty = start(selling, a, [], name="Nothing")
    assert empty["TaskStatus"] == "COMPLETED" and "EndTime" in get(selling, a, empty["TaskId"])
    # A reset takes the account's tasks.
    status, _ = admin("POST", "/_pcentral/reset", {"account": a, "catalog": CATALOG})
    assert status == 200
    assert selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG)["TaskSummaries"] == []


def test_list_filters_sorts_and_pages(selling, admin):
    a = new_account()
    e = create_engagement(selling(a), catalog=CATALOG)["Id"]
    t1 = start(selling, a, [e], name="Bravo")["TaskId"]
    advance_clock(admin, "1h")
    t2 = start(selling, a, [e], name="Alpha")["TaskId"]
    status, _ = report(admin, t2, e, failure={"reason_code": "NoData", "message": "none"})
    assert status == 200
    ids = lambda **kw: [t["TaskId"] for t in  # noqa: E731
                        selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG, **kw)["TaskSummaries"]]
    assert ids() == [t2, t1]
    assert ids(Sort={"SortBy": "TaskName", "SortOrder": "ASCENDING"}) == [t2, t1]
    assert ids(Sort={"SortBy": "FailedEngagementCount", "SortOrder": "ASCENDING"}) == [t1, t2]
    assert ids(TaskName=["Bravo"]) == [t1]
    assert ids(TaskIdentifier=[t2]) == [t2]
    started = get(selling, a, t2)["StartTime"]
    assert ids(StartBefore=started) == [t1] and ids(StartAfter=started) == []
    first = selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG, MaxResults=1)
    assert [t["TaskId"] for t in first["TaskSummaries"]] == [t2]
    rest = selling(a).list_prospecting_from_engagement_tasks(Catalog=CATALOG, MaxResults=1,
                                                             NextToken=first["NextToken"])
    assert [t["TaskId"] for t in rest["TaskSummaries"]] == [t1] and "NextToken" not in rest
