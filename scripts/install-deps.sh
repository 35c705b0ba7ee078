#!/usr/bin/env bash
# Installs the Debian packages Blindsight builds against and the test references, only when missing:
# the C libraries, Debian's Python with Pillow, numpy, jsonschema and pytest (the tests run
# /usr/bin/python3, never a pip install), and chromium for the browser tests (best effort: those
# tests report themselves skipped, with the reason, when it cannot be installed).
# Safe to run repeatedly; needs root (or sudo) only when something has to be installed.
set -euo pipefail

PACKAGES=(libcurl4-openssl-dev libpng-dev libjpeg62-turbo-dev libturbojpeg0-dev libedit-dev libssl-dev pkg-config
    python3 python3-pil python3-numpy python3-jsonschema python3-pytest)
OPTIONAL=(chromium)

missing_from() {
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            echo "$pkg"
        fi
    done
}

mapfile -t missing < <(missing_from "${PACKAGES[@]}")
mapfile -t missing_optional < <(missing_from "${OPTIONAL[@]}")
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing_optional[*]} (optional)" >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" >/dev/null \
        || echo "install-deps: could not install ${missing_optional[*]}; the browser tests will be skipped" >&2
fi
