# Finds libzip through pkg-config and provides the imported target LibZip::LibZip. (Debian 12's
# libzip-config.cmake names the zipcmp/zipmerge/ziptool programs, which libzip-dev does not install,
# so its CMake package cannot be used without them.)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
    pkg_check_modules(PC_LIBZIP QUIET IMPORTED_TARGET libzip)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibZip REQUIRED_VARS PC_LIBZIP_LINK_LIBRARIES VERSION_VAR PC_LIBZIP_VERSION)
if(LibZip_FOUND AND NOT TARGET LibZip::LibZip)
    add_library(LibZip::LibZip INTERFACE IMPORTED)
    target_link_libraries(LibZip::LibZip INTERFACE PkgConfig::PC_LIBZIP)
endif()
