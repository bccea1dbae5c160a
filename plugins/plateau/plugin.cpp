// The plateau plugin: policies that shrink the rate once progress stalls, one file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::plateau {
LRLAB_PLUGIN_COMPONENTS(plateau, "0.1.0", register_reduce_on_plateau, register_statistical_plateau);
}  // namespace lrlab::plateau
