#!/usr/bin/env bash
# Installs, once, what scripts/fuzz.sh needs (idempotent; skips what is present):
#   afl++ (Debian package) for coverage-guided fuzzing, and the SharpFuzz.CommandLine local tool
#   (dotnet-tools.json) that instruments EdgeTok.dll for AFL++.
# Exits 0 even when afl++ cannot be installed: fuzz.sh then falls back to its built-in mutator.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "== installing Debian package: afl++"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends afl++ >/dev/null; } \
    || echo "afl++ could not be installed; fuzz.sh will use the built-in mutation fuzzer"
fi
dotnet tool restore >/dev/null || echo "dotnet tool restore failed; fuzz.sh will use the built-in mutation fuzzer"
exit 0
