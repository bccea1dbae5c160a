// piecewise_constant: keras.optimizers.schedules.PiecewiseConstantDecay, Keras 3 semantics:
//   lr = values[0] for step <= boundaries[0], values[i] for boundaries[i-1] < step <= boundaries[i],
//   values[-1] for step > boundaries[-1].
// Keras compares with `<=`, so the rate changes on the step *after* each boundary (PyTorch's
// MultiStepLR changes *at* its milestones).
#include <algorithm>
#include <vector>

#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class PiecewiseConstant final : public Schedule {
 public:
  PiecewiseConstant(std::vector<std::int64_t> boundaries, std::vector<double> values)
      : boundaries_(std::move(boundaries)), values_(std::move(values)) {}
  double value(std::int64_t t) const override {
    // The number of boundaries strictly below t picks the interval, as Keras's `step <= boundary`.
    const auto below = std::lower_bound(boundaries_.begin(), boundaries_.end(), t) - boundaries_.begin();
    return values_[static_cast<std::size_t>(below)];
  }

 private:
  std::vector<std::int64_t> boundaries_;
  std::vector<double> values_;
};
}  // namespace

void register_piecewise_constant(Registry& r) {
  r.add_schedule(
      {.name = "piecewise_constant",
       .summary = "constant rates on intervals between boundaries",
       .formula = "lr(t) = values[0] if t <= boundaries[0]; values[i] if boundaries[i-1] < t <= boundaries[i]; "
                  "values[-1] if t > boundaries[-1]",
       .source = "keras.optimizers.schedules.PiecewiseConstantDecay",
       .notes = "Keras uses t <= boundary: the rate at t = boundaries[i] is still values[i]; the next value starts at "
                "boundaries[i] + 1. values are absolute rates (not factors of the optimizer's rate).",
       .params = {Param::integers("boundaries", "steps after which the next value applies; strictly increasing")
                      .required()
                      .at_least(0),
                  Param::reals("values", "the rates; one more than boundaries").required().at_least(0)},
       .example = Json::parse(R"({"type": "piecewise_constant", "boundaries": [300, 600], "values": [0.001, 0.0005, 0.0001]})")},
      [](const Params& p, const ScheduleContext&) -> SchedulePtr {
        auto boundaries = p.integers("boundaries");
        auto values = p.reals("values");
        if (boundaries.empty())
          throw ParamError("boundaries", "Argument `boundaries` must hold at least one step. Received: boundaries=[]");
        if (values.size() != boundaries.size() + 1)
          throw ParamError("values", "Argument `values` must have one entry more than `boundaries`. Received: boundaries=" +
                                         p.raw("boundaries").dump() + " of length " + std::to_string(boundaries.size()) +
                                         ", values=" + p.raw("values").dump() + " of length " +
                                         std::to_string(values.size()));
        for (std::size_t i = 1; i < boundaries.size(); ++i)
          if (boundaries[i] <= boundaries[i - 1])
            throw ParamError("boundaries",
                             "Argument `boundaries` must be strictly increasing. Received: boundaries=" + p.raw("boundaries").dump());
        return std::make_unique<PiecewiseConstant>(std::move(boundaries), std::move(values));
      });
}
}  // namespace lrlab::decay
