// The cyclical plugin: schedules that restart or cycle, and the range test that finds a cycle's
// bounds; one file per schedule, each with a register_<name>() function. cyclic_lr and
// one_cycle_lr also cycle the optimizer's beta_1 (sgd's momentum).
#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
LRLAB_PLUGIN_COMPONENTS(cyclical, "0.2.0",
                        register_cosine_decay_restarts,          // keras.optimizers.schedules.CosineDecayRestarts
                        register_cosine_annealing_warm_restarts,  // torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
                        register_cyclic_lr,                       // torch.optim.lr_scheduler.CyclicLR
                        register_one_cycle_lr,                    // torch.optim.lr_scheduler.OneCycleLR
                        register_range_test);                     // Smith 2017, fastai's lr_find
}  // namespace lrlab::cyclical
