// The tasks plugin: one file per task, each with a register_<name>() function.
#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
LRLAB_PLUGIN_COMPONENTS(tasks, "0.2.0", register_quadratic, register_rosenbrock, register_noisy_quadratic,
                        register_softmax_regression, register_logistic_regression, register_mlp, register_wilson_separable);
}  // namespace lrlab::tasks
