#!/usr/bin/env bash
# The README's test command (what CI runs): installs missing system packages and the Python test
# references (Debian's, run by /usr/bin/python3), builds, runs every Swift test, the reference server's
# pytest suite and the install test, and ends with ONE summary line, `N passed, N failed, N skipped`,
# followed by each skip's reason.
# Conformance tests read third-party data from ../shared/data (or $BLINDSIGHT_TEST_DATA) and report
# themselves skipped, with the reason, when it is absent; BLINDSIGHT_REQUIRE_CONFORMANCE=1 (set by
# .ci/run when ../shared/data exists) makes those skips failures.
# BLINDSIGHT_SKIP_INSTALL_TEST=1 skips scripts/test-install.sh (it is then listed as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
results=.build/test-results
mkdir -p "$results"
rm -f "$results"/*.xml

set +e
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then echo "test.sh: build failed" >&2; exit 1; fi
swift test --skip-build --parallel --xunit-output "$results/swift.xml" 2>&1 | tee /tmp/blindsight-test.log \
    | grep -vE '^\[[0-9]+/[0-9]+\]'
swift_status=${PIPESTATUS[0]}

# The reference panoptic server's tests (skipped, with the reason, when torch/transformers are absent).
/usr/bin/python3 -m pytest -q -rs servers/panoptic --junitxml="$results/pytest.xml"
python_status=$?

# The installed binary without the checkout or the Swift toolchain (scripts/test-install.sh).
install_case='<testcase classname="scripts" name="test-install.sh"'
if [ "${BLINDSIGHT_SKIP_INSTALL_TEST:-0}" = "1" ]; then
    install_result="$install_case><skipped message=\"BLINDSIGHT_SKIP_INSTALL_TEST=1\"/></testcase>"
elif scripts/test-install.sh > "$results/install.log" 2>&1; then
    install_result="$install_case/>"
else
    tail -20 "$results/install.log" >&2
    install_result="$install_case><failure message=\"see $results/install.log\"/></testcase>"
fi
echo "<testsuites><testsuite name=\"install\">$install_result</testsuite></testsuites>" > "$results/install.xml"
set -e

echo
exec /usr/bin/python3 scripts/test-summary.py --status "swift test=$swift_status" --status "pytest=$python_status" \
    "$results/swift-swift-testing.xml" "$results/pytest.xml" "$results/install.xml"
