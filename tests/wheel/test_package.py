"""The installed `pcentral` wheel: its executable, `pcentral.Server` and the pytest plugin.

Run by tests/wheel/run.sh in a fresh venv holding only the wheel and the example
project's pinned requirements, with PCENTRAL_BIN unset (so the wheel's own binary runs).
"""

import os
import socket
import subprocess
import sys
import sysconfig
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

import pcentral


def test_the_wheel_installs_the_executable_and_the_plugin():
    assert "PCENTRAL_BIN" not in os.environ, "these tests check the wheel's own binary"
    binary = Path(pcentral.find_binary())
    assert binary.parent == Path(sysconfig.get_path("scripts")), binary
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == f"pcentral {metadata.version('pcentral')}"
    plugins = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert plugins.get("pcentral") == "pcentral.pytest_plugin"
    requires = metadata.requires("pcentral")
    assert any(r.replace(" ", "").startswith("boto3>=1.44.8") for r in requires), requires
    # The fixtures need pytest: the extra `pcentral[pytest]` brings it, and only the extra.
    extra = [r for r in requires if "extra" in r]
    assert [r.replace(" ", "").replace("'", '"') for r in extra] == ['pytest>=7.0;extra=="pytest"'], requires
    assert "pytest" in metadata.metadata("pcentral").get_all("Provides-Extra")


def test_server_starts_on_a_free_port_and_stops_cleanly():
    with pcentral.Server() as s:
        host, port = s.endpoint_url.removeprefix("http://").split(":")
        assert host == "127.0.0.1" and int(port) > 0
        data_dir = s.data_dir
        assert (data_dir / "pcentral.db").is_file()
        health = s.admin("GET", "/_pcentral/health")
        assert health["status"] == "ok" and health["backend"] == "sqlite"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
    assert not data_dir.exists(), "the temporary data directory is removed"


def test_the_session_fixtures_share_one_server(pcentral_server, pcentral_client):
    c = pcentral_client("123456789012")
    assert c is pcentral_server.client("123456789012")
    assert c.meta.endpoint_url == pcentral_server.endpoint_url
    assert c.meta.region_name == "us-east-1"
    assert c.list_partners(Catalog="Sandbox")["PartnerSummaryList"] == []



def test_clients_are_cached_per_account_and_service(pcentral_server, pcentral_client, pcentral_selling_client):
    account = "123456789013"
    selling = pcentral_selling_client(account)
    assert selling is pcentral_server.client(account, service="partnercentral-selling")
    assert selling is not pcentral_client(account)
    assert selling.meta.service_model.service_name == "partnercentral-selling"
    assert pcentral_client(account).meta.service_model.service_name == "partnercentral-account"
    assert selling is not pcentral_selling_client("123456789014")
    assert selling.meta.endpoint_url == pcentral_server.endpoint_url
    # Keyword arguments make a client of its own, never the cached one.
    assert pcentral_selling_client(account, region_name="us-east-1") is not selling
    with pytest.raises(ValueError, match="partnercentral-selling"):
        pcentral_server.client(account, service="partnercentral-benefits")


def test_one_server_answers_both_services(pcentral_server, pcentral_client, pcentral_selling_client):
    account = "123456789015"
    selling = pcentral_selling_client(account)
    assert selling.list_opportunities(Catalog="Sandbox")["OpportunitySummaries"] == []
    made = selling.create_opportunity(
        Catalog="Sandbox", Customer={"Account": {"CompanyName": "Wheel Corp"}},
        LifeCycle={"TargetCloseDate": "2027-06-30"}, Project={"Title": "From the wheel"})
    got = selling.get_opportunity(Catalog="Sandbox", Identifier=made["Id"])
    assert got["Customer"]["Account"]["CompanyName"] == "Wheel Corp"
    assert pcentral_client(account).list_partners(Catalog="Sandbox")["PartnerSummaryList"] == []
    kinds = [e["event"]["detail-type"] for e in pcentral_server.events(account=account)]
    assert kinds == ["Opportunity Created"]

def test_reset_deletes_every_record_but_keeps_the_clock():
    with pcentral.Server() as s:
        c = s.client("210987654321")
        s.clock.advance("2h")
        offset = s.clock.show()["offset_seconds"]
        assert offset >= 7200
        c.send_email_verification_code(Catalog="AWS", Email="reset@example.com")
        assert len(s.outbox("reset@example.com")) == 1
        s.admin("POST", "/_pcentral/accounts", {"account": "210987654321", "display_name": "Gone"})
        s.faults.add("delay", delay_ms=1)
        s.reset()
        assert s.outbox() == []
        assert s.admin("GET", "/_pcentral/accounts")["accounts"] == []
        assert s.faults.list() == []
        assert s.clock.show()["offset_seconds"] >= offset, "the service clock never moves back"


def test_outbox_events_and_faults(pcentral_server, pcentral_client):
    from botocore.config import Config
    from botocore.exceptions import ClientError

    account = "345678901234"
    c = pcentral_client(account, config=Config(retries={"total_max_attempts": 1}))
    c.send_email_verification_code(Catalog="AWS", Email="outbox@example.com")
    [message] = pcentral_server.outbox("outbox@example.com")
    assert pcentral_server.latest_code("outbox@example.com") == message["code"]
    rule = pcentral_server.faults.add("internal-before", operation="ListPartners", account=account)
    assert rule["id"].startswith("fault-") and rule["kind"] == "internal_before"
    assert [r["id"] for r in pcentral_server.faults.list()] == [rule["id"]]
    with pytest.raises(ClientError) as failed:
        c.list_partners(Catalog="Sandbox")
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    pcentral_server.faults.remove(rule["id"])
    assert pcentral_server.faults.list() == []
    assert pcentral_server.faults.clear() == 0
    assert c.list_partners(Catalog="Sandbox")["PartnerSummaryList"] == []
    assert pcentral_server.events(account=account) == []
    with pytest.raises(pcentral.AdminError) as refused:
        pcentral_server.clock.advance("soon")
    assert refused.value.status == 400


def test_settings_are_passed_to_serve_and_the_environment_is_not(monkeypatch):
    monkeypatch.setenv("PCENTRAL_LISTEN", "256.0.0.1:1")  # would stop the server if it leaked through
    monkeypatch.setenv("PCENTRAL_EMAIL_CODES_PER_DAY", "1")
    with pcentral.Server(settings={"email_codes_per_day": 3, "allow_local_credentials": True}) as s:
        settings = s.settings_in_force()
        assert settings["email_codes_per_day"] == 3
        assert s.change_settings(profile_task_delay_seconds=60)["profile_task_delay_seconds"] == 60


def test_pcentral_bin_chooses_the_binary(monkeypatch, tmp_path):
    monkeypatch.setenv("PCENTRAL_BIN", str(tmp_path / "missing-pcentral"))
    assert pcentral.find_binary() == str(tmp_path / "missing-pcentral")
    with pytest.raises(FileNotFoundError):
        pcentral.Server().start()


def test_admin_requests_carry_the_json_and_admin_headers(pcentral_server, monkeypatch):
    seen = []
    real = urllib.request.urlopen

    def recording(request, *args, **kwargs):
        seen.append((request.get_method(), dict(request.header_items())))
        return real(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", recording)
    pcentral_server.clock.show()
    pcentral_server.faults.clear()
    pcentral_server.clock.advance("1s")
    assert [m for m, _ in seen] == ["GET", "DELETE", "POST"]
    for _, headers in seen:
        lower = {k.lower(): v for k, v in headers.items()}
        assert lower["content-type"] == "application/json" and lower["x-pcentral-admin"] == "1", headers


def test_the_pcentral_command_is_on_the_venv_path():
    scripts = sysconfig.get_path("scripts")
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    out = subprocess.run(["pcentral", "--help"], capture_output=True, text=True, env=env, check=True).stdout
    assert "serve" in out and "health" in out
    assert Path(sys.executable).parent == Path(scripts), "these tests run in the wheel's venv"


def test_credentials_of_an_iam_user_are_held_to_its_policies(pcentral_server):
    account = "123456789016"
    key = pcentral_server.credentials(account, user="reader", managed_policies=["AWSPartnerCentralSandboxFullAccess"])
    assert key["arn"] == f"arn:aws:iam::{account}:user/reader"
    reader = pcentral_server.client(account, service="partnercentral-selling", credentials=key)
    assert reader is not pcentral_server.client(account, service="partnercentral-selling")
    assert reader.list_opportunities(Catalog="Sandbox")["OpportunitySummaries"] == []
    with pytest.raises(reader.exceptions.AccessDeniedException):
        reader.list_opportunities(Catalog="AWS")
    only_lists = pcentral_server.credentials(account, user="lister", policies={"lists": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "partnercentral:List*", "Resource": "*"}]}})
    lister = pcentral_server.client(account, credentials=only_lists)
    assert lister.list_partners(Catalog="AWS")["PartnerSummaryList"] == []
    with pytest.raises(pcentral.AdminError):
        pcentral_server.credentials(account, user="bad", policies={"p": {"Statement": []}})
