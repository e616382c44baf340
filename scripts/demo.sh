#!/usr/bin/env bash
# One command from a fresh Debian 12 + Swift machine to a running Debrief: installs what is missing, builds,
# drops the bundled Media/ samples into ./inbox, and serves the reports on http://127.0.0.1:8080/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The embedded speech recogniser (a virtual environment in ./.asr): recordings without a transcript get one.
scripts/asr-setup.sh || echo "demo: speech recognition not installed; recordings without a transcript get no content scores"
# Real Mandarin speech without a transcript (Debian's gcin-voice syllables, spelled with pypinyin from PyPI): the
# recogniser transcribes it into a Chinese report.
scripts/setup.sh gcin-voice
if [ ! -x .build/tools/bin/python ] || ! .build/tools/bin/python -c "import pypinyin" 2>/dev/null; then
  mkdir -p .build && python3 -m venv .build/tools && .build/tools/bin/pip install --quiet "pypinyin==0.55.0" \
    || echo "demo: could not install pypinyin; the Mandarin speech sample is left out"
fi
echo "demo: building debrief — SwiftPM's own progress follows (a first build took about 8 minutes on 2 cores here)"
started=$(date +%s)
swift build --product debrief
bin="$(swift build --product debrief --show-bin-path)/debrief"
[ -x "$bin" ] || { echo "demo: build failed"; exit 1; }
echo "demo: built in $(( $(date +%s) - started )) s"
mkdir -p inbox
# Each sample with its sidecars (transcript, metadata). The phone screen and the Mandarin interview name their
# model in their metadata; the English interview uses the default model (software-engineer).
cp -n Media/interview-en.mp4 Media/interview-zh.mkv Media/interview-zh.yaml \
      Media/phone-screen-en.m4a Media/phone-screen-en.vtt Media/phone-screen-en.json inbox/ 2>/dev/null || true
# The phone screen once more without its transcript: the recogniser transcribes it.
cp -n Media/phone-screen-en.m4a inbox/voicemail-en.m4a 2>/dev/null || true
cp -n Media/phone-screen-en.json inbox/voicemail-en.json 2>/dev/null || true
# A Mandarin interview of real speech, without a transcript.
if .build/tools/bin/python scripts/zh-speech.py .build/samples/zh > /dev/null 2>&1; then
  cp -n .build/samples/zh/interview-zh-speech.m4a .build/samples/zh/interview-zh-speech.yaml inbox/ 2>/dev/null || true
fi
port="${DEBRIEF_PORT:-8080}"
# A local administrator to sign in with. Its password is made once and kept (readable only by you) in the data
# directory, so that every run of the demo prints the same one.
mkdir -p debrief-data
data="$(pwd)/debrief-data"
password_file="$data/demo-admin-password"
if [ ! -s "$password_file" ]; then
  (umask 077; python3 -c "import secrets; print(secrets.token_urlsafe(15))" > "$password_file")
fi
"$bin" users add admin --role admin --password-stdin --data "$data" < "$password_file" > /dev/null
echo "demo: samples are in ./inbox; reports will appear at http://127.0.0.1:${port}/"
echo "demo: sign in as admin with password $(cat "$password_file")"
echo "demo: API: curl -H \"Authorization: Bearer \$($bin users token admin --data $data)\" http://127.0.0.1:${port}/api/v1/reports"
exec "$bin" serve --inbox "$(pwd)/inbox" --data "$data" --port "$port"
