#!/usr/bin/env bash
# The speech corpus's recorded-speaker voices outside Debian main: MBROLA (contrib) with its US and
# British English diphone voices and fifteen speakers of other languages whose diphones espeak-ng's
# mb-<xx>-en voices use for English, SVOX Pico and RHVoice with its English voices (non-free).
# Only `npm run speech:corpus` needs them (tests and transcription do not). apt reads contrib and
# non-free from a sources list of its own here, so the machine's sources stay as they are.
set -euo pipefail
ACCENTED=(af1 de2 de3 de4 de5 de6 fr1 fr4 gr2 hu1 nl2 pl1 ro1 sw1 sw2)
PACKAGES=(mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1 "${ACCENTED[@]/#/mbrola-}" libttspico-utils rhvoice rhvoice-english)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
echo "deb http://deb.debian.org/debian $codename main contrib non-free" > "$dir/sources.list"
mkdir -p "$dir/lists/partial"
APT=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=/dev/null -o "Dir::State::Lists=$dir/lists")
$SUDO apt-get "${APT[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${APT[@]}" install -y -qq "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
