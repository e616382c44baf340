#!/usr/bin/env bash
# Fuzzes every parser of outside input (VTT, SRT, text and JSON transcripts, text decoding, metadata, competency
# models, multipart bodies) with libFuzzer: a crash, a sanitizer report or an input that takes more than 5 s fails.
# Usage: scripts/fuzz.sh [RUNS] [SEED] (default 30000 inputs from seed 1, at most 10 minutes). A fixed seed and count
# make the run the same on every machine, so CI can not turn red on a new find by chance; explore with another seed
# and more runs (scripts/fuzz.sh 1000000 $RANDOM) and keep what crashes in Fuzz/crashes.
# Built in .build-fuzz with -sanitize=fuzzer,address.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30000}
seed=${2:-1}
export DEBRIEF_FUZZ=1
swift build --scratch-path .build-fuzz --product DebriefFuzz -Xswiftc -sanitize=fuzzer,address 2>&1 | tail -3
corpus=.build-fuzz/corpus
rm -rf "$corpus" && mkdir -p "$corpus"
# Seeds: real files, each behind the byte that picks its parser.
seed() { { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$corpus/$(basename "$2").$1"; }
for f in Media/*.vtt Tests/Data/star-own/*.vtt; do [ -f "$f" ] && seed 0 "$f" && seed 6 "$f"; done
for f in $(ls Tests/Data/star-own/*.txt 2>/dev/null | head -20); do seed 2 "$f"; done
for f in Media/*.yaml Media/*.json; do seed 4 "$f"; done
for f in Models/*.yaml; do seed 5 "$f"; done
printf '\001%s' $'1\n00:00:01,000 --> 00:00:02,500\nI led the team.\n' > "$corpus/srt.1"
printf '\003%s' '{"segments":[{"start":0,"end":1,"text":"hi","words":[{"word":"hi","start":0,"end":0.5,"probability":0.9}]}]}' > "$corpus/json.3"
printf '\007%s' $'--X\r\nContent-Disposition: form-data; name="candidate"\r\n\r\nAnn\r\n--X--\r\n' > "$corpus/multipart.7"
mkdir -p .build-fuzz/findings
# Every input that once crashed a parser (Fuzz/crashes) runs first: each must now pass.
.build-fuzz/debug/DebriefFuzz Fuzz/crashes/* 2>&1 | tail -2
# Their bytes seed the run too.
for f in Fuzz/crashes/*; do cp "$f" "$corpus/"; done
.build-fuzz/debug/DebriefFuzz "$corpus" -runs="$runs" -seed="$seed" -max_total_time=600 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix=.build-fuzz/findings/ -print_final_stats=1 2>&1 | tail -15
echo "fuzz: no crash, sanitizer report or hang in $runs inputs from seed $seed"
