#!/bin/sh
# Compositor benchmark (issue 3): Blindsight vs Pillow + numpy on a 12 MP JPEG and its panoptic PNG.
# The peer runs on Debian's Python with Debian's Pillow and numpy (scripts/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
PYTHON=${PYTHON:-/usr/bin/python3}
swift build -c release --product blindsight-bench
exec "$(swift build -c release --show-bin-path)/blindsight-bench" compositor --python "$PYTHON" "$@"
