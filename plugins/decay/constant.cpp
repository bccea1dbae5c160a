// constant: the optimizer's rate, or a given one, at every step.
#include <lrlab/sdk.hpp>

namespace lrlab::decay {
namespace {
class Constant final : public Schedule {
 public:
  explicit Constant(double lr) : lr_(lr) {}
  double value(std::int64_t) const override { return lr_; }

 private:
  double lr_;
};
}  // namespace

void register_constant(Registry& r) {
  r.add_schedule({.name = "constant",
                  .summary = "the same rate at every step",
                  .formula = "lr(t) = learning_rate",
                  .source = "a plain float learning rate in Keras and PyTorch",
                  .params = {Param::real("learning_rate", "the rate; defaults to the optimizer's learning_rate").above(0)},
                  .example = Json::parse(R"({"type": "constant"})")},
                 [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
                   return std::make_unique<Constant>(p.real_or("learning_rate", ctx.base_lr));
                 });
}
}  // namespace lrlab::decay
