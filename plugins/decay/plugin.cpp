// The decay plugin: one file per schedule, each with a register_<name>() function.
// Keras family (absolute rates, initial_learning_rate defaulting to the optimizer's learning_rate)
// and PyTorch family (factors of the optimizer's learning_rate, PyTorch's closed forms).
#include <lrlab/sdk.hpp>

namespace lrlab::decay {
LRLAB_PLUGIN_COMPONENTS(decay, "0.2.0",
                        register_constant,
                        // Keras: keras.optimizers.schedules.*
                        register_exponential_decay, register_inverse_time_decay, register_polynomial_decay,
                        register_piecewise_constant, register_cosine_decay,
                        // Hägele et al. 2024
                        register_wsd,
                        // PyTorch: torch.optim.lr_scheduler.*
                        register_step_lr, register_multi_step_lr, register_exponential_lr, register_linear_lr,
                        register_constant_lr, register_polynomial_lr, register_cosine_annealing_lr);
}  // namespace lrlab::decay
