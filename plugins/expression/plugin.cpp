// The expression plugin: schedules written as formulas, so a new schedule can be tried without
// compiling a plugin.
#include <lrlab/sdk.hpp>

namespace lrlab::expression {
void register_expression(Registry&);
}  // namespace lrlab::expression

LRLAB_PLUGIN(expression, "0.1.0") {
  lrlab::expression::register_expression(registry);
}
