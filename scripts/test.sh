#!/usr/bin/env bash
# The README's test command: installs missing system packages, builds, and runs every test.
# Conformance tests read third-party data from ../shared/data (or $BLINDSIGHT_TEST_DATA) and report
# themselves skipped, with the reason, when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Pillow is the reference for the JPEG comparison tests (they skip, saying why, when it is missing).
python3 -c "import PIL, numpy" 2>/dev/null || python3 -m pip install -q pillow numpy >/dev/null 2>&1 || true
swift build --build-tests
swift test --skip-build --parallel 2>&1 | tee /tmp/blindsight-test.log | grep -vE '^\[[0-9]+/[0-9]+\]' || true
exit "${PIPESTATUS[0]}"
