// The tasks plugin: one file per task, each with a register_<name>() function.
#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
void register_quadratic(Registry&);
void register_rosenbrock(Registry&);
void register_noisy_quadratic(Registry&);
void register_softmax_regression(Registry&);
void register_logistic_regression(Registry&);
void register_mlp(Registry&);
}  // namespace lrlab::tasks

LRLAB_PLUGIN(tasks, "0.2.0") {
  using namespace lrlab::tasks;
  register_quadratic(registry);
  register_rosenbrock(registry);
  register_noisy_quadratic(registry);
  register_softmax_regression(registry);
  register_logistic_regression(registry);
  register_mlp(registry);
}
