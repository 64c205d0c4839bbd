"""Loading libedgetok.so and calling it: the only place that knows about ctypes.

Library lookup order:
  1. $EDGETOK_LIBRARY: a path to one libedgetok.so (loaded as is, no variant choice), or a lib
     folder laid out like the install tree (the variant rule below applies inside it),
  2. edgetok/lib/ inside this package (wheel layout),
  3. artifacts/edgetok/lib/ of the source tree this package sits in (development layout).
Within a lib folder the widest ISA variant the CPU supports is chosen, the same way glibc-hwcaps
does for C programs: lib/glibc-hwcaps/x86-64-v4/, then x86-64-v3/, then lib/ itself. Each
libedgetok.so finds libonnxruntime.so through its $ORIGIN rpaths (lib/ and ../../ of a variant).
"""
from __future__ import annotations

import ctypes
import os
import platform
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike

# The C ABI this package was written against: major must match, minor is the oldest accepted.
ABI_MINOR = 1

_V3 = {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}
_V4 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}


def _cpu_levels() -> list[str]:
    """The hwcaps subfolders usable on this CPU, widest first."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
            else:
                return []
    except OSError:
        return []
    levels = []
    if _V3 <= flags:
        if _V4 <= flags:
            levels.append("x86-64-v4")
        levels.append("x86-64-v3")
    return levels


def _candidate_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    dirs = [here / "lib"]
    for parent in here.parents:
        if (parent / "EdgeTok.sln").exists():
            dirs.append(parent / "artifacts" / "edgetok" / "lib")
            break
    return dirs


def _widest_variant(d: Path) -> Path:
    for level in _cpu_levels():
        v = d / "glibc-hwcaps" / level / "libedgetok.so"
        if v.is_file():
            return v
    return d / "libedgetok.so"


def find_library() -> Path:
    """The libedgetok.so this process loads (or would load): see the module docstring for the order."""
    if _lib_path is not None:
        return _lib_path
    env = os.environ.get("EDGETOK_LIBRARY")
    if env:
        p = Path(env)
        if p.is_dir():
            if not (p / "libedgetok.so").is_file():
                raise OSError(f"EDGETOK_LIBRARY={env} is a folder without libedgetok.so")
            return _widest_variant(p)
        if not p.is_file():
            raise OSError(f"EDGETOK_LIBRARY={env} does not exist")
        return p
    for d in _candidate_dirs():
        if (d / "libedgetok.so").is_file():
            return _widest_variant(d)
    raise OSError(
        "libedgetok.so not found: build it with scripts/build-native.sh, install the wheel, "
        "or set EDGETOK_LIBRARY to its path"
    )


_lib: ctypes.CDLL | None = None
_lib_path: Path | None = None

c_float_p = ctypes.POINTER(ctypes.c_float)
c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_size_p = ctypes.POINTER(ctypes.c_size_t)


class WavInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("sample_rate", ctypes.c_int32),
        ("channels", ctypes.c_int32),
        ("bits_per_sample", ctypes.c_int32),
        ("frames", ctypes.c_int64),
        ("duration_seconds", ctypes.c_double),
    ]


class ChronosBinsConfig(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("n_tokens", ctypes.c_int32),
        ("n_special_tokens", ctypes.c_int32),
        ("pad_token_id", ctypes.c_int32),
        ("eos_token_id", ctypes.c_int32),
        ("low_limit", ctypes.c_float),
        ("high_limit", ctypes.c_float),
        ("context_length", ctypes.c_int32),
        ("append_eos", ctypes.c_int32),
    ]


class AudioCodecInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("sample_rate", ctypes.c_int32),
        ("channels", ctypes.c_int32),
        ("hop_length", ctypes.c_int32),
        ("codebooks", ctypes.c_int32),
        ("codebook_size", ctypes.c_int32),
        ("latent_dim", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
        ("frame_rate", ctypes.c_double),
    ]


class StreamOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("n_codebooks", ctypes.c_int32),
        ("bandwidth_kbps", ctypes.c_double),
        ("context_frames", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
    ]


class KairosInfo(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("d_model", ctypes.c_int32),
        ("d_kv", ctypes.c_int32),
        ("num_quantiles", ctypes.c_int32),
        ("context_length", ctypes.c_int32),
        ("patch_size", ctypes.c_int32),
        ("steps_per_forward", ctypes.c_int32),
        ("max_horizon", ctypes.c_int32),
        ("num_rope_modules", ctypes.c_int32),
    ]


class KairosForecastOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("bias_mode", ctypes.c_int32),
        ("infer_is_positive", ctypes.c_int32),
        ("force_flip_invariance", ctypes.c_int32),
        ("sort_quantiles", ctypes.c_int32),
        ("batch_mode", ctypes.c_int32),
    ]


def _declare(lib: ctypes.CDLL) -> None:
    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)

    fn("edgetok_abi_version", ctypes.c_uint32)
    fn("edgetok_version", ctypes.c_char_p)
    fn("edgetok_status_string", ctypes.c_char_p, ctypes.c_int32)
    fn("edgetok_last_error", ctypes.c_char_p)
    fn("edgetok_build_info", ctypes.c_int32, ctypes.c_char_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_wav_info_read", ctypes.c_int32, ctypes.c_char_p, ctypes.POINTER(WavInfo))
    fn("edgetok_wav_read_mono", ctypes.c_int32, ctypes.c_char_p, ctypes.c_int32, c_float_p,
       ctypes.c_size_t, c_size_p, c_int32_p)
    fn("edgetok_wav_write", ctypes.c_int32, ctypes.c_char_p, c_float_p, ctypes.c_size_t,
       ctypes.c_int32, ctypes.c_int32)
    fn("edgetok_series_read", ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, c_float_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_resample", ctypes.c_int32, c_float_p, ctypes.c_size_t, ctypes.c_int32,
       ctypes.c_int32, c_float_p, ctypes.c_size_t, c_size_p)
    c_uint8_p = ctypes.POINTER(ctypes.c_uint8)
    fn("edgetok_chronos_bins_config_init", ctypes.c_int32, ctypes.POINTER(ChronosBinsConfig))
    fn("edgetok_chronos_bins_create", ctypes.c_int32, ctypes.POINTER(ChronosBinsConfig),
       ctypes.POINTER(ctypes.c_void_p))
    fn("edgetok_chronos_bins_free", ctypes.c_int32, ctypes.c_void_p)
    fn("edgetok_chronos_bins_token_count", ctypes.c_int32, ctypes.c_void_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_chronos_bins_encode", ctypes.c_int32, ctypes.c_void_p, c_float_p, ctypes.c_size_t, c_int32_p,
       c_uint8_p, ctypes.c_size_t, c_size_p, c_float_p)
    fn("edgetok_chronos_bins_encode_labels", ctypes.c_int32, ctypes.c_void_p, c_float_p, ctypes.c_size_t,
       ctypes.c_float, c_int32_p, c_uint8_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_chronos_bins_decode", ctypes.c_int32, ctypes.c_void_p, c_int32_p, ctypes.c_size_t, ctypes.c_float,
       c_float_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_chronos_bins_centers", ctypes.c_int32, ctypes.c_void_p, c_float_p, ctypes.c_size_t, c_size_p)
    vp = ctypes.c_void_p
    fn("edgetok_audio_codec_load", ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int32,
       ctypes.POINTER(ctypes.c_void_p))
    fn("edgetok_audio_codec_free", ctypes.c_int32, vp)
    fn("edgetok_audio_codec_info_read", ctypes.c_int32, vp, ctypes.POINTER(AudioCodecInfo))
    fn("edgetok_audio_codec_kind", ctypes.c_int32, vp, ctypes.c_char_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_audio_codec_codebooks", ctypes.c_int32, vp, ctypes.c_double, ctypes.c_int32, c_int32_p)
    fn("edgetok_audio_codec_encode", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_int32,
       ctypes.c_double, ctypes.c_int32, c_int32_p, ctypes.c_size_t, c_size_p, c_size_p, c_int32_p)
    fn("edgetok_audio_codec_decode", ctypes.c_int32, vp, c_int32_p, ctypes.c_size_t, ctypes.c_int32, c_float_p,
       ctypes.c_size_t, c_size_p)
    sop = ctypes.POINTER(StreamOptions)
    fn("edgetok_stream_options_init", None, sop)
    fn("edgetok_encoder_stream_create", ctypes.c_int32, vp, ctypes.c_int32, sop, ctypes.POINTER(vp))
    fn("edgetok_encoder_stream_layout", ctypes.c_int32, vp, c_int32_p, c_int32_p)
    fn("edgetok_encoder_stream_push", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t)
    fn("edgetok_encoder_stream_frames_available", ctypes.c_int32, vp, c_size_p)
    fn("edgetok_encoder_stream_pull", ctypes.c_int32, vp, c_int32_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_encoder_stream_flush", ctypes.c_int32, vp)
    fn("edgetok_encoder_stream_reset", ctypes.c_int32, vp)
    fn("edgetok_encoder_stream_free", ctypes.c_int32, vp)
    fn("edgetok_decoder_stream_create", ctypes.c_int32, vp, sop, ctypes.POINTER(vp))
    fn("edgetok_decoder_stream_layout", ctypes.c_int32, vp, c_int32_p, c_int32_p)
    fn("edgetok_decoder_stream_push", ctypes.c_int32, vp, c_int32_p, ctypes.c_size_t, ctypes.c_int32)
    fn("edgetok_decoder_stream_samples_available", ctypes.c_int32, vp, c_size_p)
    fn("edgetok_decoder_stream_pull", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_decoder_stream_flush", ctypes.c_int32, vp)
    fn("edgetok_decoder_stream_reset", ctypes.c_int32, vp)
    fn("edgetok_decoder_stream_free", ctypes.c_int32, vp)
    u8p = ctypes.POINTER(ctypes.c_uint8)
    kopt = ctypes.POINTER(KairosForecastOptions)
    fn("edgetok_kairos_load", ctypes.c_int32, ctypes.c_char_p, ctypes.POINTER(vp))
    fn("edgetok_kairos_free", ctypes.c_int32, vp)
    fn("edgetok_kairos_info_read", ctypes.c_int32, vp, ctypes.POINTER(KairosInfo))
    fn("edgetok_kairos_tokenize", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, c_float_p, ctypes.c_size_t,
       c_int32_p, ctypes.c_size_t, u8p, ctypes.c_size_t, c_float_p, c_size_p)
    fn("edgetok_kairos_rope", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, ctypes.c_char_p, c_float_p, c_float_p,
       ctypes.c_size_t, c_size_p, c_int32_p, c_int32_p)
    fn("edgetok_kairos_forecast_options_init", None, kopt)
    fn("edgetok_kairos_forecast", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, ctypes.c_int32, kopt,
       c_float_p, ctypes.c_size_t, c_size_p)
    fn("edgetok_kairos_forecast_batch", ctypes.c_int32, vp, c_float_p, ctypes.c_size_t, ctypes.c_size_t,
       ctypes.c_int32, kopt, c_float_p, ctypes.c_size_t, c_size_p)


def lib() -> ctypes.CDLL:
    """The loaded library (loaded on first use)."""
    global _lib, _lib_path
    if _lib is None:
        path = find_library()
        loaded = ctypes.CDLL(str(path))
        abi = loaded.edgetok_abi_version()
        if abi >> 16 != 1 or (abi & 0xFFFF) < ABI_MINOR:
            raise OSError(f"{path} has C ABI {abi >> 16}.{abi & 0xFFFF}; this package needs 1.{ABI_MINOR} or a later 1.x")
        _declare(loaded)
        _lib, _lib_path = loaded, path
    return _lib


_H = TypeVar("_H", bound="NativeHandle")


class NativeHandle:
    """Owns one native handle: close() frees it with the function named by ``_free`` (also at the
    end of a ``with`` block and when the object is collected); a closed object raises ValueError."""

    _free = ""
    _handle = None

    def _h(self) -> ctypes.c_void_p:
        if self._handle is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._handle

    def close(self) -> None:
        """Releases the native object."""
        h, self._handle = self._handle, None
        if h is not None and _lib is not None:
            getattr(_lib, self._free)(h)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._handle is None

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class EdgeTokError(RuntimeError):
    """An EdgeTok call failed. ``status`` is the EDGETOK_STATUS_* code, ``str(e)`` the message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check(status: int) -> None:
    """Raises EdgeTokError for a non-zero status, with the thread's last error message."""
    if status != 0:
        l = lib()
        msg = (l.edgetok_last_error() or b"").decode("utf-8", "replace")
        kind = (l.edgetok_status_string(status) or b"").decode()
        raise EdgeTokError(status, f"{msg} [{kind}]")


def float_array(x: ArrayLike, name: str) -> np.ndarray:
    """A C-contiguous float32 view of x; other dtypes are refused rather than silently cast."""
    a = np.asarray(x)
    if a.dtype != np.float32:
        raise TypeError(f"{name} must be float32, got {a.dtype} (use .astype(np.float32))")
    return np.ascontiguousarray(a)


def fptr(a: np.ndarray):
    return a.ctypes.data_as(c_float_p)


def ipt(a: np.ndarray):
    return a.ctypes.data_as(c_int32_p)


def two_call_float(call) -> np.ndarray:
    """Runs a two-call-pattern function whose output is float32: size query, then fill."""
    need = ctypes.c_size_t(0)
    check(call(None, 0, ctypes.byref(need)))
    out = np.empty(need.value, dtype=np.float32)
    check(call(fptr(out), need.value, ctypes.byref(need)))
    return out[: need.value]
