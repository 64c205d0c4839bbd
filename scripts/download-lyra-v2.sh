#!/bin/sh
# Downloads Google's Lyra v2 (SoundStream) model files from the original repository, google/lyra
# (Apache-2.0), into a model folder EdgeTok can load with `LyraCodec.Load(folder)`:
#
#   scripts/download-lyra-v2.sh [DEST]        (default DEST: models/lyra-v2)
#
# The files are the ones in lyra/model_coeffs/ at commit 47698da; each is checked against its
# SHA-256 so a changed upstream file is reported instead of silently used. EdgeTok does not bundle
# these files: the licence (LICENSE, fetched alongside) travels with them.
set -eu

DEST="${1:-models/lyra-v2}"
REV="${LYRA_REV:-47698da}"
BASE="https://raw.githubusercontent.com/google/lyra/${REV}"

mkdir -p "$DEST"

fetch() {
  name="$1"; src="$2"; sum="$3"
  echo "fetching $name"
  curl -fsSL -o "$DEST/$name.part" "$BASE/$src"
  got=$(sha256sum "$DEST/$name.part" | cut -d' ' -f1)
  if [ "$got" != "$sum" ]; then
    echo "error: $name has sha256 $got, expected $sum (upstream changed? set LYRA_REV)" >&2
    rm -f "$DEST/$name.part"
    exit 1
  fi
  mv "$DEST/$name.part" "$DEST/$name"
}

fetch soundstream_encoder.tflite lyra/model_coeffs/soundstream_encoder.tflite 237da0b16226fb0a68d49551c81bebf614e42142af72764448359f68581e88f1
fetch quantizer.tflite           lyra/model_coeffs/quantizer.tflite           841ee05989687d32d1f616a8ad1419fc7eda37599d3c05c7cf5a0d60ccf8ac5c
fetch lyragan.tflite             lyra/model_coeffs/lyragan.tflite             50e7839cda4f30599a3a34cfaddcd9c98449b049eee884e1a74295780448ad06
fetch lyra_config.binarypb       lyra/model_coeffs/lyra_config.binarypb       2d88972e9536ba54deed37db380728b3c58eab9bca1d173ae523098b0774cdf5
fetch LICENSE                    LICENSE                                      cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30

echo "Lyra v2 models in $DEST"
