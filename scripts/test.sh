#!/usr/bin/env bash
# Runs every test suite — .NET (xunit), C/C++ (CTest) and Python (pytest: binding + CLI) — against a
# freshly published native build, then prints one summary line:
#   tests: N passed, N failed, N skipped
# and exits non-zero if any test failed or any suite could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=$ROOT/artifacts/test-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
suite_errors=0

"$ROOT/scripts/ensure-deps.sh" || exit 1

echo "== native build (libedgetok.so + edgetok CLI, all ISA variants)"
if ! "$ROOT/scripts/build-native.sh"; then
  echo "native build FAILED"; suite_errors=$((suite_errors + 1))
fi

echo "== .NET tests"
dotnet test "$ROOT/tests/EdgeTok.Tests/EdgeTok.Tests.csproj" -c Release --nologo \
  --logger "trx;LogFileName=dotnet.trx" --results-directory "$RESULTS" || true
[ -f "$RESULTS/dotnet.trx" ] || { echo ".NET test suite did not run"; suite_errors=$((suite_errors + 1)); }

echo "== .NET kernel tests again on the narrower x86-64 paths (AVX2, 128-bit, scalar)"
# The run above takes the widest path the CPU has; the JIT knobs below switch the wider ISAs off so the
# fallback kernels (GEMM, panel/codebook search, quantizers, Kairos forward, Lyra's TFLite executor) run
# too. ActiveIsaTests fails a run whose knob did not take effect (EDGETOK_EXPECT_ISA). Same Release build.
KERNEL_TESTS='FullyQualifiedName~EdgeTok.Tests.Numerics|FullyQualifiedName~CodebookPanelsTests|FullyQualifiedName~NearestCodewordTests'
KERNEL_TESTS+='|FullyQualifiedName~VectorQuantizerTests|FullyQualifiedName~ScreenedSearchTests|FullyQualifiedName~SmallCodebookSearchTests|FullyQualifiedName~SnacQuantizerTests|FullyQualifiedName~KairosIsolatedStageTests'
KERNEL_TESTS+='|(FullyQualifiedName~KairosGoldenStageTests&DisplayName~H_batch_A_E)|(FullyQualifiedName~KairosGoldenForecastTests&DisplayName~D_len100_short)'
KERNEL_TESTS+='|FullyQualifiedName~LyraQuantizerTests|FullyQualifiedName~LyraStreamingTests.Offline_codes|FullyQualifiedName~LyraStreamingTests.Whole_chain'
KERNEL_TESTS+='|FullyQualifiedName~LyraStageTests.Encoder_|FullyQualifiedName~LyraStageTests.Float_path'
isa_variant() {  # isa knob: one run with the knob set, results in dotnet-ISA.trx
  EDGETOK_EXPECT_ISA=$1 env "$2" dotnet test "$ROOT/tests/EdgeTok.Tests/EdgeTok.Tests.csproj" -c Release --no-build --nologo \
    --filter "$KERNEL_TESTS" --logger "trx;LogFileName=dotnet-$1.trx" --results-directory "$RESULTS" || true
  [ -f "$RESULTS/dotnet-$1.trx" ] || { echo ".NET $1 run did not run"; suite_errors=$((suite_errors + 1)); }
}
if [ "$(uname -m)" = x86_64 ]; then
  # Only paths below the CPU's own (the main run already took that one).
  grep -qw avx512f /proc/cpuinfo && isa_variant avx2 DOTNET_EnableAVX512=0
  grep -qw avx2 /proc/cpuinfo && isa_variant sse DOTNET_EnableAVX2=0
  isa_variant scalar DOTNET_EnableHWIntrinsic=0
fi

echo "== bounded fuzz run (scripts/fuzz.sh: every parser target, 3 s each; JUnit: fuzz.xml)"
# Runs after the .NET tests so the library's Release build is reused; a build failure or a fuzz
# finding fails this suite. Longer runs: scripts/fuzz.sh --seconds 600 (docs/reliability.md).
"$ROOT/scripts/fuzz.sh" --seconds "${EDGETOK_FUZZ_SECONDS:-3}" --junit "$RESULTS/fuzz.xml" || true
[ -f "$RESULTS/fuzz.xml" ] || { echo "fuzz suite did not run"; suite_errors=$((suite_errors + 1)); }

echo "== C/C++ tests (CTest)"
if cmake -S bindings/c -B artifacts/build-c -DEDGETOK_PREFIX="$ROOT/artifacts/edgetok" -DEDGETOK_SHARED="$ROOT/../shared" >/dev/null \
   && cmake --build artifacts/build-c -j2 >/dev/null; then
  ctest --test-dir artifacts/build-c --output-on-failure --output-junit "$RESULTS/ctest.xml" || true
else
  echo "C build FAILED"; suite_errors=$((suite_errors + 1))
fi

echo "== Python tests (binding + CLI + packages: wheel in a fresh venv, NuGet consumer) under /usr/bin/python3"
/usr/bin/python3 -m pytest -q -p no:cacheprovider bindings/python/tests tests/cli tests/packaging --junitxml="$RESULTS/pytest.xml" || true
[ -f "$RESULTS/pytest.xml" ] || { echo "pytest did not run"; suite_errors=$((suite_errors + 1)); }

echo "== linux-arm64 cross build + tests under qemu (opt-in: EDGETOK_ARM64=1; docs/arm64.md)"
"$ROOT/scripts/test-arm64.sh" --if-enabled || true

/usr/bin/python3 "$ROOT/scripts/summarize_tests.py" "$RESULTS" "$suite_errors"
