#!/usr/bin/env bash
# Checks that an installed blindsight runs without the checkout and without the Swift toolchain:
# installs into a temporary PREFIX with scripts/install.sh, copies the binary into a folder holding no
# checkout, checks that `ldd` lists no libswift*/libFoundation* library and nothing under /opt/swift,
# then, in a private mount namespace where /opt/swift is covered by an empty tmpfs (so the toolchain's
# library folder is really gone) and with LD_LIBRARY_PATH unset, runs `run --reasoner baseline`,
# `segments`, `composite`, `replay` (recompose and --rerun with the embedded prompts) and
# `prompts check` on copies of the shipped examples and transcripts.
#
#   scripts/test-install.sh            (exit 0 when every check passes; needs root for unshare)
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

scripts/install.sh "$work/prefix" >/dev/null
for file in bin/blindsight share/bash-completion/completions/blindsight share/zsh/site-functions/_blindsight \
    share/fish/vendor_completions.d/blindsight.fish share/man/man1/blindsight.1 share/man/man1/blindsight.prompts.1; do
    [ -s "$work/prefix/$file" ] || { echo "test-install: $file was not installed" >&2; exit 1; }
done

mkdir -p "$work/elsewhere" "$work/data"
cp "$work/prefix/bin/blindsight" "$work/elsewhere/"
cp -r "$checkout/examples" "$checkout/transcripts" "$work/data/"
if ldd "$work/elsewhere/blindsight" | grep -E 'libswift|libFoundation|libdispatch|/opt/swift'; then
    echo "test-install: the binary still links the Swift toolchain's libraries (above)" >&2
    exit 1
fi

cat > "$work/checks.sh" <<'CHECKS'
set -eu
mount -t tmpfs none /opt/swift
[ -z "$(ls -A /opt/swift)" ] || { echo "test-install: /opt/swift is not hidden" >&2; exit 1; }
unset LD_LIBRARY_PATH
cd "$1/data"
bs="$1/elsewhere/blindsight"
out="$1/out"
mkdir -p "$out"
# Runs a step; on failure prints what it said and stops.
step() {
    name=$1
    shift
    echo "test-install: $name" >&2
    "$@" > "$out/step.log" 2>&1 || { cat "$out/step.log" >&2; echo "test-install: $name failed" >&2; exit 1; }
}
expect() { grep -q "$1" "$out/step.log" || { cat "$out/step.log" >&2; echo "test-install: expected '$1'" >&2; exit 1; }; }
step "segments" "$bs" segments examples/park.jpg
expect "dog"
step "composite" "$bs" composite examples/park.jpg --keep-label dog --out "$out/composite.png" \
    --mask "$out/composite.mask.png" --preview "$out/composite.preview.png"
step "run --reasoner baseline" env HOME="$out/home" "$bs" run examples/park.jpg --reasoner baseline \
    --instruction "keep the dog" --out "$out/run.png" --mask "$out/run.mask.png" --no-transcript
expect "keep 4 (dog)"
step "replay (recompose)" "$bs" replay transcripts/park-dog.jsonl --quiet --out "$out/replay.png"
step "replay --rerun (embedded prompts)" "$bs" replay transcripts/park-dog.jsonl --rerun --quiet
expect "no divergence"
for set in default zh survey; do step "prompts check $set" "$bs" prompts check "$set"; done
for file in composite.png composite.mask.png run.png run.mask.png replay.png; do
    [ -s "$out/$file" ] || { echo "test-install: $file missing" >&2; exit 1; }
done
CHECKS
unshare --mount sh "$work/checks.sh" "$work"
echo "test-install: the installed binary runs segments, composite, run --reasoner baseline, replay and prompts check with /opt/swift hidden"
