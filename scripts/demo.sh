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
echo
echo "## real speech (22.05 kHz) -> audio codec codes and back: tiny EnCodec (golden weights, manifest in models/), mu-law"
TMP=$(mktemp -d)
TINY=(--model "$SHARED/golden/encodec-24k-tiny" --manifest "$ROOT/models/encodec-24k-tiny/edgetok.json")
SPEECH="$SHARED/data/audio/speech/ljspeech/LJ001-0002.wav"
"$BIN" audio info "${TINY[@]}"
"$BIN" audio encode "${TINY[@]}" --input "$SPEECH" --bandwidth 1.8 --output "$TMP/codes.npy"
"$BIN" audio decode "${TINY[@]}" --input "$TMP/codes.npy" --output "$TMP/decoded.wav"
"$BIN" audio encode --model mulaw --input "$SPEECH" --output "$TMP/mulaw.npy"
rm -rf "$TMP"
