"""pcentral: a self-hostable AWS Partner Central (Account and Selling APIs) for tests.

`pcentral.Server()` runs the `pcentral` executable installed with this package
on a free loopback port in a temporary directory; the pytest plugin
(`pcentral.pytest_plugin`, registered automatically) offers the fixtures
`pcentral_server`, `pcentral_client` and `pcentral_selling_client`.
"""

from importlib import metadata as _metadata

from ._server import ADMIN_HEADERS, REGION, SECRET, SERVICES, AdminError, Clock, Faults, Server, find_binary

try:
    __version__ = _metadata.version("pcentral")
except _metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = ["ADMIN_HEADERS", "REGION", "SECRET", "SERVICES", "AdminError", "Clock", "Faults", "Server", "find_binary",
           "__version__"]
