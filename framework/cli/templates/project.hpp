#pragma once
// Templates shared by every kind of plugin project that `lrlab new-plugin` writes: CMakeLists.txt
// and README.md. Placeholders: @name@, @kind@, @sdk_version@, @prefix@, @lrlab@, @install_note@.
// Kept in the binary (not in share/) so that new-plugin works the same from a build tree and from
// an installation.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view cmake_lists = R"TPL(cmake_minimum_required(VERSION 3.20)
project(@name@ LANGUAGES CXX)

# Optimised by default: tasks and schedules run millions of times in a sweep.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# lrlab's CMake package: the SDK (lrlab::sdk) and lrlab_add_plugin(). The version is the SDK
# version: a plugin runs only in an lrlab of the same SDK version. If lrlab is installed outside the
# usual places, pass -DCMAKE_PREFIX_PATH=<its prefix>.
find_package(lrlab @sdk_version@ REQUIRED)

# Builds lrlab_@name@.so here in build/: `lrlab run ... --plugin-dir build` loads it. Add INSTALL to
# have `cmake --install build --prefix <lrlab's prefix>` put it where lrlab finds it by itself.
lrlab_add_plugin(@name@ SOURCES @name@.cpp)

# The unit test links the plugin's objects (@name@_plugin_objects) directly: no loader involved.
# Catch2 v3 where it is installed, else v2 (<lrlab/catch2.hpp> compiles against either).
enable_testing()
lrlab_add_plugin_test(@name@_test SOURCES @name@_test.cpp PLUGINS @name@)
)TPL";

inline constexpr std::string_view readme = R"TPL(# @name@: an lrlab @kind@ plugin

Written by `lrlab new-plugin @kind@ @name@`:

- `@name@.cpp`: the @kind@, its parameters, and the plugin's entry point (`LRLAB_PLUGIN_COMPONENTS`).
- `@name@_test.cpp`: its unit test (Catch2 v2 or v3), with the plugin linked in: no loader
  needed. **It fails until you fill in the TODOs** of `@name@.cpp` (summary, formula, source, the
  code) and of the test itself (values written out by hand from your formula).
- `experiment.json`: a small sweep that uses it.
- `CMakeLists.txt`: `find_package(lrlab)` and `lrlab_add_plugin(@name@ ...)`, which builds
  `build/lrlab_@name@.so`.
@install_note@
Build, test, run:

```sh
cmake -B build -DCMAKE_PREFIX_PATH=@prefix@ && cmake --build build
ctest --test-dir build --output-on-failure
@lrlab@ run experiment.json --plugin-dir build
```

The results are in `results/@name@.db`; for example
`@lrlab@ query results/@name@.db "SELECT trial_id, status, final_val_loss FROM trials"`.
`@lrlab@ describe @name@ --plugin-dir build` shows the component as users see it.

Rename freely, keeping one rule: the name in `LRLAB_PLUGIN_COMPONENTS(...)`, in
`lrlab_add_plugin(...)` and in `@name@_plugin_objects` must agree. Rebuild after every change to lrlab's SDK version (see
docs/writing-plugins.md in lrlab's sources): lrlab refuses plugins built for another one.
)TPL";

}  // namespace lrlab::cli::templates
