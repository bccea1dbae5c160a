// A plugin that needs libgone.so, which the loader cannot find.
#include <lrlab/sdk.hpp>

int gone_value();

LRLAB_PLUGIN(missing_dep, "0.0.1") {
  if (gone_value() != 7) return;
}
