"""The connection lifecycle through boto3 and the AWS CLI: preferences, invitations (both views),
acceptance, connections seen from both sides, cancellation, expiry, errors, and the boto3
paginators over signed NextTokens, including a server restart between creating and reading."""

import datetime as dt
import re

from helpers import (
    CATALOG, advance_clock, create_partner, expect_error, new_account, publish, strip, task_details,
)

OC = "OPPORTUNITY_COLLABORATION"
SUB = "SUBSIDIARY"
INV_ID_RE = re.compile(r"^pacinv-[A-Za-z0-9]{13}$")
CONN_ID_RE = re.compile(r"^pac-[A-Za-z0-9]{13}$")


def published_partner(client, account, display):
    c = client(account)
    partner = create_partner(c)
    publish(c, partner["Id"], details=task_details(DisplayName=display))
    vis = c.get_profile_visibility(Catalog=CATALOG, Identifier=partner["Id"])
    return vis["ProfileId"]


def invite(client, sender, kind, receiver, **extra):
    params = dict(Catalog=CATALOG, ConnectionType=kind, Email="ana@example.com", Message="Hello\nthere",
                  Name="Ana Lee", ReceiverIdentifier=receiver)
    params.update(extra)
    return strip(client(sender).create_connection_invitation(**params))


def accept(client, account, invitation_id):
    return client(account).accept_connection_invitation(Catalog=CATALOG, Identifier=invitation_id)["Connection"]


def business_code(resp):
    return resp["ErrorDetails"][0]["BusinessValidationError"]["Code"]


def test_two_party_story_with_cli_and_restart(server, client, cli):
    a, b = new_account(), new_account()
    pa = published_partner(client, a, "Alpha Display")
    pb = published_partner(client, b, "Beta Display")

    # 1. A invites B's profile with the AWS CLI.
    rc, sent, err = cli(a, "partnercentral-account", "create-connection-invitation", "--catalog", CATALOG,
                        "--connection-type", OC, "--email", "ana@example.com", "--message", "Let's co-sell",
                        "--name", "Ana Lee", "--receiver-identifier", pb)
    assert rc == 0, err
    inv = sent["Id"]
    assert INV_ID_RE.match(inv), sent
    assert sent["ParticipantType"] == "SENDER" and sent["OtherParticipantIdentifier"] == pb
    assert sent["Status"] == "PENDING" and "ConnectionId" not in sent
    assert sent["Arn"] == f"arn:aws:partnercentral:us-east-1::catalog/{CATALOG}/connection-invitation/{inv}"

    # Everything acknowledged survives a SIGKILL.
    server.restart_after_kill()

    # 2. B lists its incoming invitations.
    rc, listed, err = cli(b, "partnercentral-account", "list-connection-invitations", "--catalog", CATALOG,
                          "--participant-type", "RECEIVER")
    assert rc == 0, err
    assert [s["Id"] for s in listed["ConnectionInvitationSummaries"]] == [inv]
    assert listed["ConnectionInvitationSummaries"][0]["OtherParticipantIdentifier"] == pa

    # 3. B reads it: the sender's profile id, never the sender's account id.
    rc, got, err = cli(b, "partnercentral-account", "get-connection-invitation", "--catalog", CATALOG,
                       "--identifier", inv)
    assert rc == 0, err
    assert got["ParticipantType"] == "RECEIVER" and got["OtherParticipantIdentifier"] == pa
    assert got["InvitationMessage"] == "Let's co-sell" and got["InviterName"] == "Ana Lee"
    assert a not in str(got) and a not in str(listed)

    # 4. B accepts.
    rc, accepted, err = cli(b, "partnercentral-account", "accept-connection-invitation", "--catalog", CATALOG,
                            "--identifier", inv)
    assert rc == 0, err
    conn = accepted["Connection"]
    cid = conn["Id"]
    assert CONN_ID_RE.match(cid)
    assert conn["OtherParticipantAccountId"] == a
    assert conn["ConnectionTypes"][OC]["Status"] == "ACTIVE"
    assert conn["ConnectionTypes"][OC]["OtherParticipant"] == {"PartnerProfile": {"Id": pa, "Name": "Alpha Display"}}

    # Both sides see the other through boto3.
    a_view = strip(client(a).get_connection(Catalog=CATALOG, Identifier=cid))
    assert a_view["OtherParticipantAccountId"] == b
    assert a_view["Arn"] == f"arn:aws:partnercentral:us-east-1::catalog/{CATALOG}/connection/{cid}"
    assert a_view["ConnectionTypes"][OC]["OtherParticipant"] == {"PartnerProfile": {"Id": pb, "Name": "Beta Display"}}
    assert isinstance(a_view["UpdatedAt"], dt.datetime)
    inv_now = client(a).get_connection_invitation(Catalog=CATALOG, Identifier=inv)
    assert inv_now["Status"] == "ACCEPTED" and inv_now["ConnectionId"] == cid

    # SUBSIDIARY by account id goes on the same connection.
    sub = invite(client, a, SUB, b)
    assert sub["ConnectionId"] == cid and sub["OtherParticipantIdentifier"] == b
    conn = accept(client, b, sub["Id"])
    assert conn["Id"] == cid and set(conn["ConnectionTypes"]) == {OC, SUB}

    # B cancels the SUBSIDIARY type; OPPORTUNITY_COLLABORATION stays ACTIVE.
    canceled = client(b).cancel_connection(Catalog=CATALOG, Identifier=cid, ConnectionType=SUB, Reason="")
    assert canceled["ConnectionTypes"][SUB]["Status"] == "CANCELED"
    assert canceled["ConnectionTypes"][SUB]["CanceledBy"] == b
    assert canceled["ConnectionTypes"][OC]["Status"] == "ACTIVE"
    summaries = client(a).list_connections(Catalog=CATALOG, ConnectionType="SUBSIDIARY:CANCELED")["ConnectionSummaries"]
    assert [s["Id"] for s in summaries] == [cid]
    assert client(a).list_connections(Catalog=CATALOG, ConnectionType="SUBSIDIARY:ACTIVE")["ConnectionSummaries"] == []
    by_profile = client(b).list_connections(Catalog=CATALOG, OtherParticipantIdentifiers=[pa])["ConnectionSummaries"]
    assert [s["Id"] for s in by_profile] == [cid]
    expect_error(client(b).cancel_connection, "ConflictException", "INCOMPATIBLE_CONNECTION_STATE", 409,
                 Catalog=CATALOG, Identifier=cid, ConnectionType=SUB, Reason="again")

    # A cancels the last ACTIVE type: the answer shows only that type (SUBSIDIARY was cancelled before),
    # GetConnection still shows both, and the connection leaves the default listing.
    last = client(a).cancel_connection(Catalog=CATALOG, Identifier=cid, ConnectionType=OC, Reason="done")
    assert set(last["ConnectionTypes"]) == {OC} and last["ConnectionTypes"][OC]["Status"] == "CANCELED", last
    assert set(client(a).get_connection(Catalog=CATALOG, Identifier=cid)["ConnectionTypes"]) == {OC, SUB}
    for who in (a, b):
        assert client(who).list_connections(Catalog=CATALOG)["ConnectionSummaries"] == []
        assert client(who).list_connections(Catalog=CATALOG, ConnectionType=OC)["ConnectionSummaries"] == []
        history = client(who).list_connections(Catalog=CATALOG, ConnectionType="OPPORTUNITY_COLLABORATION:CANCELED")
        assert [s["Id"] for s in history["ConnectionSummaries"]] == [cid]


def test_preferences(client):
    a, b = new_account(), new_account()
    pa = published_partner(client, a, "Alpha")
    pb = published_partner(client, b, "Beta")
    prefs = strip(client(b).get_connection_preferences(Catalog=CATALOG))
    assert prefs["AccessType"] == "ALLOW_ALL" and prefs["Revision"] == 0
    assert prefs["Arn"] == f"arn:aws:partnercentral:us-east-1:{b}:catalog/{CATALOG}/connection-preferences"
    assert strip(client(b).get_connection_preferences(Catalog=CATALOG)) == prefs, "defaults are stable"
    expect_error(client(b).update_connection_preferences, "ConflictException",
                 "INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION", 409, Catalog=CATALOG, Revision=5, AccessType="DENY_ALL")
    updated = client(b).update_connection_preferences(
        Catalog=CATALOG, Revision=0, AccessType="ALLOW_BY_DEFAULT_DENY_SOME", ExcludedParticipantIdentifiers=[pa])
    assert updated["Revision"] == 1 and updated["ExcludedParticipantIds"] == [pa]
    expect_error(client(a).create_connection_invitation, "ConflictException",
                 "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER", 409, Catalog=CATALOG, ConnectionType=OC,
                 Email="ana@example.com", Message="hi", Name="Ana", ReceiverIdentifier=pb)
    client(b).update_connection_preferences(Catalog=CATALOG, Revision=1, AccessType="ALLOW_ALL")
    invite(client, a, OC, pb)


def test_invitation_errors(client):
    a, b, c = new_account(), new_account(), new_account()
    nobody = new_account()
    pa = published_partner(client, a, "Alpha")
    pb = published_partner(client, b, "Beta")
    args = dict(Catalog=CATALOG, Email="ana@example.com", Message="hi", Name="Ana")
    expect_error(client(nobody).create_connection_invitation, "ResourceNotFoundException", "SENDER_PROFILE_NOT_FOUND",
                 404, ConnectionType=OC, ReceiverIdentifier=pb, **args)
    expect_error(client(a).create_connection_invitation, "ResourceNotFoundException", "RECEIVER_PROFILE_NOT_FOUND",
                 404, ConnectionType=OC, ReceiverIdentifier="pprofile-zzzzzzzzzzzzz", **args)
    r = expect_error(client(a).create_connection_invitation, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400,
                     ConnectionType=OC, ReceiverIdentifier=b, **args)
    assert business_code(r) == "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST"
    r = expect_error(client(a).create_connection_invitation, "ValidationException", "BUSINESS_VALIDATION_FAILED", 400,
                     ConnectionType=SUB, ReceiverIdentifier=a, **args)
    assert business_code(r) == "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST"

    inv = invite(client, a, OC, pb)["Id"]
    expect_error(client(b).create_connection_invitation, "ConflictException", "DUPLICATE_CONNECTION_INVITATION", 409,
                 ConnectionType=OC, ReceiverIdentifier=pa, **args)
    ident = dict(Catalog=CATALOG, Identifier=inv)
    expect_error(client(c).get_connection_invitation, "ResourceNotFoundException", "CONNECTION_INVITATION_NOT_FOUND",
                 404, **ident)
    expect_error(client(a).accept_connection_invitation, "ConflictException",
                 "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER", 409, **ident)
    expect_error(client(b).cancel_connection_invitation, "AccessDeniedException", "ACCESS_DENIED", 403, **ident)
    rejected = client(b).reject_connection_invitation(Reason="not now", **ident)
    assert rejected["Status"] == "REJECTED" and rejected["ParticipantType"] == "RECEIVER"
    expect_error(client(b).accept_connection_invitation, "ConflictException",
                 "INCOMPATIBLE_CONNECTION_INVITATION_STATE", 409, **ident)

    inv2 = invite(client, b, OC, pa)["Id"]
    conn = accept(client, a, inv2)
    expect_error(client(a).create_connection_invitation, "ConflictException", "DUPLICATE_CONNECTION", 409,
                 ConnectionType=OC, ReceiverIdentifier=pb, **args)
    expect_error(client(c).get_connection, "ResourceNotFoundException", "CONNECTION_NOT_FOUND", 404,
                 Catalog=CATALOG, Identifier=conn["Id"])
    r = expect_error(client(a).list_connections, "ValidationException", "REQUEST_VALIDATION_FAILED", 400,
                     Catalog=CATALOG, ConnectionType="ACTIVE")
    assert r["ErrorDetails"][0]["FieldValidationError"]["Code"] == "INVALID_ENUM_VALUE"


def test_paginators(client):
    a = new_account()
    published_partner(client, a, "Alpha")
    receivers = [new_account() for _ in range(5)]
    created = [invite(client, a, SUB, r)["Id"] for r in receivers]
    everything = client(a).list_connection_invitations(Catalog=CATALOG)["ConnectionInvitationSummaries"]
    order = [s["Id"] for s in everything]
    assert sorted(order) == sorted(created)
    stamps = [s["CreatedAt"] for s in everything]
    assert stamps == sorted(stamps, reverse=True), "newest first"

    paginator = client(a).get_paginator("list_connection_invitations")
    for size in (1, 2):
        pages = list(paginator.paginate(Catalog=CATALOG, PaginationConfig={"PageSize": size}))
        assert len(pages) == -(-5 // size)
        assert all(len(p["ConnectionInvitationSummaries"]) <= size for p in pages)
        assert "NextToken" not in pages[-1]
        assert [s["Id"] for p in pages for s in p["ConnectionInvitationSummaries"]] == order

    # MaxItems stops mid-page; StartingToken resumes exactly there.
    first = paginator.paginate(Catalog=CATALOG, PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert [s["Id"] for s in first["ConnectionInvitationSummaries"]] == order[:3]
    rest = paginator.paginate(Catalog=CATALOG, PaginationConfig={
        "PageSize": 2, "StartingToken": first["NextToken"]}).build_full_result()
    assert [s["Id"] for s in rest["ConnectionInvitationSummaries"]] == order[3:]

    # Raw tokens: the same token gives the same page; tampered or re-filtered tokens are refused.
    page = client(a).list_connection_invitations(Catalog=CATALOG, MaxResults=2)
    token = page["NextToken"]
    again = client(a).list_connection_invitations(Catalog=CATALOG, MaxResults=2, NextToken=token)
    assert again["ConnectionInvitationSummaries"] == client(a).list_connection_invitations(
        Catalog=CATALOG, MaxResults=2, NextToken=token)["ConnectionInvitationSummaries"]
    assert [s["Id"] for s in again["ConnectionInvitationSummaries"]] == order[2:4]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for kwargs in ({"NextToken": tampered}, {"NextToken": token, "Status": "PENDING"}):
        r = expect_error(client(a).list_connection_invitations, "ValidationException", "REQUEST_VALIDATION_FAILED",
                         400, Catalog=CATALOG, **kwargs)
        assert r["ErrorDetails"][0]["FieldValidationError"]["Name"] == "NextToken"
        assert r["ErrorDetails"][0]["FieldValidationError"]["Code"] == "INVALID_VALUE"
    expect_error(client(receivers[0]).list_connection_invitations, "ValidationException", "REQUEST_VALIDATION_FAILED",
                 400, Catalog=CATALOG, NextToken=token)

    # Connections, newest first.
    conns = [accept(client, r, inv)["Id"] for r, inv in zip(receivers, created)]
    conn_paginator = client(a).get_paginator("list_connections")
    full = [s["Id"] for s in client(a).list_connections(Catalog=CATALOG)["ConnectionSummaries"]]
    assert sorted(full) == sorted(conns)
    for size in (1, 2):
        pages = list(conn_paginator.paginate(Catalog=CATALOG, PaginationConfig={"PageSize": size}))
        assert len(pages) == -(-5 // size)
        assert [s["Id"] for p in pages for s in p["ConnectionSummaries"]] == full
    head = conn_paginator.paginate(Catalog=CATALOG, ConnectionType="SUBSIDIARY:ACTIVE",
                                   PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    tail = conn_paginator.paginate(Catalog=CATALOG, ConnectionType="SUBSIDIARY:ACTIVE", PaginationConfig={
        "PageSize": 2, "StartingToken": head["NextToken"]}).build_full_result()
    assert [s["Id"] for s in head["ConnectionSummaries"] + tail["ConnectionSummaries"]] == full


def test_expiry_after_thirty_one_days(client, admin):
    """Runs last in the module: it moves the shared service clock."""
    a, b = new_account(), new_account()
    published_partner(client, a, "Alpha")
    pb = published_partner(client, b, "Beta")
    sent = invite(client, a, OC, pb)
    assert sent["ExpiresAt"] - sent["CreatedAt"] == dt.timedelta(days=30)
    advance_clock(admin, "31d")
    for who in (a, b):
        got = client(who).get_connection_invitation(Catalog=CATALOG, Identifier=sent["Id"])
        assert got["Status"] == "EXPIRED" and got["UpdatedAt"] == got["ExpiresAt"]
    expired = client(b).list_connection_invitations(Catalog=CATALOG, Status="EXPIRED")
    assert [s["Id"] for s in expired["ConnectionInvitationSummaries"]] == [sent["Id"]]
    assert client(b).list_connection_invitations(Catalog=CATALOG, Status="PENDING")["ConnectionInvitationSummaries"] == []
    expect_error(client(b).accept_connection_invitation, "ConflictException",
                 "INCOMPATIBLE_CONNECTION_INVITATION_STATE", 409, Catalog=CATALOG, Identifier=sent["Id"])
    renewed = invite(client, a, OC, pb)
    assert renewed["Status"] == "PENDING"
