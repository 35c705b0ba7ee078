#!/usr/bin/env bash
# The README's test command: installs missing system packages, builds, and runs every test.
# Conformance tests read third-party data from ../shared/data (or $BLINDSIGHT_TEST_DATA) and report
# themselves skipped, with the reason, when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Python references for some tests (each skips, saying why, when its package is missing):
# Pillow for the JPEG comparisons, jsonschema for transcript validation, pytest for the reference server.
python3 -c "import PIL, numpy, jsonschema, pytest" 2>/dev/null \
    || python3 -m pip install -q pillow numpy jsonschema pytest >/dev/null 2>&1 || true

set +e
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then echo "test.sh: build failed" >&2; exit 1; fi
swift test --skip-build --parallel 2>&1 | tee /tmp/blindsight-test.log | grep -vE '^\[[0-9]+/[0-9]+\]'
swift_status=${PIPESTATUS[0]}
set -e

# The reference panoptic server's tests (skipped, with the reason, when torch/transformers are absent).
python_status=0
if python3 -c "import pytest" 2>/dev/null; then
    python3 -m pytest -q -rs servers/panoptic || python_status=$?
else
    echo "test.sh: pytest not available; reference server tests not run" >&2
fi

if [ "$swift_status" -ne 0 ]; then echo "test.sh: swift test failed (exit $swift_status)" >&2; fi
if [ "$python_status" -ne 0 ]; then echo "test.sh: reference server tests failed (pytest exit $python_status)" >&2; fi
if [ "$swift_status" -ne 0 ] || [ "$python_status" -ne 0 ]; then exit 1; fi
