"""Customer-account bulk jobs of the Selling API (docs/behaviour.md#bulk-jobs) through boto3: a CSV
file uploaded to pcentral (docs/compat.md#bulk-jobs) creates or updates customer accounts row by
row through StartCustomerAccountBulkJob, read back by GetCustomerAccountBulkJob (by id and by ARN),
ListCustomerAccountBulkJobs and ListCustomerAccountBulkJobResults; refused rows store nothing;
GetCustomerAccountBulkJobReportUrl hands out a URL read without credentials until 15 minutes of
service time have passed; DeletedCount follows deletions; nobody else sees a job."""

import csv
import io

import pytest
from botocore.exceptions import ClientError

from helpers import advance_clock, new_account
from test_bulk_jobs import delay, fetch, upload, wait_for  # noqa: F401 (delay is a fixture)
from test_customer_accounts import everything

SB = "Sandbox"


def start(selling, account, uri, token=None):
    return selling(account).start_customer_account_bulk_job(Catalog=SB, ClientToken=token or f"t-{uri}",
                                                            FileUri=uri)


def get(selling, account, ident):
    return selling(account).get_customer_account_bulk_job(Catalog=SB, Identifier=ident)


def jobs(selling, account, **kw):
    return selling(account).list_customer_account_bulk_jobs(Catalog=SB, **kw)["items"]


def results(selling, account, ident, **kw):
    return selling(account).list_customer_account_bulk_job_results(Catalog=SB, Identifier=ident, **kw)["Results"]


def code(e):
    return e.value.response["Error"]["Code"]


GOOD = {"RequestId": "crm-1", "Account.CompanyName": "Acme Corp", "Account.Address.CountryCode": "US",
        "PartnerAccountIdentifier": "p-1", "Tags.0.Key": "team", "Tags.0.Value": "east"}


def test_a_create_job_makes_an_account_per_good_row_and_nothing_for_refused_ones(selling, admin):
    a = new_account()
    bad = {**GOOD, "RequestId": "crm-2", "Account.CompanyName": "   "}
    bad_country = {**GOOD, "RequestId": "crm-3", "Account.Address.CountryCode": "XX"}
    third = {**GOOD, "RequestId": "", "Account.CompanyName": "Beta, \"the\" Co", "Tags.0.Key": "",
             "Tags.0.Value": ""}
    uri = upload(admin, [GOOD, bad, bad_country, third], key="accounts/q3.csv")
    started = start(selling, a, uri)
    job = started["Id"]
    assert job.startswith("bulkjob-") and len(job) == len("bulkjob-") + 13
    assert started["Arn"].endswith(f":catalog/{SB}/customer-account-bulk-job/{job}")
    assert started["Arn"].startswith("arn:aws:partnercentral:") and f":{a}:" in started["Arn"]
    assert started["Status"] == "COMPLETED" and started["CreatedAt"]
    # The same ClientToken answers the same job again and runs nothing.
    assert start(selling, a, uri)["Id"] == job
    for ident in (job, started["Arn"]):
        got = get(selling, a, ident)
        assert got["Id"] == job and got["Arn"] == started["Arn"] and got["Status"] == "COMPLETED"
        assert (got["TotalRecords"], got["ProcessedRecords"], got["SuccessCount"], got["FailureCount"],
                got["DeletedCount"]) == (4, 4, 2, 2, 0)
        assert got["FileName"] == "q3.csv" and got["CompletedAt"] and "FailureReason" not in got
    rows = results(selling, a, job)
    assert [(r["RequestId"], r["Status"]) for r in rows] == [
        ("crm-1", "SUCCEEDED"), ("crm-2", "FAILED"), ("crm-3", "FAILED"), ("4", "SUCCEEDED")]
    assert rows[1]["ErrorCode"] == "ValidationException" and "CompanyName" in rows[1]["ErrorMessage"]
    assert rows[2]["ErrorCode"] == "ValidationException" and "ResourceIdentifier" not in rows[2]
    made = [rows[0]["ResourceIdentifier"], rows[3]["ResourceIdentifier"]]
    # Exactly the good rows' accounts, made as CreateCustomerAccount would have, the job their import.
    c = selling(a)
    assert sorted(everything(c)) == sorted(made)
    one = c.get_customer_account(Catalog=SB, Identifier=made[0])
    assert one["Account"]["CompanyName"] == "Acme Corp" and one["PartnerAccountIdentifier"] == "p-1"
    assert one["Tags"] == [{"Key": "team", "Value": "east"}]
    assert c.get_customer_account(Catalog=SB, Identifier=made[1])["Account"]["CompanyName"] == 'Beta, "the" Co'
    imported = {"EqualsTo": {"Key": "IMPORT_ID", "Value": {"StringValue": job}}}
    assert sorted(everything(c, Filter=imported)) == sorted(made)
    # Filters and pages.
    assert [r["RequestId"] for r in results(selling, a, job, Status="FAILED")] == ["crm-2", "crm-3"]
    page = c.list_customer_account_bulk_job_results(Catalog=SB, Identifier=job, MaxResults=3)
    assert len(page["Results"]) == 3 and page["NextToken"]
    rest = c.list_customer_account_bulk_job_results(Catalog=SB, Identifier=job, MaxResults=3,
                                                    NextToken=page["NextToken"])
    assert [r["RequestId"] for r in rest["Results"]] == ["4"] and "NextToken" not in rest
    [summary] = jobs(selling, a)
    assert summary["Id"] == job and summary["SuccessCount"] == 2 and summary["Arn"] == started["Arn"]
    assert jobs(selling, a, Filter={"Status": "FAILED"}) == []
    assert len(jobs(selling, a, Filter={"Identifier": started["Arn"], "Status": "COMPLETED"})) == 1
    # DeletedCount follows the deletion of an imported account.
    c.delete_customer_account(Catalog=SB, Identifier=made[0])
    assert get(selling, a, job)["DeletedCount"] == 1 and jobs(selling, a)[0]["DeletedCount"] == 1


def test_an_update_job_updates_through_update_customer_account(selling, admin):
    a = new_account()
    c = selling(a)
    first = c.create_customer_account(Catalog=SB, Account={"CompanyName": "Old Name"})["Id"]
    row = {"Identifier": first, "Account.CompanyName": "New Name"}
    missing = {"Identifier": "cust-acc-0000000000000", "Account.CompanyName": "Ghost"}
    job = start(selling, a, upload(admin, [row, missing]))["Id"]
    rows = results(selling, a, job)
    assert rows[0]["Status"] == "SUCCEEDED" and rows[0]["ResourceIdentifier"] == first
    assert rows[1]["Status"] == "FAILED" and rows[1]["ErrorCode"] == "ResourceNotFoundException"
    assert c.get_customer_account(Catalog=SB, Identifier=first)["Account"]["CompanyName"] == "New Name"
    assert everything(c) == [first]
    assert get(selling, a, job)["DeletedCount"] == 0


def test_a_report_url_reads_without_credentials_until_it_expires(selling, admin):
    a = new_account()
    bad = {**GOOD, "RequestId": "r2", "Account.CompanyName": "   "}
    job = start(selling, a, upload(admin, [GOOD, bad]))["Id"]
    answer = selling(a).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=job)
    assert answer["ReportStatus"] == "AVAILABLE" and answer["ReportType"] == "FAILED_RECORDS"
    assert "ReportFormat" not in answer and answer["ExpiresAt"]
    status, content_type, text = fetch(answer["Url"])
    assert status == 200 and content_type.startswith("text/csv"), text
    report = list(csv.DictReader(io.StringIO(text)))
    assert [r["RequestId"] for r in report] == ["r2"] and report[0]["ErrorCode"] == "ValidationException"
    # ALL_RECORDS: every record, a success with empty error cells.
    every = selling(a).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=job, ReportType="ALL_RECORDS")
    assert every["ReportType"] == "ALL_RECORDS"
    report = list(csv.DictReader(io.StringIO(fetch(every["Url"])[2])))
    assert [(r["RequestId"], r["ErrorCode"]) for r in report] == [("crm-1", ""), ("r2", "ValidationException")]
    # Expiry on the service clock: the URL after 15 minutes, the report after 7 days.
    advance_clock(admin, "16m")
    assert fetch(answer["Url"])[0] == 403
    fresh = selling(a).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=job)["Url"]
    assert fetch(fresh)[0] == 200
    advance_clock(admin, "7d")
    gone = selling(a).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=job)
    assert gone["ReportStatus"] == "EXPIRED" and "Url" not in gone


def test_refusals_store_nothing_and_nobody_else_sees_a_job(selling, admin):
    a, b = new_account(), new_account()
    with pytest.raises(ClientError) as e:
        start(selling, a, "s3://partner-bucket/never-uploaded.csv")
    assert code(e) == "ValidationException"
    assert [f.get("FieldName") for f in e.value.response.get("ErrorList", [])] == ["FileUri"]
    with pytest.raises(ClientError) as e:
        selling(a).start_customer_account_bulk_job(Catalog=SB, ClientToken="x", FileUri="ftp://x")
    assert code(e) == "ValidationException"
    assert jobs(selling, a) == [] and everything(selling(a)) == []
    started = start(selling, a, upload(admin, [GOOD]))
    job = started["Id"]
    other_arn = started["Arn"].replace(f":{a}:", f":{b}:")
    for who, ident in ((b, job), (b, started["Arn"]), (a, "bulkjob-0000000000000"), (a, other_arn)):
        for call in (lambda: get(selling, who, ident), lambda: results(selling, who, ident),
                     lambda: selling(who).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=ident)):
            with pytest.raises(ClientError) as e:
                call()
            assert code(e) == "ResourceNotFoundException"
    assert jobs(selling, b) == [] and everything(selling(b)) == []
    assert jobs(selling, a, Filter={"Identifier": other_arn}) == []
    assert [j["Id"] for j in jobs(selling, a, Filter={"Identifier": started["Arn"]})] == [job]
    assert selling(a).list_customer_account_bulk_jobs(Catalog="AWS")["items"] == []


def test_a_file_that_is_no_template_fails_the_job_whole(selling, admin):
    a = new_account()
    job = start(selling, a, upload(admin, "Account.CompanyName,ClientToken\r\nAcme,x\r\n"))["Id"]
    got = get(selling, a, job)
    assert got["Status"] == "FAILED" and "ClientToken" in got["FailureReason"] and got["TotalRecords"] == 0
    assert results(selling, a, job) == [] and everything(selling(a)) == []


def test_a_delayed_job_waits_and_its_report_is_a_conflict_until_it_ran(selling, admin, delay):
    a = new_account()
    delay(60)
    started = start(selling, a, upload(admin, [GOOD]))
    assert started["Status"] == "SUBMITTED"
    with pytest.raises(ClientError) as e:
        selling(a).get_customer_account_bulk_job_report_url(Catalog=SB, Identifier=started["Id"])
    assert code(e) == "ConflictException"
    assert get(selling, a, started["Id"])["TotalRecords"] == 0 and everything(selling(a)) == []
    advance_clock(admin, "2m")
    assert wait_for(lambda: get(selling, a, started["Id"])["Status"] == "COMPLETED")
    assert len(everything(selling(a))) == 1
