"""The developer tools through the admin HTTP API and the `pcentral` CLI: configured accounts (and how
they render as OtherParticipant), reset, export and seed (round trips, refusals that change nothing,
registered keys that authenticate again), the recent requests log, Prometheus metrics, and the
`serve --config` file. Tests here reset the module's server, so they never rely on state of another."""

import json
import os
import re
import subprocess
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import _server_env, free_port, wait_healthy
from helpers import create_partner, new_account, publish, strip, unique_email

SB = "Sandbox"


def run_ok(pcentral, *args):
    proc = pcentral(*args)
    assert proc.returncode == 0, f"pcentral {args}: {proc.stderr}"
    return json.loads(proc.stdout) if proc.stdout.strip().startswith(("{", "[")) else proc.stdout


def account_on_first_node(server):
    """An account whose clients talk to the node the admin calls reach (for per-node tools)."""
    while True:
        acct = new_account()
        if int(acct) % len(server.ports) == 0:
            return acct


def subsidiary_connection(client):
    """A (published) links B (unpublished partner) as a SUBSIDIARY; returns (a, b, connection id)."""
    a, b = new_account(), new_account()
    ca, cb = client(a), client(b)
    pa = create_partner(ca)
    publish(ca, pa["Id"])
    create_partner(cb)
    inv = ca.create_connection_invitation(Catalog=SB, ConnectionType="SUBSIDIARY", ReceiverIdentifier=b,
                                          Email="a@example.com", Name="Ana", Message="hi")
    conn = cb.accept_connection_invitation(Catalog=SB, Identifier=inv["Id"])["Connection"]["Id"]
    return a, b, conn


def other_participant(client, caller, connection):
    c = client(caller).get_connection(Catalog=SB, Identifier=connection)
    return c["ConnectionTypes"]["SUBSIDIARY"]["OtherParticipant"]


# ------------------------------------------------------------------------------------------ accounts

def test_accounts_through_http_and_what_the_other_side_sees(admin, client):
    a, b, conn = subsidiary_connection(client)
    assert other_participant(client, a, conn) == {"Account": {"Name": b}}

    status, body = admin("POST", "/_pcentral/accounts", {"account": b, "display_name": "Beta Holdings"})
    assert status == 200 and body == {"account": b, "display_name": "Beta Holdings"}
    assert other_participant(client, a, conn) == {"Account": {"Name": "Beta Holdings"}}

    status, _ = admin("POST", "/_pcentral/accounts",
                      {"account": b, "display_name": "Beta Holdings",
                       "seller_profile": {"id": "seller-beta-1", "name": "Beta Marketplace"}})
    assert status == 200
    assert other_participant(client, a, conn) == {"SellerProfile": {"Id": "seller-beta-1", "Name": "Beta Marketplace"}}
    listed = client(a).list_connections(Catalog=SB, OtherParticipantIdentifiers=["seller-beta-1"])
    assert [c["Id"] for c in listed["ConnectionSummaries"]] == [conn]
    # A published profile wins over anything configured.
    admin("POST", "/_pcentral/accounts", {"account": a, "seller_profile": {"id": "seller-alpha", "name": "Alpha"}})
    assert "PartnerProfile" in other_participant(client, b, conn)

    status, body = admin("GET", "/_pcentral/accounts")
    assert status == 200 and {x["account"] for x in body["accounts"]} >= {a, b}

    for bad, field in [({"account": "12"}, "account"),
                       ({"account": b, "display_name": ""}, "display_name"),
                       ({"account": b, "display_name": "x" * 81}, "display_name"),
                       ({"account": b, "seller_profile": {"id": "has space", "name": "N"}}, "seller_profile.id"),
                       ({"account": b, "seller_profile": {"id": "a" * 51, "name": "N"}}, "seller_profile.id"),
                       ({"account": b, "seller_profile": {"id": "ok", "name": ""}}, "seller_profile.name")]:
        status, body = admin("POST", "/_pcentral/accounts", bad)
        assert status == 400 and field in body["error"], (bad, body)

    status, body = admin("DELETE", f"/_pcentral/accounts/{b}")
    assert status == 200
    assert other_participant(client, a, conn) == {"Account": {"Name": b}}
    status, _ = admin("DELETE", f"/_pcentral/accounts/{b}")
    assert status == 404


def test_accounts_through_the_cli(pcentral, admin):
    acct = new_account()
    created = run_ok(pcentral, "accounts", "create", "--account", acct, "--display-name", "Gamma",
                     "--seller-profile-id", "gamma-1", "--seller-profile-name", "Gamma Seller")
    assert created == {"account": acct, "display_name": "Gamma", "seller_profile": {"id": "gamma-1", "name": "Gamma Seller"}}
    listed = run_ok(pcentral, "accounts", "list")
    assert created in listed["accounts"]
    proc = pcentral("accounts", "create", "--account", acct, "--seller-profile-id", "bad id!",
                    "--seller-profile-name", "x")
    assert proc.returncode != 0 and "seller_profile.id" in proc.stderr
    # Deleting an account removes its registered key pairs.
    key = run_ok(pcentral, "credentials", "create", "--account", acct)["access_key_id"]
    assert run_ok(pcentral, "accounts", "delete", acct) == {"removed": acct}
    keys = [c["access_key_id"] for c in run_ok(pcentral, "credentials", "list")["credentials"]]
    assert key not in keys
    assert pcentral("accounts", "delete", acct).returncode != 0


# ------------------------------------------------------------------------------------------ reset

def test_reset_scopes_through_http_and_cli(admin, client, pcentral):
    a, b, conn = subsidiary_connection(client)
    other = new_account()
    create_partner(client(other))
    admin("POST", "/_pcentral/accounts", {"account": a, "display_name": "Alpha"})
    admin("POST", "/_pcentral/clock/advance", {"by": "1h"})
    offset = admin("GET", "/_pcentral/clock")[1]["offset_seconds"]

    for bad in [{"catalog": "Nope"}, {"account": "1"}, {"everything": True, "account": a}, {"what": 1}]:
        assert admin("POST", "/_pcentral/reset", bad)[0] == 400, bad

    # One account: its partners and the connection it takes part in; others stay.
    assert admin("POST", "/_pcentral/reset", {"account": b})[0] == 200
    assert client(b).list_partners(Catalog=SB)["PartnerSummaryList"] == []
    assert len(client(a).list_partners(Catalog=SB)["PartnerSummaryList"]) == 1
    with pytest.raises(ClientError) as e:
        client(a).get_connection(Catalog=SB, Identifier=conn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"

    # One catalog (CLI): the other catalog is untouched (AWS here has nothing of a's anyway).
    run_ok(pcentral, "reset", "--catalog", "AWS")
    assert len(client(a).list_partners(Catalog=SB)["PartnerSummaryList"]) == 1

    # Every business record (CLI); accounts and the clock stay.
    out = run_ok(pcentral, "reset")
    assert out["reset"] == {"account": None, "catalog": None, "everything": False}
    for acct in (a, other):
        assert client(acct).list_partners(Catalog=SB)["PartnerSummaryList"] == []
    assert any(x["account"] == a for x in admin("GET", "/_pcentral/accounts")[1]["accounts"])
    assert admin("GET", "/_pcentral/clock")[1]["offset_seconds"] >= offset

    # Everything: accounts, credentials and the clock too.
    run_ok(pcentral, "reset", "--everything")
    assert admin("GET", "/_pcentral/accounts")[1]["accounts"] == []
    assert admin("GET", "/_pcentral/credentials")[1]["credentials"] == []
    assert abs(admin("GET", "/_pcentral/clock")[1]["offset_seconds"]) <= 1


# ------------------------------------------------------------------------------------------ export / seed

def test_export_reset_seed_round_trip_and_refused_seed(admin, client, pcentral, tmp_path):
    assert admin("POST", "/_pcentral/reset", {"everything": True})[0] == 200
    a, b, conn = subsidiary_connection(client)
    admin("POST", "/_pcentral/accounts", {"account": b, "seller_profile": {"id": "beta-seller", "name": "Beta"}})
    keyed = new_account()
    cred = run_ok(pcentral, "credentials", "create", "--account", keyed)
    kc = client(keyed, secret=cred["secret_access_key"], access_key=cred["access_key_id"])
    own = create_partner(kc)
    view_before = strip(client(a).get_connection(Catalog=SB, Identifier=conn))

    plain = run_ok(pcentral, "export")
    assert "credentials" not in plain and "email_codes" not in plain
    status, secret_export = admin("GET", "/_pcentral/export?include_secrets=true")
    assert status == 200
    assert secret_export["credentials"] == [{"access_key_id": cred["access_key_id"], "account": keyed,
                                             "secret": cred["secret_access_key"],
                                             "created_at": secret_export["credentials"][0]["created_at"]}]

    # Seeding records that already exist is refused naming one, and changes nothing.
    status, body = admin("POST", "/_pcentral/seed", secret_export)
    assert status == 400 and re.match(r"^(accounts|credentials|partners)\[", body["error"]), body
    assert admin("GET", "/_pcentral/export?include_secrets=true")[1] == secret_export
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(secret_export))
    proc = pcentral("seed", str(fixture))
    assert proc.returncode != 0 and "[" in proc.stderr
    assert admin("GET", "/_pcentral/export?include_secrets=true")[1] == secret_export

    # Round trip with secrets: exact, and the registered key authenticates again.
    run_ok(pcentral, "reset", "--everything")
    with pytest.raises(ClientError):
        kc.list_partners(Catalog=SB)
    out = run_ok(pcentral, "seed", str(fixture))
    assert out["seeded"]["credentials"] == 1
    assert admin("GET", "/_pcentral/export?include_secrets=true")[1] == secret_export
    assert [p["Id"] for p in kc.list_partners(Catalog=SB)["PartnerSummaryList"]] == [own["Id"]]
    assert strip(client(a).get_connection(Catalog=SB, Identifier=conn)) == view_before
    assert other_participant(client, a, conn) == {"SellerProfile": {"Id": "beta-seller", "Name": "Beta"}}

    # Round trip without secrets.
    plain = run_ok(pcentral, "export")
    run_ok(pcentral, "reset", "--everything")
    assert admin("POST", "/_pcentral/seed", plain)[0] == 200
    assert run_ok(pcentral, "export") == plain


def test_hand_written_fixture_from_the_readme(admin, client, pcentral, tmp_path):
    assert admin("POST", "/_pcentral/reset", {"everything": True})[0] == 200
    readme = (os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md"))
    text = open(readme, encoding="utf-8").read()
    block = re.search(r"```json\n(\{\n  \"version\": 1,.*?)```", text, re.S)
    assert block, "README has the example fixture"
    fixture = tmp_path / "fixture.json"
    fixture.write_text(block.group(1))
    run_ok(pcentral, "seed", str(fixture))
    doc = json.loads(block.group(1))
    a, b = doc["accounts"][0]["account"], doc["accounts"][1]["account"]
    conn = doc["connections"][0]["id"]
    seen = client(b).get_connection(Catalog=SB, Identifier=conn)
    assert seen["OtherParticipantAccountId"] == a
    other = seen["ConnectionTypes"]["OPPORTUNITY_COLLABORATION"]["OtherParticipant"]["PartnerProfile"]
    assert other["Name"] == "Alpha Cloud"
    assert client(a).get_partner(Catalog=SB, Identifier=doc["partners"][0]["id"])["Profile"]["DisplayName"] == "Alpha Cloud"
    run_ok(pcentral, "reset", "--everything")


# ------------------------------------------------------------------------------------------ requests, metrics

def metric(text, name, **labels):
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    line = f"{name}{{{want}}}" if labels else name
    for row in text.splitlines():
        if row.startswith(line + " "):
            return float(row.split()[-1])
    return 0.0


def test_requests_log_and_metrics_count_a_request_and_a_replay(server, admin, client, pcentral):
    acct = account_on_first_node(server)
    c = client(acct)
    before = run_ok(pcentral, "metrics", "show")
    assert "# TYPE pcentral_request_duration_seconds histogram" in before
    params = dict(Catalog=SB, LegalName=f"Metric {acct}", PrimarySolutionType="SOFTWARE_PRODUCTS",
                  AllianceLeadContact={"FirstName": "A", "LastName": "B", "Email": unique_email(), "BusinessTitle": "C"},
                  EmailVerificationCode="123456", ClientToken=f"metrics-{acct}")
    first = strip(c.create_partner(**params))
    again = strip(c.create_partner(**params))
    assert first["Id"] == again["Id"]
    with pytest.raises(ClientError):
        c.get_partner(Catalog=SB, Identifier="partner-aaaaaaaaaaaaa")

    status, raw = admin("GET", "/_pcentral/metrics")
    assert status == 200 and isinstance(raw, str)
    after = raw
    op = {"service": "partnercentral-account", "operation": "CreatePartner", "status": "200"}
    assert metric(after, "pcentral_requests_total", **op) - metric(before, "pcentral_requests_total", **op) == 2
    assert metric(after, "pcentral_idempotent_replays_total") - metric(before, "pcentral_idempotent_replays_total") == 1
    nf = {"service": "partnercentral-account", "operation": "GetPartner", "status": "404"}
    assert metric(after, "pcentral_requests_total", **nf) >= 1
    assert metric(after, "pcentral_request_duration_seconds_bucket", service="partnercentral-account",
                  operation="CreatePartner", le="+Inf") >= 2
    assert "pcentral_store_errors_total 0" in after

    status, body = admin("GET", "/_pcentral/requests?limit=3")
    assert status == 200 and len(body["requests"]) == 3
    newest = body["requests"][0]
    assert (newest["operation"], newest["status"], newest["error_type"], newest["account"]) == \
        ("GetPartner", 404, "ResourceNotFoundException", acct)
    replay = body["requests"][1]
    assert (replay["operation"], replay["replayed"]) == ("CreatePartner", True)
    assert re.match(r"^[0-9a-f-]{36}$", newest["request_id"]) and newest["latency_ms"] >= 0
    assert re.match(r"^\d{4}-\d\d-\d\dT", newest["time"])
    listed = run_ok(pcentral, "requests", "list", "--limit", "1")
    assert len(listed["requests"]) == 1


# ------------------------------------------------------------------------------------------ config file

def exit_output(proc):
    """What a server that stopped printed (it has exited, so reading its pipe cannot block)."""
    return proc.stdout.read().decode(errors="replace") if proc.poll() is not None else "(still running)"


def start(binary, args, cwd):
    proc = subprocess.Popen([binary, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=cwd, env=_server_env(), stdin=subprocess.DEVNULL)
    return proc




def test_config_file_sets_settings_with_flags_and_env_winning(server, tmp_path):
    port = free_port()
    config = tmp_path / "pcentral.conf"
    config.write_text(
        "# pcentral settings\n"
        f'listen = "127.0.0.1:{port}"\n'
        "profile-task-delay-seconds = 5\n"
        "email-code-validity-minutes = 12   # inline comment\n"
        "requests-log-size = 3\n"
    )
    proc = start(server.binary, ["--config", str(config), "--data-dir", str(tmp_path / "data"),
                                 "--email-code-validity-minutes", "9"], tmp_path)
    try:
        wait_healthy(proc, port, describe_exit=lambda: exit_output(proc))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_pcentral/settings", timeout=5) as r:
            settings = json.loads(r.read())
        assert settings["profile_task_delay_seconds"] == 5
        assert settings["email_code_validity_minutes"] == 9  # the flag wins
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("line,named", [
    ("profile-task-delay-seconds = soon", "profile-task-delay-seconds"),
    ("no-such-setting = 1", "no-such-setting"),
    ("allow-local-credentials = maybe", "allow-local-credentials"),
    ("listen", "line 1"),
])
def test_bad_config_file_stops_the_server_naming_the_setting(server, tmp_path, line, named):
    config = tmp_path / "bad.conf"
    config.write_text(line + "\n")
    proc = subprocess.run([server.binary, "serve", "--config", str(config), "--data-dir", str(tmp_path / "d"),
                           "--listen", f"127.0.0.1:{free_port()}"],
                          capture_output=True, text=True, timeout=30, env=_server_env(), cwd=tmp_path)
    assert proc.returncode != 0
    assert named in proc.stderr, proc.stderr


def test_serve_seed_loads_a_fixture_once(server, admin, tmp_path, pcentral):
    assert admin("POST", "/_pcentral/reset", {"everything": True})[0] == 200
    acct = new_account()
    admin("POST", "/_pcentral/accounts", {"account": acct, "display_name": "Seeded"})
    fixture = tmp_path / "seed.json"
    fixture.write_text(json.dumps(run_ok(pcentral, "export")))
    port = free_port()
    args = ["--seed", str(fixture), "--data-dir", str(tmp_path / "data"), "--listen", f"127.0.0.1:{port}"]
    for _ in range(2):  # the second start finds records and skips the seed
        proc = start(server.binary, args, tmp_path)
        try:
            wait_healthy(proc, port, describe_exit=lambda: exit_output(proc))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_pcentral/accounts", timeout=5) as r:
                assert json.loads(r.read())["accounts"] == [{"account": acct, "display_name": "Seeded"}]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    run_ok(pcentral, "reset", "--everything")
