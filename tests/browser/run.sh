#!/usr/bin/env bash
# Browser tests of the web console: a real headless Chromium (Debian's
# `chromium` and `chromium-driver` packages) driven by selenium, pinned in
# requirements.txt, against the built pcentral binary.
#   tests/browser/run.sh [extra pytest args]
# Env: PCENTRAL_BIN (default <repo>/target/debug/pcentral), CHROMIUM and
# CHROMEDRIVER (default /usr/bin/chromium, /usr/bin/chromedriver),
# PCENTRAL_SCREENSHOTS (where screenshots go; default tests/browser/.screenshots).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    echo "browser tests skipped: chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
    exit 0
fi

VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$HERE/.stamp-requirements"
fresh_venv=0
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    fresh_venv=1
fi
req_hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ "$fresh_venv" = 1 ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$req_hash" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
    echo "$req_hash" > "$STAMP"
fi

export PCENTRAL_BIN="${PCENTRAL_BIN:-$REPO/target/debug/pcentral}"
if [ ! -x "$PCENTRAL_BIN" ]; then
    (cd "$REPO" && cargo build -p pcentral-server)
fi
export PCENTRAL_SCREENSHOTS="${PCENTRAL_SCREENSHOTS:-$HERE/.screenshots}"
# Selenium's driver manager must never run (it would download a browser): the
# driver path is always given; this makes any attempt fail at once instead.
export SE_MANAGER_PATH=/bin/false

cd "$HERE"
exec "$VENV/bin/python" -m pytest -q "$@"
