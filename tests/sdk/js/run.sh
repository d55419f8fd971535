#!/usr/bin/env bash
# Runs the JavaScript v3 suite (node's built-in test runner) against the pcentral binary.
#   tests/sdk/js/run.sh [extra node --test args]
# Installs the pinned @aws-sdk/client-partnercentral-account and
# @aws-sdk/client-partnercentral-selling (package-lock.json) into
# ./node_modules with `npm ci` when the lock changed, starts the server on a free loopback
# port with a fresh data dir, runs the tests, and stops the server.
# Env: PCENTRAL_BIN (default <repo>/target/debug/pcentral, built with cargo when missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
STAMP="$HERE/.stamp-npm"

lock_hash="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -d "$HERE/node_modules" ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_hash" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" > "$STAMP"
fi

PCENTRAL_BIN="${PCENTRAL_BIN:-$REPO/target/debug/pcentral}"
if [ ! -x "$PCENTRAL_BIN" ]; then
    (cd "$REPO" && cargo build -p pcentral-server)
fi
if [ ! -x "$PCENTRAL_BIN" ]; then
    echo "run.sh: server binary not found at $PCENTRAL_BIN" >&2
    exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pcentral-js.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
ENDPOINT="http://127.0.0.1:$PORT"
# Only the flags below decide where the server listens and keeps data.
BIN="$PCENTRAL_BIN"
(
    for name in $(compgen -e); do
        case "$name" in PCENTRAL_*) unset "$name" ;; esac
    done
    exec "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$WORK/data"
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ENDPOINT="$ENDPOINT" node -e '
const deadline = Date.now() + 20000;
(async () => {
  for (;;) {
    try {
      const r = await fetch(process.env.ENDPOINT + "/_pcentral/health");
      if (r.status === 200) return;
    } catch {}
    if (Date.now() > deadline) { console.error("pcentral not healthy within 20 s"); process.exit(1); }
    await new Promise((ok) => setTimeout(ok, 50));
  }
})();' || { tail -n 40 "$WORK/server.log" >&2; exit 1; }

cd "$HERE"
status=0
PCENTRAL_ENDPOINT="$ENDPOINT" node --test "$@" test/ || status=$?
if [ "$status" != 0 ]; then
    echo "---- server log (last 40 lines) ----" >&2
    tail -n 40 "$WORK/server.log" >&2
fi
exit "$status"
