#!/usr/bin/env bash
# The README's test command: installs missing system packages, builds, and runs every test.
# Conformance tests read third-party data from ../shared/data (or $BLINDSIGHT_TEST_DATA) and report
# themselves skipped, with the reason, when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Transcript tests validate written files against schemas/ with Python's jsonschema (skipped without Python).
if command -v python3 >/dev/null && ! python3 -c 'import jsonschema' 2>/dev/null; then
    python3 -m pip install -q jsonschema >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages jsonschema >/dev/null 2>&1 || true
fi
swift build --build-tests
swift test --skip-build --parallel 2>&1 | tee /tmp/blindsight-test.log | grep -vE '^\[[0-9]+/[0-9]+\]' || true
exit "${PIPESTATUS[0]}"
