# Installation: `cmake --install build --prefix P` gives
#   P/bin/lrlab                      the command line
#   P/lib/lrlab/plugins/lrlab_*.so   the built-in plugins (installed by lrlab_add_plugin, see plugins/)
#   P/include/lrlab/*.hpp            the SDK headers: framework/include/lrlab/, whole
#   P/lib/cmake/lrlab/               the CMake package: find_package(lrlab) and lrlab_add_plugin()
# Always "lib", not GNUInstallDirs' lib/<multiarch>: an installed lrlab finds its plugins at
# <bin>/../lib/lrlab/plugins (framework/src/catalog.cpp).
include(CMakePackageConfigHelpers)
set(_pkg lib/cmake/lrlab)

# The SDK version, read from the header so that the package's version cannot drift from it.
file(STRINGS ${PROJECT_SOURCE_DIR}/framework/include/lrlab/version.hpp _line REGEX "^#define LRLAB_SDK_VERSION ")
string(REGEX REPLACE "^#define LRLAB_SDK_VERSION ([0-9]+).*$" "\\1" LRLAB_SDK_VERSION "${_line}")
if(NOT LRLAB_SDK_VERSION MATCHES "^[0-9]+$")
  message(FATAL_ERROR "cannot read LRLAB_SDK_VERSION from framework/include/lrlab/version.hpp")
endif()

# The SDK headers: framework/include/lrlab/ holds exactly them (the core's own headers live in
# framework/src/lrlab/ and are not installed, since the core library they describe is not either).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/framework/include/lrlab DESTINATION include FILES_MATCHING PATTERN "*.hpp")

# lrlab::sdk for plugins; lrlab::lrlab, the command line, for projects that want to run it.
set_target_properties(lrlab_sdk PROPERTIES EXPORT_NAME sdk)
install(TARGETS lrlab_sdk EXPORT lrlabTargets)
# The binary links the core statically; a dependency from outside the system's library folders
# (a Boost or oneTBB of one's own) keeps its folder in the installed binary's RPATH.
set_target_properties(lrlab PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
install(TARGETS lrlab EXPORT lrlabTargets RUNTIME DESTINATION bin)
install(EXPORT lrlabTargets NAMESPACE lrlab:: DESTINATION ${_pkg})

set(LRLAB_PLUGIN_INSTALL_DIR lib/lrlab/plugins)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lrlabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lrlabConfig.cmake INSTALL_DESTINATION ${_pkg} PATH_VARS LRLAB_PLUGIN_INSTALL_DIR)
# The package's version is the SDK version, with SameMajorVersion: find_package(lrlab 3) accepts
# an lrlab with SDK 2 only, the one version whose loader accepts the plugins it builds.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lrlabConfigVersion.cmake
  VERSION ${LRLAB_SDK_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lrlabConfig.cmake ${PROJECT_BINARY_DIR}/lrlabConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/LrlabPlugin.cmake DESTINATION ${_pkg})
