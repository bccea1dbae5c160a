// A second "constant" schedule (the decay plugin has one): specs must pick with "library".
#include <lrlab/sdk.hpp>

namespace {
class Half final : public lrlab::Schedule {
 public:
  explicit Half(double lr) : lr_(lr) {}
  double value(std::int64_t) const override { return lr_ / 2; }

 private:
  double lr_;
};
}  // namespace

LRLAB_PLUGIN(duplicate, "0.0.1") {
  registry.add_schedule({.name = "constant", .summary = "test only: half the optimizer's rate", .formula = "lr0 / 2",
                         .source = "lrlab tests", .example = lrlab::Json{{"type", "constant"}}},
                        [](const lrlab::Params&, const lrlab::ScheduleContext& c) -> lrlab::SchedulePtr {
                          return std::make_unique<Half>(c.base_lr);
                        });
}
