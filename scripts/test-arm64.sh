#!/usr/bin/env bash
# Tests the linux-arm64 build on this x86-64 machine under qemu-aarch64 user emulation:
#   1. scripts/build-arm64.sh (cross-compiled libedgetok.so + edgetok CLI → artifacts/edgetok-arm64)
#   2. the C/C++ tests (bindings/c via CTest), cross-compiled with aarch64-linux-gnu-gcc/g++ against the
#      arm64 library and run by CTest through qemu        → artifacts/test-results/ctest-arm64.xml
#   3. the CLI golden tests of tests/cli (Kairos forecast/tokenize, EnCodec tiny, mu-law, bins), same
#      files and tolerances as on x86-64, against the arm64 CLI under qemu, plus tests/arm64
#                                                         → artifacts/test-results/pytest-arm64.xml
# If the cross toolchain or qemu cannot be installed, it writes one skipped test and exits 0.
# Usage: scripts/test-arm64.sh [--if-enabled]
#   --if-enabled: run only when EDGETOK_ARM64=1 (scripts/test.sh); otherwise record one skipped test.
# Recipe, timings and why it is opt-in in scripts/test.sh: docs/arm64.md.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=$ROOT/artifacts/test-results
PREFIX=$ROOT/artifacts/edgetok-arm64
EMU=$ROOT/artifacts/qemu-arm64
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*-arm64.xml

# One JUnit test case outside the suites: skipped (reason) or failed (step that failed).
note() { # kind(skipped|failure) name message
  local msg=${3//&/&amp;}; msg=${msg//</&lt;}; msg=${msg//\"/&quot;}
  local n_skip=0 n_fail=0; [ "$1" = skipped ] && n_skip=1; [ "$1" = failure ] && n_fail=1
  printf '<testsuite name="arm64" tests="1" failures="%d" skipped="%d">\n  <testcase classname="arm64" name="%s"><%s message="%s"/></testcase>\n</testsuite>\n' \
    "$n_fail" "$n_skip" "$2" "$1" "$msg" > "$RESULTS/$2-arm64.xml"
}

if [ "${1:-}" = "--if-enabled" ] && [ "${EDGETOK_ARM64:-0}" != 1 ]; then
  echo "arm64: skipped (opt-in: EDGETOK_ARM64=1 scripts/test.sh, or scripts/test-arm64.sh; see docs/arm64.md)"
  note skipped qemu "not requested: set EDGETOK_ARM64=1 (cross build + qemu tests take several minutes, docs/arm64.md)"
  exit 0
fi

# CPU seconds used by finished child processes (what an idle machine would take, roughly, as most
# steps run on one core); wall time on a shared machine says little.
# (`times` must run in this shell, not in a $(...) subshell, to see this shell's children.)
cpu_now() { times > "$EMU.times"; CPU=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$EMU.times"); }
mkdir -p "$(dirname "$EMU")"
t0=$SECONDS
"$ROOT/scripts/ensure-deps.sh" || { note failure setup "scripts/ensure-deps.sh failed"; exit 1; }
if ! "$ROOT/scripts/ensure-arm64-deps.sh"; then
  echo "arm64: SKIPPED: the cross toolchain (clang, gcc/g++-aarch64-linux-gnu) or qemu-user could not be installed"
  note skipped toolchain "cross toolchain or qemu-user could not be installed through apt"
  exit 0
fi
QEMU=$(command -v qemu-aarch64 || command -v qemu-aarch64-static)

echo "== arm64: cross build"
tb=$SECONDS; cpu_now; cpu_b=$CPU
if ! "$ROOT/scripts/build-arm64.sh"; then
  echo "arm64 build FAILED"; note failure build "scripts/build-arm64.sh failed"; exit 1
fi
build_s=$((SECONDS - tb)); cpu_now; build_cpu=$((CPU - cpu_b))

# The root qemu's ELF loader and file lookups see first (-L): the Debian cross sysroot's libraries,
# and a /proc/cpuinfo of an arm64 CPU (Cortex-A72, as in a Raspberry Pi 4). User-mode qemu otherwise
# passes the host's x86 /proc/cpuinfo through, and ONNX Runtime's CPU detection crashes on a file that
# lists no arm64 core; a real board has its own.
mkdir -p "$EMU/root/proc" "$EMU/bin"
ln -sfn /usr/aarch64-linux-gnu/lib "$EMU/root/lib"
cp tests/arm64/cpuinfo-cortex-a72 "$EMU/root/proc/cpuinfo"
printf '#!/bin/sh\nexec "%s" -L "%s" "%s" "$@"\n' "$QEMU" "$EMU/root" "$PREFIX/bin/edgetok" > "$EMU/bin/edgetok"
chmod +x "$EMU/bin/edgetok"

echo "== arm64: C/C++ tests (CTest, cross-compiled, run under $(basename "$QEMU"))"
tc=$SECONDS; cpu_now; cpu_c=$CPU
BUILD_C=$ROOT/artifacts/build-c-arm64
if cmake -S bindings/c -B "$BUILD_C" -DCMAKE_TOOLCHAIN_FILE="$ROOT/bindings/c/toolchains/linux-arm64.cmake" \
     -DEDGETOK_ARM64_SYSROOT="$EMU/root" -DEDGETOK_PREFIX="$PREFIX" -DEDGETOK_SHARED="$ROOT/../shared" >/dev/null \
   && cmake --build "$BUILD_C" -j2 >/dev/null; then
  ctest --test-dir "$BUILD_C" --output-on-failure --output-junit "$RESULTS/ctest-arm64.xml" || true
else
  echo "arm64 C build FAILED"; note failure c_build "cross-compiling bindings/c failed"
fi
ctest_s=$((SECONDS - tc)); cpu_now; ctest_cpu=$((CPU - cpu_c))

echo "== arm64: CLI golden tests under qemu (tests/cli + tests/arm64)"
tp=$SECONDS; cpu_now; cpu_p=$CPU
# Same test files and tolerances as the x86-64 run; two tests are about the x86-64 ISA images only.
EDGETOK_CLI_DIR=$EMU/bin EDGETOK_ARM64_PREFIX=$PREFIX /usr/bin/python3 -m pytest -q -p no:cacheprovider \
  tests/cli/test_cli_kairos.py tests/cli/test_audio_cli.py tests/cli/test_ts_bins.py tests/cli/test_cli.py tests/arm64 \
  --deselect tests/cli/test_cli.py::test_info_uses_the_wide_path_when_the_cpu_has_avx2 \
  --deselect tests/cli/test_cli.py::test_baseline_image_still_runs_when_forced \
  --junitxml="$RESULTS/pytest-arm64.xml" || true
[ -f "$RESULTS/pytest-arm64.xml" ] || note failure cli "the CLI tests did not run"
pytest_s=$((SECONDS - tp)); cpu_now; pytest_cpu=$((CPU - cpu_p))

echo "arm64: wall (CPU) seconds: build ${build_s} (${build_cpu}), C tests ${ctest_s} (${ctest_cpu}), CLI tests ${pytest_s} (${pytest_cpu}), total $((SECONDS - t0))"
! grep -lE '(failures|errors)="[1-9]' "$RESULTS"/*-arm64.xml >/dev/null
