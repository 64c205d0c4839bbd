"""Streaming audio tokenization over the C ABI: push PCM, pull code frames (and back)."""
from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _native as n

if TYPE_CHECKING:
    from .audio import AudioCodec


def _options(n_codebooks: int | None = None, bandwidth: float | None = None,
             context_frames: int | None = None) -> n.StreamOptions:
    o = n.StreamOptions()
    n.lib().edgetok_stream_options_init(ctypes.byref(o))
    if n_codebooks is not None:
        if int(n_codebooks) < 1:
            raise ValueError(f"n_codebooks must be >= 1, got {n_codebooks}")
        o.n_codebooks = int(n_codebooks)
    if bandwidth is not None:
        if not float(bandwidth) > 0:
            raise ValueError(f"bandwidth must be a positive number of kbps, got {bandwidth}")
        o.bandwidth_kbps = float(bandwidth)
    if context_frames is not None:
        if int(context_frames) < 1:
            raise ValueError(f"context_frames must be >= 1, got {context_frames}")
        o.context_frames = int(context_frames)
    return o


class _Stream(n.NativeHandle):
    _free = ""

    def __init__(self, codec: AudioCodec, handle: ctypes.c_void_p):
        self._codec = codec          # keeps the codec alive while the stream lives
        self._handle = handle


class EncoderStream(_Stream):
    """A streaming encoder made by :meth:`AudioCodec.encoder_stream`: ``push(pcm)`` float32 audio of any
    length at the stream's input rate, ``pull()`` the whole code frames ready so far as int32
    ``[n, K]``, ``flush()`` at the end (pads the tail like offline encoding), ``reset()`` to start a new
    stream. Lyra and mu-law streams give exactly the offline codes. One thread at a time."""

    _free = "edgetok_encoder_stream_free"

    def __init__(self, codec: AudioCodec, sample_rate: int, n_codebooks: int | None = None,
                 bandwidth: float | None = None, context_frames: int | None = None):
        o = _options(n_codebooks, bandwidth, context_frames)
        handle = ctypes.c_void_p()
        n.check(n.lib().edgetok_encoder_stream_create(codec._h(), int(sample_rate), ctypes.byref(o), ctypes.byref(handle)))
        super().__init__(codec, handle)
        self.sample_rate = int(sample_rate)
        k, lat = ctypes.c_int32(0), ctypes.c_int32(0)
        n.check(n.lib().edgetok_encoder_stream_layout(handle, ctypes.byref(k), ctypes.byref(lat)))
        self.codebooks = k.value
        self.latency_samples = lat.value

    def push(self, pcm: ArrayLike) -> None:
        """Appends float32 samples (1-D, or 2-D ``[samples, channels]`` for a multi-channel codec)."""
        a = n.float_array(pcm, "pcm")
        n.check(n.lib().edgetok_encoder_stream_push(self._h(), n.fptr(a), a.size))

    @property
    def frames_available(self) -> int:
        """Whole frames ready to pull."""
        f = ctypes.c_size_t(0)
        n.check(n.lib().edgetok_encoder_stream_frames_available(self._h(), ctypes.byref(f)))
        return f.value

    def pull(self) -> np.ndarray:
        """All ready frames as int32 ``[n, K]`` (n may be 0)."""
        ready = self.frames_available
        codes = np.empty((ready, self.codebooks), dtype=np.int32)
        got = ctypes.c_size_t(0)
        if ready:
            n.check(n.lib().edgetok_encoder_stream_pull(self._h(), n.ipt(codes), ready, ctypes.byref(got)))
        return codes[: got.value]

    def flush(self) -> None:
        """Ends the input; further pushes raise until :meth:`reset`."""
        n.check(n.lib().edgetok_encoder_stream_flush(self._h()))

    def reset(self) -> None:
        """Starts a new stream on the same object."""
        n.check(n.lib().edgetok_encoder_stream_reset(self._h()))


class DecoderStream(_Stream):
    """A streaming decoder made by :meth:`AudioCodec.decoder_stream`: ``push(codes)`` int ``[n, K]``,
    ``pull()`` the float32 PCM decoded so far, ``flush()``, ``reset()``."""

    _free = "edgetok_decoder_stream_free"

    def __init__(self, codec: AudioCodec, n_codebooks: int | None = None, bandwidth: float | None = None,
                 context_frames: int | None = None):
        o = _options(n_codebooks, bandwidth, context_frames)
        handle = ctypes.c_void_p()
        n.check(n.lib().edgetok_decoder_stream_create(codec._h(), ctypes.byref(o), ctypes.byref(handle)))
        super().__init__(codec, handle)
        k, lat = ctypes.c_int32(0), ctypes.c_int32(0)
        n.check(n.lib().edgetok_decoder_stream_layout(handle, ctypes.byref(k), ctypes.byref(lat)))
        self.codebooks = k.value
        self.latency_samples = lat.value
        self.channels = codec.channels

    def push(self, codes: ArrayLike) -> None:
        """Decodes integer codes ``[n, K]``."""
        c = np.asarray(codes)
        if not np.issubdtype(c.dtype, np.integer):
            raise TypeError(f"codes must be an integer array, got {c.dtype}")
        if c.ndim != 2:
            raise ValueError(f"codes must be 2-D [frames, codebooks], got shape {c.shape}")
        c = np.ascontiguousarray(c, dtype=np.int32)
        n.check(n.lib().edgetok_decoder_stream_push(self._h(), n.ipt(c), c.shape[0], c.shape[1]))

    def pull(self) -> np.ndarray:
        """All decoded samples so far (1-D for mono, ``[samples, channels]`` otherwise)."""
        ready = ctypes.c_size_t(0)
        n.check(n.lib().edgetok_decoder_stream_samples_available(self._h(), ctypes.byref(ready)))
        out = np.empty(ready.value, dtype=np.float32)
        got = ctypes.c_size_t(0)
        if ready.value:
            n.check(n.lib().edgetok_decoder_stream_pull(self._h(), n.fptr(out), ready.value, ctypes.byref(got)))
        out = out[: got.value]
        return out if self.channels == 1 else out.reshape(-1, self.channels)

    def flush(self) -> None:
        """Ends the input; further pushes raise until :meth:`reset`."""
        n.check(n.lib().edgetok_decoder_stream_flush(self._h()))

    def reset(self) -> None:
        """Starts a new stream on the same object."""
        n.check(n.lib().edgetok_decoder_stream_reset(self._h()))
