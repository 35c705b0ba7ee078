#!/usr/bin/env bash
# Regenerates the synthetic example images in examples/ (photo + photo.panoptic.png + photo.panoptic.json)
# from TestSupport's SyntheticScene, by running the examples test in write mode.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
BLINDSIGHT_WRITE_EXAMPLES=1 swift test --skip-build --filter ExamplesTests
ls -l examples
