// chain: the product of schedules' factors (torch.optim.lr_scheduler.ChainedScheduler). lrlab's
// schedules give absolute rates, so each contributes the factor s_i(t) / lr0, and the chain is
// lr0 * prod_i s_i(t) / lr0: exactly ChainedScheduler for PyTorch-style schedules, which scale lr0.
#include "lrlab/sdk.hpp"

namespace lrlab {
namespace {

class Chain final : public Schedule {
 public:
  Chain(std::vector<SchedulePtr> children, double base_lr) : children_(std::move(children)), base_(base_lr) {}

  double value(std::int64_t t) const override {
    double v = base_;
    for (const auto& c : children_) v *= c->value(t) / base_;
    return v;
  }
  std::optional<double> beta_1(std::int64_t t) const override {
    for (const auto& c : children_)
      if (auto b = c->beta_1(t)) return b;
    return std::nullopt;
  }

 private:
  std::vector<SchedulePtr> children_;
  double base_;
};

}  // namespace

void register_chain(Registry& r) {
  r.add_schedule(
      {.name = "chain",
       .summary = "multiply the factors of several schedules",
       .formula = "lr(t) = lr0 * prod_i (s_i(t) / lr0)",
       .source = "torch.optim.lr_scheduler.ChainedScheduler",
       .notes = "lr0 is the optimizer's learning_rate; with one child, chain is that child.",
       .params = {Param::schedules("schedules", "the schedules whose factors multiply").required()},
       .example = Json::parse(R"({"type": "chain", "schedules": [{"type": "exponential_decay", "decay_steps": 1,
                   "decay_rate": 0.999}, {"type": "warmup", "steps": 50, "schedule": {"type": "constant"}}]})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const Json& specs = p.raw("schedules");
        if (specs.empty()) throw ParamError("schedules", "Argument `schedules` must hold at least one schedule.");
        std::vector<SchedulePtr> children;
        for (std::size_t i = 0; i < specs.size(); ++i) children.push_back(ctx.build(specs[i], "schedules/" + std::to_string(i)));
        return std::make_unique<Chain>(std::move(children), ctx.base_lr);
      });
}

}  // namespace lrlab
