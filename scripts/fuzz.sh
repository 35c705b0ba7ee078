#!/usr/bin/env bash
# Fuzzes the untrusted-input entry points with libFuzzer (see README "Fuzzing").
#   scripts/fuzz.sh [SECONDS] [TARGET…]     SECONDS per target (default 60); all targets by default
# Builds `blindsight-fuzz` instrumented (-sanitize=fuzzer) in its own scratch folder (.build-fuzz; the
# first build takes several minutes), then runs each target from the seed corpus in fuzz/corpus/TARGET.
# New interesting inputs go to .build-fuzz/corpus/TARGET (the committed seeds stay as they are); a
# crash, leak or timeout is saved as fuzz/findings/TARGET/crash-… and ends the script with exit 1:
# replay it with `swift run blindsight-fuzz TARGET fuzz/findings/TARGET/crash-…` and make it a test.
# FUZZ_OPTIONS adds libFuzzer options (for example FUZZ_OPTIONS=-max_len=65536 for longer inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(reply sse ndjson transcript-line transcript panoptic); fi

# SwiftPM gives executables their own `main`, which calls libFuzzer's driver; lld with
# --allow-multiple-definition lets it stand beside the one in libFuzzer's runtime.
swift build -c release -j 2 --scratch-path .build-fuzz --product blindsight-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DBLINDSIGHT_FUZZ \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld -Xlinker --allow-multiple-definition \
    2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'
fuzzer=.build-fuzz/release/blindsight-fuzz

status=0
for target in "${targets[@]}"; do
    seeds=fuzz/corpus/$target
    work=.build-fuzz/corpus/$target
    findings=fuzz/findings/$target
    mkdir -p "$work" "$findings"
    largest=$(find "$seeds" -type f -printf '%s\n' | sort -n | tail -1)
    max_len=$(( ${largest:-0} * 2 > 4096 ? ${largest:-0} * 2 : 4096 ))
    log=.build-fuzz/fuzz-$target.log
    echo "fuzz.sh: $target for ${seconds}s (inputs up to $max_len bytes)"
    # The Swift runtime's backtracer would catch the crash signal before libFuzzer saves the input.
    if ! SWIFT_BACKTRACE=enable=no "$fuzzer" "$target" "$work" "$seeds" -max_total_time="$seconds" \
        -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/" ${FUZZ_OPTIONS:-} >"$log" 2>&1; then
        status=1
        echo "fuzz.sh: $target FAILED; see $log and $findings" >&2
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^Done' "$log" | sed "s/^/  $target: /" || true
done
exit $status
