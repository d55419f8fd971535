# Sourced by the suites' run.sh: one way to keep a venv with pinned packages.
#   pinned_venv VENV REQUIREMENTS
# creates VENV when missing and installs REQUIREMENTS into it, again whenever
# the requirements file changes (its hash is kept inside the venv). Nothing
# is installed outside VENV.
pinned_venv() {
    local venv="$1" req="$2" stamp="$1/requirements-sha256" hash
    hash="$(sha256sum "$req" | cut -d' ' -f1)"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
        echo "$hash" > "$stamp"
    fi
}
