"""Quotas (docs/behaviour.md#quotas, rolling 24 h of service time), the service clock admin API
(docs/behaviour.md#time), the held-task settings, and pcentral's own CLI for clock and outbox."""

import datetime as dt
import threading
import time

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import (
    TS_RE, advance_clock, clock_now, create_partner, expect_error, latest_code, new_account, outbox_messages,
    parse_ts, publish, set_task_delay, strip, task_details, unique_email,
)


@pytest.fixture(scope="module", autouse=True)
def _aws_catalog_without_verification(admin):
    """CreatePartner in catalog AWS normally needs SUCCEEDED verifications; this module is about
    quotas and the clock, not verification (test_account_tools.py covers that), so the check is off here."""
    status, body = admin("POST", "/_pcentral/settings", {"require_verification_for_aws_catalog": False})
    assert status == 200, body


@pytest.fixture
def held_tasks(admin):
    set_task_delay(admin, 3600)
    yield
    set_task_delay(admin, 0)


def _start(c, pid, n):
    return strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=pid,
                                            TaskDetails=task_details(DisplayName=f"Task {n}")))


def test_profile_update_quota(client, admin):
    c = client(new_account())
    p = create_partner(c)
    for i in range(10):
        assert _start(c, p["Id"], i)["Status"] == "IN_PROGRESS"
    last_ok = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    expect_error(_start, "ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY", 402,
                 c=c, pid=p["Id"], n=10)
    # the refused call changed nothing
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"])) == last_ok
    # another partner is not affected
    other = client(new_account())
    op = create_partner(other)
    assert _start(other, op["Id"], 0)["Status"] == "IN_PROGRESS"
    # still refused just before the window ends, free again after it
    advance_clock(admin, "23h")
    expect_error(_start, "ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY", 402,
                 c=c, pid=p["Id"], n=11)
    advance_clock(admin, "2h")
    assert _start(c, p["Id"], 12)["Status"] == "IN_PROGRESS"


def test_visibility_quota(client, admin):
    c = client(new_account())
    p = create_partner(c)
    publish(c, p["Id"])
    values = ["PRIVATE", "PUBLIC", "PUBLIC", "PRIVATE", "PRIVATE"]  # same value again still counts
    for v in values:
        assert strip(c.put_profile_visibility(Catalog="Sandbox", Identifier=p["Id"], Visibility=v))["Visibility"] == v
    expect_error(c.put_profile_visibility, "ServiceQuotaExceededException",
                 "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY", 402,
                 Catalog="Sandbox", Identifier=p["Id"], Visibility="PUBLIC")
    assert strip(c.get_profile_visibility(Catalog="Sandbox", Identifier=p["Id"]))["Visibility"] == "PRIVATE"
    advance_clock(admin, "25h")
    assert strip(c.put_profile_visibility(Catalog="Sandbox", Identifier=p["Id"],
                                          Visibility="PUBLIC"))["Visibility"] == "PUBLIC"
    assert strip(c.get_profile_visibility(Catalog="Sandbox", Identifier=p["Id"]))["Visibility"] == "PUBLIC"


def test_email_code_quota_aws_only(client, admin):
    c = client(new_account())
    email = unique_email("quota")
    for _ in range(5):
        c.send_email_verification_code(Catalog="AWS", Email=email)
    assert len(outbox_messages(admin, email)) == 5
    expect_error(c.send_email_verification_code, "ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_EMAIL",
                 402, Catalog="AWS", Email=email)
    # counted per address, whoever asks
    expect_error(client(new_account()).send_email_verification_code, "ServiceQuotaExceededException",
                 "LIMIT_EXCEEDED_NUMBER_OF_EMAIL", 402, Catalog="AWS", Email=email)
    assert len(outbox_messages(admin, email)) == 5
    # the last code sent before the limit still works
    code = latest_code(admin, email)
    p = create_partner(c, catalog="AWS", email=email, code=code)
    assert p["Catalog"] == "AWS"
    # another address is free; Sandbox has no limit
    c.send_email_verification_code(Catalog="AWS", Email=unique_email("other"))
    sandbox_email = unique_email("sbx")
    for _ in range(8):
        c.send_email_verification_code(Catalog="Sandbox", Email=sandbox_email)
    c.send_email_verification_code(Catalog="Sandbox", Email=email)
    # rolling window
    advance_clock(admin, "25h")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    assert len(outbox_messages(admin, email)) == 6


def test_clock_admin(admin):
    now, offset = clock_now(admin)
    wall = dt.datetime.now(dt.timezone.utc)
    assert isinstance(offset, int)
    assert abs((now - wall).total_seconds() - offset) < 60

    for by, seconds in (("90m", 5400), ("3600s", 3600), ("2h", 7200), ("1d", 86400)):
        body = advance_clock(admin, by)
        assert TS_RE.match(body["now"]), body
        assert body["offset_seconds"] == offset + seconds, (by, body)
        moved = parse_ts(body["now"])
        assert seconds - 1 <= (moved - now).total_seconds() <= seconds + 60, (by, body, now)
        now, offset = moved, body["offset_seconds"]

    # set forward works
    target = (now + dt.timedelta(days=3)).replace(microsecond=0)
    status, body = admin("POST", "/_pcentral/clock/set", {"to": target.strftime("%Y-%m-%dT%H:%M:%SZ")})
    assert status == 200, body
    assert abs((parse_ts(body["now"]) - target).total_seconds()) < 60, body
    assert body["offset_seconds"] > offset
    after_set, offset_after_set = clock_now(admin)

    # set backwards is refused and changes nothing
    past = (after_set - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, body = admin("POST", "/_pcentral/clock/set", {"to": past})
    assert status == 400, (status, body)
    assert isinstance(body, dict) and body.get("error"), body
    assert clock_now(admin)[1] == offset_after_set

    # nonsense durations are refused
    for bad in ("abc", "-5m", "0s"):
        status, body = admin("POST", "/_pcentral/clock/advance", {"by": bad})
        assert status == 400, (bad, status, body)
    assert clock_now(admin)[1] == offset_after_set


def test_the_clock_never_passes_the_last_time_the_wire_can_write(admin):
    """Past 9999-12-31T23:59:59.999Z no timestamp could be written: every way of moving the
    clock refuses it with 400 naming the limit, and changes nothing."""
    limit = "9999-12-31T23:59:59.999Z"
    _, offset = clock_now(admin)
    far = 10_000 * 366 * 86_400 * 1000
    for method, path, body in (
        ("POST", "/_pcentral/clock/advance", {"by": "3000000d"}),
        ("POST", "/_pcentral/clock/advance", {"by": "100000000d"}),
        ("POST", "/_pcentral/seed", {"version": 1, "clock_offset_ms": far}),
    ):
        status, answer = admin(method, path, body)
        assert status == 400, (path, body, status, answer)
        assert limit in answer["error"], (path, answer)
        assert clock_now(admin)[1] == offset, "nothing changed"


def test_business_timestamps_follow_service_clock(client, admin):
    advance_clock(admin, "10d")
    now, _ = clock_now(admin)
    c = client(new_account())
    p = create_partner(c)
    assert abs((p["CreatedAt"] - now).total_seconds()) < 60, (p["CreatedAt"], now)
    started = strip(c.start_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskDetails=task_details()))
    assert abs((started["StartedAt"] - now).total_seconds()) < 60
    email = unique_email("clock")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    sent_at = parse_ts(outbox_messages(admin, email)[-1]["sent_at"])
    assert abs((sent_at - now).total_seconds()) < 60


def test_held_task_cancel_and_conflicts(client, admin, held_tasks):
    c = client(new_account())
    p = create_partner(c)
    expect_error(c.cancel_profile_update_task, "ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId="pprofiletask-0123456789abc")
    started = _start(c, p["Id"], 1)
    assert started["Status"] == "IN_PROGRESS"
    got = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    assert got["Status"] == "IN_PROGRESS" and "EndedAt" not in got
    expect_error(_start, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                 c=c, pid=p["Id"], n=2)
    # still unpublished
    expect_error(c.get_profile_visibility, "ResourceNotFoundException", "PARTNER_PROFILE_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=p["Id"])
    expect_error(c.cancel_profile_update_task, "ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND", 404,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId="pprofiletask-0123456789abc")
    canceled = strip(c.cancel_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskId=started["TaskId"]))
    assert canceled["Status"] == "CANCELED" and canceled["TaskId"] == started["TaskId"]
    assert canceled["EndedAt"] >= canceled["StartedAt"]
    got = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    assert got["Status"] == "CANCELED" and got["EndedAt"] == canceled["EndedAt"]
    # the profile is unchanged and still a draft
    profile = strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Profile"]
    assert profile == p["Profile"]
    # the task stays canceled even after its due time passed
    advance_clock(admin, "2h")
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["Status"] == "CANCELED"
    # cancelling frees the partner to start another
    set_task_delay(admin, 0)
    again = _start(c, p["Id"], 3)
    assert again["TaskId"] != started["TaskId"]
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["Status"] == "SUCCEEDED"
    expect_error(c.cancel_profile_update_task, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId=again["TaskId"])
    # the old task id is still this partner's task, and canceled
    expect_error(c.cancel_profile_update_task, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                 Catalog="Sandbox", Identifier=p["Id"], TaskId=started["TaskId"])


def test_held_task_completes_at_due_time(client, admin):
    set_task_delay(admin, 600)
    try:
        c = client(new_account())
        p = create_partner(c)
        started = _start(c, p["Id"], 1)
    finally:
        set_task_delay(admin, 0)
    assert strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))["Status"] == "IN_PROGRESS"
    advance_clock(admin, "11m")
    got = strip(c.get_profile_update_task(Catalog="Sandbox", Identifier=p["Id"]))
    assert got["Status"] == "SUCCEEDED"
    # EndedAt is the due time: StartedAt + 600 s
    assert got["EndedAt"] - started["StartedAt"] == dt.timedelta(seconds=600), got
    assert "ProfileId" in strip(c.get_partner(Catalog="Sandbox", Identifier=p["Id"]))["Profile"]


# ---------------------------------------------------------------------------------------------- pcentral CLI

def test_pcentral_clock_cli(pcentral, admin):
    _, offset = clock_now(admin)
    proc = pcentral("clock", "show")
    assert proc.returncode == 0, proc.stderr
    now, _ = clock_now(admin)
    assert now.strftime("%Y-%m-%d") in proc.stdout or (now - dt.timedelta(minutes=1)).strftime("%Y-%m-%d") \
        in proc.stdout, proc.stdout

    proc = pcentral("clock", "advance", "2d")
    assert proc.returncode == 0, proc.stderr
    assert clock_now(admin)[1] == offset + 2 * 86400

    now, offset = clock_now(admin)
    target = (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = pcentral("clock", "set", target)
    assert proc.returncode == 0, proc.stderr
    target_dt = dt.datetime.strptime(target, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs((clock_now(admin)[0] - target_dt).total_seconds()) < 60

    _, offset = clock_now(admin)
    past = (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = pcentral("clock", "set", past)
    assert proc.returncode != 0, proc.stdout
    assert clock_now(admin)[1] == offset


def test_pcentral_outbox_cli(pcentral, client, admin):
    c = client(new_account())
    email, other = unique_email("cliout"), unique_email("cliother")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    code = latest_code(admin, email)
    proc = pcentral("outbox", "list", "--address", email)
    assert proc.returncode == 0, proc.stderr
    assert code in proc.stdout and email in proc.stdout, proc.stdout
    proc = pcentral("outbox", "list")
    assert proc.returncode == 0, proc.stderr
    assert code in proc.stdout and email in proc.stdout
    proc = pcentral("outbox", "list", "--address", other)
    assert proc.returncode == 0, proc.stderr
    assert email not in proc.stdout
    # outbox admin API: newest last, ids increasing
    c.send_email_verification_code(Catalog="AWS", Email=email)
    msgs = outbox_messages(admin, email)
    assert [m["id"] for m in msgs] == sorted(m["id"] for m in msgs) and len(msgs) == 2
    assert msgs[-1]["code"] == latest_code(admin, email)
    assert all(m["address"] == email and m["catalog"] == "AWS" for m in msgs), msgs


# ---------------------------------------------------------------------------------------------- concurrency

def _parallel(n, fn):
    from concurrent.futures import ThreadPoolExecutor
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=30)
        try:
            return ("ok", fn(i))
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response.get("Reason"))

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_visibility_quota_is_atomic_under_concurrency(server, client):
    account = new_account()
    c = client(account)
    p = create_partner(c)
    publish(c, p["Id"])
    clients = [_fresh_client(server, account) for _ in range(10)]
    results = _parallel(10, lambda i: clients[i].put_profile_visibility(
        Catalog="Sandbox", Identifier=p["Id"], Visibility="PRIVATE" if i % 2 else "PUBLIC"))
    oks = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] != "ok"]
    assert len(oks) == 5, results
    assert all(r == ("ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY")
               for r in refused), results


def test_email_quota_is_atomic_under_concurrency(server, client, admin):
    email = unique_email("race")
    clients = [_fresh_client(server, new_account()) for _ in range(10)]
    results = _parallel(10, lambda i: clients[i].send_email_verification_code(Catalog="AWS", Email=email))
    assert sum(1 for r in results if r[0] == "ok") == 5, results
    assert all(r == ("ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_EMAIL")
               for r in results if r[0] != "ok"), results
    assert len(outbox_messages(admin, email)) == 5


def _fresh_client(server, account):
    return botocore.session.Session().create_client(
        "partnercentral-account", region_name="us-east-1", endpoint_url=server.endpoint,
        aws_access_key_id=account, aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}))


def test_refused_calls_do_not_count_against_quotas(client, admin, raw):
    account = new_account()
    c = client(account)
    p = create_partner(c)
    # tasks: one held task, five refused starts while it runs, then cancel
    set_task_delay(admin, 3600)
    try:
        held = _start(c, p["Id"], 0)
        for i in range(5):
            expect_error(_start, "ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", 409,
                         c=c, pid=p["Id"], n=100 + i)
        c.cancel_profile_update_task(Catalog="Sandbox", Identifier=p["Id"], TaskId=held["TaskId"])
    finally:
        set_task_delay(admin, 0)
    # rejected by validation: not counted either
    for _ in range(3):
        r = raw("StartProfileUpdateTask", {"Catalog": "Sandbox", "Identifier": p["Id"],
                                           "TaskDetails": task_details(IndustrySegments=[])}, account=account)
        assert r.status == 400, r
    for i in range(1, 10):  # 9 more: 10 started in total
        assert _start(c, p["Id"], i)["Status"] == "IN_PROGRESS"
    expect_error(_start, "ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY", 402,
                 c=c, pid=p["Id"], n=10)

    # visibility: invalid puts do not count
    for _ in range(3):
        r = raw("PutProfileVisibility", {"Catalog": "Sandbox", "Identifier": p["Id"], "Visibility": "HIDDEN"},
                account=account)
        assert r.status == 400, r
    for _ in range(5):
        c.put_profile_visibility(Catalog="Sandbox", Identifier=p["Id"], Visibility="PUBLIC")
    expect_error(c.put_profile_visibility, "ServiceQuotaExceededException",
                 "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY", 402,
                 Catalog="Sandbox", Identifier=p["Id"], Visibility="PUBLIC")


def test_the_background_sweep_lets_outbox_messages_go_after_their_retention(client, admin):
    """docs/behaviour.md#retention: every node sweeps every second; an outbox message goes
    log_retention_days (7) of service time after it was sent, its email code at its expiry."""
    email = unique_email()
    client(new_account()).send_email_verification_code(Catalog="AWS", Email=email)
    assert len(outbox_messages(admin, email)) == 1
    advance_clock(admin, "7d")
    deadline = time.monotonic() + 20
    while outbox_messages(admin, email) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert outbox_messages(admin, email) == []
