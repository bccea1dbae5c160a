// periodic_decay: "every N steps, multiply the learning rate by f", the adjustment written by hand
// in a training loop:
//     for iterations in range(steps):
//         if iterations % 1000 == 0: lr *= 0.9       # tested before the update...
//         update(lr)
// ...which already decays at iteration 0, so the first update never uses the rate that was asked
// for. `first_at` chooses when the first multiplication happens: 0 reproduces that loop, `every`
// (the default) is what was meant. Acts before the update of the step, which then uses the new rate:
//   before update t:  t >= first_at and (t - first_at) % every == 0  =>  lr <- lr * factor
#include <lrlab/sdk.hpp>


namespace lrlab::manual {
namespace {

class PeriodicDecay final : public Policy {
 public:
  PeriodicDecay(std::int64_t every, double factor, std::int64_t first_at)
      : every_(every), factor_(factor), first_at_(first_at) {}

  void before_step(std::int64_t step, std::int64_t, PolicyControl& ctl) override {
    if (step < first_at_ || (step - first_at_) % every_ != 0) return;
    const double old_lr = ctl.lr();
    ctl.scale(factor_, "decay",
              "step " + std::to_string(step) + " = " + std::to_string(first_at_) + " + k*" + std::to_string(every_) +
                  "; lr " + message_number(old_lr) + " -> " + message_number(old_lr * factor_) + " (x" + message_number(factor_) + ")");
  }
  // No persist(): whether step t decays is a function of t alone, and the factor so far is the
  // core's to keep, so a resumed trial needs nothing from this object.

 private:
  std::int64_t every_;
  double factor_;
  std::int64_t first_at_;
};

PolicyPtr make_periodic_decay(const Params& p, const PolicyContext&) {
  const std::int64_t every = p.integer("every");
  return std::make_unique<PeriodicDecay>(every, p.real("factor"), p.integer_or("first_at", every));
}

}  // namespace

void register_periodic_decay(Registry& r) {
  r.add_policy(
      {.name = "periodic_decay",
       .summary = "multiply the rate by `factor` every `every` steps, the first time at step `first_at`",
       .formula = "before update t: if t >= first_at and (t - first_at) % every == 0: lr <- lr * factor",
       .source = "the hand-written loop `if iterations % N == 0: lr *= f` (first_at: 0 reproduces it exactly)",
       .notes = "first_at defaults to `every`: the first `every` updates use the base rate. first_at: 0 is the common "
                "loop that tests the counter before the update, so that step 0 already uses lr * factor. As a policy "
                "it multiplies whatever schedule runs underneath; as a pure schedule it is exponential_decay with "
                "staircase: true.",
       .params = {Param::integer("every", "steps between multiplications").required().at_least(1),
                  Param::real("factor", "multiplier of the rate each time").def(0.9).above(0),
                  Param::integer("first_at", "step of the first multiplication; default: every").at_least(0)},
       .example = Json::parse(R"({"type": "periodic_decay", "every": 1000, "factor": 0.9, "first_at": 0})")},
      make_periodic_decay);
}

}  // namespace lrlab::manual
