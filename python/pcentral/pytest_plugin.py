"""pytest fixtures for pcentral, registered through the `pytest11` entry point.

* `pcentral_server`: one `pcentral.Server` for the whole test session (under
  pytest-xdist, one per worker process). Tests share it and nothing is reset
  between them: use distinct account ids per test, or call
  `pcentral_server.reset()` where a test needs an empty server.
* `pcentral_client`: a factory, `pcentral_client("111111111111")` is
  `pcentral_server.client("111111111111")`, a boto3 `partnercentral-account`
  client for that account.
* `pcentral_selling_client`: the same for the Selling API (opportunities),
  `pcentral_selling_client("111111111111")` is
  `pcentral_server.client("111111111111", service="partnercentral-selling")`.
"""

import pytest

from ._server import Server


@pytest.fixture(scope="session")
def pcentral_server():
    """One pcentral server per test session (per worker under pytest-xdist), never reset automatically."""
    with Server() as server:
        yield server


@pytest.fixture(scope="session")
def pcentral_client(pcentral_server):
    """`pcentral_client(account_id, **client_kwargs)`: a boto3 partnercentral-account client for that account."""

    def make(account_id="111111111111", **kwargs):
        return pcentral_server.client(account_id, **kwargs)

    return make


@pytest.fixture(scope="session")
def pcentral_selling_client(pcentral_server):
    """`pcentral_selling_client(account_id, **client_kwargs)`: a boto3 partnercentral-selling client for that account."""

    def make(account_id="111111111111", **kwargs):
        return pcentral_server.client(account_id, service="partnercentral-selling", **kwargs)

    return make
