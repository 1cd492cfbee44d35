#!/usr/bin/env bash
# One-time setup for the notebooks and tests: Jupyter from Debian's packages, Chromium (renders
# the static figures), the speech synthesisers (espeak-ng, flite, festival with two of its voices;
# the speech notebook and test/speech-*.test.ts synthesise words), sox with its format plugins
# (channel simulation, and with opusenc the real encoders of test/audio-formats.test.ts and
# test/long-clips.test.ts), SPTK (the opt-in vocoder of speech:corpus --vocoded, test/speech-vocoder.test.ts), then the "TypeScript (rnnkit)" Jupyter kernel registered for this user
# (`rnnkit notebook-setup`: notebooks in any folder import 'rnnkit' from this checkout; pass
# --system to register it for all users). npm run notebooks and the tests use their own copy of the
# kernelspec (build/jupyter), whichever checkout is registered.
set -euo pipefail
cd "$(dirname "$0")/.."
NOTEBOOK_PACKAGES=(jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel chromium)
SYNTHESISER_PACKAGES=(espeak-ng flite festival festvox-kallpc16k festvox-us-slt-hts)
AUDIO_PACKAGES=(sox libsox-fmt-all opus-tools sptk)
PACKAGES=("${NOTEBOOK_PACKAGES[@]}" "${SYNTHESISER_PACKAGES[@]}" "${AUDIO_PACKAGES[@]}")
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "installed: ${missing[*]}"
fi
[ -f dist/notebook/kernel.js ] || npm run --silent build
node dist/cli.js notebook-setup "$@"
