#!/usr/bin/python3
"""Prints the summary of scripts/test.sh from JUnit XML reports (Swift Testing's, pytest's, the install test's).

    test-summary.py [--status NAME=CODE]... REPORT.xml...

Prints each failure, then the one summary line `N passed, N failed, N skipped`, then each skip with its
reason. A `--status` whose CODE is not 0 counts as a failure when no failing test in the reports explains
it (a crash, a report not written). With BLINDSIGHT_REQUIRE_CONFORMANCE=1, a parameterized test skipped
because it found no cases (its arguments come from conformance data that is absent) counts as failed.
Exit 1 when anything failed.
"""
import os
import sys
import xml.etree.ElementTree as ET

NO_CASES = "No test cases found."
require = os.environ.get("BLINDSIGHT_REQUIRE_CONFORMANCE") == "1"
arguments = sys.argv[1:]
statuses, reports = [], []
while arguments:
    argument = arguments.pop(0)
    if argument == "--status" and arguments:
        name, _, code = arguments.pop(0).partition("=")
        statuses.append((name, code))
    else:
        reports.append(argument)

passed, failed, skips = 0, [], []
for report in reports:
    try:
        cases = list(ET.parse(report).getroot().iter("testcase"))
    except (OSError, ET.ParseError) as error:
        failed.append(f"{report}: no readable report ({error})")
        continue
    for case in cases:
        name = f'{case.get("classname")}.{case.get("name")}'
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped")
        if failure is not None:
            failed.append(f"{name}: {failure.get('message') or (failure.text or '').strip()}")
        elif skipped is not None:
            reason = (skipped.get("message") or skipped.text or "").strip()
            if require and reason == NO_CASES:
                failed.append(f"{name}: no test cases (its conformance data is missing)")
            else:
                skips.append(f"{name}: {reason}")
        else:
            passed += 1
if not failed:
    failed += [f"{name} exited {code} without a failing test in its report" for name, code in statuses if code != "0"]

for line in failed:
    print(f"FAILED {line}")
print(f"{passed} passed, {len(failed)} failed, {len(skips)} skipped")
for line in skips:
    print(f"  skipped {line}")
sys.exit(1 if failed else 0)
