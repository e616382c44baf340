#!/usr/bin/env bash
# Installs the Debian packages Debrief needs (FFmpeg 5.1 libraries, SQLite, speech and test tools), if missing.
set -euo pipefail
# With arguments: install those packages instead of the default set.
packages=(pkg-config libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev
          libsqlite3-dev libicu-dev ffmpeg espeak-ng opencv-data)
[ $# -gt 0 ] && packages=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
