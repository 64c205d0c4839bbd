"""edgetok.Kairos against the golden files: tokens, RoPE, forecasts, batches, errors."""
import numpy as np
import pytest

import edgetok
from conftest import SHARED

GOLDEN = SHARED / "golden" / "kairos-10m"
CASE_A = GOLDEN / "cases" / "A_full2048"


def rel(a, b):
    a = np.nan_to_num(np.asarray(a, dtype=np.float64))
    b = np.nan_to_num(np.asarray(b, dtype=np.float64))
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-30)


@pytest.fixture(scope="module")
def model():
    with edgetok.Kairos(GOLDEN) as m:
        yield m


@pytest.fixture(scope="module")
def series_a():
    return np.load(CASE_A / "input_past_target.npy")[0]


def test_info(model):
    assert (model.d_model, model.d_kv, model.num_quantiles, model.context_length) == (256, 64, 9, 2048)
    assert model.steps_per_forward == 128


def test_tokenize_matches_golden(model, series_a):
    t = model.tokenize(series_a)
    assert t["embeddings"].shape == (46, 256) and t["embeddings"].dtype == np.float32
    assert rel(t["embeddings"], np.load(CASE_A / "emb.input_embeds.npy")[0]) < 1e-5
    assert (t["token_sizes"] == np.load(CASE_A / "patch.token_size.npy")[0]).all()
    assert (t["attention_mask"] == np.load(CASE_A / "enc.attention_mask_with_reg.npy")[0]).all()
    assert t["loc"] == pytest.approx(float(np.load(CASE_A / "norm.loc.npy")[0, 0]), rel=1e-6)
    assert t["scale"] == float(np.load(CASE_A / "norm.scale.npy")[0, 0])
    assert t["rope_cos"].shape == (47, 32)
    assert np.abs(t["rope_cos"] - np.load(CASE_A / "rope.enc0.cos.npy")[0]).max() < 1e-4
    assert np.abs(t["rope_sin"] - np.load(CASE_A / "rope.enc0.sin.npy")[0]).max() < 1e-4
    cross = model.tokenize(series_a, module="decoder.block.3.layer.1.EncDecAttention")
    assert cross["rope_cos"].shape == (47, 32)


@pytest.mark.parametrize("name, kwargs", [
    ("gen_h96.frozen_bias", {}),
    ("gen_h300.frozen_bias", {}),
    ("gen_h300.reference_bias_drift", {"bias": "drift"}),
    ("gen_h300_pos_flip.reference_bias_drift", {"bias": "drift", "infer_is_positive": True, "force_flip_invariance": True}),
])
def test_forecast_matches_golden(model, series_a, name, kwargs):
    g = np.load(CASE_A / f"{name}.npy")[0]
    f = model.forecast(series_a, g.shape[1], **kwargs)
    assert f.shape == g.shape and f.dtype == np.float32
    assert rel(f, g) < 1e-5


def test_joint_batch_matches_golden_case_h(model):
    h = GOLDEN / "cases" / "H_batch_A_E"
    x = np.load(h / "input_past_target.npy")
    g = np.load(h / "gen_h96.frozen_bias.npy")
    assert rel(model.forecast(x, 96, batch_mode="joint"), g) < 1e-5
    indep = model.forecast(x, 96)
    assert indep.shape == (2, 9, 96)
    assert np.array_equal(indep[0], model.forecast(x[0], 96))


def test_sorted_quantiles_are_ordered(model, series_a):
    f = model.forecast(series_a, 50, sort_quantiles=True)
    assert (np.diff(f, axis=0) >= 0).all()


def test_errors(model, series_a):
    with pytest.raises(edgetok.EdgeTokError) as e:
        model.forecast(series_a, 0)
    assert e.value.status == 1
    with pytest.raises(edgetok.EdgeTokError) as e:
        model.forecast(np.array([1, np.inf], dtype=np.float32), 10)
    assert "index 1" in str(e.value)
    with pytest.raises(TypeError):
        model.forecast(series_a.astype(np.float64), 10)
    with pytest.raises(ValueError):
        model.forecast(series_a, 10, bias="sometimes")
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.Kairos("/no/such/model")
    assert e.value.status == 6
    with pytest.raises(edgetok.EdgeTokError) as e:
        model.tokenize(series_a, module="nope")
    assert e.value.status == 6


def test_closed_model_is_refused(series_a):
    m = edgetok.Kairos(GOLDEN)
    m.close()
    with pytest.raises(ValueError, match="Kairos is closed"):
        m.forecast(series_a, 10)
    m.close()   # closing twice is harmless
    with edgetok.Kairos(GOLDEN) as m:
        assert not m.closed and m.forecast(series_a, 4).shape == (m.num_quantiles, 4)
    assert m.closed
    with pytest.raises(ValueError):
        m.tokenize(series_a)
