#!/usr/bin/env bash
# Publishes the native-AOT library and CLI, one image per x86-64 ISA level, into an install tree:
#   artifacts/edgetok/lib/libedgetok.so                              baseline (x86-64-v2, the AOT default)
#   artifacts/edgetok/lib/glibc-hwcaps/x86-64-v3/libedgetok.so       AVX2 + FMA
#   artifacts/edgetok/lib/glibc-hwcaps/x86-64-v4/libedgetok.so       AVX-512
#   artifacts/edgetok/bin/edgetok[-x86-64-v3|-x86-64-v4]             CLI (baseline re-executes the widest)
#   artifacts/edgetok/include/edgetok.h, edgetok.hpp
# glibc (>= 2.33) picks the widest library variant the CPU supports when libedgetok.so is found
# through a search path (rpath, LD_LIBRARY_PATH); the Python package does the same by itself.
# Usage: scripts/build-native.sh [--quick]   (--quick: baseline + the CPU's own level only)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/artifacts/edgetok
OBJ=$ROOT/artifacts/obj
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$ROOT/scripts/ensure-deps.sh"

cpu_level() {
  local f; f=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
  if [[ $f == *avx512f* && $f == *avx512bw* && $f == *avx512cd* && $f == *avx512dq* && $f == *avx512vl* ]]; then echo v4
  elif [[ $f == *avx2* && $f == *fma* && $f == *bmi2* ]]; then echo v3
  else echo v1; fi
}

levels=(base v3 v4)
if [ $quick = 1 ]; then lvl=$(cpu_level); levels=(base); [ "$lvl" != v1 ] && levels+=("$lvl"); fi

mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/include"
for lvl in "${levels[@]}"; do
  isa=""; libdir="$OUT/lib"; exe="edgetok"
  if [ "$lvl" != base ]; then
    isa="-p:IlcInstructionSet=x86-64-$lvl"
    libdir="$OUT/lib/glibc-hwcaps/x86-64-$lvl"
    exe="edgetok-x86-64-$lvl"
  fi
  mkdir -p "$libdir"
  echo "== publishing libedgetok.so ($lvl)"
  dotnet publish src/EdgeTok.Native/EdgeTok.Native.csproj -c Release -r linux-x64 $isa \
    -p:NativeIntermediateOutputPath="$OBJ/native-$lvl/" -p:NativeOutputPath="$OBJ/native-$lvl/out/" \
    -o "$OBJ/publish-native-$lvl" -nologo -v:q
  cp "$OBJ/publish-native-$lvl/libedgetok.so" "$libdir/libedgetok.so"
  echo "== publishing edgetok CLI ($lvl)"
  dotnet publish src/EdgeTok.Cli/EdgeTok.Cli.csproj -c Release -r linux-x64 $isa \
    -p:NativeIntermediateOutputPath="$OBJ/cli-$lvl/" -p:NativeOutputPath="$OBJ/cli-$lvl/out/" \
    -o "$OBJ/publish-cli-$lvl" -nologo -v:q
  cp "$OBJ/publish-cli-$lvl/EdgeTok.Cli" "$OUT/bin/$exe"
done
# One copy of ONNX Runtime, found through each image's rpath ($ORIGIN, $ORIGIN/../.., $ORIGIN/../lib).
cp "$OBJ/publish-native-base/"libonnxruntime*.so "$OUT/lib/"
cp bindings/c/include/edgetok.h bindings/c/include/edgetok.hpp "$OUT/include/" 2>/dev/null || cp bindings/c/include/edgetok.h "$OUT/include/"
# pkg-config and CMake package files, with paths relative to the tree so it can be moved.
mkdir -p "$OUT/lib/pkgconfig" "$OUT/lib/cmake/EdgeTok"
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
sed "s/@VERSION@/$VERSION/" packaging/edgetok.pc.in > "$OUT/lib/pkgconfig/edgetok.pc"
cp packaging/EdgeTokConfig.cmake "$OUT/lib/cmake/EdgeTok/EdgeTokConfig.cmake"
sed "s/@VERSION@/$VERSION/" packaging/EdgeTokConfigVersion.cmake.in > "$OUT/lib/cmake/EdgeTok/EdgeTokConfigVersion.cmake"
echo "== installed into $OUT"
