// The manual plugin: the rate adjustments people write by hand in training loops, reproduced as
// policies so that their exact timing (and their pitfalls) can be studied. One file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::manual {
void register_periodic_decay(Registry&);
void register_epoch_rule(Registry&);
}  // namespace lrlab::manual

LRLAB_PLUGIN(manual, "0.1.0") {
  using namespace lrlab::manual;
  register_periodic_decay(registry);
  register_epoch_rule(registry);
}
