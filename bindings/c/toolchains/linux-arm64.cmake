# Cross-compiling the C/C++ tests and examples for linux-arm64 on an x86-64 Debian machine (packages
# gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu, qemu-user: scripts/ensure-arm64-deps.sh). CTest runs the
# arm64 programs under qemu user emulation with the Debian cross sysroot as the loader's root.
#   cmake -S bindings/c -B build/c-arm64 -DCMAKE_TOOLCHAIN_FILE=bindings/c/toolchains/linux-arm64.cmake \
#         -DEDGETOK_PREFIX=$PWD/artifacts/edgetok-arm64
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(EDGETOK_ARM64_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "arm64 root for qemu's ELF loader")
find_program(EDGETOK_QEMU NAMES qemu-aarch64 qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${EDGETOK_QEMU};-L;${EDGETOK_ARM64_SYSROOT}")
