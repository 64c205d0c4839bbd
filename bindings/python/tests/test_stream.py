"""Streaming encoders/decoders through the Python binding: a real speech clip streamed in chunks gives
exactly the offline codes (Lyra v2, mu-law); decoder streams; push after flush; reset; wrong K."""
import numpy as np
import pytest

import edgetok
from conftest import SHARED

LYRA = SHARED / "models" / "lyra-v2"
CLIP = SHARED / "data" / "audio" / "speech" / "jfk" / "jfk.wav"


def load_clip(seconds):
    import wave
    with wave.open(str(CLIP)) as w:
        sr = w.getframerate()
        x = np.frombuffer(w.readframes(int(seconds * sr)), dtype="<i2").astype(np.float32) / 32768
        if w.getnchannels() > 1:
            x = x.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.float32)
    return x, sr


def stream_codes(s, x, chunk):
    out = []
    rng = np.random.default_rng(3)
    at = 0
    while at < len(x):
        n = chunk if chunk > 0 else int(rng.integers(1, 2000))
        s.push(x[at:at + n])
        at += n
        out.append(s.pull())
    s.flush()
    out.append(s.pull())
    return np.concatenate(out)


@pytest.mark.parametrize("model", ["mulaw", "lyra"])
@pytest.mark.parametrize("chunk_ms", [10, 20, 37, 0])
def test_stream_equals_offline(model, chunk_ms):
    x, sr = load_clip(2.0)
    with edgetok.AudioCodec(str(LYRA) if model == "lyra" else "mulaw") as codec:
        offline = codec.encode(x, sr)
        with codec.encoder_stream(sr) as s:
            assert s.codebooks == codec.codebooks
            got = stream_codes(s, x, sr * chunk_ms // 1000)
        assert got.shape == offline.shape
        assert np.array_equal(got, offline)


def test_lyra_decoder_stream_and_errors():
    x, sr = load_clip(1.0)
    with edgetok.AudioCodec(str(LYRA)) as codec:
        assert codec.kind == "lyra" and codec.codebooks == 46 and codec.sample_rate == 16000
        codes = codec.encode(x, sr, bandwidth=3.2)
        assert codes.shape[1] == 16
        offline = codec.decode(codes)
        with codec.decoder_stream(n_codebooks=16) as d:
            parts = []
            for t in range(0, len(codes), 3):
                d.push(codes[t:t + 3])
                parts.append(d.pull())
            d.flush()
            parts.append(d.pull())
            assert np.array_equal(np.concatenate(parts), offline)
            with pytest.raises(edgetok.EdgeTokError):
                d.push(codes[:1])            # after flush
            d.reset()
            with pytest.raises(edgetok.EdgeTokError):
                d.push(np.zeros((1, 46), dtype=np.int32))   # wrong K
        with codec.encoder_stream(sr, bandwidth=3.2) as s:
            assert s.codebooks == 16 and s.latency_samples == 320
            s.push(x[:1000])
            s.flush()
            assert len(s.pull()) == 4
            with pytest.raises(edgetok.EdgeTokError):
                s.push(x[:10])
            s.reset()
            s.push(x[:640])
            assert s.frames_available == 2
        with pytest.raises(edgetok.EdgeTokError):
            codec.encoder_stream(0)


def test_stream_at_44k_equals_offline():
    x, sr = load_clip(1.0)
    with edgetok.AudioCodec("mulaw") as codec:
        y = edgetok.resample(x, sr, 44100)
        offline = codec.encode(y, 44100)
        with codec.encoder_stream(44100) as s:
            assert np.array_equal(stream_codes(s, y, 1631), offline)
