// The decay plugin: one file per schedule, each with a register_<name>() function.
// Keras family (absolute rates, initial_learning_rate defaulting to the optimizer's learning_rate)
// and PyTorch family (factors of the optimizer's learning_rate, PyTorch's closed forms).
#include <lrlab/sdk.hpp>

namespace lrlab::decay {
void register_constant(Registry&);
// Keras: keras.optimizers.schedules.*
void register_exponential_decay(Registry&);
void register_inverse_time_decay(Registry&);
void register_polynomial_decay(Registry&);
void register_piecewise_constant(Registry&);
void register_cosine_decay(Registry&);
// PyTorch: torch.optim.lr_scheduler.*
void register_step_lr(Registry&);
void register_multi_step_lr(Registry&);
void register_exponential_lr(Registry&);
void register_linear_lr(Registry&);
void register_constant_lr(Registry&);
void register_polynomial_lr(Registry&);
void register_cosine_annealing_lr(Registry&);
}  // namespace lrlab::decay

LRLAB_PLUGIN(decay, "0.2.0") {
  using namespace lrlab::decay;
  register_constant(registry);
  register_exponential_decay(registry);
  register_inverse_time_decay(registry);
  register_polynomial_decay(registry);
  register_piecewise_constant(registry);
  register_cosine_decay(registry);
  register_step_lr(registry);
  register_multi_step_lr(registry);
  register_exponential_lr(registry);
  register_linear_lr(registry);
  register_constant_lr(registry);
  register_polynomial_lr(registry);
  register_cosine_annealing_lr(registry);
}
