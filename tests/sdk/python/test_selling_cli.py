"""The Selling API from the AWS CLI (`aws partnercentral-selling …`): create, get and list opportunities
with `--endpoint-url`, list pages, a modeled refusal, and `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING`
(no `--endpoint-url`) routing both the CLI and boto3 to pcentral, next to the Account API's variable.
Each account's calls go to its own node when the suite runs on several, and every node serves the
same opportunities."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import new_account
from test_opportunities import payload

SB = "Sandbox"


def test_cli_creates_gets_and_lists_opportunities(cli):
    account = new_account()
    made = []
    for company in ("Cli Alpha", "Cli Beta", "Cli Gamma"):
        rc, out, err = cli(account, "partnercentral-selling", "create-opportunity", "--catalog", SB,
                           "--cli-input-json", json.dumps(payload(company=company)))
        assert rc == 0, err
        assert out["Id"].startswith("O") and out["PartnerOpportunityIdentifier"] == "crm-1"
        made.append(out["Id"])
    rc, got, err = cli(account, "partnercentral-selling", "get-opportunity", "--catalog", SB,
                       "--identifier", made[1])
    assert rc == 0, err
    assert got["Id"] == made[1] and got["Customer"]["Account"]["CompanyName"] == "Cli Beta"
    assert got["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    # The CLI follows NextToken itself; --page-size makes it ask for one item per call.
    rc, listed, err = cli(account, "partnercentral-selling", "list-opportunities", "--catalog", SB,
                          "--page-size", "1")
    assert rc == 0, err
    assert sorted(s["Id"] for s in listed["OpportunitySummaries"]) == sorted(made)
    # One page by hand, then the rest from its token.
    rc, page, err = cli(account, "partnercentral-selling", "list-opportunities", "--catalog", SB,
                        "--max-items", "2", "--sort", "SortBy=CustomerCompanyName,SortOrder=DESCENDING")
    assert rc == 0, err
    assert [s["Customer"]["Account"]["CompanyName"] for s in page["OpportunitySummaries"]] == ["Cli Gamma",
                                                                                              "Cli Beta"]
    rc, rest, err = cli(account, "partnercentral-selling", "list-opportunities", "--catalog", SB,
                        "--sort", "SortBy=CustomerCompanyName,SortOrder=DESCENDING",
                        "--starting-token", page["NextToken"])
    assert rc == 0, err
    assert [s["Id"] for s in rest["OpportunitySummaries"]] == [made[0]]
    # Filters are the API's own.
    rc, only, err = cli(account, "partnercentral-selling", "list-opportunities", "--catalog", SB,
                        "--customer-company-name", "cli alpha")
    assert rc == 0, err
    assert [s["Id"] for s in only["OpportunitySummaries"]] == [made[0]]


def test_cli_reports_the_modeled_refusal_and_nothing_is_stored(cli):
    account = new_account()
    bad = payload(close="2027-13-01")
    rc, _out, err = cli(account, "partnercentral-selling", "create-opportunity", "--catalog", SB,
                        "--cli-input-json", json.dumps(bad))
    assert rc == 255, err  # AWS CLI v1: a service error exits 255
    assert "ValidationException" in err and "CreateOpportunity" in err
    rc, missing, err = cli(account, "partnercentral-selling", "get-opportunity", "--catalog", SB,
                           "--identifier", "O1234567890")
    assert rc == 255 and "ResourceNotFoundException" in err
    assert missing is None
    rc, listed, err = cli(account, "partnercentral-selling", "list-opportunities", "--catalog", SB)
    assert rc == 0, err
    assert listed["OpportunitySummaries"] == []


def aws_env(account, home, endpoint):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": "", "HOME": str(home),
        "AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING": endpoint,
        "AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT": endpoint,
    })
    return env


def test_the_endpoint_variable_routes_the_cli_and_boto3(server, tmp_path, monkeypatch):
    account = new_account()
    endpoint = server.endpoint_for(account)
    env = aws_env(account, tmp_path, endpoint)

    def aws(*args):
        proc = subprocess.run([sys.executable, "-m", "awscli", *args, "--output", "json"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    # No --endpoint-url anywhere: the variables point each service at pcentral's one endpoint.
    made = aws("partnercentral-selling", "create-opportunity", "--catalog", SB,
               "--cli-input-json", json.dumps(payload(company="Env Corp")))
    assert aws("partnercentral-account", "list-partners", "--catalog", SB)["PartnerSummaryList"] == []
    assert [s["Id"] for s in aws("partnercentral-selling", "list-opportunities", "--catalog", SB)[
        "OpportunitySummaries"]] == [made["Id"]]

    # boto3 reads the same variable when it makes a client.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("AWS_") and name not in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    session = boto3.session.Session()
    selling = session.client("partnercentral-selling", config=Config(retries={"total_max_attempts": 1}))
    assert selling.meta.endpoint_url == endpoint
    got = selling.get_opportunity(Catalog=SB, Identifier=made["Id"])
    assert got["Customer"]["Account"]["CompanyName"] == "Env Corp"
    # The variable is per service: the Account client follows its own.
    monkeypatch.setenv("AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT", "http://127.0.0.1:9")
    account_client = boto3.session.Session().client("partnercentral-account")
    assert account_client.meta.endpoint_url == "http://127.0.0.1:9"
    assert boto3.session.Session().client("partnercentral-selling").meta.endpoint_url == endpoint



def test_every_node_serves_the_same_opportunities(server):
    """On several PostgreSQL nodes (the two-node phase) an opportunity made through one node is read,
    listed and updated through every other, and a date read on one node is stale on the others once
    it changed; on SQLite the one node plays every part."""
    account = new_account()
    config = Config(retries={"total_max_attempts": 1})
    clients = [boto3.session.Session().client(
        "partnercentral-selling", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id=account, aws_secret_access_key="test", config=config) for port in server.ports]
    nodes = int(os.environ.get("PCENTRAL_SUITE_NODES", "2")) if os.environ.get("PCENTRAL_SUITE_DATABASE") else 1
    assert len(clients) == nodes
    made = [c.create_opportunity(Catalog=SB, **payload(company=f"Node {i}"))["Id"] for i, c in enumerate(clients)]
    for c in clients:
        listed = c.list_opportunities(Catalog=SB)["OpportunitySummaries"]
        assert sorted(s["Id"] for s in listed) == sorted(made)
    first, last = clients[0], clients[-1]
    got = first.get_opportunity(Catalog=SB, Identifier=made[-1])
    edit = {k: got[k] for k in ("Customer", "Project", "LifeCycle", "OpportunityType")}
    done = last.update_opportunity(Catalog=SB, Identifier=made[-1], LastModifiedDate=got["LastModifiedDate"], **edit)
    with pytest.raises(ClientError) as e:
        first.update_opportunity(Catalog=SB, Identifier=made[-1], LastModifiedDate=got["LastModifiedDate"], **edit)
    assert e.value.response["Error"]["Code"] == "ConflictException"
    assert first.get_opportunity(Catalog=SB, Identifier=made[-1])["LastModifiedDate"] == done["LastModifiedDate"]
