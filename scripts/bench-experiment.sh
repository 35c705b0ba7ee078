#!/bin/sh
# Experiment runner benchmark (issue 10): 40 runs at concurrency 8 against a loopback fake model server
# answering every request after 200 ms (wall time vs the ideal, Σ model latency / 8), then peak RSS of
# 100 and 1,000 runs (instant replies), each in a fresh process, with summaries and report.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product blindsight-bench
bench="$(swift build -c release --show-bin-path)/blindsight-bench"
"$bench" experiment --runs 40 --concurrency 8 --delay 0.2
"$bench" experiment --runs 100 --concurrency 8 --delay 0 --report
"$bench" experiment --runs 1000 --concurrency 8 --delay 0 --report
