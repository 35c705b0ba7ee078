#!/usr/bin/env bash
# Installs the Debian packages Blindsight builds against, only when they are missing.
# Safe to run repeatedly; needs root (or sudo) only when something has to be installed.
set -euo pipefail

PACKAGES=(libcurl4-openssl-dev libpng-dev libjpeg62-turbo-dev libturbojpeg0-dev libedit-dev pkg-config)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
