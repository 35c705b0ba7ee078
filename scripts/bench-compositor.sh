#!/bin/sh
# Compositor benchmarks: Blindsight vs Pillow + numpy on a 12 MP JPEG and its panoptic PNG, as library
# steps in child processes (issue 3), then `blindsight composite` and `run --reasoner baseline` as
# whole processes (issue 9).
# Installs Pillow and numpy for the current user when they are missing, then runs the release build.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import PIL, numpy' 2>/dev/null; then
    "$PYTHON" -m pip install --quiet pillow numpy ||
        "$PYTHON" -m pip install --quiet --user --break-system-packages pillow numpy  # Debian's python3 (PEP 668)
fi
swift build -c release --product blindsight-bench
swift build -c release --product blindsight
BIN="$(swift build -c release --show-bin-path)"
"$BIN/blindsight-bench" compositor --python "$PYTHON" "$@"
exec "$BIN/blindsight-bench" composite-process --python "$PYTHON" "$@"
