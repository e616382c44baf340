#!/usr/bin/env bash
# One command from a fresh Debian 12 + Swift machine to a running Debrief: installs what is missing, builds,
# drops the bundled Media/ samples into ./inbox, and serves the reports on http://127.0.0.1:8080/ (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The embedded speech recogniser (a virtual environment in ./.asr): recordings without a transcript get one.
scripts/asr-setup.sh || echo "demo: speech recognition not installed; recordings without a transcript get no content scores"
echo "demo: building debrief (first build takes a few minutes)"
swift build --product debrief 2>&1 | grep -E "error|warning: unre|Compiling debrief|Build" || true
bin=$(swift build --product debrief --show-bin-path)/debrief
[ -x "$bin" ] || { echo "demo: build failed"; exit 1; }
mkdir -p inbox
# Each sample with its sidecars (transcript, metadata). The phone screen and the Mandarin interview name their
# model in their metadata; the English interview uses the default model (software-engineer).
cp -n Media/interview-en.mp4 Media/interview-zh.mkv Media/interview-zh.yaml \
      Media/phone-screen-en.m4a Media/phone-screen-en.vtt Media/phone-screen-en.json inbox/ 2>/dev/null || true
# The phone screen once more without its transcript: the recogniser transcribes it.
cp -n Media/phone-screen-en.m4a inbox/voicemail-en.m4a 2>/dev/null || true
cp -n Media/phone-screen-en.json inbox/voicemail-en.json 2>/dev/null || true
port="${DEBRIEF_PORT:-8080}"
# A local administrator to sign in with. Its password is made once and kept (readable only by you) in the data
# directory, so that every run of the demo prints the same one.
mkdir -p debrief-data
password_file=debrief-data/demo-admin-password
if [ ! -s "$password_file" ]; then
  (umask 077; python3 -c "import secrets; print(secrets.token_urlsafe(15))" > "$password_file")
fi
"$bin" users add admin --role admin --password-stdin --data debrief-data < "$password_file" > /dev/null
echo "demo: samples are in ./inbox; reports will appear at http://127.0.0.1:${port}/"
echo "demo: sign in as admin with password $(cat "$password_file")"
echo "demo: API: curl -H \"Authorization: Bearer \$($bin users token admin --data debrief-data)\" http://127.0.0.1:${port}/api/v1/reports"
exec "$bin" serve --inbox inbox --data debrief-data --port "$port"
