#!/usr/bin/env bash
# Installs, once, the Debian packages the build and tests need (idempotent; skips what is present).
#   gcc + libc6-dev: linker for native AOT and the C tests; cmake: CTest; python3-numpy/pytest: the
#   Python binding's tests under /usr/bin/python3.
set -euo pipefail
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -e /usr/lib/x86_64-linux-gnu/crti.o ] || [ -e /usr/lib/aarch64-linux-gnu/crti.o ] || need+=(libc6-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v nm >/dev/null 2>&1 || need+=(binutils)
command -v pkg-config >/dev/null 2>&1 || need+=(pkgconf)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
# python3-venv: the wheel test installs the built wheel into a fresh venv; python3-distributed: Dask
# corpus tokenization (edgetok.corpus) and its LocalCluster test.
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
/usr/bin/python3 -c 'import distributed' >/dev/null 2>&1 || need+=(python3-distributed)
command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin)   # renders the CLI's SVG pictures in tests
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
