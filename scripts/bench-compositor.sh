#!/bin/sh
# Compositor benchmarks: Blindsight vs Pillow + numpy on a 12 MP JPEG and its panoptic PNG, as library
# steps in child processes (issue 3), then `blindsight composite` and `run --reasoner baseline` as
# whole processes (issue 9).
# The peer runs on Debian's Python with Debian's Pillow and numpy (scripts/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
PYTHON=${PYTHON:-/usr/bin/python3}
swift build -c release --product blindsight-bench
swift build -c release --product blindsight
BIN="$(swift build -c release --show-bin-path)"
"$BIN/blindsight-bench" compositor --python "$PYTHON" "$@"
exec "$BIN/blindsight-bench" composite-process --python "$PYTHON" "$@"
