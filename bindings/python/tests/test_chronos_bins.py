"""Chronos mean-scale uniform bins through the Python binding: defaults, layout, real data against an
independent float64 numpy reference, round trips, labels and bad input."""
import threading

import numpy as np
import pytest

import edgetok
from conftest import SHARED

AIR = SHARED / "data" / "timeseries" / "darts" / "AirPassengers.csv"
CO2 = SHARED / "data" / "timeseries" / "statsmodels" / "co2.csv"

# Ids of a scaled value of exactly 1.0 and 2.0 with the default bins (nearest centers 2182 and 2319, + 3).
ID_ONE, ID_TWO = 2185, 2322


def column(path, index):
    """One column of a simple CSV (no quoted commas); empty cells are NaN."""
    rows = path.read_text().splitlines()[1:]
    return np.array([float(r.split(",")[index]) if r.split(",")[index] else np.nan for r in rows], dtype=np.float32)


def reference_ids(x, n_tokens=4096, n_special=2, low=-15.0, high=15.0, context=512):
    """Straightforward float64 implementation of the spec: (ids without EOS, scale, scaled values, boundaries)."""
    x = np.asarray(x, dtype=np.float64)[-context:]
    centers = np.linspace(low, high, n_tokens - n_special - 1)
    bounds = np.concatenate([[-1e20], (centers[1:] + centers[:-1]) / 2, [1e20]])
    obs = ~np.isnan(x)
    scale = np.abs(x[obs]).sum() / obs.sum() if obs.any() else np.nan
    scale = scale if scale > 0 else 1.0
    scaled = x / scale
    ids = np.searchsorted(bounds, np.where(obs, scaled, 0), side="right") + n_special
    ids = np.clip(ids, 0, n_tokens - 1)
    ids[~obs] = 0
    return ids, scale, scaled, bounds


def test_defaults_and_centers():
    with edgetok.ChronosBins() as bins:
        c = bins.centers
        assert c.dtype == np.float32 and c.shape == (4093,)
        assert c[0] == -15 and c[-1] == 15
        np.testing.assert_allclose(c, np.linspace(-15, 15, 4093), atol=2e-6)
        assert bins.token_count(1000) == 513 and bins.token_count(0) == 1


@pytest.mark.parametrize("path, col", [(AIR, 1), (CO2, 1)])
def test_real_series_match_a_float64_reference(path, col):
    x = column(path, col)
    bins = edgetok.ChronosBins()
    ids, mask, scale = bins.encode(x)
    assert ids.dtype == np.int32 and mask.dtype == np.bool_
    assert ids.shape == (min(x.size, 512) + 1,)
    ref, ref_scale, scaled, bounds = reference_ids(x)
    assert abs(scale - ref_scale) / ref_scale < 1e-6
    assert ids[-1] == 1 and mask[-1]
    window = x[-512:]
    np.testing.assert_array_equal(mask[:-1], ~np.isnan(window))
    diff = np.nonzero(ids[:-1] != ref)[0]
    for i in diff:   # only ±1 within 1e-6 (relative to max(1, |b|)) of a boundary
        near = np.min(np.abs(scaled[i] - bounds[1:-1]) / np.maximum(1, np.abs(bounds[1:-1])))
        assert abs(int(ids[i]) - int(ref[i])) == 1 and near < 1e-6, (i, window[i], ids[i], ref[i])
    assert len(diff) <= 2
    # Decoding lands within half a bin of every observed input.
    back = bins.decode(ids[:-1], scale)
    obs = ~np.isnan(window)
    assert np.all(np.abs(back[obs] - window[obs]) <= 15 / 4092 * scale * 1.001)


def test_missing_values_eos_and_mask_layout():
    bins = edgetok.ChronosBins()
    ids, mask, scale = bins.encode(np.array([np.nan, 2, -4, 6, np.nan], dtype=np.float32))
    assert scale == 4.0
    assert ids[0] == 0 and ids[4] == 0 and ids[5] == 1 and ids[2] == 4098 - ID_ONE
    assert mask.tolist() == [False, True, True, True, False, True]
    ids, mask, scale = bins.encode(np.full(6, np.nan, dtype=np.float32))
    assert scale == 1.0 and ids.tolist() == [0] * 6 + [1]
    ids, mask, scale = bins.encode(np.zeros(3, dtype=np.float32))
    assert scale == 1.0 and ids.tolist() == [2049] * 3 + [1]
    ids, mask, scale = bins.encode(np.zeros(0, dtype=np.float32))
    assert scale == 1.0 and ids.tolist() == [1] and mask.tolist() == [True]


def test_context_truncation_and_custom_config():
    bins = edgetok.ChronosBins()
    rng = np.random.default_rng(0)
    x = rng.normal(size=700).astype(np.float32)
    ids, _, scale = bins.encode(x)
    ids_tail, _, scale_tail = bins.encode(x[-512:])
    assert ids.size == 513 and scale == scale_tail
    np.testing.assert_array_equal(ids, ids_tail)
    short = edgetok.ChronosBins(context_length=2, append_eos=False)
    ids, mask, scale = short.encode(np.array([100, 1, 3], dtype=np.float32))
    assert ids.size == 2 and scale == 2.0 and ids[1] > ID_ONE


def test_round_trip_and_labels():
    bins = edgetok.ChronosBins()
    c = bins.centers
    ids, mask = bins.encode_labels(c, 1.0)
    np.testing.assert_array_equal(ids[:-1], np.arange(3, 4096))
    np.testing.assert_array_equal(bins.decode(ids[:-1], 1.0), c)
    _, _, scale = bins.encode(np.array([1, 2, 3, 4], dtype=np.float32))
    assert scale == 2.5
    ids, mask = bins.encode_labels(np.array([2.5, 5, np.nan], dtype=np.float32), scale)
    assert ids.tolist() == [ID_ONE, ID_TWO, 0, 1] and mask.tolist() == [True, True, False, True]
    # Exactly on a boundary goes to the upper bucket (bucketize right=True).
    b = np.float32((np.float32(c[99]) + np.float32(c[100])) / np.float32(2))
    ids, _ = bins.encode_labels(np.array([b, np.nextafter(b, np.float32(-np.inf))], dtype=np.float32), 1.0)
    assert ids[:2].tolist() == [103, 102]
    # decode accepts other integer dtypes and clamps any id like the reference.
    assert bins.decode(np.array([0, 5000], dtype=np.int64), 2.0).tolist() == [-30.0, 30.0]


def test_bad_input():
    bins = edgetok.ChronosBins()
    with pytest.raises(edgetok.EdgeTokError) as e:
        bins.encode(np.array([1, np.inf], dtype=np.float32))
    assert e.value.status == 1 and "Inf" in str(e.value)
    with pytest.raises(TypeError):
        bins.encode(np.array([1.0, 2.0]))            # float64 is refused, not cast
    with pytest.raises(ValueError):
        bins.encode(np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(edgetok.EdgeTokError) as e:
        bins.decode(np.array([3], dtype=np.int32), 0.0)
    assert e.value.status == 1
    with pytest.raises(TypeError):
        bins.decode(np.array([3.0]), 1.0)
    with pytest.raises(edgetok.EdgeTokError) as e:
        edgetok.ChronosBins(n_tokens=3)
    assert e.value.status == 1 and "n_tokens" in str(e.value)
    with pytest.raises(edgetok.EdgeTokError):
        edgetok.ChronosBins(low_limit=1, high_limit=1)
    bins.close()
    with pytest.raises(ValueError):
        bins.encode(np.zeros(2, dtype=np.float32))
    bins.close()   # closing twice is harmless


def test_one_instance_from_many_threads():
    bins = edgetok.ChronosBins()
    x = column(AIR, 1)
    expected = bins.encode(x)[0]
    errors = []

    def work():
        for _ in range(50):
            if not np.array_equal(bins.encode(x)[0], expected):
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
