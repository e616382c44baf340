#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Real speech with Praat references for the prosody accuracy tests (../shared/data/prosody-dev).
scripts/setup.sh alsa-utils codec2-examples asterisk-core-sounds-en-wav
swift test "$@"
