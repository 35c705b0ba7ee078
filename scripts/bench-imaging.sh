#!/usr/bin/env bash
# Image I/O benchmark (issue 2): Blindsight vs Pillow on a ~12 MP synthetic JPEG, release build,
# plus the TurboJPEG-vs-libjpeg API measurement behind the codec choice. Takes a few minutes to build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh  # Debian's python3-pil, the peer (run by /usr/bin/python3)
swift build -c release --product blindsight-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/blindsight-bench image --save-input "$work/photo.jpg" "$@"

# Which libjpeg-turbo API decodes faster? Same library, same file, best of 5 each.
cc -O2 -o "$work/jpeg-api" scripts/bench/jpeg-api.c -lturbojpeg -ljpeg
"$work/jpeg-api" "$work/photo.jpg" 5
