"""A fixture of 100,000 records through every streaming path (README, Export and seed): `pcentral seed
FILE` (an upload streamed from the file, which the API's 1 MiB body limit does not cover),
`pcentral export` (pretty-printed as it arrives), `serve --seed FILE` at start, and the server's
compact export, byte for byte the same after the round trip. What these paths cost in memory is a
figure of `scripts/bench` (README, Performance), not an assertion here.

These run on servers of their own on SQLite (the streaming is the server's, whatever the backend;
seeding 100 k records on PostgreSQL takes minutes of round trips), so the PostgreSQL run of the
suite skips them."""

import json
import os
import pty
import subprocess
import urllib.request

import pytest

from conftest import _BOTO_SESSION, _NO_RETRY, SERVICE, ServerProcess, _server_env, server_binary
from helpers import write_connections_fixture

N = 100_000
A = "100000000001"

pytestmark = pytest.mark.skipif(bool(os.environ.get("PCENTRAL_SUITE_DATABASE")),
                                reason="servers of its own on SQLite; the SQLite run of the suite runs it")


class OwnServer(ServerProcess):
    def export(self):
        with urllib.request.urlopen(f"{self.endpoint}/_pcentral/export", timeout=300) as r:
            return r.read()


def cli(endpoint, *args, stdout=None):
    proc = subprocess.run([server_binary(), *args, "--endpoint", endpoint], stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, text=stdout is None, timeout=600, env=_server_env())
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_100k_fixture_seeds_exports_and_seeds_at_start_byte_for_byte(tmp_path):
    fixture = tmp_path / "fixture.json"
    write_connections_fixture(fixture, N, A)
    size = fixture.stat().st_size
    assert size > 20 * 1024 * 1024, "far above the API's 1 MiB body limit"

    first = OwnServer(tmp_path, "first")
    second = None
    try:
        first.wait(timeout=30)
        seeded = json.loads(cli(first.endpoint, "seed", str(fixture)).stdout)["seeded"]
        assert seeded["connections"] == N and sum(seeded.values()) == N, seeded
        client = _BOTO_SESSION.create_client(SERVICE, region_name="us-east-1", endpoint_url=first.endpoint,
                                             aws_access_key_id=A, aws_secret_access_key="test", config=_NO_RETRY)
        page = client.list_connections(Catalog="Sandbox", MaxResults=20)
        assert len(page["ConnectionSummaries"]) == 20 and page.get("NextToken")

        pretty = tmp_path / "export.json"
        with open(pretty, "wb") as out:
            cli(first.endpoint, "export", stdout=out)
        exported = json.loads(pretty.read_text(encoding="utf-8"))
        assert len(exported["connections"]) == N
        compact = first.export()
        assert json.loads(compact) == exported, "the CLI prints the server's export"

        # The CLI's pretty export seeds a fresh server at start; the export is the same bytes.
        second = OwnServer(tmp_path, "second", "--seed", str(pretty))
        second.wait(timeout=300)
        assert second.export() == compact
    finally:
        first.stop()
        if second:
            second.stop()


def read_terminal(master):
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


def test_seed_and_export_report_progress_on_a_terminal_only(tmp_path):
    fixture = tmp_path / "small.json"
    write_connections_fixture(fixture, 100, A)
    server = OwnServer(tmp_path, "progress")
    try:
        server.wait(timeout=30)
        for args, what in ((["seed", str(fixture)], "seed: sent"), (["export"], "export: received")):
            master, terminal = pty.openpty()
            proc = subprocess.run([server_binary(), *args, "--endpoint", server.endpoint], stdout=subprocess.PIPE,
                                  stderr=terminal, timeout=60, env=_server_env())
            os.close(terminal)
            shown = read_terminal(master)
            assert proc.returncode == 0, shown
            assert what in shown and "MB" in shown, shown
        # Without a terminal, stderr stays empty (scripts read only the answer).
        assert cli(server.endpoint, "export").stderr == ""
        cli(server.endpoint, "reset", "--everything")
        assert cli(server.endpoint, "seed", str(fixture)).stderr == ""
    finally:
        server.stop()
