// constant: the optimizer's rate, or a given one, at every step. Written as a function of the step
// (schedule_fn.hpp): a schedule with nothing to hold but a number needs no class.
#include <lrlab/sdk.hpp>

namespace lrlab::decay {

void register_constant(Registry& r) {
  r.add_schedule({.name = "constant",
                  .summary = "the same rate at every step",
                  .formula = "lr(t) = learning_rate",
                  .source = "a plain float learning rate in Keras and PyTorch",
                  .params = {Param::real("learning_rate", "the rate; defaults to the optimizer's learning_rate").above(0)},
                  .example = Json::parse(R"({"type": "constant"})")},
                 schedule_fn([](const Params& p, const ScheduleContext& ctx) {
                   const double lr = p.real_or("learning_rate", ctx.base_lr);
                   return [lr](std::int64_t) { return lr; };
                 }));
}

}  // namespace lrlab::decay
