#!/usr/bin/env bash
# Regenerates the example transcripts in transcripts/ with the real `blindsight run` against a loopback
# fake Ollama server playing a scripted reasoner and seer (Tests/TranscriptsTests/ShippedTranscriptTests.swift),
# over the synthetic images in examples/. Each transcript's header says it was made this way.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
BLINDSIGHT_WRITE_TRANSCRIPTS=1 swift test --skip-build --filter 'ShippedTranscriptTests/writeShippedTranscripts'
ls -l transcripts
