"""The Selling API's StartEngagementFromOpportunityTask and ListEngagementFromOpportunityTasks
(docs/behaviour.md#engagement-tasks): the owner of an opportunity shares it with AWS in one task —
an engagement (made when the opportunity is in none), a snapshot, a running snapshot job, an
invitation to AWS's account and the submission — and gets every id back; a user playing AWS sees
and accepts the invitation and reads the snapshot. An opportunity that cannot be submitted FAILS
the task with its reason and nothing else changes; only the owner starts one and lists it; the
list's filters and pages; the delay setting with the admin hold/complete."""

import pytest
from botocore.exceptions import ClientError

from helpers import advance_clock, new_account
from test_engagement_tasks import delay, wait_for  # noqa: F401 (fixture)
from test_opportunities import SB, SOLUTION, create, error, payload, strip, submit_ready

AWS = "000000000000"
SUBMISSION = {"InvolvementType": "Co-Sell", "Visibility": "Full"}


def start(selling, account, oid, token="t1", **extra):
    return selling(account).start_engagement_from_opportunity_task(
        Catalog=SB, ClientToken=f"{token}-{oid}", Identifier=oid, AwsSubmission=SUBMISSION, **extra)


def tasks(selling, account, **filters):
    return selling(account).list_engagement_from_opportunity_tasks(Catalog=SB, **filters)["TaskSummaries"]


def state(selling, account, oid):
    """Everything the task could change, as the owner sees it."""
    c = selling(account)
    return {
        "opportunity": strip(c.get_opportunity(Catalog=SB, Identifier=oid)),
        "engagements": c.list_engagements(Catalog=SB)["EngagementSummaryList"],
        "jobs": c.list_resource_snapshot_jobs(Catalog=SB)["ResourceSnapshotJobSummaries"],
        "sent": c.list_engagement_invitations(Catalog=SB, ParticipantType="SENDER")["EngagementInvitationSummaries"],
        "associations": c.list_engagement_resource_associations(Catalog=SB)["EngagementResourceAssociationSummaries"],
    }


def test_sharing_an_opportunity_with_aws_answers_every_id(selling, admin):
    a = new_account()
    c = selling(a)
    oid = submit_ready(c)
    task = start(selling, a, oid)
    assert task["TaskStatus"] == "COMPLETE", task
    assert task["TaskId"].startswith("task-") and task["OpportunityId"] == oid
    assert task["TaskArn"].endswith(f":{a}:catalog/{SB}/engagement-from-opportunity-task/{task['TaskId']}")
    assert task["EngagementId"].startswith("eng-") and task["EngagementInvitationId"].startswith("engi-")
    assert task["ResourceSnapshotJobId"].startswith("job-") and "ReasonCode" not in task and "Message" not in task
    engagement = task["EngagementId"]

    # The opportunity is submitted as asked.
    o = c.get_opportunity(Catalog=SB, Identifier=oid)
    assert o["LifeCycle"]["ReviewStatus"] == "Submitted"
    # The new engagement is titled after the project, with the owner its member.
    e = c.get_engagement(Catalog=SB, Identifier=engagement)
    assert e["Title"] == "Migration" and e["Description"] == "Their data centre lease ends next year."
    members = c.list_engagement_members(Catalog=SB, Identifier=engagement)["EngagementMemberList"]
    assert [m["AccountId"] for m in members] == [a]
    # A snapshot of the opportunity, and a running job keeping it current.
    snap = c.get_resource_snapshot(Catalog=SB, EngagementIdentifier=engagement, ResourceType="Opportunity",
                                   ResourceIdentifier=oid, ResourceSnapshotTemplateIdentifier="OpportunitySummary",
                                   Revision=1)
    assert snap["Payload"]["OpportunitySummary"]["Customer"]["Account"]["CompanyName"] == "Acme Corp"
    job = c.get_resource_snapshot_job(Catalog=SB, ResourceSnapshotJobIdentifier=task["ResourceSnapshotJobId"])
    assert job["Status"] == "Running" and job["EngagementId"] == engagement and job["ResourceId"] == oid
    # The invitation goes to AWS's account, carrying the opportunity's customer and project.
    sent = c.get_engagement_invitation(Catalog=SB, Identifier=task["EngagementInvitationId"])
    assert sent["Receiver"]["Account"]["AwsAccountId"] == AWS and sent["Status"] == "PENDING"
    assert sent["EngagementId"] == engagement and sent["PayloadType"] == "OpportunityInvitation"
    payload = sent["Payload"]["OpportunityInvitation"]
    assert payload["Customer"] == {"Industry": "Software and Internet", "CompanyName": "Acme Corp",
                                   "WebsiteUrl": "https://acme.example", "CountryCode": "US"}
    assert payload["Project"]["Title"] == "Migration" and payload["Project"]["TargetCompletionDate"] == "2027-06-30"
    assert payload["ReceiverResponsibilities"] == ["Co-Sell Facilitator"]

    # A user playing AWS (signed as AWS's account) sees the invitation, accepts it, reads the snapshot.
    aws = selling(AWS)
    received = aws.list_engagement_invitations(Catalog=SB, ParticipantType="RECEIVER",
                                               EngagementIdentifier=[engagement])
    assert [i["Id"] for i in received["EngagementInvitationSummaries"]] == [task["EngagementInvitationId"]]
    aws.accept_engagement_invitation(Catalog=SB, Identifier=task["EngagementInvitationId"])
    members = c.list_engagement_members(Catalog=SB, Identifier=engagement)["EngagementMemberList"]
    assert [m["AccountId"] for m in members] == [a, AWS]
    seen = aws.get_resource_snapshot(Catalog=SB, EngagementIdentifier=engagement, ResourceType="Opportunity",
                                     ResourceIdentifier=oid, ResourceSnapshotTemplateIdentifier="OpportunitySummary",
                                     Revision=1)
    assert seen["Payload"] == snap["Payload"]
    # AWS's review of the submitted opportunity is the admin's, as for any submission.
    status, body = admin("POST", "/_pcentral/aws/review", {"catalog": SB, "opportunity_id": oid, "status": "Approved"})
    assert status == 200, body
    assert c.get_opportunity(Catalog=SB, Identifier=oid)["LifeCycle"]["ReviewStatus"] == "Approved"

    # Its starter lists it; nobody else does. The same ClientToken replays the answer.
    listed = tasks(selling, a)
    assert [t["TaskId"] for t in listed] == [task["TaskId"]]
    assert {k: listed[0][k] for k in ("EngagementId", "EngagementInvitationId", "ResourceSnapshotJobId")} == \
        {k: task[k] for k in ("EngagementId", "EngagementInvitationId", "ResourceSnapshotJobId")}
    assert tasks(selling, new_account()) == [] and tasks(selling, AWS) == []
    assert start(selling, a, oid)["TaskId"] == task["TaskId"]


def test_an_opportunity_already_in_an_engagement_is_shared_there(selling):
    a = new_account()
    c = selling(a)
    oid = submit_ready(c)
    engagement = c.create_engagement(Catalog=SB, ClientToken=f"e-{a}", Title="Ours", Description="Already")["Id"]
    c.create_resource_snapshot(Catalog=SB, ClientToken=f"s-{a}", EngagementIdentifier=engagement,
                               ResourceType="Opportunity", ResourceIdentifier=oid,
                               ResourceSnapshotTemplateIdentifier="OpportunitySummary")
    task = start(selling, a, oid)
    assert task["TaskStatus"] == "COMPLETE", task
    assert task["EngagementId"] == engagement
    assert len(c.list_engagements(Catalog=SB)["EngagementSummaryList"]) == 1
    revisions = c.list_resource_snapshots(Catalog=SB, EngagementIdentifier=engagement)["ResourceSnapshotSummaries"]
    assert [s["Revision"] for s in revisions][:2] == [1, 2]


def test_an_opportunity_that_cannot_be_submitted_fails_the_task_and_changes_nothing(selling, admin):
    a = new_account()
    c = selling(a)
    unready = create(c)["Id"]  # no solution associated
    submitted = submit_ready(c)
    c.submit_opportunity(Catalog=SB, Identifier=submitted, InvolvementType="Co-Sell")
    for oid, needle in ((unready, "RelatedEntityIdentifiers.Solutions"), (submitted, "Submitted")):
        before = state(selling, a, oid)
        task = start(selling, a, oid)
        assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "OpportunitySubmissionFailed", task
        assert needle in task["Message"] and task["OpportunityId"] == oid
        assert "EngagementId" not in task and "EngagementInvitationId" not in task
        assert "ResourceSnapshotJobId" not in task
        assert state(selling, a, oid) == before
    assert sorted(t["ReasonCode"] for t in tasks(selling, a, TaskStatus=["FAILED"])) == \
        ["OpportunitySubmissionFailed"] * 2


def test_an_opportunity_aws_cannot_be_invited_with_fails_and_changes_nothing(selling):
    a = new_account()
    c = selling(a)
    body = payload()
    # An opportunity's website is any 4 to 255 characters; an invitation's must look like a domain.
    body["Customer"]["Account"]["WebsiteUrl"] = "nodomain"
    oid = c.create_opportunity(Catalog=SB, **body)["Id"]
    c.associate_opportunity(Catalog=SB, OpportunityIdentifier=oid, RelatedEntityType="Solutions",
                            RelatedEntityIdentifier=SOLUTION)
    before = state(selling, a, oid)
    task = start(selling, a, oid)
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "InvitationValidationFailed", task
    assert "WebsiteUrl" in task["Message"]
    assert state(selling, a, oid) == before


def test_an_aws_referral_is_not_shared_back(selling, admin):
    b = new_account()
    referral = {
        "ReceiverResponsibilities": ["Co-Sell Facilitator"],
        "Customer": {"CompanyName": "Umbrella Inc", "CountryCode": "DE", "Industry": "Manufacturing",
                     "WebsiteUrl": "https://umbrella.example"},
        "Project": {"Title": "Data platform", "BusinessProblem": "Their analytics run on ageing hardware.",
                    "TargetCompletionDate": "2027-09-30",
                    "ExpectedCustomerSpend": [{"Amount": "8000", "CurrencyCode": "EUR", "Frequency": "Monthly",
                                               "TargetCompany": "AWS"}]},
    }
    status, sent = admin("POST", "/_pcentral/aws/referrals", {"catalog": SB, "receiver": b, "opportunity": referral})
    assert status == 200, sent
    accepted = selling(b).start_engagement_by_accepting_invitation_task(
        Catalog=SB, ClientToken=f"accept-{b}", Identifier=sent["invitation_id"])
    oid = accepted["OpportunityId"]
    before = state(selling, b, oid)
    task = start(selling, b, oid)
    assert task["TaskStatus"] == "FAILED" and task["ReasonCode"] == "OpportunitySubmissionFailed", task
    assert state(selling, b, oid) == before


def test_only_the_owner_starts_the_task(selling):
    a, c3 = new_account(), new_account()
    oid = submit_ready(selling(a))
    before = state(selling, a, oid)
    for account, identifier in ((c3, oid), (a, "O9999999999")):
        with pytest.raises(ClientError) as e:
            start(selling, account, identifier)
        assert error(e) == "ResourceNotFoundException"
        assert a not in str(e.value)
    assert tasks(selling, a) == [] and tasks(selling, c3) == []
    assert state(selling, a, oid) == before
    assert selling(c3).list_engagements(Catalog=SB)["EngagementSummaryList"] == []


def test_the_list_filters_and_pages(selling):
    a = new_account()
    c = selling(a)
    oids = [submit_ready(c), submit_ready(c), create(c)["Id"]]
    started = [start(selling, a, oid) for oid in oids]
    ids = [t["TaskId"] for t in started]
    assert [t["TaskStatus"] for t in started] == ["COMPLETE", "COMPLETE", "FAILED"]
    assert [t["TaskId"] for t in tasks(selling, a)] == ids[::-1]  # newest first
    ascending = {"SortOrder": "ASCENDING", "SortBy": "StartTime"}
    assert [t["TaskId"] for t in tasks(selling, a, Sort=ascending)] == ids
    seen, token = [], None
    while True:
        page = selling(a).list_engagement_from_opportunity_tasks(
            Catalog=SB, MaxResults=2, Sort=ascending, **({"NextToken": token} if token else {}))
        seen += [t["TaskId"] for t in page["TaskSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == ids
    assert [t["TaskId"] for t in tasks(selling, a, TaskIdentifier=[started[1]["TaskArn"]])] == [ids[1]]
    assert [t["TaskId"] for t in tasks(selling, a, EngagementIdentifier=[started[0]["EngagementId"]])] == [ids[0]]
    assert [t["TaskId"] for t in tasks(selling, a, OpportunityIdentifier=[oids[2]])] == [ids[2]]
    assert [t["TaskId"] for t in tasks(selling, a, TaskStatus=["FAILED"])] == [ids[2]]
    assert len(tasks(selling, a, TaskStatus=["COMPLETE"])) == 2
    page = selling(a).list_engagement_from_opportunity_tasks(Catalog=SB, MaxResults=1)
    with pytest.raises(ClientError) as e:
        selling(a).list_engagement_from_opportunity_tasks(Catalog=SB, MaxResults=1, TaskStatus=["FAILED"],
                                                          NextToken=page["NextToken"])
    assert error(e) == "ValidationException"


def test_a_delayed_task_is_held_or_completed_by_an_admin_or_run_by_the_worker(selling, admin, pcentral, delay):
    a = new_account()
    c = selling(a)
    held_oid, ran_oid = submit_ready(c), submit_ready(c)
    delay(60)
    held = start(selling, a, held_oid)
    ran = start(selling, a, ran_oid)
    assert held["TaskStatus"] == ran["TaskStatus"] == "IN_PROGRESS" and "EngagementId" not in held
    hold = pcentral("tasks", "force-engagement", "--catalog", SB, "--task-id", held["TaskId"], "--action", "hold")
    assert hold.returncode == 0, hold.stderr
    advance_clock(admin, "2m")
    by_id = lambda: {t["TaskId"]: t for t in tasks(selling, a)}  # noqa: E731
    assert wait_for(lambda: by_id()[ran["TaskId"]]["TaskStatus"] == "COMPLETE"), by_id()
    assert by_id()[held["TaskId"]]["TaskStatus"] == "IN_PROGRESS"
    assert c.get_opportunity(Catalog=SB, Identifier=held_oid)["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    status, body = admin("POST", "/_pcentral/engagement-tasks/force",
                         {"catalog": SB, "task_id": held["TaskId"], "action": "complete"})
    assert status == 200 and body["status"] == "COMPLETE", body
    assert by_id()[held["TaskId"]]["EngagementInvitationId"].startswith("engi-")
    assert c.get_opportunity(Catalog=SB, Identifier=held_oid)["LifeCycle"]["ReviewStatus"] == "Submitted"
