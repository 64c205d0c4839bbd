# find_package(EdgeTok) → imported target EdgeTok::edgetok (C ABI, header edgetok.h / edgetok.hpp).
# The library is found through an rpath to the lib folder, so glibc picks the widest ISA variant
# (lib/glibc-hwcaps/x86-64-v3|v4) the CPU supports.
get_filename_component(_edgetok_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET EdgeTok::edgetok)
  add_library(EdgeTok::edgetok SHARED IMPORTED)
  set_target_properties(EdgeTok::edgetok PROPERTIES
    IMPORTED_LOCATION "${_edgetok_prefix}/lib/libedgetok.so"
    IMPORTED_SONAME "libedgetok.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_edgetok_prefix}/include"
    INTERFACE_LINK_OPTIONS "LINKER:-rpath,${_edgetok_prefix}/lib")
endif()
set(EdgeTok_INCLUDE_DIRS "${_edgetok_prefix}/include")
set(EdgeTok_LIBRARIES EdgeTok::edgetok)
unset(_edgetok_prefix)
