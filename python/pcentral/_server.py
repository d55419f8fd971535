"""`pcentral.Server`: a `pcentral serve` process for tests, and its admin API."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SERVICE = "partnercentral-account"
# The services one `pcentral serve` answers on its one endpoint.
SERVICES = ("partnercentral-account", "partnercentral-selling")
REGION = "us-east-1"
SECRET = "test"
_LISTENING = re.compile(r"^pcentral listening on (http://\S+)$")
# The headers every admin request carries (the admin API may require both on every request but GET and HEAD).
ADMIN_HEADERS = {"Content-Type": "application/json", "x-pcentral-admin": "1"}


def find_binary():
    """The `pcentral` executable: `PCENTRAL_BIN` when set, else the one this package was installed with."""
    explicit = os.environ.get("PCENTRAL_BIN")
    if explicit:
        return explicit
    name = "pcentral.exe" if os.name == "nt" else "pcentral"
    places = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    try:
        places.append(sysconfig.get_path("scripts", f"{os.name}_user"))
    except KeyError:
        pass
    for place in places:
        if place and os.path.isfile(os.path.join(place, name)):
            return os.path.join(place, name)
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(
        "the pcentral executable was not found next to this Python environment nor on PATH; "
        "install the pcentral wheel, or set PCENTRAL_BIN to the binary"
    )


class AdminError(Exception):
    """The admin API refused a call: `status` and the server's `message`."""

    def __init__(self, method, path, status, message):
        super().__init__(f"{method} {path}: {status} {message}")
        self.status = status
        self.message = message


class Clock:
    """The service clock: business time, which only moves forward."""

    def __init__(self, server):
        self._server = server

    def show(self):
        """`{"now": RFC 3339 service time, "offset_seconds": ahead of the wall clock}`."""
        return self._server.admin("GET", "/_pcentral/clock")

    def advance(self, by):
        """Move service time forward by `by`: a number with `s`, `m`, `h` or `d`, e.g. `"31m"`."""
        return self._server.admin("POST", "/_pcentral/clock/advance", {"by": by})

    def set(self, to):
        """Jump to the RFC 3339 time `to` (never backwards)."""
        return self._server.admin("POST", "/_pcentral/clock/set", {"to": to})


class Faults:
    """Fault-injection rules applied to API calls."""

    def __init__(self, server):
        self._server = server

    def add(self, kind, operation=None, account=None, remaining=None, probability=None, delay_ms=None,
            service=None):
        """Add a rule and return it with its `id`. `kind`: `throttle_before`, `internal_before`,
        `internal_after_commit` or `delay` (`-` works too). `service`: the service whose calls it
        hits (`partnercentral-account` when left out, or `partnercentral-selling`); `operation` is
        named in that service. AWS clients retry 429 and 5xx answers; configure clients with one
        attempt to see an injected error."""
        rule = {"kind": kind.replace("-", "_"), "service": service, "operation": operation, "account": account,
                "remaining": remaining, "probability": probability, "delay_ms": delay_ms}
        return self._server.admin("POST", "/_pcentral/faults", {k: v for k, v in rule.items() if v is not None})

    def list(self):
        return self._server.admin("GET", "/_pcentral/faults")["faults"]

    def remove(self, rule_id):
        return self._server.admin("DELETE", "/_pcentral/faults/" + urllib.parse.quote(rule_id, safe=""))

    def clear(self):
        """Remove every rule; answers how many were removed."""
        return self._server.admin("DELETE", "/_pcentral/faults")["removed"]


class Server:
    """`pcentral serve` on 127.0.0.1 with a port the system picks, in a temporary data
    directory, until `stop()` (or the end of a `with` block)::

        with pcentral.Server() as s:
            c = s.client("111111111111")
            c.list_partners(Catalog="Sandbox")
            s.client("111111111111", service="partnercentral-selling").list_opportunities(Catalog="Sandbox")

    `binary`: the `pcentral` executable (default: `PCENTRAL_BIN`, else the wheel's).
    `settings`: `serve` settings by name, e.g. `{"profile_task_delay_seconds": 5}`.
    `data_dir`: keep the data there instead of in a temporary directory.
    """

    def __init__(self, binary=None, settings=None, data_dir=None, startup_timeout=30.0):
        self.binary = binary or find_binary()
        self.settings = dict(settings or {})
        self.startup_timeout = startup_timeout
        self._tmp = None
        self._given_data_dir = Path(data_dir) if data_dir else None
        self._data_dir = None
        self.log_path = None
        self._proc = None
        self._reader = None
        self._endpoint = None
        self._clients = {}
        self._session = None
        self.clock = Clock(self)
        self.faults = Faults(self)

    # ------------------------------------------------------------------ process

    def start(self):
        if self._proc is not None:
            raise RuntimeError("this pcentral.Server is already running")
        # The log, and the data unless a directory was given, live in a temporary directory.
        self._tmp = tempfile.TemporaryDirectory(prefix="pcentral-")
        self._data_dir = self._given_data_dir or Path(self._tmp.name) / "data"
        self._data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = Path(self._tmp.name) / "pcentral.log"
        command = [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(self._data_dir)]
        for name, value in self.settings.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            command += ["--" + name.replace("_", "-"), str(value)]
        # The server's settings are the ones given here, not PCENTRAL_* variables of the environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PCENTRAL_") or k == "PCENTRAL_LOG"}
        try:
            with open(self.log_path, "ab") as log:
                self._proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log,
                                              stdin=subprocess.DEVNULL, env=env)
        except BaseException:
            self.stop()
            raise
        ready = threading.Event()
        found = []

        def read_stdout():
            for raw in self._proc.stdout:
                match = _LISTENING.match(raw.decode(errors="replace").strip())
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()  # stdout closed: the server has stopped

        self._reader = threading.Thread(target=read_stdout, name="pcentral-stdout", daemon=True)
        self._reader.start()
        if not ready.wait(self.startup_timeout) or not found:
            self.stop()
            raise RuntimeError(f"pcentral did not start within {self.startup_timeout}s:\n{self.log_tail()}")
        self._endpoint = found[0]
        return self

    def stop(self):
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and remove its temporary directory
        (the data too, unless `data_dir` was given)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._reader is not None:
            self._reader.join(timeout=5)  # stdout ends with the process
            self._reader = None
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        self._clients.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def log_tail(self, lines=40):
        """The last lines of the server's log (stderr)."""
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except (TypeError, OSError):
            return "(no log)"

    @property
    def endpoint_url(self):
        """`http://127.0.0.1:PORT`: the endpoint URL for AWS clients."""
        if self._endpoint is None or self._proc is None:
            raise RuntimeError("this pcentral.Server is not running")
        return self._endpoint

    @property
    def data_dir(self):
        return self._data_dir

    # ------------------------------------------------------------------ clients

    def credentials(self, account_id, user=None, policies=None, managed_policies=None):
        """Register a key pair for `account_id`; answers `{"access_key_id", "secret_access_key", ...}`
        (the secret is shown only here). With `user`, the key belongs to that IAM user, whose
        policies then decide each call: `policies` are its inline policies (a dict of name to
        document, or a list of `{"name", "document"}`), `managed_policies` AWS managed policies by
        name (e.g. `"AWSPartnerCentralSandboxFullAccess"`); given either, they replace the user's."""
        body = {"account": account_id}
        if user is not None:
            body["user"] = user
        if policies is not None:
            if isinstance(policies, dict):
                policies = [{"name": name, "document": doc} for name, doc in policies.items()]
            body["policies"] = list(policies)
        if managed_policies is not None:
            body["managed_policies"] = list(managed_policies)
        return self.admin("POST", "/_pcentral/credentials", body)

    def client(self, account_id="111111111111", service=SERVICE, credentials=None, **kwargs):
        """A boto3 client of `service` for `account_id` (12 digits: the access key id is the account,
        the secret is `test`) in us-east-1, or signed with `credentials` (a key pair from
        `credentials()`, e.g. an IAM user's). `service`: one of `SERVICES`, `partnercentral-account`
        unless told (`"partnercentral-selling"` for opportunities). Clients are cached per key and
        service; keyword arguments go to `boto3.Session.client` (e.g.
        `config=botocore.config.Config(...)`) and make a new, uncached client."""
        import boto3

        if service not in SERVICES:
            raise ValueError(f"pcentral serves {', '.join(SERVICES)}, not {service!r}")
        access_key, secret = account_id, SECRET
        if credentials is not None:
            access_key, secret = credentials["access_key_id"], credentials["secret_access_key"]
        key = (access_key, service)
        if not kwargs and key in self._clients:
            return self._clients[key]
        if self._session is None:
            self._session = boto3.session.Session()
        options = {"region_name": REGION, "aws_access_key_id": access_key, "aws_secret_access_key": secret}
        options.update(kwargs)
        client = self._session.client(service, endpoint_url=self.endpoint_url, **options)
        if not kwargs:
            self._clients[key] = client
        return client

    # ------------------------------------------------------------------ admin API

    def admin(self, method, path, body=None):
        """Call the admin API; answers the parsed JSON (or text), raises AdminError otherwise."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.endpoint_url + path, data=data, method=method, headers=ADMIN_HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                if response.headers.get_content_type() == "application/json":
                    return json.loads(raw) if raw else None
                return raw.decode()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                message = json.loads(raw).get("error", "")
            except ValueError:
                message = raw.decode(errors="replace")
            raise AdminError(method, path, e.code, message) from None

    def reset(self):
        """Delete every record (as `pcentral reset --everything`: business records, credentials,
        accounts, settings, fault rules), but keep the service clock, which only moves forward."""
        return self.admin("POST", "/_pcentral/reset", {"everything": True, "keep_clock": True})

    def outbox(self, address=None):
        """Messages "sent" (verification codes), oldest first; only those to `address` if given."""
        query = "?" + urllib.parse.urlencode({"address": address}) if address else ""
        return self.admin("GET", "/_pcentral/outbox" + query)["messages"]

    def latest_code(self, address):
        """The last verification code sent to `address`."""
        messages = [m for m in self.outbox(address) if m.get("code")]
        if not messages:
            raise LookupError(f"no verification code was sent to {address}")
        return messages[-1]["code"]

    def events(self, account=None, type=None, after=None):
        """Events recorded (EventBridge-shaped, with delivery state), oldest first."""
        params = {k: v for k, v in (("account", account), ("type", type), ("after", after)) if v is not None}
        query = "?" + urllib.parse.urlencode(params) if params else ""
        return self.admin("GET", "/_pcentral/events" + query)["events"]

    def settings_in_force(self):
        return self.admin("GET", "/_pcentral/settings")

    def change_settings(self, **changes):
        """Change service settings at run time, e.g. `change_settings(profile_task_delay_seconds=60)`."""
        return self.admin("POST", "/_pcentral/settings", changes)
