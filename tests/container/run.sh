#!/usr/bin/env bash
# The container image test (test_image.py), with the Python suite's venv (pytest, PyYAML).
# Needs podman; builds into private storage under a temporary directory.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
"$REPO/tests/sdk/python/run.sh" --venv-only
cd "$HERE"
exec "$REPO/tests/sdk/python/.venv/bin/python" -m pytest -q -rs -p no:cacheprovider "$@"
