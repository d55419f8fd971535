"""The README walkthrough, run as written against a fresh server.

The shell blocks of the README's "Walkthrough" section are joined and run with
bash (`set -euo pipefail`), with only these substitutions, each because the
test environment differs from a developer's terminal:
  * the server address 127.0.0.1:4599 → this test's server;
  * `$PWD/target/release` → the directory of the binary under test;
  * the venv creation line → nothing (the suite already runs in that venv,
    whose bin directory is put on PATH instead);
  * PCENTRAL_ENDPOINT points the `pcentral` CLI at this test's server.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"


def walkthrough_script():
    text = README.read_text()
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 5, "the walkthrough lost its shell blocks"
    return "\n".join(blocks)


def test_walkthrough_runs_verbatim(server, tmp_path):
    script = walkthrough_script()
    venv_line = "python3 -m venv .venv && .venv/bin/pip install --quiet -r tests/sdk/python/requirements.txt"
    assert venv_line in script
    host = server.endpoint.split("//", 1)[1]
    bin_dir = str(Path(os.environ["PCENTRAL_BIN"]).parent)
    script = (
        script.replace(venv_line, "true")
        .replace("127.0.0.1:4599", host)
        .replace("$PWD/target/release", bin_dir)
        .replace("$PWD/.venv/bin", str(Path(sys.executable).parent))
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PCENTRAL_"))}
    env["PCENTRAL_ENDPOINT"] = server.endpoint
    result = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"walkthrough failed:\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    out = result.stdout

    def expect(pattern):
        assert re.search(pattern, out, flags=re.M), f"{pattern!r} not in the walkthrough output:\n{out}"

    # What the walkthrough promises, in order. First both APIs on the one endpoint, empty for a new account.
    assert out.index('"PartnerSummaryList": []') < out.index('"OpportunitySummaries": []'), out
    expect(r"^partner-[a-z0-9]{13}$")
    assert "IN_PROGRESS" in out and "SUCCEEDED" in out
    expect(r"^pprofile-[a-z0-9]{13}$")
    assert "PRIVATE" in out
    assert "B cannot see A's partner" in out
    assert "PARTNER_NOT_FOUND" in result.stderr or "ResourceNotFoundException" in result.stderr
    # Catalog AWS: both verifications forced first, then the partner is created there.
    expect(r"^BUSINESS_VERIFICATION\tSUCCEEDED$")
    expect(r"arn:aws:partnercentral:us-east-1:222222222222:catalog/AWS/partner/partner-")
    assert '"offset_seconds": 18' in out  # 31 minutes = 1860 s
    # The connection story: B saw A's profile (not its account) on the invitation,
    # both sides read the connection, and the cancelled SUBSIDIARY type is listed.
    expect(r"^pacinv-[a-z0-9]{13}\tPENDING\tpprofile-[a-z0-9]{13}$")
    expect(r"^111111111111$")
    expect(r"^222222222222\tBeta Data$")
    connection_ids = re.findall(r"^(pac-[a-z0-9]{13})$", out, flags=re.M)
    assert len(connection_ids) >= 2 and len(set(connection_ids)) == 1, connection_ids
    expect(r"^(ACTIVE\tCANCELED|CANCELED\tACTIVE)$")
    # The Selling walkthrough: the Sandbox test solution is listed, associated and named in AWS's summary.
    expect(r"^S-9999999\tpcentral Sandbox test solution\tActive$")
    expect(r"^Co-Sell\tS-9999999$")
