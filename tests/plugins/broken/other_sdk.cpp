// A plugin built against a future SDK: the loader must refuse it before calling anything else.
#include <lrlab/plugin.hpp>

extern "C" LRLAB_API const lrlab_plugin_entry_t* lrlab_plugin_entry() {
  static const lrlab_plugin_entry_t entry{LRLAB_SDK_VERSION + 1, "other_sdk", "9.9.9", nullptr};
  return &entry;
}
