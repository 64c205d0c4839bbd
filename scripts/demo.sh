#!/usr/bin/env bash
# The main job on a default setup: builds EdgeTok (native AOT, once), shows the active vector path,
# forecasts and tokenizes a real series with the shipped kairos-mini model (quantile table + SVG fan
# chart), and turns real speech into codec tokens and back with Lyra v2 (real pretrained weights from
# ../shared/models), mu-law and the tiny EnCodec. Outputs go to artifacts/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/artifacts/edgetok/bin/edgetok
if [ ! -x "$BIN" ] || [ -n "$(find src -newer "$BIN" -name '*.cs' -print -quit)" ]; then
  echo "(building the native library and CLI once: a few minutes)"
  "$ROOT/scripts/build-native.sh" --quick >/dev/null
fi
SHARED=${EDGETOK_SHARED:-$ROOT/../shared}
export EDGETOK_MODEL_PATH=${EDGETOK_MODEL_PATH:-$SHARED/models}
OUT=$ROOT/artifacts/demo
mkdir -p "$OUT"
SERIES="$SHARED/data/timeseries/darts/AirPassengers.csv"
SPEECH="$SHARED/data/audio/speech/librispeech/1320_00000.wav"

echo "## edgetok info"
"$BIN" info
echo
echo "## Kairos (models/kairos-mini, trained by us; evaluation in models/kairos-mini/README.md): forecast a real series"
"$BIN" ts forecast --model models/kairos-mini --input "$SERIES" --horizon 24 --infer-positive \
  --output "$OUT/forecast.npy" --svg "$OUT/forecast.svg"
echo
echo "## Kairos tokens of the same series (dynamic patches, [REG], RoPE tables)"
"$BIN" ts tokenize --model models/kairos-mini --input "$SERIES" --output-dir "$OUT/tokens" --svg "$OUT/patch-sizes.svg"
echo
echo "## Chronos mean-scale bins (weight-free ids)"
"$BIN" ts bins --input "$SERIES" --output "$OUT/bins.npy"
echo
echo "## Lyra v2 (real pretrained SoundStream, run natively): speech -> codes at 3.2 kbps -> speech, with metrics"
"$BIN" audio stream-encode --model lyra-v2 --input "$SPEECH" --chunk-ms 20 --output "$OUT/lyra-codes.npy" --svg "$OUT/lyra-codes.svg"
"$BIN" audio roundtrip --model lyra-v2 --input "$SPEECH" --bitrate 3.2 --output "$OUT/lyra-3k2.wav" --metrics
echo
echo "## mu-law (weight-free) and the tiny EnCodec (golden weights, manifest in models/)"
"$BIN" audio encode --model mulaw --input "$SPEECH" --output "$OUT/mulaw.npy"
TINY=(--model "$SHARED/golden/encodec-24k-tiny" --manifest "$ROOT/models/encodec-24k-tiny/edgetok.json")
"$BIN" audio encode "${TINY[@]}" --input "$SPEECH" --bandwidth 1.8 --output "$OUT/encodec-codes.npy"
"$BIN" audio decode "${TINY[@]}" --input "$OUT/encodec-codes.npy" --output "$OUT/encodec-decoded.wav"
echo
echo "outputs: $OUT (SVG pictures: forecast.svg fan chart, patch-sizes.svg router map, lyra-codes.svg codes heatmap)"
