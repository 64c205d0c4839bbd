#!/usr/bin/env bash
# The main job on a default setup: builds EdgeTok (native AOT, once), shows the build and the active
# vector path, and tokenizes real data from ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/artifacts/edgetok/bin/edgetok
if [ ! -x "$BIN" ] || [ -n "$(find src -newer "$BIN" -name '*.cs' -print -quit)" ]; then
  "$ROOT/scripts/build-native.sh" --quick >/dev/null
fi
SHARED=${EDGETOK_SHARED:-$ROOT/../shared}

echo "## edgetok info"
"$BIN" info
echo
echo "## a real WAV file, down-mixed and resampled to 16 kHz"
"$BIN" audio probe --input "$SHARED/data/audio/environmental/librosa/456440__inspectorj__bird-whistling-robin-single-13.hq.wav" --rate 16000
