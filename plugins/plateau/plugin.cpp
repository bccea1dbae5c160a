// The plateau plugin: policies that shrink the rate once progress stalls, one file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::plateau {
void register_reduce_on_plateau(Registry&);
void register_statistical_plateau(Registry&);
}  // namespace lrlab::plateau

LRLAB_PLUGIN(plateau, "0.1.0") {
  using namespace lrlab::plateau;
  register_reduce_on_plateau(registry);
  register_statistical_plateau(registry);
}
