// The validation plugin: policies driven by the evaluations, one file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::validation {
LRLAB_PLUGIN_COMPONENTS(validation, "0.1.0", register_early_stopping, register_backtracking, register_bold_driver);
}  // namespace lrlab::validation
