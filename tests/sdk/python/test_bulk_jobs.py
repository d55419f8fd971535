"""Opportunity bulk jobs of the Selling API (docs/behaviour.md#bulk-jobs): a CSV file uploaded to
pcentral under an s3:// URI (docs/compat.md#bulk-jobs) creates or updates opportunities row by row
through StartOpportunityBulkJob, each row's outcome listed by ListOpportunityBulkJobResults; the
job is listed by ListOpportunityBulkJobs; GetOpportunityBulkJobReportUrl hands out a URL pcentral
serves without credentials, on any node, until 15 minutes of service time have passed; refusals
store nothing; the delay setting with the worker, and the admin API / `pcentral tasks
force-bulk-job` holding or running a job."""

import csv
import datetime as dt
import gzip
import io
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import botocore
import pytest
from botocore.exceptions import ClientError

from helpers import advance_clock, change_settings, new_account
from test_opportunities import error, ids_of, payload

SB = "Sandbox"


def flatten(value, prefix=""):
    """A request as the header path → cell pairs of a bulk file (`Project.DeliveryModels.0`)."""
    out = {}
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, v in items:
        path = f"{prefix}{key}"
        if isinstance(v, (dict, list)):
            out.update(flatten(v, path + "."))
        else:
            out[path] = str(v)
    return out


def csv_text(rows):
    """CSV of dict rows, the header being the first row's keys."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def upload(admin, rows, key=None):
    uri = f"s3://partner-bucket/{key or 'bulk/' + new_account() + '.csv'}"
    status, body = admin("POST", "/_pcentral/bulk-files", {"uri": uri, "content": rows if isinstance(rows, str)
                                                                   else csv_text(rows)})
    assert status == 200, body
    return uri


def start(selling, account, uri, token=None):
    return selling(account).start_opportunity_bulk_job(
        Catalog=SB, ClientToken=token or f"t-{uri}", FileURI=uri, FileFormat="CSV")["JobId"]


def jobs(selling, account, **filters):
    return selling(account).list_opportunity_bulk_jobs(Catalog=SB, **filters)["OpportunityBulkJobSummaries"]


def results(selling, account, job, **filters):
    return selling(account).list_opportunity_bulk_job_results(Catalog=SB, JobId=job, **filters)["Results"]


def fetch(url):
    """GET a report URL as anyone would: no credentials, no admin token."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def on_port(url, port):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))


@pytest.fixture
def delay(admin):
    """Set bulk_job_delay_seconds for one test; back to 0 (run at once) after it."""
    yield lambda seconds: change_settings(admin, bulk_job_delay_seconds=seconds)
    change_settings(admin, bulk_job_delay_seconds=0)


def test_a_create_job_makes_an_opportunity_per_good_row_and_records_every_row(selling, admin):
    a = new_account()
    good = {"RequestId": "crm-1", **flatten(payload(company="Acme Corp"))}
    bad = {**good, "RequestId": "crm-2", "Customer.Account.WebsiteUrl": "x"}
    third = {**good, "RequestId": "", "Customer.Account.CompanyName": "Beta, \"the\" Co"}
    uri = upload(admin, [good, bad, third], key="deals/q3.csv")
    job = start(selling, a, uri)
    assert job.startswith("bulkjob-") and len(job) == len("bulkjob-") + 13
    [summary] = jobs(selling, a)
    assert summary["JobId"] == job and summary["Status"] == "COMPLETED"
    assert (summary["TotalRecords"], summary["ProcessedRecords"], summary["SuccessCount"],
            summary["FailureCount"]) == (3, 3, 2, 1)
    assert summary["FileName"] == "q3.csv" and summary["OperationType"] == "BULK_CREATE"
    assert summary["StartedAt"] and summary["CompletedAt"] and "FailureReason" not in summary
    # The same ClientToken answers the same job again and runs nothing.
    assert start(selling, a, uri) == job and len(jobs(selling, a)) == 1
    rows = results(selling, a, job)
    assert [(r["RequestId"], r["Status"]) for r in rows] == [("crm-1", "SUCCEEDED"), ("crm-2", "FAILED"),
                                                             ("3", "SUCCEEDED")]
    assert rows[1]["ErrorCode"] == "ValidationException" and "WebsiteUrl" in rows[1]["ErrorMessage"]
    assert "ResourceIdentifier" not in rows[1]
    made = [rows[0]["ResourceIdentifier"], rows[2]["ResourceIdentifier"]]
    # Exactly the good rows' opportunities, made as the CreateOpportunity call would have.
    assert sorted(ids_of(selling(a))) == sorted(made)
    got = selling(a).get_opportunity(Catalog=SB, Identifier=made[1])
    assert got["Customer"]["Account"]["CompanyName"] == 'Beta, "the" Co'
    assert got["Project"]["DeliveryModels"] == ["SaaS or PaaS"]
    assert got["Project"]["ExpectedCustomerSpend"][0]["Amount"] == "5000"
    assert got["LifeCycle"]["ReviewStatus"] == "Pending Submission"
    # Filters and pages.
    assert [r["RequestId"] for r in results(selling, a, job, Status="FAILED")] == ["crm-2"]
    page = selling(a).list_opportunity_bulk_job_results(Catalog=SB, JobId=job, MaxResults=2)
    assert len(page["Results"]) == 2 and page["NextToken"]
    rest = selling(a).list_opportunity_bulk_job_results(Catalog=SB, JobId=job, MaxResults=2,
                                                        NextToken=page["NextToken"])
    assert [r["RequestId"] for r in rest["Results"]] == ["3"] and "NextToken" not in rest
    assert jobs(selling, a, Status="FAILED") == [] and len(jobs(selling, a, JobId=job)) == 1
    # Nobody else sees the job or its results.
    b = new_account()
    assert jobs(selling, b) == []
    with pytest.raises(ClientError) as e:
        results(selling, b, job)
    assert error(e) == "ResourceNotFoundException"


def test_an_update_job_updates_through_update_opportunity(selling, admin):
    a = new_account()
    c = selling(a)
    first = c.create_opportunity(Catalog=SB, **payload(title="Old title"))["Id"]
    row = {"Identifier": first, **flatten(payload(title="New title"))}
    missing = {**row, "Identifier": "O9999999999"}
    job = start(selling, a, upload(admin, [row, missing]))
    [summary] = jobs(selling, a)
    assert summary["OperationType"] == "BULK_UPDATE" and (summary["SuccessCount"], summary["FailureCount"]) == (1, 1)
    rows = results(selling, a, job)
    assert rows[0]["ResourceIdentifier"] == first
    assert rows[1]["ErrorCode"] == "ResourceNotFoundException"
    assert c.get_opportunity(Catalog=SB, Identifier=first)["Project"]["Title"] == "New title"
    assert ids_of(c) == [first]


def test_a_report_url_reads_without_credentials_on_any_node_until_it_expires(selling, admin, server):
    a = new_account()
    good = {"RequestId": "r1", **flatten(payload())}
    bad = {**good, "RequestId": "r2", "LifeCycle.TargetCloseDate": "2027-13-45"}
    job = start(selling, a, upload(admin, [good, bad]))
    answer = selling(a).get_opportunity_bulk_job_report_url(Catalog=SB, JobId=job, ReportFormat="CSV")
    assert answer["ReportStatus"] == "AVAILABLE" and answer["ReportType"] == "FAILED_RECORDS"
    assert answer["ReportFormat"] == "CSV" and "FailureReason" not in answer
    url = answer["Url"]
    token = url.rsplit("/", 1)[1]
    assert "/_pcentral/reports/" in url and len(token) == 64  # 256 random bits
    lifetime = answer["ExpiresAt"] - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(minutes=14) < lifetime <= dt.timedelta(minutes=15, seconds=5)
    # Every node answers it (two nodes on PostgreSQL; the one node otherwise).
    for port in server.ports:
        status, content_type, text = fetch(on_port(url, port))
        assert status == 200 and content_type.startswith("text/csv"), text
        report = list(csv.DictReader(io.StringIO(text)))
        assert [r["RequestId"] for r in report] == ["r2"]
        assert report[0]["ErrorCode"] == "ValidationException" and "TargetCloseDate" in report[0]["ErrorMessage"]
        assert report[0]["LifeCycle.TargetCloseDate"] == "2027-13-45"
    # A second URL is another token; a guessed token reads nothing.
    again = selling(a).get_opportunity_bulk_job_report_url(Catalog=SB, JobId=job, ReportFormat="CSV",
                                                           ReportType="FAILED_RECORDS")
    assert again["Url"] != url
    assert fetch(url[:-1] + ("0" if url[-1] != "0" else "1"))[0] == 404
    # Expiry on the service clock.
    advance_clock(admin, "16m")
    assert fetch(url)[0] == 403
    fresh = selling(a).get_opportunity_bulk_job_report_url(Catalog=SB, JobId=job, ReportFormat="CSV")["Url"]
    assert fetch(fresh)[0] == 200
    # The report itself goes 7 days after the job ended.
    advance_clock(admin, "7d")
    gone = selling(a).get_opportunity_bulk_job_report_url(Catalog=SB, JobId=job, ReportFormat="CSV")
    assert gone["ReportStatus"] == "EXPIRED" and "Url" not in gone


def test_refusals_store_nothing(selling, admin):
    a, b = new_account(), new_account()
    with pytest.raises(ClientError) as e:
        start(selling, a, "s3://partner-bucket/never-uploaded.csv")
    assert error(e) == "ValidationException"
    assert [f.get("FieldName") for f in e.value.response.get("ErrorList", [])] == ["FileURI"]
    assert jobs(selling, a) == []
    with pytest.raises(ClientError) as e:
        selling(a).start_opportunity_bulk_job(Catalog=SB, ClientToken="x", FileURI="ftp://x", FileFormat="CSV")
    assert error(e) == "ValidationException" and jobs(selling, a) == []
    job = start(selling, a, upload(admin, [flatten(payload())]))
    for account, kw in ((a, {"ReportType": "ALL_RECORDS"}), (b, {}), (a, {"JobId": "bulkjob-0000000000000"})):
        with pytest.raises(ClientError) as e:
            selling(account).get_opportunity_bulk_job_report_url(**{"Catalog": SB, "JobId": job,
                                                                     "ReportFormat": "CSV", **kw})
        assert error(e) == ("ValidationException" if "ReportType" in kw else "ResourceNotFoundException")
    status, body = admin("POST", "/_pcentral/bulk-files", {"uri": "https://x/y.csv", "content": "a"})
    assert status == 400, body


def test_a_file_that_is_no_template_fails_the_job_whole(selling, admin):
    a = new_account()
    job = start(selling, a, upload(admin, "Customer.Account.CompanyName,Catalog\r\nAcme,AWS\r\n"))
    [summary] = jobs(selling, a)
    assert summary["Status"] == "FAILED" and "Catalog" in summary["FailureReason"]
    assert summary["TotalRecords"] == 0 and "OperationType" not in summary
    assert results(selling, a, job) == [] and ids_of(selling(a)) == []


def test_the_aws_cli_lists_bulk_jobs(cli, selling, admin, tmp_path):
    a = new_account()
    job = start(selling, a, upload(admin, [flatten(payload())]))
    # The pinned AWS CLI's own copy of the Selling model predates the bulk jobs: it is given
    # botocore's (the same pin as boto3) with `aws configure add-model`, as a user would.
    model = Path(botocore.__file__).parent / "data" / "partnercentral-selling" / "2022-07-26" / "service-2.json.gz"
    local = tmp_path / "service-2.json"
    local.write_bytes(gzip.decompress(model.read_bytes()))
    code, _, err = cli(a, "configure", "add-model", "--service-name", "partnercentral-selling",
                       "--service-model", f"file://{local}")
    assert code == 0, err
    code, out, err = cli(a, "partnercentral-selling", "list-opportunity-bulk-jobs", "--catalog", SB)
    assert code == 0, err
    assert [j["JobId"] for j in out["OpportunityBulkJobSummaries"]] == [job]


def wait_for(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_a_delayed_job_is_held_or_run_by_an_admin(selling, admin, pcentral, delay, tmp_path):
    a = new_account()
    delay(60)
    source = tmp_path / "deals.csv"
    source.write_text(csv_text([flatten(payload())]))
    uri = f"s3://partner-bucket/{a}/deals.csv"
    put = pcentral("bulk-files", "put", "--uri", uri, "--file", str(source))
    assert put.returncode == 0, put.stderr
    job = start(selling, a, uri)
    [summary] = jobs(selling, a)
    assert summary["Status"] == "SUBMITTED" and summary["TotalRecords"] == 0 and "StartedAt" not in summary
    waiting = selling(a).get_opportunity_bulk_job_report_url(Catalog=SB, JobId=job, ReportFormat="CSV")
    assert waiting["ReportStatus"] == "NOT_STARTED" and "Url" not in waiting
    held = pcentral("tasks", "force-bulk-job", "--catalog", SB, "--job-id", job, "--action", "hold")
    assert held.returncode == 0, held.stderr
    advance_clock(admin, "2h")
    time.sleep(0.6)  # a few worker ticks: a held job stays
    assert jobs(selling, a)[0]["Status"] == "SUBMITTED" and ids_of(selling(a)) == []
    status, body = admin("POST", "/_pcentral/bulk-jobs/force", {"catalog": SB, "job_id": job, "action": "complete"})
    assert status == 200 and body["status"] == "COMPLETED", body
    assert len(ids_of(selling(a))) == 1
    status, body = admin("POST", "/_pcentral/bulk-jobs/force", {"catalog": SB, "job_id": job, "action": "hold"})
    assert status == 409, body


def test_the_worker_runs_a_job_when_it_is_due(selling, admin, delay):
    a = new_account()
    delay(60)
    start(selling, a, upload(admin, [flatten(payload())]))
    assert jobs(selling, a)[0]["Status"] == "SUBMITTED"
    advance_clock(admin, "2m")
    assert wait_for(lambda: jobs(selling, a)[0]["Status"] == "COMPLETED")
    assert len(ids_of(selling(a))) == 1
