"""A node while it starts (README, The two commands): `serve --seed BIGFILE` accepts connections
at once and answers every one 503 right away (health `{"status": "starting"}`, the API its retryable
InternalServerException with Retry-After, the admin API and the console likewise) and closes it;
the listening line comes once it serves. A signal while it starts, or right after the line, stops it
cleanly. `--listen localhost:PORT` listens on every loopback address.

The seed of 100,000 records keeps a debug build starting for many seconds; each test checks that its
requests were answered while the node still said "starting"."""

import fcntl
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import _BOTO_SESSION, _NO_RETRY, SERVICE, _server_env, free_port, server_binary
from helpers import write_connections_fixture

pytestmark = pytest.mark.skipif(bool(os.environ.get("PCENTRAL_SUITE_DATABASE")),
                                reason="servers of their own on SQLite; the SQLite run of the suite runs it")

A = "100000000001"
N = 100_000


@pytest.fixture(scope="module")
def big_fixture(tmp_path_factory):
    path = tmp_path_factory.mktemp("starting") / "fixture.json"
    write_connections_fixture(path, N, A)
    return path


class Starting:
    """`pcentral serve` with `args`, its stdout read by a thread (the listening line and when it came)."""

    def __init__(self, tmp_path, *args, listen=None, log_name="serve.log"):
        self.port = free_port()
        self.data = tmp_path / "data"
        self.log_path = tmp_path / log_name
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [server_binary(), "serve", "--listen", listen or f"127.0.0.1:{self.port}", "--data-dir", str(self.data),
             *args], stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, env=_server_env())
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.line = None
        self.listening = threading.Event()
        threading.Thread(target=self._read_line, daemon=True).start()

    def _read_line(self):
        self.line = self.proc.stdout.readline().decode(errors="replace").strip()
        self.listening.set()

    def get(self, path, headers=None):
        """(status, headers, body) of a GET."""
        req = urllib.request.Request(self.endpoint + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def wait_starting(self, timeout=20):
        """Wait until the node answers health with 503 starting; answer that body."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_text()
            try:
                status, _, body = self.get("/_pcentral/health")
                if status == 503:
                    return json.loads(body)
                raise AssertionError(f"health answered {status} before starting was seen: {body!r}")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise AssertionError("no answer while starting:\n" + self.log_text())

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.log.close()


def lock_is_free(data_dir):
    with open(data_dir / "pcentral.lock", "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


def exchange(port, request):
    """Send `request` on a fresh connection; answer (everything the server sent, whether it closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return data, False
            if not chunk:
                return data, True
            data += chunk


def test_while_it_seeds_every_request_is_answered_503_at_once_then_the_node_serves(tmp_path, big_fixture):
    node = Starting(tmp_path, "--seed", str(big_fixture))
    try:
        health = node.wait_starting()
        assert health["status"] == "starting", health

        # The API: the model's retryable server error, 503, Retry-After.
        client = _BOTO_SESSION.create_client(SERVICE, region_name="us-east-1", endpoint_url=node.endpoint,
                                             aws_access_key_id=A, aws_secret_access_key="test", config=_NO_RETRY)
        with pytest.raises(ClientError) as caught:
            client.list_connections(Catalog="Sandbox")
        answer = caught.value.response
        assert answer["Error"]["Code"] == "InternalServerException", answer
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert answer["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
        assert isinstance(caught.value, client.exceptions.InternalServerException)

        # The admin API (JSON) and the console.
        status, headers, body = node.get("/_pcentral/accounts")
        assert (status, headers["Retry-After"], headers["Content-Type"]) == (503, "1", "application/json")
        assert "starting" in json.loads(body)["error"]
        status, headers, body = node.get("/_pcentral/ui/")
        assert (status, headers["Retry-After"]) == (503, "1") and b"starting" in body

        # `pcentral health` says so and exits 1.
        cli = subprocess.run([server_binary(), "health", "--endpoint", node.endpoint], capture_output=True,
                             text=True, timeout=30, env=_server_env())
        assert cli.returncode == 1 and "503" in cli.stderr and "starting" in cli.stderr, cli.stderr

        # Callers are not held: each connection gets its answer, and the server closes it, even one
        # that asks to be kept alive or announces a body it never sends.
        requests = [b"GET /_pcentral/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n",
                    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: PartnerCentralAccount.ListPartners\r\n"
                    b"Content-Length: 1000000\r\n\r\n{"]
        for request in requests * 10:
            data, closed = exchange(node.port, request)
            assert data.startswith(b"HTTP/1.1 503 "), data[:200]
            assert closed, "the server keeps a starting connection open"

        # All of the above happened while the node was starting.
        assert node.wait_starting()["status"] == "starting", "the seed ended before the checks: enlarge it"
        assert not node.listening.is_set(), "the listening line came before the node served"

        # Then the listening line, and the node serves.
        assert node.listening.wait(timeout=600), node.log_text()
        assert node.line == f"pcentral listening on {node.endpoint}", node.line
        status, _, body = node.get("/_pcentral/health")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        page = client.list_connections(Catalog="Sandbox", MaxResults=5)
        assert len(page["ConnectionSummaries"]) == 5
    finally:
        node.stop()
    assert node.proc.returncode == 0


def test_a_signal_while_it_seeds_stops_it_cleanly_and_stores_nothing(tmp_path, big_fixture):
    node = Starting(tmp_path, "--seed", str(big_fixture))
    try:
        node.wait_starting()
        time.sleep(0.5)  # into the seed
        assert node.wait_starting()["status"] == "starting", "the seed ended already: enlarge it"
        node.proc.send_signal(signal.SIGTERM)
        assert node.proc.wait(timeout=60) == 0, node.log_text()
        assert not node.listening.is_set() or node.line == "", node.line
        log = node.log_text()
        assert "pcentral stopped" in log, log
        assert lock_is_free(node.data), "the data directory's lock is released"
    finally:
        node.stop()
    # Nothing of the seed was stored: the node starts again (without the seed) on an empty store.
    again = Starting(tmp_path, log_name="again.log")
    try:
        assert again.listening.wait(timeout=60), again.log_text()
        client = _BOTO_SESSION.create_client(SERVICE, region_name="us-east-1", endpoint_url=again.endpoint,
                                             aws_access_key_id=A, aws_secret_access_key="test", config=_NO_RETRY)
        assert client.list_connections(Catalog="Sandbox")["ConnectionSummaries"] == []
    finally:
        again.stop()


def test_a_signal_right_after_the_listening_line_stops_it_cleanly(tmp_path):
    node = Starting(tmp_path)
    try:
        assert node.listening.wait(timeout=60), node.log_text()
        assert node.line.startswith("pcentral listening on "), node.line
        node.proc.send_signal(signal.SIGTERM)
        assert node.proc.wait(timeout=30) == 0, node.log_text()
        assert "pcentral stopped" in node.log_text()
        assert lock_is_free(node.data)
    finally:
        node.stop()


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_localhost_listens_on_every_loopback_address_on_one_port(tmp_path):
    if not ipv6_loopback():
        pytest.skip("this machine has no ::1 (IPv6 loopback)")
    node = Starting(tmp_path, listen="localhost:0")
    try:
        assert node.listening.wait(timeout=60), node.log_text()
        prefix = "pcentral listening on http://localhost:"
        assert node.line.startswith(prefix), node.line
        port = int(node.line[len(prefix):])
        for host in ("127.0.0.1", "[::1]", "localhost"):
            url = f"http://{host}:{port}/_pcentral/health"
            with urllib.request.urlopen(url, timeout=5) as r:
                assert (r.status, json.loads(r.read())["status"]) == (200, "ok"), url
            # The admin gate answers under each name (here: the admin index, loopback peer).
            with urllib.request.urlopen(f"http://{host}:{port}/_pcentral/", timeout=5) as r:
                assert r.status == 200, url
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(5)
                s.connect((host, port))
                s.sendall(b"GET /_pcentral/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                assert s.recv(64).startswith(b"HTTP/1.1 200 "), host
    finally:
        node.stop()
    assert node.proc.returncode == 0
