// range_test: the learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training
// Neural Networks", sec. 3.3: how the bounds of a cycle are found), the rate rising every step from
// `start` to `end` over `steps` updates, with r = min(t, steps - 1) / (steps - 1):
//   exp:     lr(t) = start * (end / start) ^ r        (fastai's lr_find, torch-lr-finder's "exp")
//   linear:  lr(t) = start + (end - start) * r        (Smith's original, torch-lr-finder's "linear")
// and `end` itself from step steps - 1 on. Absolute rates: the optimizer's learning_rate is not used.
// `lrlab find-lr` runs it with the divergence_stop policy and suggests a rate from the curve.
#include <algorithm>
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::cyclical {
namespace {

// steps, or the trial's budget in steps.
std::int64_t steps_of(const Params& p, const ScheduleContext& ctx) {
  if (p.has("steps")) return p.integer("steps");
  if (ctx.total_steps <= 0) throw ParamError("steps", "Argument `steps` is required when the trial's length is unknown.");
  if (ctx.total_steps < 2)
    throw ParamError("steps", "Argument `steps` defaults to the trial's budget, " + std::to_string(ctx.total_steps) +
                                  " step, and a range test needs at least 2: give `steps`, or a longer budget.");
  return ctx.total_steps;
}

}  // namespace

void register_range_test(Registry& r) {
  r.add_schedule(
      {.name = "range_test",
       .summary = "the learning-rate range test: the rate rising every step from start to end (exponentially or linearly)",
       .formula = "r = min(t, steps - 1) / (steps - 1); exp: lr(t) = start * (end / start) ^ r; linear: lr(t) = start + "
                  "(end - start) * r; lr(t) = end from t = steps - 1 on",
       .source = "Smith 2017, Cyclical Learning Rates for Training Neural Networks, sec. 3.3; fastai Learner.lr_find; "
                 "torch-lr-finder LRFinder.range_test",
       .notes = "start and end are absolute rates: the optimizer's learning_rate is not used. steps defaults to the trial's "
                "budget in steps, so the rate reaches end at the last update; after `steps` updates it stays at end. "
                "fastai's LRFinder takes r = t / steps, one step short of end; lrlab reaches end, as torch-lr-finder "
                "does. `lrlab find-lr SPEC` runs this schedule on the spec's task with the divergence_stop policy, "
                "stores the curve and suggests rates from it.",
       .params = {Param::real("start", "the rate of the first update").def(1e-7).above(0),
                  Param::real("end", "the rate of update steps - 1 and after; > start").def(10.0).above(0),
                  Param::integer("steps", "updates from start to end; defaults to the trial's budget").at_least(2),
                  Param::string("mode", "how the rate rises").def("exp").one_of({"exp", "linear"})},
       .example = Json::parse(R"({"type": "range_test", "start": 1e-7, "end": 10, "steps": 100, "mode": "exp"})")},
      [](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
        const double start = p.real("start"), end = p.real("end");
        if (!(end > start))
          throw ParamError("end", "Argument `end` must be > start (" + p.raw("start").dump() +
                                      "): the rate rises. Received: end=" + p.raw("end").dump());
        const std::int64_t steps = steps_of(p, ctx);
        const auto last = static_cast<double>(steps - 1);
        if (p.string("mode") == "linear")
          return schedule_of([=](std::int64_t t) {
            if (t >= steps - 1) return end;
            return start + (end - start) * (static_cast<double>(t) / last);
          });
        const double ratio = end / start;
        return schedule_of([=](std::int64_t t) {
          if (t >= steps - 1) return end;
          return start * std::pow(ratio, static_cast<double>(t) / last);
        });
      });
}

}  // namespace lrlab::cyclical
