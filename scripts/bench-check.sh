#!/usr/bin/env bash
# Runs the package-benchmark suites (release build) and checks them against the committed thresholds in
# Benchmarks/Thresholds (tolerances are declared next to each benchmark). A regression fails; an improvement passes
# with a note to update the thresholds (`swift package benchmark` exits non-zero for both, so the verdict is read
# from its output).
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
swift package benchmark thresholds check --path Benchmarks/Thresholds --no-progress 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "is WORSE than" "$log"; then
  echo "bench-check: performance regression beyond the committed tolerance"
  exit 1
fi
if grep -q "is BETTER than" "$log"; then
  echo "bench-check: faster than the committed thresholds; update them with:"
  echo "  swift package --allow-writing-to-package-directory benchmark thresholds update --path Benchmarks/Thresholds"
  exit 0
fi
# The recogniser end to end (issue 27): ten minutes without a transcript, English and Chinese, against the in-run
# floors of Benchmarks/Thresholds/recognition-floor.json (realtime factor, the recogniser's peak memory).
if [ -x .asr/bin/python ]; then
  [ -x .build/debug/debrief ] || swift build --product debrief
  .build/debug/debrief bench recognition --check || { echo "bench-check: speech recognition below its floors"; exit 1; }
elif [ -n "${CI:-}" ]; then
  echo "bench-check: the embedded recogniser is not installed (scripts/asr-setup.sh)"; exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "bench-check: the benchmark run failed (exit $status)"
  exit "$status"
fi
