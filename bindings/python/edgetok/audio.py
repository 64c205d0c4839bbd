"""Audio codec tokenizers over the C ABI: PCM <-> discrete codes [T, K]."""
from __future__ import annotations

import ctypes
import os
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _native as n

if TYPE_CHECKING:
    from .stream import DecoderStream, EncoderStream


class AudioCodec(n.NativeHandle):
    """An audio codec: a model folder with an ``edgetok.json`` manifest (ONNX encoder/decoder plus a
    native residual quantizer), ``"mulaw"`` for the weight-free 8-bit mu-law tokenizer at 16 kHz, or a Lyra v2 folder / the name
    ``"lyra-v2"`` (searched in ``$EDGETOK_MODEL_PATH``, then ``models/``).

    ``encode(audio, sample_rate, bandwidth=None, n_codebooks=None)`` takes float32 samples (1-D mono,
    or 2-D ``[samples, channels]``) at any rate; the library resamples and mixes them to the codec's
    layout and returns int32 codes ``[T, K]``. ``decode(codes)`` returns float32 audio at the codec's
    rate (1-D for a mono codec, ``[samples, channels]`` otherwise). One instance may be shared
    between threads. Failures raise :class:`EdgeTokError`.
    """

    _free = "edgetok_audio_codec_free"

    def __init__(self, model: str | os.PathLike, manifest: str | os.PathLike | None = None, threads: int = 1):
        lib = n.lib()
        handle = ctypes.c_void_p()
        man = None if manifest is None else os.fsencode(manifest)
        n.check(lib.edgetok_audio_codec_load(os.fsencode(model), man, int(threads), ctypes.byref(handle)))
        self._handle = handle
        info = n.AudioCodecInfo()
        info.struct_size = ctypes.sizeof(n.AudioCodecInfo)
        n.check(lib.edgetok_audio_codec_info_read(handle, ctypes.byref(info)))
        need = ctypes.c_size_t(0)
        n.check(lib.edgetok_audio_codec_kind(handle, None, 0, ctypes.byref(need)))
        buf = ctypes.create_string_buffer(need.value)
        n.check(lib.edgetok_audio_codec_kind(handle, buf, need.value, ctypes.byref(need)))
        self.kind = buf.value.decode("utf-8")
        self.sample_rate = info.sample_rate
        self.channels = info.channels
        self.hop_length = info.hop_length
        self.frame_rate = info.frame_rate
        self.codebooks = info.codebooks
        self.codebook_size = info.codebook_size
        self.latent_dim = info.latent_dim

    @property
    def info(self) -> dict:
        """The codec's properties as a dict."""
        return {k: getattr(self, k) for k in ("kind", "sample_rate", "channels", "hop_length", "frame_rate",
                                              "codebooks", "codebook_size", "latent_dim")}

    def codebooks_for(self, bandwidth: float | None = None, n_codebooks: int | None = None) -> int:
        """The codebook count K an encode with these options uses (EnCodec's bandwidth rule)."""
        k = ctypes.c_int32(0)
        n.check(n.lib().edgetok_audio_codec_codebooks(self._h(), _bw(bandwidth), _nc(n_codebooks), ctypes.byref(k)))
        return k.value

    def encode(self, audio: ArrayLike, sample_rate: int, bandwidth: float | None = None, n_codebooks: int | None = None) -> np.ndarray:
        """Codes int32 ``[T, K]`` of float32 audio (1-D, or 2-D ``[samples, channels]``) at ``sample_rate``."""
        a = n.float_array(audio, "audio")
        if a.ndim == 1:
            channels = 1
        elif a.ndim == 2:
            channels = a.shape[1]
        else:
            raise ValueError(f"audio must be 1-D or 2-D [samples, channels], got shape {a.shape}")
        lib, h = n.lib(), self._h()
        bw, nc = _bw(bandwidth), _nc(n_codebooks)
        need, frames, k = ctypes.c_size_t(0), ctypes.c_size_t(0), ctypes.c_int32(0)
        n.check(lib.edgetok_audio_codec_encode(h, n.fptr(a), a.size, int(sample_rate), channels, bw, nc,
                                               None, 0, ctypes.byref(need), ctypes.byref(frames), ctypes.byref(k)))
        codes = np.empty((frames.value, k.value), dtype=np.int32)
        n.check(lib.edgetok_audio_codec_encode(h, n.fptr(a), a.size, int(sample_rate), channels, bw, nc,
                                               n.ipt(codes), codes.size, ctypes.byref(need), None, None))
        return codes

    def decode(self, codes: ArrayLike) -> np.ndarray:
        """Float32 audio at the codec's rate from integer codes ``[T, K]``."""
        c = np.asarray(codes)
        if not np.issubdtype(c.dtype, np.integer):
            raise TypeError(f"codes must be an integer array, got {c.dtype}")
        if c.ndim != 2:
            raise ValueError(f"codes must be 2-D [frames, codebooks], got shape {c.shape}")
        if c.size and (c.min() < np.iinfo(np.int32).min or c.max() > np.iinfo(np.int32).max):
            raise ValueError("codes do not fit in int32")
        c = np.ascontiguousarray(c, dtype=np.int32)
        h = self._h()
        out = n.two_call_float(lambda buf, cap, need: n.lib().edgetok_audio_codec_decode(
            h, n.ipt(c), c.shape[0], c.shape[1], buf, cap, need))
        return out if self.channels == 1 else out.reshape(-1, self.channels)


    def encoder_stream(self, sample_rate: int, bandwidth: float | None = None, n_codebooks: int | None = None,
                       context_frames: int | None = None) -> EncoderStream:
        """A streaming encoder (:class:`edgetok.EncoderStream`) for audio at ``sample_rate`` (resampled
        inside). ``context_frames`` is the left-context window of offline-only ONNX codecs."""
        from .stream import EncoderStream
        return EncoderStream(self, sample_rate, n_codebooks, bandwidth, context_frames)

    def decoder_stream(self, n_codebooks: int | None = None, bandwidth: float | None = None,
                       context_frames: int | None = None) -> DecoderStream:
        """A streaming decoder (:class:`edgetok.DecoderStream`) for frames of ``n_codebooks`` codes (default all)."""
        from .stream import DecoderStream
        return DecoderStream(self, n_codebooks, bandwidth, context_frames)


def _bw(bandwidth: float | None) -> float:
    if bandwidth is None:
        return 0.0
    b = float(bandwidth)
    if not b > 0:
        raise ValueError(f"bandwidth must be a positive number of kbps, got {bandwidth}")
    return b


def _nc(n_codebooks: int | None) -> int:
    if n_codebooks is None:
        return 0
    k = int(n_codebooks)
    if k < 1:
        raise ValueError(f"n_codebooks must be >= 1, got {n_codebooks}")
    return k
