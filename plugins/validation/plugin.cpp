// The validation plugin: policies that watch the losses and stop or steer a trial, one file per
// policy: early stopping, backtracking and the bold driver act on the evaluations; divergence_stop
// on the smoothed training loss of every step.
#include <lrlab/sdk.hpp>

namespace lrlab::validation {
LRLAB_PLUGIN_COMPONENTS(validation, "0.2.0", register_early_stopping, register_backtracking, register_bold_driver,
                        register_divergence_stop);
}  // namespace lrlab::validation
