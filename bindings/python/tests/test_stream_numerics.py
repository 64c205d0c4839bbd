"""Numerics at the streaming ABI, as Python apps meet them: a chunk holding NaN, an infinity or a sample
beyond +-1e30 is refused whole (INVALID_ARGUMENT) and the stream goes on as if it never came; silence,
denormals, 4x clipping and samples up to 1e30 stream to codes in range and finite decoded audio;
resampling inside the stream keeps samples near float max finite."""
import numpy as np
import pytest

import edgetok
from conftest import SHARED

LYRA = SHARED / "models" / "lyra-v2"
INVALID_ARGUMENT = 1


def speech(rate):
    x, _ = edgetok.read_wav(str(SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"), sample_rate=rate)
    return x[: rate].astype(np.float32)


def run(s, parts):
    out = []
    for p in parts:
        s.push(p)
        out.append(s.pull())
    s.flush()
    out.append(s.pull())
    return np.concatenate(out)


@pytest.mark.parametrize("model,rate", [("mulaw", 16000), ("mulaw", 48000), ("lyra", 48000)])
def test_bad_chunks_are_refused_whole(model, rate):
    x = speech(rate)
    parts = [x[: len(x) // 2 + 5], x[len(x) // 2 + 5:]]
    with edgetok.AudioCodec(str(LYRA) if model == "lyra" else "mulaw") as codec:
        with codec.encoder_stream(rate) as s:
            clean = run(s, parts)
        with codec.encoder_stream(rate) as s:
            got = [None]
            s.push(parts[0])
            got[0] = s.pull()
            for bad in (np.nan, np.inf, -np.inf, 1.5e30, -3.4e38):
                chunk = np.full(300, 0.25, dtype=np.float32)
                chunk[42] = bad
                with pytest.raises(edgetok.EdgeTokError) as e:
                    s.push(chunk)
                assert e.value.status == INVALID_ARGUMENT and "sample 42" in str(e.value)
                assert s.frames_available == 0
            s.push(parts[1])
            got.append(s.pull())
            s.flush()
            got.append(s.pull())
        assert np.array_equal(np.concatenate(got), clean)


@pytest.mark.parametrize("model,rate", [("mulaw", 48000), ("lyra", 48000), ("lyra", 16000)])
def test_silence_denormals_clipping_and_huge_samples(model, rate):
    n = rate // 4
    t = np.arange(n, dtype=np.float32)
    parts = [np.zeros(n, np.float32), np.full(n, 1e-40, np.float32), (4 * np.sin(t / 7)).astype(np.float32),
             np.where(t % 2 == 0, 1e30, -1e30).astype(np.float32)]
    with edgetok.AudioCodec(str(LYRA) if model == "lyra" else "mulaw") as codec:
        with codec.encoder_stream(rate) as s:
            codes = run(s, parts)
        assert codes.min() >= 0 and codes.max() < codec.info["codebook_size"]
        assert np.array_equal(codes, codec.encode(np.concatenate(parts), rate))
        with codec.decoder_stream() as d:
            d.push(codes)
            d.flush()
            pcm = d.pull()
        assert np.isfinite(pcm).all() and len(pcm) == len(codes) * codec.info["hop_length"]
