#!/bin/sh
# Compositor benchmark (issue 3): Blindsight vs Pillow + numpy on a 12 MP JPEG and its panoptic PNG.
# Installs Pillow and numpy for the current user when they are missing, then runs the release build.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import PIL, numpy' 2>/dev/null; then
    "$PYTHON" -m pip install --quiet pillow numpy ||
        "$PYTHON" -m pip install --quiet --user --break-system-packages pillow numpy  # Debian's python3 (PEP 668)
fi
swift build -c release --product blindsight-bench
exec "$(swift build -c release --show-bin-path)/blindsight-bench" compositor --python "$PYTHON" "$@"
