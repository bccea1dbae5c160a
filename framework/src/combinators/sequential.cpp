// sequential: schedule i runs from milestone i-1 to milestone i, its own step restarting at 0 at
// its milestone (optax.join_schedules; torch.optim.lr_scheduler.SequentialLR).
#include <algorithm>
#include <vector>

#include "lrlab/sdk.hpp"

namespace lrlab {
namespace {

class Sequential final : public Schedule {
 public:
  Sequential(std::vector<SchedulePtr> children, std::vector<std::int64_t> milestones)
      : children_(std::move(children)), milestones_(std::move(milestones)) {}

  double value(std::int64_t t) const override {
    const auto [i, local] = locate(t);
    return children_[i]->value(local);
  }
  std::optional<double> beta_1(std::int64_t t) const override {
    const auto [i, local] = locate(t);
    return children_[i]->beta_1(local);
  }

 private:
  // The child active at step t (the one whose milestone t has reached) and its local step.
  std::pair<std::size_t, std::int64_t> locate(std::int64_t t) const {
    const auto i = static_cast<std::size_t>(std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin());
    return {i, i == 0 ? t : t - milestones_[i - 1]};
  }
  std::vector<SchedulePtr> children_;
  std::vector<std::int64_t> milestones_;
};

}  // namespace

void register_sequential(Registry& r) {
  r.add_schedule(
      {.name = "sequential",
       .summary = "run schedules one after another, each restarting its step at its milestone",
       .formula = "lr(t) = schedules[i](t - milestones[i-1]) for milestones[i-1] <= t < milestones[i]",
       .source = "optax.join_schedules; torch.optim.lr_scheduler.SequentialLR",
       .notes = "At t == milestone the next schedule starts, at its step 0.",
       .params = {Param::schedules("schedules", "the schedules, in order").required(),
                  Param::integers("milestones", "steps where the next schedule starts; one fewer than schedules, increasing")
                      .required()
                      .above(0)},
       .example = Json::parse(R"({"type": "sequential", "schedules": [{"type": "constant"},
                   {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}], "milestones": [200]})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const Json& specs = p.raw("schedules");
        const auto milestones = p.integers("milestones");
        if (specs.empty()) throw ParamError("schedules", "Argument `schedules` must hold at least one schedule.");
        if (milestones.size() + 1 != specs.size())
          throw ParamError("milestones", "Argument `milestones` must have one entry fewer than `schedules`. Received: " +
                                             std::to_string(milestones.size()) + " milestones for " +
                                             std::to_string(specs.size()) + " schedules");
        for (std::size_t i = 1; i < milestones.size(); ++i)
          if (milestones[i] <= milestones[i - 1])
            throw ParamError("milestones", "Argument `milestones` must be strictly increasing. Received: " + p.raw("milestones").dump());
        std::vector<SchedulePtr> children;
        for (std::size_t i = 0; i < specs.size(); ++i) children.push_back(ctx.build(specs[i], "schedules/" + std::to_string(i)));
        return std::make_unique<Sequential>(std::move(children), milestones);
      });
}

}  // namespace lrlab
