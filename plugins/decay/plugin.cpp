// The decay plugin: one file per schedule, each with a register_<name>() function.
#include <lrlab/sdk.hpp>

namespace lrlab::decay {
void register_constant(Registry&);
void register_exponential_decay(Registry&);
}  // namespace lrlab::decay

LRLAB_PLUGIN(decay, "0.1.0") {
  using namespace lrlab::decay;
  register_constant(registry);
  register_exponential_decay(registry);
}
