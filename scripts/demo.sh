#!/usr/bin/env bash
# The README's main-job command: installs missing packages, builds, and runs Blindsight offline on a
# shipped example: replays a saved dialogue (made by the project with scripted fake models) and
# recomposes its cutout from the recorded decision. Prints where the outputs went.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product blindsight
out="${BLINDSIGHT_DEMO_OUT:-${TMPDIR:-/tmp}/blindsight-demo}"
mkdir -p "$out"
swift run --skip-build blindsight replay transcripts/park-dog.jsonl \
    --out "$out/park-dog.cutout.png" --mask "$out/park-dog.mask.png" --preview "$out/park-dog.preview.png"
echo
echo "demo: replayed transcripts/park-dog.jsonl (image examples/park.jpg, sidecar segmentation beside it)"
echo "demo: outputs in $out:"
ls -l "$out"
