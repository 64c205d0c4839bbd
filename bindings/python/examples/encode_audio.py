#!/usr/bin/env python3
"""Encode a WAV file into codec tokens [T, K], decode them back and report what came out.

    python3 encode_audio.py SPEECH.wav [--codec mulaw | --codec DIR [--manifest edgetok.json]]
                            [--bandwidth KBPS] [--codes codes.npy] [--decoded out.wav]

The codec is "mulaw" (weight-free, 16 kHz), a codec folder with an edgetok.json manifest (ONNX
encoder/decoder + native quantizer), or "lyra-v2" (searched in $EDGETOK_MODEL_PATH).
"""
import argparse

import numpy as np

import edgetok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wav")
    ap.add_argument("--codec", default="mulaw")
    ap.add_argument("--manifest")
    ap.add_argument("--bandwidth", type=float)
    ap.add_argument("--codes", help="save the int32 codes [T, K] as .npy")
    ap.add_argument("--decoded", help="write the decoded audio as a WAV file")
    a = ap.parse_args()

    x, rate = edgetok.read_wav(a.wav)                     # mono float32 at the file's rate
    with edgetok.AudioCodec(a.codec, manifest=a.manifest) as codec:
        codes = codec.encode(x, rate, bandwidth=a.bandwidth)   # int32 [T, K], resampled inside
        y = codec.decode(codes)                           # float32 at the codec's rate
        info = codec.info
    bits = codes.shape[1] * np.log2(info["codebook_size"]) * info["frame_rate"]
    print(f"{a.wav}: {x.size / rate:.2f} s at {rate} Hz -> codec {info['kind']} @ {info['sample_rate']} Hz")
    print(f"codes {codes.shape} {codes.dtype} ({info['frame_rate']:g} frames/s, {bits / 1000:.1f} kbit/s), "
          f"range {codes.min()}..{codes.max()}")
    print(f"decoded {y.shape[0]} samples ({y.shape[0] / info['sample_rate']:.2f} s)")
    if a.codes:
        np.save(a.codes, codes)
    if a.decoded:
        edgetok.write_wav(a.decoded, y, info["sample_rate"])


if __name__ == "__main__":
    main()
