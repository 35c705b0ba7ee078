#!/usr/bin/env bash
# SHA-256 of a 12 MB file: the system libcrypto (what BlindsightCore.SHA256 uses now) against the
# hand-written Swift implementation it replaced (taken from git history), both compiled with -O and
# with -Onone (debug builds, as the tests run), and coreutils' sha256sum as the peer.
#
#   scripts/bench-sha256.sh [MEGABYTES]      (default 12)
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "$(( ${1:-12} * 1000000 ))" /dev/urandom > "$work/input.bin"
git show b9fc23c:Sources/BlindsightCore/SHA256.swift > "$work/handwritten.swift"
cp Sources/BlindsightCore/SHA256.swift "$work/libcrypto.swift"
cat > "$work/main.swift" <<'SWIFT'
import Foundation
guard let data = FileManager.default.contents(atPath: CommandLine.arguments[1]) else { exit(1) }
let bytes = [UInt8](data)
var best = Double.infinity
var hex = ""
for _ in 0..<5 {
    let start = Date()
    hex = SHA256.hex(bytes)
    best = min(best, Date().timeIntervalSince(start))
}
print(String(format: "%8.1f ms  %@", best * 1000, String(hex.prefix(16))))
SWIFT
for variant in handwritten libcrypto; do
    for optimization in -O -Onone; do
        swiftc "$optimization" -I "$checkout/Sources/CCrypto" "$work/$variant.swift" "$work/main.swift" -o "$work/bench"
        printf '%-12s %-6s best of 5: ' "$variant" "$optimization"
        "$work/bench" "$work/input.bin"
    done
done
start=$(date +%s.%N)
sha256sum "$work/input.bin" | cut -c1-16
echo "sha256sum (one run, process included): $(echo "($(date +%s.%N) - $start) * 1000" | bc) ms"
