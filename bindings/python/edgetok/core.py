"""Version, build information and audio-file helpers."""
from __future__ import annotations

import ctypes
import json
import os

import numpy as np
from numpy.typing import ArrayLike

from . import _native as n


def version() -> str:
    """Library version, e.g. ``"0.1.0"``."""
    return n.lib().edgetok_version().decode()


def abi_version() -> tuple[int, int]:
    """C ABI version as (major, minor)."""
    v = n.lib().edgetok_abi_version()
    return v >> 16, v & 0xFFFF


def build_info() -> dict[str, object]:
    """Build info: version, runtime, ISA level compiled/CPU, active vector path, ONNX Runtime version."""
    l = n.lib()
    need = ctypes.c_size_t(0)
    n.check(l.edgetok_build_info(None, 0, ctypes.byref(need)))
    buf = ctypes.create_string_buffer(need.value)
    n.check(l.edgetok_build_info(buf, need.value, ctypes.byref(need)))
    return json.loads(buf.value.decode())


def library_path() -> str:
    """Path of the libedgetok.so this process loaded (loading it if needed)."""
    n.lib()
    return str(n.find_library())


def wav_info(path: str | os.PathLike) -> dict[str, int | float]:
    """Properties of a WAV file: sample_rate, channels, bits_per_sample, frames, duration_seconds."""
    info = n.WavInfo(struct_size=ctypes.sizeof(n.WavInfo))
    n.check(n.lib().edgetok_wav_info_read(os.fsencode(path), ctypes.byref(info)))
    return {
        "sample_rate": info.sample_rate,
        "channels": info.channels,
        "bits_per_sample": info.bits_per_sample,
        "frames": info.frames,
        "duration_seconds": info.duration_seconds,
    }


def read_wav(path: str | os.PathLike, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Reads a WAV file as mono float32 in [-1, 1], resampled to ``sample_rate`` if given.

    Returns ``(samples, rate)``.
    """
    rate = ctypes.c_int32(0)
    target = int(sample_rate or 0)
    p = os.fsencode(path)
    samples = n.two_call_float(
        lambda buf, cap, need: n.lib().edgetok_wav_read_mono(p, target, buf, cap, need, ctypes.byref(rate))
    )
    return samples, rate.value


def write_wav(path: str | os.PathLike, samples: ArrayLike, sample_rate: int) -> None:
    """Writes mono float32 samples (or [frames, channels]) as a 16-bit PCM WAV file."""
    a = n.float_array(samples, "samples")
    channels = 1 if a.ndim == 1 else a.shape[1]
    if a.ndim > 2:
        raise ValueError(f"samples must be 1-D or [frames, channels], got shape {a.shape}")
    n.check(n.lib().edgetok_wav_write(os.fsencode(path), n.fptr(a), a.size, int(sample_rate), channels))


def resample(samples: ArrayLike, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited, time-aligned resampling of a 1-D float32 signal."""
    a = n.float_array(samples, "samples")
    if a.ndim != 1:
        raise ValueError(f"samples must be 1-D, got shape {a.shape}")
    return n.two_call_float(
        lambda buf, cap, need: n.lib().edgetok_resample(n.fptr(a), a.size, int(from_rate), int(to_rate), buf, cap, need)
    )


def read_series(path: str | os.PathLike, column: str | int | None = None) -> np.ndarray:
    """Reads a univariate series as float32 (NaN = missing): one column of a CSV file (a header
    name or a 0-based index; default: the last column whose cells are all numeric or missing) or a
    1-D ``.npy`` file."""
    p = os.fsencode(path)
    col = None if column is None else str(column).encode("utf-8")
    return n.two_call_float(lambda buf, cap, need: n.lib().edgetok_series_read(p, col, buf, cap, need))
