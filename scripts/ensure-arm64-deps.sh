#!/usr/bin/env bash
# Installs, once, what the linux-arm64 cross build and its tests need (idempotent; skips what is present):
#   clang: the native-AOT link driver (--target=aarch64-linux-gnu); gcc/g++-aarch64-linux-gnu: the C/C++
#   cross compilers, which bring binutils-aarch64-linux-gnu (ld.bfd, objcopy for symbol stripping) and the
#   arm64 sysroot under /usr/aarch64-linux-gnu (glibc, libstdc++, libgcc); qemu-user: runs arm64 programs
#   on this x86-64 machine (called as `qemu-aarch64 -L /usr/aarch64-linux-gnu`, no binfmt needed).
# Usage: scripts/ensure-arm64-deps.sh [--build-only]   (--build-only: skip qemu)
set -euo pipefail
need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || need+=(g++-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/crti.o ] || need+=(libc6-dev-arm64-cross)
if [ "${1:-}" != "--build-only" ]; then
  command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages for the arm64 cross build: ${need[*]}"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
