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
# shellcheck source=../pinned-venv.sh
. "$REPO/tests/pinned-venv.sh"
pinned_venv "$VENV" "$HERE/requirements.txt"

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
