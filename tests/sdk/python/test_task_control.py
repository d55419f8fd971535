"""Admin control of asynchronous work: hold a profile update task or a qualifications task,
force a profile task to SUCCEEDED or FAILED, complete a qualifications task now; through the
HTTP admin API and the `pcentral tasks` CLI."""

import json
import uuid

import pytest

from helpers import (
    advance_clock, change_settings, create_partner, expect_error, new_account, publish, strip, task_details,
)

CAT = "Sandbox"


@pytest.fixture(scope="module", autouse=True)
def slow_tasks(admin):
    # Tasks stay IN_PROGRESS for an hour of service time unless an admin acts.
    change_settings(admin, profile_task_delay_seconds=3600, qualifications_task_delay_seconds=3600)


def started_task(client):
    c = client(new_account())
    partner = create_partner(c)
    task = strip(c.start_profile_update_task(Catalog=CAT, Identifier=partner["Id"], TaskDetails=task_details()))
    assert task["Status"] == "IN_PROGRESS"
    return c, partner["Id"], task["TaskId"]


def task_status(c, partner_id):
    return strip(c.get_profile_update_task(Catalog=CAT, Identifier=partner_id))


def test_hold_then_fail_a_profile_task_with_the_cli(client, admin, pcentral):
    c, partner_id, task_id = started_task(client)
    held = pcentral("tasks", "force-profile", "--partner-id", partner_id, "--task-id", task_id, "--status", "IN_PROGRESS")
    assert held.returncode == 0, held.stderr
    advance_clock(admin, "2h")
    assert task_status(c, partner_id)["Status"] == "IN_PROGRESS", "a held task does not succeed on its own"

    failed = pcentral("tasks", "force-profile", "--partner-id", partner_id, "--task-id", task_id,
                      "--status", "FAILED", "--reason", "INVALID_LOGO", "--message", "The logo is too small")
    assert failed.returncode == 0, failed.stderr
    assert json.loads(failed.stdout)["status"] == "FAILED"
    got = task_status(c, partner_id)
    assert got["Status"] == "FAILED" and "EndedAt" in got
    assert got["ErrorDetailList"] == [{"Locale": "en-US", "Message": "The logo is too small", "Reason": "INVALID_LOGO"}]
    # A failed task publishes nothing.
    expect_error(c.get_profile_visibility, "ResourceNotFoundException", "PARTNER_PROFILE_NOT_FOUND", 404,
                 Catalog=CAT, Identifier=partner_id)
    # An ended task cannot be forced again.
    again = pcentral("tasks", "force-profile", "--partner-id", partner_id, "--task-id", task_id, "--status", "SUCCEEDED")
    assert again.returncode != 0 and "409" in again.stderr


def test_force_a_profile_task_to_succeed_over_http(client, admin):
    c, partner_id, task_id = started_task(client)
    status, body = admin("POST", "/_pcentral/profile-tasks/force",
                         {"partner_id": partner_id, "task_id": task_id, "status": "SUCCEEDED"})
    assert (status, body["status"]) == (200, "SUCCEEDED")
    assert task_status(c, partner_id)["Status"] == "SUCCEEDED"
    assert c.get_profile_visibility(Catalog=CAT, Identifier=partner_id)["Visibility"] == "PUBLIC"


@pytest.mark.parametrize("body, expected", [
    ({"task_id": "pprofiletask-aaaaaaaaaaaaa", "status": "FAILED"}, 400),
    ({"partner_id": "partner-aaaaaaaaaaaaa", "task_id": "pprofiletask-aaaaaaaaaaaaa", "status": "DONE"}, 400),
    ({"partner_id": "partner-aaaaaaaaaaaaa", "task_id": "pprofiletask-aaaaaaaaaaaaa", "status": "FAILED",
      "reason": "BAD_VIBES"}, 400),
    ({"partner_id": "partner-aaaaaaaaaaaaa", "task_id": "pprofiletask-aaaaaaaaaaaaa", "status": "FAILED"}, 404),
])
def test_refused_profile_task_forces(admin, body, expected):
    status, answer = admin("POST", "/_pcentral/profile-tasks/force", body)
    assert status == expected and answer["error"], answer


def test_hold_and_complete_a_qualifications_task(client, admin, pcentral):
    primary, subsidiary = new_account(), new_account()
    p, s = client(primary), client(subsidiary)
    for c in (p, s):
        partner = create_partner(c)
        c.start_profile_update_task(Catalog=CAT, Identifier=partner["Id"], TaskDetails=task_details())
        advance_clock(admin, "1h")  # the profile task (1 h delay) succeeds
    inv = p.create_connection_invitation(Catalog=CAT, ConnectionType="SUBSIDIARY", ReceiverIdentifier=subsidiary,
                                         Email="p@primary.example", Name="P", Message="link",
                                         ClientToken=str(uuid.uuid4()))["Id"]
    s.accept_connection_invitation(Catalog=CAT, Identifier=inv, ClientToken=str(uuid.uuid4()))
    sub_id = s.list_partners(Catalog=CAT)["PartnerSummaryList"][0]["Id"]
    task = s.start_qualifications_association_task(Catalog=CAT, Identifier=sub_id,
                                                   PrimaryPartner={"AccountId": primary})
    held = pcentral("tasks", "force-qualifications", "--catalog", CAT, "--task-id", task["TaskId"],
                    "--action", "hold")
    assert held.returncode == 0, held.stderr
    advance_clock(admin, "2h")
    got = s.get_qualifications_association_task(Catalog=CAT, Identifier=sub_id)
    assert got["Status"] == "IN_PROGRESS"
    assert s.get_qualifications_association_details(Catalog=CAT, Identifier=sub_id)["Status"] == "NOT_ASSOCIATED"

    status, body = admin("POST", "/_pcentral/qualifications-tasks/force",
                         {"catalog": CAT, "task_id": task["TaskId"], "action": "complete"})
    assert status == 200, body
    got = s.get_qualifications_association_task(Catalog=CAT, Identifier=sub_id)
    assert got["Status"] == "SUCCEEDED" and "EndedAt" in got
    assert s.get_qualifications_association_details(Catalog=CAT, Identifier=sub_id)["Status"] == "ASSOCIATED"
    status, body = admin("POST", "/_pcentral/qualifications-tasks/force",
                         {"catalog": CAT, "task_id": task["TaskId"], "action": "hold"})
    assert status in (404, 409), body
