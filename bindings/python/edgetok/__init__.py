"""EdgeTok: time-series and audio tokenizers for edge devices (Python binding over the C ABI).

The work happens in libedgetok.so; this package converts numpy arrays and raises
:class:`EdgeTokError` for failed calls.
"""
from ._native import EdgeTokError
from .audio import AudioCodec
from .chronos import ChronosBins
from .kairos import Kairos
from .stream import DecoderStream, EncoderStream
from .core import abi_version, build_info, library_path, read_series, read_wav, resample, version, wav_info, write_wav

__all__ = [
    "AudioCodec",
    "ChronosBins",
    "DecoderStream",
    "EncoderStream",
    "EdgeTokError",
    "Kairos",
    "abi_version",
    "build_info",
    "library_path",
    "read_series",
    "read_wav",
    "resample",
    "version",
    "wav_info",
    "write_wav",
]
__version__ = "0.1.0"
