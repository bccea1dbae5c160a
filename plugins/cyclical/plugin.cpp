// The cyclical plugin: schedules that restart or cycle, one file per schedule, each with a
// register_<name>() function. cyclic_lr and one_cycle_lr also cycle Adam's beta_1.
#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
void register_cosine_decay_restarts(Registry&);          // keras.optimizers.schedules.CosineDecayRestarts
void register_cosine_annealing_warm_restarts(Registry&);  // torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
void register_cyclic_lr(Registry&);                       // torch.optim.lr_scheduler.CyclicLR
void register_one_cycle_lr(Registry&);                    // torch.optim.lr_scheduler.OneCycleLR
}  // namespace lrlab::cyclical

LRLAB_PLUGIN(cyclical, "0.1.0") {
  using namespace lrlab::cyclical;
  register_cosine_decay_restarts(registry);
  register_cosine_annealing_warm_restarts(registry);
  register_cyclic_lr(registry);
  register_one_cycle_lr(registry);
}
