"""Throttling of the Selling API (docs/behaviour.md#throttling): off by default; with
`selling_throttling` on, each account's calls of one quota group draw on one token bucket, and a
call beyond it is a ThrottlingException (HTTP 429, `Message` only) that changes nothing. The test
uses a configured rate of 3 per minute (burst 3), so a slow machine cannot refill a token between
calls, and moves the service clock to refill."""

import pytest
from botocore.exceptions import ClientError

from helpers import advance_clock, change_settings, new_account
from test_opportunities import create, ids_of


@pytest.fixture
def throttled(admin):
    change_settings(admin, selling_throttling=True, selling_throttling_rate_per_minute=3)
    yield
    change_settings(admin, selling_throttling=False, selling_throttling_rate_per_minute=0)


def throttle_error(e):
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_off_by_default(selling, admin):
    status, body = admin("GET", "/_pcentral/settings")
    assert status == 200 and body["selling_throttling"] is False, body
    c = selling(new_account())
    for _ in range(15):  # more than AWS's 10 reads a second, and than the test's rate
        c.list_opportunities(Catalog="Sandbox")


def test_a_configured_rate_refuses_the_call_beyond_it(throttled, selling, admin):
    a, b = new_account(), new_account()
    c = selling(a)
    made = [create(c)["Id"] for _ in range(3)]  # the write group's burst
    with pytest.raises(ClientError) as e:
        create(c, company="One too many")
    assert throttle_error(e) == ("ThrottlingException", 429)
    assert "Write actions" in e.value.response["Error"]["Message"]
    assert set(e.value.response) <= {"Error", "ResponseMetadata", "Message"}
    # Nothing stored by the refused call; reads draw on their own bucket.
    assert sorted(ids_of(c)) == sorted(made)
    # Another account has its own buckets; an operation AWS lists no rate for is not throttled.
    for _ in range(3):
        create(selling(b))
    for _ in range(5):
        c.list_engagements(Catalog="Sandbox")
    # A third of a minute of service time refills one call of the group.
    advance_clock(admin, "20s")
    create(c, company="After the pause")
    with pytest.raises(ClientError) as e:
        create(c, company="Still too many")
    assert throttle_error(e) == ("ThrottlingException", 429)


def test_aws_rates_apply_without_a_configured_rate(selling, admin):
    """With AWS's own rates (reads: 10 a second, burst 10), the first 10 reads of a new account
    are all answered. (Whether an eleventh is refused depends on the time between calls, so the
    test does not ask.)"""
    change_settings(admin, selling_throttling=True)
    try:
        c = selling(new_account())
        for _ in range(10):
            try:
                c.list_opportunities(Catalog="Sandbox")
            except ClientError as e:  # a refill can only help; a refusal within the burst is a bug
                pytest.fail(f"refused within the burst: {e}")
    finally:
        change_settings(admin, selling_throttling=False)
