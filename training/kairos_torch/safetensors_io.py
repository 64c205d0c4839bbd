"""Minimal safetensors reader/writer (F32/F16/I64 only); avoids a dependency on the `safetensors` package."""
import json
import struct

import numpy as np

_DT = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "F64": np.float64, "I32": np.int32}
_DT_INV = {np.dtype(v).name: k for k, v in _DT.items()}


def load_file(path):
    with open(path, "rb") as f:
        blob = f.read()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen].decode("utf-8"))
    base = 8 + hlen
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        arr = np.frombuffer(blob, dtype=_DT[info["dtype"]], count=(e - b) // np.dtype(_DT[info["dtype"]]).itemsize,
                            offset=base + b)
        out[name] = arr.reshape(info["shape"]).copy()
    return out


def save_file(tensors, path, metadata=None):
    """tensors: dict name -> numpy array. Sorted names, 8-byte aligned header like the reference writer."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    offset = 0
    names = sorted(tensors)
    arrays = []
    for n in names:
        a = np.ascontiguousarray(tensors[n])
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("<"))
        header[n] = {"dtype": _DT_INV[a.dtype.name], "shape": list(a.shape),
                     "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)  # data block starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for a in arrays:
            f.write(a.tobytes())
