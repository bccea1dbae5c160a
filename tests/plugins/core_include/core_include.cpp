// A plugin that reaches past the SDK into the core: it must not compile. The core's headers
// (framework/src/lrlab/) are not on a plugin's include path, so this include is not found; the
// test "sdk: a plugin that includes a core header does not compile" builds it and expects that.
#include <lrlab/sdk.hpp>
#include <lrlab/store.hpp>

LRLAB_PLUGIN(core_include, "0.0.1") {}
