"""The Selling API's StartOpportunityFromEngagementTask and ListOpportunityFromEngagementTasks
(docs/behaviour.md#engagement-tasks): a member of an engagement makes its own opportunity from a
lead context; a missing context, a CustomerProject context and a disqualified lead FAIL the task
with their reason codes and change nothing; only members start one and only its starter lists it;
the list's filters and pages; the delay setting with the worker and the admin hold/complete."""

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, advance_clock, new_account
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_engagement_tasks import delay, wait_for  # noqa: F401 (fixture)
from test_engagements import CONTACT, PROJECT, create as create_engagement, error, strip

LEAD = {"Lead": {
    "QualificationStatus": "Qualified",
    "Customer": {"CompanyName": "Lead Corp", "Industry": "Retail", "WebsiteUrl": "https://lead.example",
                 "Address": {"City": "Seattle", "PostalCode": "98101", "CountryCode": "US"}},
    "Interactions": [{"SourceType": "Event", "SourceName": "Summit", "CustomerAction": "asked for a call",
                      "BusinessProblem": "They need to move their shop to the cloud this year.",
                      "Contact": CONTACT}]}}


def start(selling, account, engagement, context="1", token="t1"):
    return selling(account).start_opportunity_from_engagement_task(
        Catalog=CATALOG, ClientToken=f"{token}-{engagement}-{context}", Identifier=engagement,
        ContextIdentifier=context)


def tasks(selling, account, **filters):
    return selling(account).list_opportunity_from_engagement_tasks(Catalog=CATALOG, **filters)["TaskSummaries"]


def opportunities(selling, account):
    return selling(account).list_opportunities(Catalog=CATALOG)["OpportunitySummaries"]


def with_contexts(selling, account, *payloads):
    types = [next(iter(p)) for p in payloads]
    contexts = [{"Type": t, "Payload": p} for t, p in zip(types, payloads)]
    return create_engagement(selling(account), catalog=CATALOG, Contexts=contexts)["Id"]


def test_a_member_makes_its_opportunity_from_a_lead(pair, selling):
    a, b, engagement = pair
    selling(a).create_engagement_context(Catalog=CATALOG, EngagementIdentifier=engagement, ClientToken="c1",
                                         Type="Lead", Payload=LEAD)
    # B joins, then makes its own opportunity from A's lead.
    sent = invite(selling, a, engagement, b)
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    task = start(selling, b, engagement)
    assert task["TaskStatus"] == "COMPLETE", task
    assert task["TaskId"].startswith("task-") and task["EngagementId"] == engagement and task["ContextId"] == "1"
    assert task["TaskArn"].endswith(f":{b}:catalog/{CATALOG}/opportunity-from-engagement-task/{task['TaskId']}")
    assert "ReasonCode" not in task and "ResourceSnapshotJobId" not in task
    made = selling(b).get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])
    account = made["Customer"]["Account"]
    assert account["CompanyName"] == "Lead Corp" and account["Industry"] == "Retail"
    assert account["WebsiteUrl"] == "https://lead.example"
    assert account["Address"] == {"City": "Seattle", "PostalCode": "98101", "CountryCode": "US"}
    assert made["Customer"]["Contacts"] == [CONTACT]
    assert made["Project"]["CustomerBusinessProblem"] == "They need to move their shop to the cloud this year."
    assert made["OpportunityType"] == "Net New Business" and made["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    # It is B's: A does not see it, nor B's task.
    with pytest.raises(ClientError) as e:
        selling(a).get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])
    assert error(e) == "ResourceNotFoundException"
    listed = tasks(selling, b)
    assert [t["TaskId"] for t in listed] == [task["TaskId"]]
    assert listed[0]["OpportunityId"] == task["OpportunityId"] and listed[0]["ContextId"] == "1"
    assert tasks(selling, a) == [] and tasks(selling, new_account()) == []
    # The same ClientToken replays the answer and makes nothing new.
    assert start(selling, b, engagement)["TaskId"] == task["TaskId"]
    assert len(opportunities(selling, b)) == 1


def test_a_free_text_industry_becomes_other(selling):
    a = new_account()
    lead = {"Lead": {"Customer": {"CompanyName": "Odd Co", "Industry": "Beekeeping"},
                     "Interactions": [{"Contact": CONTACT}]}}
    engagement = with_contexts(selling, a, lead)
    task = start(selling, a, engagement)
    assert task["TaskStatus"] == "COMPLETE", task
    account = selling(a).get_opportunity(Catalog=CATALOG, Identifier=task["OpportunityId"])["Customer"]["Account"]
    assert account["Industry"] == "Other" and account["OtherIndustry"] == "Beekeeping"


@pytest.mark.parametrize("context, reason", [
    ("2", "CustomerProjectContextNotPermitted"),
    ("3", "DisqualifiedLeadNotPermitted"),
    ("9", "ContextNotFound"),
])
def test_a_task_that_cannot_make_an_opportunity_fails_and_changes_nothing(selling, context, reason):
    a = new_account()
    disqualified = {"Lead": dict(LEAD["Lead"], QualificationStatus="disqualified")}
    engagement = with_contexts(selling, a, LEAD, PROJECT, disqualified)
    before = strip(selling(a).get_engagement(Catalog=CATALOG, Identifier=engagement))
    task = start(selling, a, engagement, context=context)
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == reason, task
    assert task["Message"] and "OpportunityId" not in task and task["ContextId"] == context
    assert opportunities(selling, a) == []
    assert strip(selling(a).get_engagement(Catalog=CATALOG, Identifier=engagement)) == before
    assert [t["ReasonCode"] for t in tasks(selling, a)] == [reason]


def test_a_lead_that_makes_no_valid_opportunity_fails_with_the_fields(selling):
    a = new_account()
    lead = {"Lead": {"Customer": {"CompanyName": "Short Co"},
                     "Interactions": [{"BusinessProblem": "too short", "Contact": CONTACT}]}}
    engagement = with_contexts(selling, a, lead)
    task = start(selling, a, engagement)
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "OpportunityValidationFailed", task
    assert "CustomerBusinessProblem" in task["Message"]
    assert opportunities(selling, a) == []


def test_only_a_member_starts_the_task(pair, selling):
    a, b, engagement = pair
    selling(a).create_engagement_context(Catalog=CATALOG, EngagementIdentifier=engagement, ClientToken="c1",
                                         Type="Lead", Payload=LEAD)
    invite(selling, a, engagement, b)  # invited, not yet a member
    c = new_account()
    for account in (b, c):
        with pytest.raises(ClientError) as e:
            start(selling, account, engagement)
        assert error(e) == "ResourceNotFoundException"
        assert a not in str(e.value)
    with pytest.raises(ClientError) as e:
        start(selling, a, "eng-00000000000000")
    assert error(e) == "ResourceNotFoundException"
    assert tasks(selling, a) == [] and tasks(selling, b) == [] and tasks(selling, c) == []
    assert opportunities(selling, b) == [] and opportunities(selling, c) == []


def test_the_list_filters_and_pages(selling):
    a = new_account()
    started = []
    engagements = []
    for n in range(3):
        engagement = with_contexts(selling, a, LEAD, PROJECT)
        engagements.append(engagement)
        started.append(start(selling, a, engagement, context="1" if n < 2 else "2"))
    ids = [t["TaskId"] for t in started]
    assert [t["TaskId"] for t in tasks(selling, a)] == ids[::-1]  # newest first
    ascending = {"SortOrder": "ASCENDING", "SortBy": "StartTime"}
    assert [t["TaskId"] for t in tasks(selling, a, Sort=ascending)] == ids
    seen, token = [], None
    while True:
        page = selling(a).list_opportunity_from_engagement_tasks(
            Catalog=CATALOG, MaxResults=2, Sort=ascending, **({"NextToken": token} if token else {}))
        seen += [t["TaskId"] for t in page["TaskSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ids
    assert [t["TaskId"] for t in tasks(selling, a, TaskIdentifier=[started[1]["TaskArn"]])] == [ids[1]]
    assert [t["TaskId"] for t in tasks(selling, a, EngagementIdentifier=[engagements[0]])] == [ids[0]]
    assert [t["TaskId"] for t in tasks(selling, a, ContextIdentifier=["2"])] == [ids[2]]
    assert [t["TaskId"] for t in tasks(selling, a, OpportunityIdentifier=[started[1]["OpportunityId"]])] == [ids[1]]
    assert [t["TaskId"] for t in tasks(selling, a, TaskStatus=["FAILED"])] == [ids[2]]
    assert len(tasks(selling, a, TaskStatus=["COMPLETE"])) == 2
    # A token serves only the query it came from.
    page = selling(a).list_opportunity_from_engagement_tasks(Catalog=CATALOG, MaxResults=1)
    with pytest.raises(ClientError) as e:
        selling(a).list_opportunity_from_engagement_tasks(Catalog=CATALOG, MaxResults=1, TaskStatus=["FAILED"],
                                                          NextToken=page["NextToken"])
    assert error(e) == "ValidationException"


def test_a_delayed_task_is_held_or_completed_by_an_admin_or_run_by_the_worker(selling, admin, pcentral, delay):
    a = new_account()
    engagement = with_contexts(selling, a, LEAD)
    delay(60)
    held = start(selling, a, engagement, token="held")
    ran = start(selling, a, engagement, token="ran")
    assert held["TaskStatus"] == ran["TaskStatus"] == "IN_PROGRESS" and "OpportunityId" not in held
    hold = pcentral("tasks", "force-engagement", "--catalog", CATALOG, "--task-id", held["TaskId"], "--action", "hold")
    assert hold.returncode == 0, hold.stderr
    advance_clock(admin, "2m")
    by_id = lambda: {t["TaskId"]: t for t in tasks(selling, a)}  # noqa: E731
    assert wait_for(lambda: by_id()[ran["TaskId"]]["TaskStatus"] == "COMPLETE"), by_id()
    assert by_id()[held["TaskId"]]["TaskStatus"] == "IN_PROGRESS"
    assert len(opportunities(selling, a)) == 1
    status, body = admin("POST", "/_pcentral/engagement-tasks/force",
                         {"catalog": CATALOG, "task_id": held["TaskId"], "action": "complete"})
    assert status == 200 and body["status"] == "COMPLETE", body
    assert by_id()[held["TaskId"]]["OpportunityId"].startswith("O")
    assert len(opportunities(selling, a)) == 2
