"""Kairos time-series forecaster: tokens and quantile forecasts over the C ABI."""
from __future__ import annotations

import ctypes
import os

import numpy as np
from numpy.typing import ArrayLike

from . import _native as n

_BIAS = {"frozen": 0, "drift": 1}
_BATCH = {"independent": 0, "joint": 1}


class Kairos(n.NativeHandle):
    """A loaded Kairos model folder (``config.json`` + ``model.safetensors``, Hugging Face layout).

    The model is immutable and may be shared between threads. Series are 1-D float32 arrays with NaN
    for missing points; only the last ``context_length`` points are used. ``close()`` (or the end of a
    ``with`` block) frees it; a closed model raises ValueError.
    """

    _free = "edgetok_kairos_free"

    def __init__(self, folder: str | os.PathLike):
        handle = ctypes.c_void_p()
        n.check(n.lib().edgetok_kairos_load(os.fsencode(folder), ctypes.byref(handle)))
        self._handle = handle
        info = n.KairosInfo(struct_size=ctypes.sizeof(n.KairosInfo))
        n.check(n.lib().edgetok_kairos_info_read(handle, ctypes.byref(info)))
        self.d_model = info.d_model
        self.d_kv = info.d_kv
        self.num_quantiles = info.num_quantiles
        self.context_length = info.context_length
        self.steps_per_forward = info.steps_per_forward
        self.max_horizon = info.max_horizon

    @staticmethod
    def _series(x: ArrayLike) -> np.ndarray:
        a = n.float_array(x, "x")
        if a.ndim != 1:
            raise ValueError(f"x must be 1-D, got shape {a.shape}")
        return a

    def tokenize(self, x: ArrayLike, module: str | None = None) -> dict[str, np.ndarray | float]:
        """Tokens of one series as numpy arrays.

        Returns a dict with ``embeddings`` (float32 [n, d_model], before [REG]), ``token_sizes``
        (int32 [n]), ``attention_mask`` (uint8 [n+1], [REG] last), ``loc``, ``scale`` and
        ``rope_cos`` / ``rope_sin`` (float32 [positions, d_kv/2]) of ``module`` (default: the first
        encoder self-attention).
        """
        a = self._series(x)
        l, h = n.lib(), self._h()
        count = ctypes.c_size_t(0)
        n.check(l.edgetok_kairos_tokenize(h, n.fptr(a), a.size, None, 0, None, 0, None, 0, None, ctypes.byref(count)))
        k = count.value
        emb = np.empty((k, self.d_model), dtype=np.float32)
        sizes = np.empty(k, dtype=np.int32)
        mask = np.empty(k + 1, dtype=np.uint8)
        ls = np.empty(2, dtype=np.float32)
        n.check(l.edgetok_kairos_tokenize(h, n.fptr(a), a.size, n.fptr(emb), emb.size, n.ipt(sizes), sizes.size,
                                          mask.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)), mask.size,
                                          n.fptr(ls), ctypes.byref(count)))
        mod = module.encode() if module else None
        need = ctypes.c_size_t(0)
        pos, half = ctypes.c_int32(0), ctypes.c_int32(0)
        n.check(l.edgetok_kairos_rope(h, n.fptr(a), a.size, mod, None, None, 0, ctypes.byref(need),
                                      ctypes.byref(pos), ctypes.byref(half)))
        cos = np.empty((pos.value, half.value), dtype=np.float32)
        sin = np.empty_like(cos)
        n.check(l.edgetok_kairos_rope(h, n.fptr(a), a.size, mod, n.fptr(cos), n.fptr(sin), cos.size,
                                      ctypes.byref(need), None, None))
        return {"embeddings": emb, "token_sizes": sizes, "attention_mask": mask, "loc": float(ls[0]),
                "scale": float(ls[1]), "rope_cos": cos, "rope_sin": sin}

    def _options(self, bias, infer_is_positive, force_flip_invariance, sort_quantiles, batch_mode):
        if bias not in _BIAS:
            raise ValueError(f"bias must be one of {sorted(_BIAS)}, got {bias!r}")
        if batch_mode not in _BATCH:
            raise ValueError(f"batch_mode must be one of {sorted(_BATCH)}, got {batch_mode!r}")
        o = n.KairosForecastOptions()
        n.lib().edgetok_kairos_forecast_options_init(ctypes.byref(o))
        o.bias_mode = _BIAS[bias]
        o.infer_is_positive = int(bool(infer_is_positive))
        o.force_flip_invariance = int(bool(force_flip_invariance))
        o.sort_quantiles = int(bool(sort_quantiles))
        o.batch_mode = _BATCH[batch_mode]
        return o

    def forecast(self, x: ArrayLike, horizon: int, *, bias: str = "frozen", infer_is_positive: bool = False,
                 force_flip_invariance: bool = False, sort_quantiles: bool = False,
                 batch_mode: str = "independent") -> np.ndarray:
        """Quantile forecast: float32 [num_quantiles, horizon] for a 1-D ``x``, or
        [batch, num_quantiles, horizon] for a 2-D ``x`` of equal-length rows (NaN-pad shorter series on
        the left). ``bias="drift"`` emulates the reference's stateful router bias within the call;
        ``batch_mode="joint"`` reproduces the reference's batched forward (rows then affect each other).
        """
        a = n.float_array(x, "x")
        if a.ndim not in (1, 2):
            raise ValueError(f"x must be 1-D or 2-D, got shape {a.shape}")
        o = self._options(bias, infer_is_positive, force_flip_invariance, sort_quantiles, batch_mode)
        l, h = n.lib(), self._h()
        horizon = int(horizon)
        if a.ndim == 1:
            out = n.two_call_float(lambda buf, cap, need: l.edgetok_kairos_forecast(
                h, n.fptr(a), a.size, horizon, ctypes.byref(o), buf, cap, need))
            return out.reshape(self.num_quantiles, horizon)
        b, t = a.shape
        out = n.two_call_float(lambda buf, cap, need: l.edgetok_kairos_forecast_batch(
            h, n.fptr(a), b, t, horizon, ctypes.byref(o), buf, cap, need))
        return out.reshape(b, self.num_quantiles, horizon)
