"""Durability: everything acknowledged survives SIGKILL and a restart on the same data dir."""

from helpers import (
    advance_clock, clock_now, create_partner, expect_error, force_verification, latest_code, new_account, outbox_messages,
    publish, set_task_delay,
    strip, task_details, uniq, unique_email,
)


def _snapshot(c, pid, catalog="Sandbox"):
    out = {"partner": strip(c.get_partner(Catalog=catalog, Identifier=pid)),
           "list": strip(c.list_partners(Catalog=catalog))}
    try:
        out["task"] = strip(c.get_profile_update_task(Catalog=catalog, Identifier=pid))
    except c.exceptions.ResourceNotFoundException as e:
        out["task"] = e.response["Reason"]
    try:
        out["visibility"] = strip(c.get_profile_visibility(Catalog=catalog, Identifier=pid))
    except c.exceptions.ResourceNotFoundException as e:
        out["visibility"] = e.response["Reason"]
    return out


def test_state_survives_sigkill(server, client, admin):
    # published partner, visibility PRIVATE
    a = client(new_account())
    pa = create_partner(a)
    publish(a, pa["Id"], details=task_details(DisplayName="Durable A",
                                              Headquarters={"CountryCode": "DE", "SubdivisionCode": "BE"}))
    a.put_profile_visibility(Catalog="Sandbox", Identifier=pa["Id"], Visibility="PRIVATE")

    # draft partner created with a client token
    b = client(new_account())
    token = uniq("durable")
    b_params = {"Catalog": "Sandbox", "LegalName": uniq("Durable B"), "PrimarySolutionType": "TRAINING_SERVICES",
                "AllianceLeadContact": {"FirstName": "B", "LastName": "B", "Email": unique_email(),
                                        "BusinessTitle": "CTO"},
                "EmailVerificationCode": "111111", "ClientToken": token}
    pb = strip(b.create_partner(**b_params))

    # partner in catalog AWS, plus an unused code in the outbox
    cacct = new_account()
    c = client(cacct)
    email = unique_email("durable")
    c.send_email_verification_code(Catalog="AWS", Email=email)
    force_verification(admin, cacct)
    pc = create_partner(c, catalog="AWS", email=email, code=latest_code(admin, email))

    # registered credentials
    status, creds = admin("POST", "/_pcentral/credentials", {"account": new_account()})
    assert status in (200, 201), creds

    # clock offset
    advance_clock(admin, "3h")
    _, offset = clock_now(admin)

    # an unused code (sent after the clock moved, so still valid after the restart)
    spare = unique_email("spare")
    c.send_email_verification_code(Catalog="AWS", Email=spare)
    spare_code = latest_code(admin, spare)

    # a task held IN_PROGRESS, and one canceled
    d = client(new_account())
    pd = create_partner(d)
    e = client(new_account())
    pe = create_partner(e)
    set_task_delay(admin, 7200)
    try:
        held = strip(d.start_profile_update_task(Catalog="Sandbox", Identifier=pd["Id"], TaskDetails=task_details()))
        to_cancel = strip(e.start_profile_update_task(Catalog="Sandbox", Identifier=pe["Id"],
                                                      TaskDetails=task_details()))
        e.cancel_profile_update_task(Catalog="Sandbox", Identifier=pe["Id"], TaskId=to_cancel["TaskId"])
    finally:
        set_task_delay(admin, 0)

    before = {
        "a": _snapshot(a, pa["Id"]),
        "b": _snapshot(b, pb["Id"]),
        "c": _snapshot(c, pc["Id"], catalog="AWS"),
        "d": _snapshot(d, pd["Id"]),
        "e": _snapshot(e, pe["Id"]),
    }
    assert before["a"]["visibility"]["Visibility"] == "PRIVATE"
    assert before["a"]["task"]["Status"] == "SUCCEEDED"
    assert before["a"]["partner"]["Profile"]["Headquarters"] == {"CountryCode": "DE", "SubdivisionCode": "BE"}
    assert before["b"]["task"] == "PARTNER_PROFILE_TASK_NOT_FOUND"
    assert before["d"]["task"]["Status"] == "IN_PROGRESS"
    assert before["e"]["task"]["Status"] == "CANCELED"
    outbox_before = outbox_messages(admin)

    server.restart_after_kill()

    # same clock offset (the wall clock moved a little, the offset did not)
    assert clock_now(admin)[1] == offset
    # clients are bound to the old port: make new ones for the same accounts
    after = {
        "a": _snapshot(client(_acct(a)), pa["Id"]),
        "b": _snapshot(client(_acct(b)), pb["Id"]),
        "c": _snapshot(client(cacct), pc["Id"], catalog="AWS"),
        "d": _snapshot(client(_acct(d)), pd["Id"]),
        "e": _snapshot(client(_acct(e)), pe["Id"]),
    }
    assert after == before
    assert outbox_messages(admin) == outbox_before

    # the idempotency record survived: a replay returns the stored response
    assert strip(client(_acct(b)).create_partner(**b_params)) == pb
    # the held task is still held, and can be cancelled now
    d2 = client(_acct(d))
    canceled = strip(d2.cancel_profile_update_task(Catalog="Sandbox", Identifier=pd["Id"], TaskId=held["TaskId"]))
    assert canceled["Status"] == "CANCELED"
    # the spare code is still valid and single use
    other_account = new_account()
    force_verification(admin, other_account)
    other = client(other_account)
    created = create_partner(other, catalog="AWS", email=spare, code=spare_code)
    assert created["Catalog"] == "AWS"
    # registered credentials still work
    reg = client(creds["account"], access_key=creds["access_key_id"], secret=creds["secret_access_key"])
    assert strip(reg.list_partners(Catalog="Sandbox")) == {"PartnerSummaryList": []}
    # the data is still there after a second crash
    server.restart_after_kill()
    assert strip(client(_acct(d)).get_profile_update_task(Catalog="Sandbox", Identifier=pd["Id"]))["Status"] == \
        "CANCELED"
    assert strip(client(_acct(a)).get_partner(Catalog="Sandbox", Identifier=pa["Id"])) == before["a"]["partner"]


def _acct(c):
    return c._request_signer._credentials.access_key


def test_new_partners_after_restart_do_not_collide(server, client):
    c1 = client(new_account())
    p1 = create_partner(c1)
    server.restart_after_kill()
    c2 = client(new_account())
    p2 = create_partner(c2)
    assert p1["Id"] != p2["Id"]
    # the legal-name and one-partner rules still see the old partner
    assert strip(client(_acct(c1)).list_partners(Catalog="Sandbox"))["PartnerSummaryList"][0]["Id"] == p1["Id"]
    expect_error(create_partner, "ConflictException", "DUPLICATE_PARTNER", 409,
                 client=client(new_account()), legal_name=p1["LegalName"])


def test_burst_of_writes_survives_sigkill(server, client):
    accounts = [new_account() for _ in range(20)]
    created = {}
    for acct in accounts:
        created[acct] = create_partner(client(acct))
    server.restart_after_kill()
    for acct in accounts:
        listed = strip(client(acct).list_partners(Catalog="Sandbox"))["PartnerSummaryList"]
        assert [p["Id"] for p in listed] == [created[acct]["Id"]]


def test_sigkill_under_concurrent_writes_keeps_every_acknowledged_write(server, client):
    """16 writers change their preferences (each write a new Revision) until the
    server is killed mid-flight; after the restart every acknowledged Revision
    is stored. Writes commit in shared batches (group commit on SQLite), so
    this also checks that no call is answered before its batch is durable."""
    import threading
    import time

    writers = 16
    accounts = [new_account() for _ in range(writers)]
    acked = {acct: 0 for acct in accounts}
    stop = threading.Event()

    def write(acct):
        c = client(acct)
        revision = 0
        while not stop.is_set():
            try:
                c.update_connection_preferences(Catalog="Sandbox", Revision=revision, AccessType="ALLOW_ALL")
            except Exception:  # noqa: BLE001 - the server is gone; what was acknowledged is recorded
                return
            revision += 1
            acked[acct] = revision

    threads = [threading.Thread(target=write, args=(a,)) for a in accounts]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert sum(acked.values()) > writers, "the writers got answers before the kill"
    server.start()
    for acct in accounts:
        stored = client(acct).get_connection_preferences(Catalog="Sandbox")["Revision"]
        assert stored >= acked[acct], f"{acct}: acknowledged Revision {acked[acct]}, stored {stored}"
