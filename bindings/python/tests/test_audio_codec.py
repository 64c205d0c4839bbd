"""Audio codecs through the Python binding: the weight-free mu-law codec, the tiny EnCodec golden model
(codes and audio against the reference), real clips at several rates, bad input, threads."""
import threading
import wave

import numpy as np
import pytest

import edgetok
from conftest import ROOT, SHARED

GOLDEN = SHARED / "golden" / "encodec-24k-tiny"
MANIFEST = ROOT / "models" / "encodec-24k-tiny" / "edgetok.json"


def f32(name):
    return np.fromfile(GOLDEN / name, dtype="<f4")


def i32(name):
    return np.fromfile(GOLDEN / name, dtype="<i4")


def read_pcm16(path):
    """Independent WAV reader (stdlib): float32 [samples] or [samples, channels], and the rate."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        ch = w.getnchannels()
        return (x if ch == 1 else x.reshape(-1, ch)), w.getframerate()


@pytest.fixture(scope="module")
def encodec():
    with edgetok.AudioCodec(GOLDEN, manifest=MANIFEST) as c:
        yield c


def test_mulaw_info_and_known_codes():
    with edgetok.AudioCodec("mulaw") as c:
        assert c.info == {"kind": "mulaw", "sample_rate": 16000, "channels": 1, "hop_length": 1, "frame_rate": 16000.0,
                          "codebooks": 1, "codebook_size": 256, "latent_dim": 0}
        codes = c.encode(np.array([0.0, 2.0, -1.0, 0.5], dtype=np.float32), 16000)
        assert codes.dtype == np.int32 and codes.shape == (4, 1)
        assert codes[:, 0].tolist() == [128, 255, 0, 239]
        y = c.decode(codes)
        assert y.dtype == np.float32 and y.shape == (4,)
        assert abs(y[1] - 1) < 1e-6 and abs(y[2] + 1) < 1e-6 and abs(y[3] - 0.5) < 0.01
        # Any rate: 48 kHz is resampled to 16 kHz, stereo mixed to mono.
        stereo = np.zeros((4800, 2), dtype=np.float32)
        assert c.encode(stereo, 48000).shape == (1600, 1)


def test_encodec_codes_and_audio_match_the_reference(encodec):
    assert encodec.kind == "encodec" and encodec.sample_rate == 24000 and encodec.codebooks == 8
    wav = f32("caseA_wav.f32")
    for tag, bw, nq in (("0p9", 0.9, 2), ("1p8", 1.8, 4), ("3p6", 3.6, 8)):
        codes = encodec.encode(wav, 24000, bandwidth=bw)
        assert codes.shape == (75, nq)
        np.testing.assert_array_equal(codes, i32(f"caseA_codes_bw{tag}.i32").reshape(nq, 75).T)
        y = encodec.decode(codes)
        assert y.shape == (24000,) and np.abs(y - f32(f"caseA_dec_bw{tag}.f32")).max() <= 1e-4
    three = encodec.encode(wav, 24000, n_codebooks=3)
    np.testing.assert_array_equal(three, encodec.encode(wav, 24000)[:, :3])
    assert encodec.codebooks_for(bandwidth=1.8) == 4 and encodec.codebooks_for() == 8
    # int64 codes (as torch returns them) are accepted.
    assert encodec.decode(three.astype(np.int64)).shape == (24000,)


def test_encodec_non_multiple_of_hop(encodec):
    codes = encodec.encode(f32("onnxcheck_wav_24123.f32"), 24000)
    assert codes.shape == (76, 8)
    assert encodec.decode(codes).shape == (76 * 320,)


@pytest.mark.parametrize("clip", ["speech/fsdd/0_jackson_0.wav", "speech/cmu_arctic/cmu_arctic_us_aew_a0001.wav",
                                  "speech/ljspeech/LJ001-0002.wav", "speech/vctk/p240_00000.wav",
                                  "speech/alsa/Front_Center.wav"])
def test_real_clips_at_several_rates(encodec, clip):
    x, rate = read_pcm16(SHARED / "data" / "audio" / clip)
    n24 = round(len(x) * 24000 / rate)   # the resampler's length rule
    codes = encodec.encode(x, rate, bandwidth=1.8)
    assert codes.shape == (-(-n24 // 320), 4)
    assert 0 <= codes.min() and codes.max() < 64
    y = encodec.decode(codes)
    assert y.shape == (codes.shape[0] * 320,) and np.isfinite(y).all()
    with edgetok.AudioCodec("mulaw") as mu:
        n16 = round(len(x) * 16000 / rate)
        c = mu.encode(x, rate)
        assert c.shape == (n16, 1)
        if rate == 16000:
            err = mu.decode(c) - np.clip(x, -1, 1)
            assert 10 * np.log10((x.astype(np.float64) ** 2).sum() / (err.astype(np.float64) ** 2).sum()) > 25


def test_bad_input(encodec):
    wav = f32("caseA_wav.f32")
    with pytest.raises(TypeError):
        encodec.encode(wav.astype(np.float64), 24000)
    bad = wav.copy()
    bad[100] = np.nan
    with pytest.raises(edgetok.EdgeTokError) as e:
        encodec.encode(bad, 24000)
    assert e.value.status == 1 and "index 100" in str(e.value)
    with pytest.raises(edgetok.EdgeTokError):
        encodec.encode(np.zeros(0, dtype=np.float32), 24000)
    with pytest.raises(edgetok.EdgeTokError):
        encodec.encode(wav, 24000, bandwidth=1.8, n_codebooks=2)
    with pytest.raises(ValueError):
        encodec.encode(wav, 24000, bandwidth=-1)
    codes = encodec.encode(wav, 24000, n_codebooks=2)
    codes[3, 1] = 64
    with pytest.raises(edgetok.EdgeTokError) as e:
        encodec.decode(codes)
    assert "code 64 at frame 3, codebook 1" in str(e.value)
    with pytest.raises(edgetok.EdgeTokError):
        encodec.decode(np.zeros((4, 9), dtype=np.int32))
    with pytest.raises(TypeError):
        encodec.decode(codes.astype(np.float32))
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.AudioCodec("/nonexistent/model")
    assert e.value.status == 6
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.AudioCodec(GOLDEN)   # no edgetok.json in the golden folder itself
    assert e.value.status == 6
    c = edgetok.AudioCodec("mulaw")
    c.close()
    with pytest.raises(ValueError):
        c.encode(wav, 16000)


def test_one_codec_from_many_threads(encodec):
    wav = f32("caseA_wav.f32")
    want = i32("caseA_codes_bw3p6.i32").reshape(8, 75).T
    results = [None] * 4

    def run(i):
        results[i] = encodec.encode(wav, 24000)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, want)
