// The expression plugin: schedules written as formulas, so a new schedule can be tried without
// compiling a plugin.
#include <lrlab/sdk.hpp>

namespace lrlab::expression {
LRLAB_PLUGIN_COMPONENTS(expression, "0.1.0", register_expression);
}  // namespace lrlab::expression
