#pragma once
// The optimizers a trial can train with: the spec's "optimizer" section, {"type": NAME, ...}.
//
// Adam is the default and lrlab's focus (adam.hpp); the others are there to compare against it
// and to reproduce published comparisons: sgd (momentum, Nesterov, dampening: torch.optim.SGD),
// nadam (Dozat 2016, torch.optim.NAdam), radam (Liu et al. 2019, torch.optim.RAdam) and
// schedule_free_adamw (Defazio et al. 2024). Each is declared like a plugin component (its
// parameters, formula and source, shown by `lrlab describe NAME`), but lives in the core: an
// optimizer's state is part of every checkpoint, and its update is part of every trial's bits.
//
// The step convention is the same for all: update t (from 0) runs at the rate lr_t the schedule
// and the policies give, with the gradient the task computed at the parameters the trial holds.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/json.hpp"
#include "lrlab/state.hpp"

namespace lrlab {

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Called once with the task's initial parameters, before the first update (and before a
  // checkpoint is loaded over the state): round them to the optimizer's dtype, or take them as
  // the starting point of its own sequences.
  virtual void start(std::span<double> x) = 0;

  // Apply update t to `x`, the parameters `grad` was computed at. `beta_1`: the first-moment decay
  // (Adam-like) or momentum (sgd) of this update when a schedule cycles it (cyclical momentum);
  // empty: the configured one.
  virtual void step(std::span<double> x, std::span<const double> grad, double lr, std::optional<double> beta_1) = 0;

  // The parameters to evaluate, test and save: `x` itself, or for schedule-free AdamW the
  // averaged iterate it keeps (gradients are taken elsewhere, at `x`).
  virtual std::span<const double> evaluation_point(std::span<const double> x) const { return x; }

  // The optimizer's state, both ways (checkpoints, and the best state a policy restores).
  virtual void persist(StateArchive& a) = 0;
};

using OptimizerPtr = std::unique_ptr<Optimizer>;

// One optimizer type: its documentation and parameters (what `lrlab describe` shows) and its
// factory, which takes the resolved section and the number of parameters. A factory throws
// ParamError for values that are wrong together (nesterov without momentum).
struct OptimizerDecl {
  ComponentInfo doc;
  OptimizerPtr (*make)(const Json& resolved, std::size_t dimension);
};

// Every optimizer type, Adam first.
const std::vector<OptimizerDecl>& optimizers();
// The one named `type`, or nullptr.
const OptimizerDecl* find_optimizer(std::string_view type);
// The names, for messages and the "type" parameter's choices.
std::vector<std::string> optimizer_names();

// For an "optimizer" section of type `type` that holds `key`, which it does not take: why, when
// another optimizer takes it ("momentum is sgd's; this optimizer is adam ..."), else "".
std::string optimizer_key_hint(const std::string& type, const std::string& key);

// The parameters every optimizer takes: "type" and "learning_rate".
std::vector<Param> common_optimizer_params();
// Those and the Adam family's moments with L2 decay, as torch.optim.NAdam and RAdam take them:
// beta_1, beta_2, epsilon, weight_decay.
std::vector<Param> adam_family_params();

// The optimizer of a resolved "optimizer" section (trial_plan.cpp resolves it).
OptimizerPtr make_optimizer(const Json& resolved, std::size_t dimension);

}  // namespace lrlab
