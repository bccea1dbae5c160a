// The tasks plugin: one file per task, each with a register_<name>() function.
#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
void register_quadratic(Registry&);
void register_rosenbrock(Registry&);
}  // namespace lrlab::tasks

LRLAB_PLUGIN(tasks, "0.1.0") {
  using namespace lrlab::tasks;
  register_quadratic(registry);
  register_rosenbrock(registry);
}
