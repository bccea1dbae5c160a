// The validation plugin: policies driven by the evaluations, one file per policy.
#include <lrlab/sdk.hpp>

namespace lrlab::validation {
void register_early_stopping(Registry&);
void register_backtracking(Registry&);
void register_bold_driver(Registry&);
}  // namespace lrlab::validation

LRLAB_PLUGIN(validation, "0.1.0") {
  using namespace lrlab::validation;
  register_early_stopping(registry);
  register_backtracking(registry);
  register_bold_driver(registry);
}
