#!/usr/bin/env bash
# The Python distribution as people install it: builds the pcentral wheel with maturin
# from the dev build the suite already made (no second Rust build), installs it with its
# extra `pytest` into a fresh venv with the example project's pinned requirements, and
# runs, with PCENTRAL_BIN unset so that the wheel's own binary serves:
#   1. the example project's suite (examples/pytest-project), through the wheel's fixtures;
#   2. this folder's tests of the package (test_package.py).
# maturin is pinned in python/requirements-build.txt and installed into target/wheel-tools.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
TOOLS="$REPO/target/wheel-tools"
VENV="$REPO/target/wheel-venv"
WHEELS="$REPO/target/wheels"
REQ="$REPO/python/requirements-build.txt"

# shellcheck source=../pinned-venv.sh
. "$REPO/tests/pinned-venv.sh"
pinned_venv "$TOOLS" "$REQ"

rm -f "$WHEELS"/pcentral-*.whl
# The dev profile: cargo finds the binary scripts/test built up to date and only packs it.
# With PCENTRAL_WHEEL_REUSE_BUILD=1 (scripts/test sets it) compiling anything is an error:
# it would be a second Rust build in CI.
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
(cd "$REPO" && "$TOOLS/bin/maturin" build --profile dev --locked --out "$WHEELS") 2>&1 | tee "$build_log"
if [ "${PCENTRAL_WHEEL_REUSE_BUILD:-}" = 1 ] && grep -q '^ *Compiling ' "$build_log"; then
    echo "wheel/run.sh: maturin compiled Rust code instead of reusing the build phase's binary" >&2
    exit 1
fi
wheel=("$WHEELS"/pcentral-*.whl)
[ "${#wheel[@]}" = 1 ] && [ -f "${wheel[0]}" ] || { echo "wheel/run.sh: expected one wheel in $WHEELS" >&2; exit 1; }

rm -rf "$VENV"
python3 -m venv "$VENV"
# With the extra `pytest`, as the README tells users to install it.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "${wheel[0]}[pytest]" -r "$REPO/examples/pytest-project/requirements.txt"

unset PCENTRAL_BIN
echo "-- the example project (examples/pytest-project) against the installed wheel"
(cd "$REPO/examples/pytest-project" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@")
echo "-- the package's own tests (tests/wheel)"
(cd "$HERE" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@")
