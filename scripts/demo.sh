#!/usr/bin/env bash
# The README's main-job command: installs missing packages, builds, and runs Blindsight offline on a
# shipped example. Prints where the outputs went.
# For now (until the dialogue exists) the main job is the image diagnostic: decode the shipped EXIF-rotated
# example, turn it upright, downscale it and write a PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
out="${BLINDSIGHT_DEMO_OUT:-${TMPDIR:-/tmp}/blindsight-demo}"
mkdir -p "$out"
swift build --product blindsight
swift run --skip-build blindsight image info examples/photo-rotated.jpg
swift run --skip-build blindsight image convert examples/photo-rotated.jpg "$out/photo-upright.png" --max-side 240
echo "demo: outputs in $out"
