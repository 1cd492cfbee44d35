#!/usr/bin/env bash
# One-time setup for the notebooks: Jupyter from Debian's packages, Chromium (renders the
# static figures), espeak-ng (the speech notebook synthesises test words), and the tslab
# kernel registered against this checkout's node_modules. Also the real audio encoders the
# format tests run (test/audio-formats.test.ts, test/long-clips.test.ts): sox with its
# format plugins (μ-law/A-law WAV, FLAC, Ogg Vorbis, MP3 through libsox-fmt-mp3) and opusenc.
set -euo pipefail
cd "$(dirname "$0")/.."
NOTEBOOK_PACKAGES=(jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel chromium espeak-ng)
AUDIO_ENCODER_PACKAGES=(sox libsox-fmt-all opus-tools)
PACKAGES=("${NOTEBOOK_PACKAGES[@]}" "${AUDIO_ENCODER_PACKAGES[@]}")
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
fi
node_modules/.bin/tslab install --binary "$PWD/node_modules/.bin/tslab" --python /usr/bin/python3
