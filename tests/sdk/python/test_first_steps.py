"""What a newcomer meets first: starting `serve` (port 0, refusals before anything is
created, the data directory's lock, its private files, a read-only database), `pcentral health`, the admin
index, help texts, plain logs, and the CLI's admin requests."""

import http.server
import json
import os
import re
import selectors
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from conftest import _server_env, wait_healthy

REPO = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"^pcentral listening on (http://127\.0\.0\.1:(\d+))$")


def read_line(proc, timeout=20.0):
    """The first line `proc` writes to its stdout pipe, or None when it exits or times out first."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data and time.monotonic() < deadline:
        if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
            continue
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        data += chunk
    sel.close()
    return data.decode(errors="replace").split("\n", 1)[0] if b"\n" in data else None


class Node:
    """`pcentral serve --listen 127.0.0.1:0` on `data_dir`, its endpoint read from stdout."""

    def __init__(self, binary, data_dir, log, *extra, **popen):
        self.log = Path(log)
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir),
                                          *extra], stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                         env=_server_env(), **popen)
        line = read_line(self.proc)
        match = LISTENING.match(line or "")
        if not match:
            self.stop()
            raise AssertionError(f"no listening line (got {line!r}); log:\n{self.log.read_text(errors='replace')}")
        self.endpoint, self.port = match.group(1), int(match.group(2))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.proc.stdout.close()


def refused(binary, *args, cwd=None, **popen):
    """Run `pcentral serve ARGS` expecting it to stop at once; answer its stderr."""
    proc = subprocess.run([binary, "serve", *args], capture_output=True, text=True, timeout=30, env=_server_env(),
                          cwd=cwd, **popen)
    assert proc.returncode != 0, f"serve started:\n{proc.stdout}\n{proc.stderr}"
    return proc.stderr


def pcentral_cli(binary, *args, timeout=30):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout, env=_server_env())


# ------------------------------------------------------------------------------------------ serve

def test_port_0_prints_the_bound_endpoint_and_health_follows_it(server, tmp_path):
    node = Node(server.binary, tmp_path / "data", tmp_path / "serve.log")
    try:
        ok = pcentral_cli(server.binary, "health", "--endpoint", node.endpoint)
        assert ok.returncode == 0, ok.stderr
        assert json.loads(ok.stdout)["status"] == "ok"
        # A request, so that the log has request lines too.
        with urllib.request.urlopen(node.endpoint + "/_pcentral/clock", timeout=5) as r:
            assert r.status == 200
    finally:
        node.stop()
    down = pcentral_cli(server.binary, "health", "--endpoint", node.endpoint)
    assert down.returncode == 1
    assert f"cannot reach {node.endpoint}/_pcentral/health" in down.stderr
    # Logs to a file carry no terminal colour codes.
    log = node.log.read_text()
    assert "pcentral listening" in log and "/_pcentral/clock" in log
    assert "\x1b[" not in log, log[:500]


class _Answer500(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"error": "not ready"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_health_is_non_zero_when_the_server_answers_not_ready(server):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Answer500)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        proc = pcentral_cli(server.binary, "health", "--endpoint", f"http://127.0.0.1:{httpd.server_port}")
    finally:
        httpd.shutdown()
    assert proc.returncode == 1
    assert "503: not ready" in proc.stderr


def test_a_taken_port_is_refused_before_anything_is_created(server, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = refused(server.binary, "--listen", f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "fresh"))
    assert f"listen 127.0.0.1:{port}: the address is in use" in err
    assert not (tmp_path / "fresh").exists(), "nothing is created when the port is taken"


def test_a_data_dir_that_is_a_file_is_not_a_directory(server, tmp_path):
    plain = tmp_path / "plain-file"
    plain.write_text("not a directory")
    err = refused(server.binary, "--listen", "127.0.0.1:0", "--data-dir", str(plain))
    assert f"data-dir {plain}: not a directory" in err


def test_a_second_server_on_one_data_dir_is_refused_until_the_first_stops(server, tmp_path):
    data = tmp_path / "shared"
    first = Node(server.binary, data, tmp_path / "first.log")
    try:
        err = refused(server.binary, "--listen", "127.0.0.1:0", "--data-dir", str(data))
        assert "is in use" in err and str(data / "pcentral.lock") in err, err
        assert f"pid {first.proc.pid}" in err, err
        with urllib.request.urlopen(first.endpoint + "/_pcentral/health", timeout=5) as r:
            assert r.status == 200, "the first server carries on"
        # A SIGKILLed server leaves the lock file behind, but not the lock.
        first.proc.kill()
        first.proc.wait(timeout=10)
        second = Node(server.binary, data, tmp_path / "second.log")
        second.stop()
    finally:
        first.stop()


def _write_once(server, node):
    """A write through the CLI (a credential for 111111111111), so that SQLite's -wal file exists."""
    made = pcentral_cli(server.binary, "credentials", "create", "--account", "111111111111",
                        "--endpoint", node.endpoint)
    assert made.returncode == 0, made.stderr


def test_the_running_server_owns_its_database(server, tmp_path):
    data = tmp_path / "owned"
    node = Node(server.binary, data, tmp_path / "node.log")
    try:
        _write_once(server, node)
        # Another process (here Python's SQLite) cannot read the database while the server runs ...
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            with closing(sqlite3.connect(data / "pcentral.db", timeout=0)) as other:
                other.execute("SELECT count(*) FROM credentials").fetchone()
        assert not (data / "pcentral.db-shm").exists(), "the WAL index is in the server's memory"
    finally:
        node.stop()
    # ... and reads every committed write once it has stopped.
    with closing(sqlite3.connect(data / "pcentral.db", timeout=0)) as other:
        assert other.execute("SELECT count(*) FROM credentials").fetchone() == (1,)


def _modes(directory):
    """The permission bits of each entry of `directory`, by name."""
    return {p.name: stat.S_IMODE(p.lstat().st_mode) for p in directory.iterdir()}


def test_the_data_directory_and_every_file_in_it_are_private(server, tmp_path):
    data = tmp_path / "private"
    node = Node(server.binary, data, tmp_path / "first.log")
    try:
        _write_once(server, node)
        assert stat.S_IMODE(data.stat().st_mode) == 0o700, "the data directory is created 0700"
        running = _modes(data)
        assert {"pcentral.db", "pcentral.db-wal", "pcentral.lock", "server.key"} <= set(running)
        assert all(mode == 0o600 for mode in running.values()), running
    finally:
        node.stop()
    stopped = _modes(data)
    assert all(mode == 0o600 for mode in stopped.values()), stopped
    assert "other users have access" not in (tmp_path / "first.log").read_text()

    # Left open to others (an earlier release, a copy): pcentral makes its files private again,
    # and leaves the directory's mode to its owner with a warning naming the fix.
    data.chmod(0o755)
    for f in data.iterdir():
        f.chmod(0o644)
    Node(server.binary, data, tmp_path / "again.log").stop()
    assert stat.S_IMODE(data.stat().st_mode) == 0o755
    again = _modes(data)
    assert all(mode == 0o600 for mode in again.values()), again
    log = (tmp_path / "again.log").read_text()
    assert f"chmod 700 {data}" in log, log


def _as_unprivileged():
    """Popen arguments that run the server as an unprivileged user: as root, file modes do not
    stop writes, so the server runs as `nobody`; otherwise as this user."""
    if os.geteuid() != 0:
        return {}
    return {"user": 65534, "group": 65534, "extra_groups": []}


def test_a_read_only_database_is_refused_at_start(server):
    # Outside pytest's private temporary directory, so that `nobody` can reach it.
    top = Path(tempfile.mkdtemp(prefix="pcentral-readonly-"))
    try:
        top.chmod(0o755)
        binary = top / "pcentral"
        shutil.copy2(server.binary, binary)
        binary.chmod(0o755)
        data = top / "data"
        Node(str(binary), data, top / "create.log").stop()  # creates the database
        data.chmod(0o777)
        for f in data.iterdir():
            f.chmod(0o666 if f.name != "server.key" else 0o644)
        (data / "pcentral.db").chmod(0o444)
        err = refused(str(binary), "--listen", "127.0.0.1:0", "--data-dir", str(data), **_as_unprivileged())
        assert f"database {data / 'pcentral.db'} is read-only for this process" in err, err
        # The same directory with the database writable starts: the refusal was about the file.
        (data / "pcentral.db").chmod(0o666)
        Node(str(binary), data, top / "writable.log", **_as_unprivileged()).stop()
        # A data directory the server may not write is refused too.
        other = top / "locked-dir"
        other.mkdir(mode=0o555)
        other.chmod(0o555)
        err = refused(str(binary), "--listen", "127.0.0.1:0", "--data-dir", str(other), **_as_unprivileged())
        assert f"data-dir {other} is read-only for this process" in err, err
    finally:
        shutil.rmtree(top, ignore_errors=True)


# ------------------------------------------------------------------------------------------ CLI

class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        type(self).seen.append((self.command, self.path, dict(self.headers)))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args):
        pass


def test_the_cli_sends_json_and_admin_headers_on_every_request(server):
    _Recorder.seen = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{httpd.server_port}"
    try:
        for args in (["clock", "show"], ["clock", "advance", "1m"], ["faults", "clear"], ["health"]):
            proc = pcentral_cli(server.binary, *args, "--endpoint", endpoint)
            assert proc.returncode == 0, proc.stderr
    finally:
        httpd.shutdown()
    assert [(m, p) for m, p, _ in _Recorder.seen] == [
        ("GET", "/_pcentral/clock"), ("POST", "/_pcentral/clock/advance"), ("DELETE", "/_pcentral/faults"),
        ("GET", "/_pcentral/health")]
    for method, path, headers in _Recorder.seen:
        lower = {k.lower(): v for k, v in headers.items()}
        assert lower.get("content-type") == "application/json", (method, path, headers)
        assert lower.get("x-pcentral-admin") == "1", (method, path, headers)


def _help(binary, *command):
    """`--help` as a pipe reads it (COLUMNS, which would set the width when there is no terminal, left out)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([binary, *command, "--help"], capture_output=True, text=True, timeout=30, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _sections(text):
    """{heading: [lines]} of a clap help text."""
    sections, current = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = line[:-1]
            sections[current] = []
        elif current and line.strip():
            sections[current].append(line)
    return sections


def _entries_without_help(lines):
    """Entries (`  --flag`, `  <ARG>`, `  name`) that have no description, same line or next."""
    missing = []
    for i, line in enumerate(lines):
        if not re.match(r"^ {2,6}\S", line):
            continue
        same_line = re.match(r"^ {2,6}\S.*?\S {2,}\S", line)
        next_line = i + 1 < len(lines) and lines[i + 1].startswith("          ")
        if not (same_line or next_line):
            missing.append(line.strip())
    return missing


def _commands(binary, *path):
    text = _help(binary, *path)
    names = [line.split()[0] for line in _sections(text).get("Commands", []) if re.match(r"^  \w", line)]
    yield path, text
    for name in names:
        if name != "help":
            yield from _commands(binary, *path, name)


def test_every_command_documents_each_argument_and_lists_global_options_apart(server):
    seen = 0
    for path, text in _commands(server.binary):
        sections = _sections(text)
        for heading, lines in sections.items():
            if heading == "Usage":
                continue
            assert not _entries_without_help(lines), f"pcentral {' '.join(path)} --help, {heading}: {text}"
        if path and path[0] not in ("serve", "help") and "Commands" not in sections:
            seen += 1
            own = "\n".join(sections.get("Options", []) + sections.get("Arguments", []))
            assert "--endpoint" not in own, f"pcentral {' '.join(path)}: global options mixed in:\n{text}"
            assert "--endpoint" in "\n".join(sections.get("Global options", [])), text
    assert seen >= 25, "every admin command was visited"
    assert "<FILE>  The fixture file" in _help(server.binary, "seed")
    assert "<BY>  How far" in _help(server.binary, "clock", "advance")


def test_help_fits_100_columns_when_piped(server):
    """Help texts wrap to the terminal; piped (no terminal), at 100 columns, usage lines included."""
    seen = 0
    for path, text in _commands(server.binary):
        seen += 1
        long = [line for line in text.splitlines() if len(line) > 100]
        assert not long, f"pcentral {' '.join(path)} --help: lines over 100 columns:\n" + "\n".join(long)
    assert seen >= 35, "every command's help was read"


def _leaves(binary):
    """Paths of the commands that have no subcommands."""
    paths = [p for p, _ in _commands(binary)]
    return [p for p in paths if p and not any(len(q) > len(p) and q[:len(p)] == p for q in paths)]


def _usage(stderr):
    return [line for line in stderr.splitlines() if line.startswith("Usage: ")]


def test_a_refused_command_line_shows_the_usage_of_the_command_refused(server, tmp_path):
    leaves = _leaves(server.binary)
    assert ("serve",) in leaves and ("tasks", "force-profile") in leaves and len(leaves) >= 25
    for path in leaves:
        proc = pcentral_cli(server.binary, *path, "--no-such-flag")
        assert proc.returncode == 2, (path, proc.stderr)
        assert _usage(proc.stderr) and _usage(proc.stderr)[0].startswith(f"Usage: pcentral {' '.join(path)} "), \
            f"pcentral {' '.join(path)}: {proc.stderr}"
    # Settings are checked after parsing, from a flag, an environment variable or the config file.
    config = tmp_path / "pcentral.toml"
    config.write_text('max_connections = "lots"\n')
    for args, env in ((["--max-connections", "lots"], {}), ([], {"PCENTRAL_MAX_CONNECTIONS": "lots"}),
                      (["--config", str(config)], {})):
        proc = subprocess.run([server.binary, "serve", "--data-dir", str(tmp_path / "data"), *args],
                              capture_output=True, text=True, timeout=30, env={**_server_env(), **env})
        stderr = proc.stderr
        assert proc.returncode == 2 and "max_connections" in stderr, stderr
        assert _usage(stderr) == ["Usage: pcentral serve [OPTIONS]"], stderr
    # A malformed NAME=VALUE is refused before anything is sent.
    proc = pcentral_cli(server.binary, "settings", "set", "no-equals-sign", "--endpoint", "http://127.0.0.1:9")
    assert proc.returncode == 2 and "expected NAME=VALUE, got no-equals-sign" in proc.stderr, proc.stderr
    assert "<COMMAND>" not in proc.stderr, proc.stderr


# ------------------------------------------------------------------------------------------ admin API

def _readme_admin_rows():
    """(METHOD, path) of each row of the README's admin table: the table's contiguous rows only."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Admin API and CLI", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| endpoint |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        m = re.match(r"^\| `(GET|POST|DELETE) (/_pcentral/[^`?\[ ]*)", line)
        assert m, f"an admin table row without an endpoint: {line}"
        rows.append((m.group(1), _normalise(m.group(2))))
    return rows, section


def _normalise(path):
    return re.sub(r"(<[^>]+>|\{[^}]+\})", "{}", path.split("?", 1)[0])


def test_the_admin_index_lists_the_readme_table(server, admin):
    status, body = admin("GET", "/_pcentral/")
    assert status == 200
    listed = [(e["method"], _normalise(e["path"])) for e in body["endpoints"]]
    rows, section = _readme_admin_rows()
    assert sorted(rows) == sorted(listed), "README table and GET /_pcentral/ differ"
    # Nothing after the table looks like a stray row of it.
    after = section.split("| endpoint |", 1)[1].split("\n\n", 1)[1]
    assert not re.search(r"^\| `(GET|POST|DELETE) /_pcentral", after, flags=re.M), "a row outside the table"
    for e in body["endpoints"]:
        if e["method"] == "GET" and "{" not in e["path"]:
            st, _ = admin("GET", e["path"].split("?", 1)[0])
            assert st == 200, e


def test_reset_everything_can_keep_the_clock(server, admin, pcentral):
    def offset():
        return admin("GET", "/_pcentral/clock")[1]["offset_seconds"]

    assert admin("POST", "/_pcentral/clock/advance", {"by": "1h"})[0] == 200
    kept = offset()
    assert kept >= 3600
    status, body = admin("POST", "/_pcentral/reset", {"everything": True, "keep_clock": True})
    assert status == 200 and body["reset"]["keep_clock"] is True
    assert offset() == kept
    proc = pcentral("reset", "--everything", "--keep-clock")
    assert proc.returncode == 0, proc.stderr
    assert offset() == kept
    assert admin("POST", "/_pcentral/reset", {"keep_clock": True})[0] == 400
    assert pcentral("reset", "--keep-clock").returncode != 0
    proc = pcentral("reset", "--everything")
    assert proc.returncode == 0, proc.stderr
    assert offset() == 0, "reset --everything still resets the clock"


def test_seed_counts_every_record_kind(server, admin, client, pcentral, tmp_path):
    from helpers import create_partner, new_account, publish

    assert admin("POST", "/_pcentral/reset", {"everything": True})[0] == 200
    a, b = new_account(), new_account()
    pa = create_partner(client(a))
    publish(client(a), pa["Id"])
    pb = create_partner(client(b))
    publish(client(b), pb["Id"])
    profile_b = client(b).get_partner(Catalog="Sandbox", Identifier=pb["Id"])["Profile"]["ProfileId"]
    client(a).create_connection_invitation(Catalog="Sandbox", ConnectionType="OPPORTUNITY_COLLABORATION",
                                           ReceiverIdentifier=profile_b, Email="a@example.com", Name="Ana",
                                           Message="hi")
    admin("POST", "/_pcentral/accounts", {"account": a, "display_name": "Alpha"})
    admin("POST", "/_pcentral/credentials", {"account": b})
    admin("POST", "/_pcentral/verification", {"account": a, "type": "BUSINESS_VERIFICATION", "status": "SUCCEEDED",
                                              "legal_name": "Alpha"})
    status, fixture = admin("GET", "/_pcentral/export?include_secrets=true")
    assert status == 200
    lists = {k: len(v) for k, v in fixture.items() if isinstance(v, list)}
    assert admin("POST", "/_pcentral/reset", {"everything": True})[0] == 200
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture))
    proc = pcentral("seed", str(path))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["seeded"] == lists
    assert {k for k, n in lists.items() if n} >= {"accounts", "partners", "profile_tasks", "invitations",
                                                   "verifications", "credentials"}


def test_requests_list_rounds_latencies(server, admin, client, pcentral):
    from helpers import new_account

    # The requests log is per node: an account whose clients talk to the node the admin calls reach.
    account = next(a for a in iter(new_account, None) if int(a) % len(server.ports) == 0)
    c = client(account)
    for _ in range(3):
        c.list_partners(Catalog="Sandbox")
    proc = pcentral("requests", "list", "--limit", "3")
    assert proc.returncode == 0, proc.stderr
    latencies = re.findall(r'"latency_ms": ([0-9.eE+-]+)', proc.stdout)
    assert len(latencies) == 3, proc.stdout
    for text in latencies:
        assert re.fullmatch(r"\d+(\.\d{1,3})?", text), f"latency {text} is not rounded"


def test_the_license_is_the_one_cargo_names():
    cargo = (REPO / "Cargo.toml").read_text()
    assert 'license = "Apache-2.0"' in cargo
    text = (REPO / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
