// The manual plugin: the rate adjustments people write by hand in training loops, reproduced as
// policies so that their exact timing (and their pitfalls) can be studied. One file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::manual {
LRLAB_PLUGIN_COMPONENTS(manual, "0.1.0", register_periodic_decay, register_epoch_rule);
}  // namespace lrlab::manual
