#!/usr/bin/env bash
# Cross-compiles libedgetok.so and the edgetok CLI for linux-arm64 (native AOT) on an x86-64 Debian
# machine and installs them into an install tree shaped like the x86-64 one:
#   artifacts/edgetok-arm64/bin/edgetok
#   artifacts/edgetok-arm64/lib/libedgetok.so, libonnxruntime.so (ONNX Runtime's linux-arm64 build)
#   artifacts/edgetok-arm64/lib/pkgconfig/edgetok.pc, lib/cmake/EdgeTok/
#   artifacts/edgetok-arm64/include/edgetok.h, edgetok.hpp
# One image only: arm64 has no x86-style levels to dispatch between; AdvSIMD (NEON, 128-bit) is part of
# the armv8-a baseline the AOT compiler targets. Recipe and measured results: docs/arm64.md.
# Usage: scripts/build-arm64.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/artifacts/edgetok-arm64
OBJ=$ROOT/artifacts/obj
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

"$ROOT/scripts/ensure-arm64-deps.sh" --build-only

# The ILCompiler package for the target (runtime.linux-arm64.Microsoft.DotNet.ILCompiler) and the arm64
# runtime pack come from NuGet with the restore. clang links for the target triple the SDK passes
# (--target=aarch64-linux-gnu) and finds the Debian cross sysroot (/usr/aarch64-linux-gnu) and
# aarch64-linux-gnu-ld.bfd by itself; the host objcopy cannot strip arm64 code, the cross one can.
cross=(-r linux-arm64 -p:CppCompilerAndLinker=clang -p:LinkerFlavor=bfd -p:ObjCopyName=aarch64-linux-gnu-objcopy)

publish() { # project, obj name
  local t0=$SECONDS
  dotnet publish "$1" -c Release "${cross[@]}" \
    -p:NativeIntermediateOutputPath="$OBJ/$2/" -p:NativeOutputPath="$OBJ/$2/out/" \
    -o "$OBJ/publish-$2" -nologo -v:q
  echo "   ($((SECONDS - t0)) s)"
}

mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/include"
echo "== publishing libedgetok.so (linux-arm64)"
publish src/EdgeTok.Native/EdgeTok.Native.csproj arm64-native
cp "$OBJ/publish-arm64-native/libedgetok.so" "$OUT/lib/libedgetok.so"
cp "$OBJ/publish-arm64-native/"libonnxruntime*.so "$OUT/lib/"
echo "== publishing edgetok CLI (linux-arm64)"
publish src/EdgeTok.Cli/EdgeTok.Cli.csproj arm64-cli
cp "$OBJ/publish-arm64-cli/EdgeTok.Cli" "$OUT/bin/edgetok"

cp bindings/c/include/edgetok.h bindings/c/include/edgetok.hpp "$OUT/include/"
mkdir -p "$OUT/lib/pkgconfig" "$OUT/lib/cmake/EdgeTok"
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
sed "s/@VERSION@/$VERSION/" packaging/edgetok.pc.in > "$OUT/lib/pkgconfig/edgetok.pc"
cp packaging/EdgeTokConfig.cmake "$OUT/lib/cmake/EdgeTok/EdgeTokConfig.cmake"
sed "s/@VERSION@/$VERSION/" packaging/EdgeTokConfigVersion.cmake.in > "$OUT/lib/cmake/EdgeTok/EdgeTokConfigVersion.cmake"

# A wrong-architecture file here would only show up on the board: check the ELF machine now.
for f in "$OUT/bin/edgetok" "$OUT/lib/libedgetok.so" "$OUT/lib/libonnxruntime.so"; do
  machine=$(LC_ALL=C readelf -h "$f" | sed -n 's/^ *Machine: *//p')
  [ "$machine" = "AArch64" ] || { echo "error: $f is built for '$machine', not AArch64" >&2; exit 1; }
done
echo "== installed into $OUT"
