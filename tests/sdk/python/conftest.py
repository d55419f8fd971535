"""Fixtures for the pcentral Python black-box suite.

Every test module gets its own server process on a free loopback port with a fresh data dir.
Tests inside a module share that server, so they use unique accounts, emails and legal names
(see helpers.py) and never depend on each other's state.
"""

import base64
import datetime as _dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

import botocore.auth
import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SERVICE = "partnercentral-account"
TARGET_PREFIX = "PartnerCentralAccount."
REGION = "us-east-1"
SECRET = "test"


def server_binary():
    path = os.environ.get("PCENTRAL_BIN") or str(REPO / "target" / "debug" / "pcentral")
    if not Path(path).is_file():
        pytest.exit(f"pcentral binary not found at {path} (build it or set PCENTRAL_BIN)", returncode=2)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env():
    env = dict(os.environ)
    for key in list(env):
        # flags below decide listen address and data dir; never point at a shared database
        if key.startswith("PCENTRAL_") and key != "PCENTRAL_BIN":
            del env[key]
    env.setdefault("RUST_BACKTRACE", "1")
    return env


def fresh_database(base_url):
    """Create an empty PostgreSQL database on the server of `base_url`; return its URL."""
    name = "pcentral_suite_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=30)
    return base_url.rsplit("/", 1)[0] + "/" + name


def wait_healthy(proc, port, timeout=20.0, describe_exit=lambda: ""):
    """Wait until the `pcentral serve` process `proc` answers its health check on `port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pcentral exited with {proc.returncode} during start:\n{describe_exit()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_pcentral/health", timeout=1) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"pcentral not healthy within {timeout}s:\n{describe_exit()}")


class ServerProcess:
    """One `pcentral serve` of a test's own, on SQLite in `tmp_path / name`, with extra `args`.
    `listen_host` "[::ffff:127.0.0.1]" makes clients on 127.0.0.1 arrive as non-loopback peers;
    `preexec` runs in the child before exec (e.g. to lower a resource limit)."""

    def __init__(self, tmp_path, name, *args, listen_host="127.0.0.1", preexec=None):
        self.port = free_port()
        self.log_path = tmp_path / f"{name}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [server_binary(), "serve", "--listen", f"{listen_host}:{self.port}", "--data-dir", str(tmp_path / name),
             *args], stdout=self.log, stderr=subprocess.STDOUT, env=_server_env(), stdin=subprocess.DEVNULL,
            preexec_fn=preexec)
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def wait(self, timeout=30):
        wait_healthy(self.proc, self.port, timeout=timeout, describe_exit=self.log_text)
        return self

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def status_field(self, field):
        """A field of /proc/PID/status, in kB for the memory ones (VmRSS, VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {field} in /proc/{self.proc.pid}/status")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


class Server:
    """A pcentral deployment under test: one `pcentral serve` process on its SQLite data dir, or,
    with `database` (a PostgreSQL URL), `nodes` processes sharing that database and one server key.
    Can be SIGKILLed and restarted on the same data."""

    def __init__(self, binary, root, database=None, nodes=1):
        self.binary = binary
        self.root = Path(root)
        self.database = database
        self.server_key = base64.b64encode(os.urandom(32)).decode() if database else None
        self.data_dirs = [self.root / f"data{i}" if i else self.root / "data" for i in range(nodes)]
        for d in self.data_dirs:
            d.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.data_dirs[0]
        self.log_path = self.root / "server.log"
        self.procs = []
        self.ports = []
        self.starts = 0

    @property
    def port(self):
        return self.ports[0] if self.ports else None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def endpoint_for(self, account):
        """The node that `account`'s clients talk to (accounts spread over the nodes)."""
        digits = "".join(c for c in str(account) if c.isdigit()) or "0"
        return f"http://127.0.0.1:{self.ports[int(digits) % len(self.ports)]}"

    def command(self, i, port):
        cmd = [self.binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(self.data_dirs[i])]
        if self.database:
            cmd += ["--database", self.database, "--server-key", self.server_key]
        return cmd

    def start(self, timeout=20.0):
        self.starts += 1
        self.ports = [free_port() for _ in self.data_dirs]
        log = open(self.log_path, "ab")
        log.write(f"\n===== start #{self.starts} on ports {self.ports} =====\n".encode())
        log.flush()
        self.procs = [
            subprocess.Popen(self.command(i, port), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             cwd=str(self.root), env=_server_env())
            for i, port in enumerate(self.ports)
        ]
        log.close()
        for proc, port in zip(self.procs, self.ports):
            self._wait_healthy(proc, port, timeout)
        return self

    def _wait_healthy(self, proc, port, timeout):
        try:
            wait_healthy(proc, port, timeout, describe_exit=self.log_tail)
        except RuntimeError:
            self.kill()
            raise

    @property
    def proc(self):
        return self.procs[0] if self.procs else None

    def kill(self):
        """SIGKILL, no chance to flush anything that was not durable already."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs = []

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        self.procs = []

    def restart_after_kill(self):
        """SIGKILL every node and start them again on the same data (new ports)."""
        self.kill()
        return self.start()

    def log_tail(self, n=60):
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(lines[-n:])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The deployment a test module talks to. With PCENTRAL_SUITE_DATABASE set to a PostgreSQL URL,
    it is PCENTRAL_SUITE_NODES nodes (default 2) on a fresh database there, and each account's
    clients talk to their own node; otherwise one node on SQLite."""
    base = os.environ.get("PCENTRAL_SUITE_DATABASE")
    if base:
        srv = Server(server_binary(), tmp_path_factory.mktemp("pcentral"), database=fresh_database(base),
                     nodes=int(os.environ.get("PCENTRAL_SUITE_NODES", "2")))
    else:
        srv = Server(server_binary(), tmp_path_factory.mktemp("pcentral"))
    srv.start()
    yield srv
    srv.stop()


# ----------------------------------------------------------------------------------------------
# boto3 clients

_BOTO_SESSION = botocore.session.Session()
_NO_RETRY = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)


@pytest.fixture(scope="module")
def client(server):
    """client(account="111111111111", secret="test", access_key=None, region="us-east-1",
    service="partnercentral-account"): a boto3 client of that service."""
    cache = {}

    def make(account="111111111111", secret=SECRET, access_key=None, region=REGION, service=SERVICE):
        key = access_key or account
        endpoint = server.endpoint_for(account)
        ck = (endpoint, key, secret, region, service)
        if ck not in cache:
            cache[ck] = _BOTO_SESSION.create_client(
                service, region_name=region, endpoint_url=endpoint,
                aws_access_key_id=key, aws_secret_access_key=secret, config=_NO_RETRY,
            )
        return cache[ck]

    return make


@pytest.fixture(scope="module")
def selling(client):
    """selling(account) -> the partnercentral-selling client of `client`, signed as that account."""
    return lambda account: client(account, service="partnercentral-selling")


# ----------------------------------------------------------------------------------------------
# AWS CLI

@pytest.fixture(scope="module")
def cli(server, tmp_path_factory):
    """cli(account, *args) -> (exit code, parsed stdout JSON or None, stderr)."""
    home = tmp_path_factory.mktemp("awscli-home")

    def run(account, *args, secret=SECRET, access_key=None, timeout=60):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": access_key or account,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
            "HOME": str(home),
        })
        cmd = [sys.executable, "-m", "awscli", *args,
               "--endpoint-url", server.endpoint_for(account), "--output", "json"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        out = proc.stdout.strip()
        parsed = None
        if out:
            try:
                parsed = json.loads(out)
            except ValueError:
                parsed = None
        return proc.returncode, parsed, proc.stderr

    return run


# ----------------------------------------------------------------------------------------------
# pcentral's own CLI (admin subcommands)

@pytest.fixture(scope="module")
def pcentral(server):
    """pcentral(*args) -> CompletedProcess; appends --endpoint URL."""

    def run(*args, timeout=30):
        cmd = [server.binary, *args, "--endpoint", server.endpoint]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_server_env())

    return run


# ----------------------------------------------------------------------------------------------
# admin HTTP

# What every admin call but GET and HEAD must carry (docs/security.md, the admin gate).
ADMIN_HEADERS = {"Content-Type": "application/json", "x-pcentral-admin": "1"}


def _http(method, url, body=None, headers=None, timeout=30, declare=True):
    """One HTTP call; for an admin call other than GET and HEAD, `declare` adds ADMIN_HEADERS."""
    data = None
    hdrs = dict(headers or {})
    if declare and method not in ("GET", "HEAD"):
        for name, value in ADMIN_HEADERS.items():
            hdrs.setdefault(name, value)
    if body is not None:
        data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.fixture(scope="module")
def admin(server):
    """admin(method, path, body=None) -> (status, parsed JSON or raw text)."""

    def call(method, path, body=None):
        status, _headers, raw = _http(method, server.endpoint + path, body)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return status, parsed

    return call


# ----------------------------------------------------------------------------------------------
# raw signed requests

class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name)

    @property
    def error_type(self):
        if isinstance(self.json, dict) and "__type" in self.json:
            return str(self.json["__type"]).split("#")[-1].split(":")[0]
        return None

    def __repr__(self):
        return f"<RawResponse {self.status} {dict(self.headers)} {self.body[:500]!r}>"


@pytest.fixture(scope="module")
def raw(server):
    """raw(operation, body, ...) sends a SigV4-signed awsJson1.0 request with arbitrary bytes.

    operation: operation name (X-Amz-Target = PartnerCentralAccount.<operation>), or None.
    body: dict (JSON-encoded), str or bytes (sent as is).
    account / secret / access_key: credentials (access key defaults to the account id).
    target: full X-Amz-Target value overriding `operation`; omit_target drops the header.
    sign=False sends no Authorization; signed_body signs other bytes than the ones sent;
    extra_headers are added before signing (so they are signed); sign_time overrides X-Amz-Date;
    path is the request path; override_headers are set after signing; signing_name is the
    credential scope's service (partnercentral-account unless given).
    """

    def send(operation, body=None, account="111111111111", secret=SECRET, access_key=None,
             target=None, omit_target=False, sign=True, signed_body=None, extra_headers=None,
             sign_time=None, path="/", override_headers=None, content_type="application/x-amz-json-1.0",
             signing_name=SERVICE):
        if body is None:
            payload = b""
        elif isinstance(body, (bytes, bytearray)):
            payload = bytes(body)
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = json.dumps(body).encode()
        headers = {"Content-Type": content_type}
        if not omit_target:
            headers["X-Amz-Target"] = target if target is not None else TARGET_PREFIX + operation
        headers.update(extra_headers or {})
        url = server.endpoint + path
        if sign:
            req = AWSRequest(method="POST", url=url,
                             data=signed_body if signed_body is not None else payload, headers=headers)
            creds = Credentials(access_key or account, secret)
            signer = SigV4Auth(creds, signing_name, REGION)
            if sign_time is not None:
                fixed = sign_time.astimezone(_dt.timezone.utc).replace(tzinfo=None)
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=fixed):
                    signer.add_auth(req)
            else:
                signer.add_auth(req)
            headers = {k: v for k, v in req.headers.items()}
        headers.update(override_headers or {})
        status, resp_headers, resp_body = _http("POST", url, payload, headers, declare=False)
        return RawResponse(status, resp_headers, resp_body)

    return send
