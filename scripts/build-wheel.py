#!/usr/bin/env python3
"""Builds the Python wheel of EdgeTok from the source package and the native install tree, with the
standard library only (PyPI is not needed; no setuptools, no `build`).

    /usr/bin/python3 scripts/build-wheel.py [--lib artifacts/edgetok/lib] [--out artifacts/dist]

The wheel holds bindings/python/edgetok/*.py, a py.typed marker and, under edgetok/lib/, the same
layout as the install tree: libedgetok.so (baseline), glibc-hwcaps/x86-64-vN/libedgetok.so (whatever
variants were built) and libonnxruntime*.so. The loader in edgetok/_native.py looks there first
(after $EDGETOK_LIBRARY), and each libedgetok.so finds ONNX Runtime through its $ORIGIN rpath.

The platform tag is manylinux_2_X_x86_64 with X the newest GLIBC_2.X symbol version the bundled
libraries need (they link only libc, libm, libdl, librt, libpthread, libstdc++, libgcc_s: the
manylinux set). Prints the wheel's path.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bindings" / "python" / "edgetok"
# A fixed timestamp makes two builds of the same inputs byte-identical.
EPOCH = (1980, 1, 1, 0, 0, 0)


def fail(message: str) -> None:
    print(f"build-wheel: {message}", file=sys.stderr)
    sys.exit(1)


def props_value(path: Path, name: str) -> str:
    m = re.search(rf"<{name}>([^<]+)</{name}>", path.read_text())
    if not m:
        fail(f"no <{name}> in {path}")
    return m.group(1).strip()


def onnxruntime_version() -> str:
    m = re.search(r'Include="Microsoft\.ML\.OnnxRuntime"\s+Version="([^"]+)"',
                  (ROOT / "Directory.Packages.props").read_text())
    if not m:
        fail("Microsoft.ML.OnnxRuntime has no version in Directory.Packages.props")
    return m.group(1)


def glibc_floor(files: list[Path]) -> tuple[int, int]:
    """Newest GLIBC_2.X version string referenced by the libraries (their version-need entries)."""
    best = (2, 17)
    for f in files:
        for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", f.read_bytes()):
            best = max(best, (int(major), int(minor)))
    return best


def native_files(lib: Path) -> list[tuple[Path, str]]:
    """(file, path inside the package) for every native library to ship."""
    base = lib / "libedgetok.so"
    if not base.is_file():
        fail(f"{base} not found: run scripts/build-native.sh first")
    out = [(base, "edgetok/lib/libedgetok.so")]
    hwcaps = lib / "glibc-hwcaps"
    if hwcaps.is_dir():
        for variant in sorted(hwcaps.iterdir()):
            so = variant / "libedgetok.so"
            if so.is_file():
                out.append((so, f"edgetok/lib/glibc-hwcaps/{variant.name}/libedgetok.so"))
    ort = sorted(lib.glob("libonnxruntime*.so"))
    if not any(p.name == "libonnxruntime.so" for p in ort):
        fail(f"{lib}/libonnxruntime.so not found: the codecs need it beside libedgetok.so")
    out += [(p, f"edgetok/lib/{p.name}") for p in ort]
    return out


def license_files(ort_version: str) -> list[tuple[bytes, str]]:
    """ONNX Runtime's licence and notices (we redistribute its binary), from the NuGet package."""
    packages = Path(os.environ.get("NUGET_PACKAGES") or Path.home() / ".nuget" / "packages")
    pkg = packages / "microsoft.ml.onnxruntime" / ort_version
    out = []
    for name in ("LICENSE", "ThirdPartyNotices.txt"):
        p = pkg / name
        if not p.is_file():
            fail(f"{p} not found: run 'dotnet restore' (ONNX Runtime's licence ships in the wheel)")
        out.append((p.read_bytes(), f"licenses/onnxruntime/{name}"))
    own = ROOT / "LICENSE"
    if own.is_file():
        out.append((own.read_bytes(), "licenses/LICENSE"))
    return out


def metadata(version: str, ort_version: str) -> str:
    readme = (ROOT / "bindings" / "python" / "README.md").read_text()
    fields = [
        ("Metadata-Version", "2.1"),
        ("Name", "edgetok"),
        ("Version", version),
        ("Summary", "Time-series (Kairos, Chronos bins) and audio-codec tokenizers for edge devices: "
                    f"numpy API over the native EdgeTok library (bundles ONNX Runtime {ort_version})"),
        ("Requires-Python", ">=3.9"),
        ("Requires-Dist", "numpy>=1.20"),
        ("Provides-Extra", "dask"),
        ("Requires-Dist", 'distributed>=2022.1; extra == "dask"'),
        ("Classifier", "Programming Language :: Python :: 3"),
        ("Classifier", "Operating System :: POSIX :: Linux"),
        ("Classifier", "Topic :: Scientific/Engineering"),
        ("Keywords", "tokenizer,time-series,forecasting,audio-codec,kairos,chronos,onnxruntime"),
        ("Description-Content-Type", "text/markdown"),
    ]
    return "".join(f"{k}: {v}\n" for k, v in fields) + "\n" + readme


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", type=Path, default=ROOT / "artifacts" / "edgetok" / "lib",
                    help="native lib folder of the install tree (default: artifacts/edgetok/lib)")
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "dist", help="output folder")
    args = ap.parse_args()

    version = props_value(ROOT / "Directory.Build.props", "Version")
    init = (PACKAGE / "__init__.py").read_text()
    m = re.search(r'^__version__ = "([^"]+)"', init, re.M)
    if not m or m.group(1) != version:
        fail(f"edgetok/__init__.py __version__ is {m.group(1) if m else 'missing'}, "
             f"Directory.Build.props says {version}: make them agree")
    ort_version = onnxruntime_version()

    natives = native_files(args.lib)
    floor = glibc_floor([p for p, _ in natives])
    tag = f"py3-none-manylinux_{floor[0]}_{floor[1]}_x86_64"
    dist_info = f"edgetok-{version}.dist-info"

    entries: list[tuple[str, bytes, int]] = []  # (name, data, unix mode)
    for src in sorted(PACKAGE.glob("*.py")):
        entries.append((f"edgetok/{src.name}", src.read_bytes(), 0o644))
    entries.append(("edgetok/py.typed", b"", 0o644))
    for src, name in natives:
        entries.append((name, src.read_bytes(), 0o755))
    for data, name in license_files(ort_version):
        entries.append((f"{dist_info}/{name}", data, 0o644))
    entries.append((f"{dist_info}/METADATA", metadata(version, ort_version).encode(), 0o644))
    entries.append((f"{dist_info}/WHEEL", (
        "Wheel-Version: 1.0\n"
        "Generator: edgetok scripts/build-wheel.py\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n").encode(), 0o644))
    entries.append((f"{dist_info}/entry_points.txt",
                    b"[console_scripts]\nedgetok-corpus = edgetok.corpus:main\n", 0o644))
    entries.append((f"{dist_info}/top_level.txt", b"edgetok\n", 0o644))
    record = "\n".join(record_line(n, d) for n, d, _ in entries) + f"\n{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("edgetok-*.whl"):
        old.unlink()
    wheel = args.out / f"edgetok-{version}-{tag}.whl"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    wheel.write_bytes(buf.getvalue())
    print(wheel)


if __name__ == "__main__":
    main()
