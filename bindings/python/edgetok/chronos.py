"""Chronos mean-scale uniform bins: weight-free discrete ids for a time series (over the C ABI)."""
from __future__ import annotations

import ctypes

import numpy as np
from numpy.typing import ArrayLike

from . import _native as n


class ChronosBins(n.NativeHandle):
    """The Chronos ``MeanScaleUniformBins`` tokenizer.

    ``encode(x)`` keeps the last ``context_length`` values of a 1-D float32 series, divides by the
    mean absolute value of the observed (non-NaN) values and maps each value to a bin id; NaN gets
    ``pad_token_id`` with mask False; an EOS id with mask True is appended. It returns
    ``(ids int32, attention_mask bool, scale float)``. ``decode(ids, scale)`` maps ids back to
    float32 values. Defaults are the published Chronos configuration. ±Inf values raise
    :class:`EdgeTokError`. One instance may be shared between threads.
    """

    _free = "edgetok_chronos_bins_free"

    def __init__(self, n_tokens: int = 4096, n_special_tokens: int = 2, pad_token_id: int = 0,
                 eos_token_id: int = 1, low_limit: float = -15.0, high_limit: float = 15.0,
                 context_length: int = 512, append_eos: bool = True):
        lib = n.lib()
        cfg = n.ChronosBinsConfig()
        n.check(lib.edgetok_chronos_bins_config_init(ctypes.byref(cfg)))
        cfg.n_tokens = _int32(n_tokens, "n_tokens")
        cfg.n_special_tokens = _int32(n_special_tokens, "n_special_tokens")
        cfg.pad_token_id = _int32(pad_token_id, "pad_token_id")
        cfg.eos_token_id = _int32(eos_token_id, "eos_token_id")
        cfg.low_limit = float(low_limit)
        cfg.high_limit = float(high_limit)
        cfg.context_length = _int32(context_length, "context_length")
        cfg.append_eos = 1 if append_eos else 0
        handle = ctypes.c_void_p()
        n.check(lib.edgetok_chronos_bins_create(ctypes.byref(cfg), ctypes.byref(handle)))
        self._handle = handle
        self.n_tokens = cfg.n_tokens
        self.n_special_tokens = cfg.n_special_tokens
        self.context_length = cfg.context_length
        self.append_eos = bool(cfg.append_eos)


    def token_count(self, length: int) -> int:
        """Number of ids ``encode`` returns for a series of ``length`` values."""
        need = ctypes.c_size_t(0)
        n.check(n.lib().edgetok_chronos_bins_token_count(self._h(), int(length), ctypes.byref(need)))
        return need.value

    @property
    def centers(self) -> np.ndarray:
        """The bin centers (float32, ``n_tokens - n_special_tokens - 1`` values)."""
        h = self._h()
        return n.two_call_float(lambda buf, cap, need: n.lib().edgetok_chronos_bins_centers(h, buf, cap, need))

    def encode(self, x: ArrayLike) -> tuple[np.ndarray, np.ndarray, float]:
        """Context ids: returns ``(ids int32 [m], attention_mask bool [m], scale)``."""
        a = _series(x, "x")
        h = self._h()
        m = self.token_count(a.size)
        ids = np.empty(m, dtype=np.int32)
        mask = np.empty(m, dtype=np.uint8)
        scale = ctypes.c_float(0)
        need = ctypes.c_size_t(0)
        n.check(n.lib().edgetok_chronos_bins_encode(h, n.fptr(a), a.size, n.ipt(ids), _u8(mask), m,
                                                    ctypes.byref(need), ctypes.byref(scale)))
        return ids, mask.view(np.bool_), float(scale.value)

    def encode_labels(self, future: ArrayLike, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """Label ids of a future window with the context's ``scale``: ``(ids int32, attention_mask bool)``."""
        a = _series(future, "future")
        h = self._h()
        need = ctypes.c_size_t(0)
        l = n.lib()
        n.check(l.edgetok_chronos_bins_encode_labels(h, n.fptr(a), a.size, float(scale), None, None, 0,
                                                     ctypes.byref(need)))
        m = need.value
        ids = np.empty(m, dtype=np.int32)
        mask = np.empty(m, dtype=np.uint8)
        n.check(l.edgetok_chronos_bins_encode_labels(h, n.fptr(a), a.size, float(scale), n.ipt(ids), _u8(mask), m,
                                                     ctypes.byref(need)))
        return ids, mask.view(np.bool_)

    def decode(self, ids: ArrayLike, scale: float) -> np.ndarray:
        """Values of ``ids`` (1-D integers) at ``scale``: ``centers[clamp(id - n_special - 1)] * scale``, float32."""
        a = np.asarray(ids)
        if a.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {a.shape}")
        if a.dtype != np.int32:
            if not np.issubdtype(a.dtype, np.integer):
                raise TypeError(f"ids must be integers, got {a.dtype}")
            if a.size and (a.min() < np.iinfo(np.int32).min or a.max() > np.iinfo(np.int32).max):
                raise ValueError("ids do not fit int32")
            a = a.astype(np.int32)
        a = np.ascontiguousarray(a)
        h = self._h()
        return n.two_call_float(
            lambda buf, cap, need: n.lib().edgetok_chronos_bins_decode(h, n.ipt(a), a.size, float(scale), buf, cap, need)
        )


def _series(x: ArrayLike, name: str) -> np.ndarray:
    a = n.float_array(x, name)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def _u8(a: np.ndarray):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))


def _int32(v: int, name: str) -> int:
    v = int(v)
    if not -2**31 <= v < 2**31:
        raise ValueError(f"{name} does not fit int32: {v}")
    return v
