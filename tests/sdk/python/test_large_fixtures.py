"""A fixture of 100,000 records through every streaming path (README, Export and seed): `pcentral seed
FILE` (an upload streamed from the file, which the API's 1 MiB body limit does not cover),
`pcentral export` (pretty-printed as it arrives), `serve --seed FILE` at start, and the server's
compact export, byte for byte the same after the round trip. The server's peak memory stays a
fraction of the fixture's size: nothing holds the whole fixture.

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

N = 100_000
A = "100000000001"

pytestmark = pytest.mark.skipif(bool(os.environ.get("PCENTRAL_SUITE_DATABASE")),
                                reason="servers of its own on SQLite; the SQLite run of the suite runs it")


def connection_id(i):
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    suffix = ""
    for _ in range(13):
        suffix = alphabet[i % 32] + suffix
        i //= 32
    return "pac-" + suffix


def write_fixture(path, n):
    """n live connections of account A, each with another account, written as a hand-written fixture."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"version": 1, "connections": [')
        for i in range(n):
            if i:
                f.write(",\n")
            f.write(json.dumps({
                "catalog": "Sandbox", "id": connection_id(i), "participants": [A, "%012d" % (200_000_000_000 + i)],
                "types": {"OPPORTUNITY_COLLABORATION": {"status": "ACTIVE", "inviter_email": "ana@example.com",
                                                        "inviter_name": "Ana"}}}))
        f.write("]}\n")


class OwnServer(ServerProcess):
    def export(self):
        with urllib.request.urlopen(f"{self.endpoint}/_pcentral/export", timeout=300) as r:
            return r.read()

    def peak_rss_bytes(self):
        return self.status_field("VmHWM") * 1024


def cli(endpoint, *args, stdout=None):
    proc = subprocess.run([server_binary(), *args, "--endpoint", endpoint], stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, text=stdout is None, timeout=600, env=_server_env())
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_100k_fixture_seeds_exports_and_seeds_at_start_while_memory_stays_small(tmp_path):
    fixture = tmp_path / "fixture.json"
    write_fixture(fixture, N)
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
        assert first.peak_rss_bytes() < 3 * size, f"peak RSS {first.peak_rss_bytes()} for a {size}-byte fixture"

        # The CLI's pretty export seeds a fresh server at start; the export is the same bytes.
        second = OwnServer(tmp_path, "second", "--seed", str(pretty))
        second.wait(timeout=300)
        assert second.export() == compact
        assert second.peak_rss_bytes() < 3 * size, f"peak RSS {second.peak_rss_bytes()} for a {size}-byte fixture"
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
    write_fixture(fixture, 100)
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
