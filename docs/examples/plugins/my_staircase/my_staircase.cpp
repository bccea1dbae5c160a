// my_staircase: staircase exponential decay, the custom schedule of the article's first approach:
//   lr(t) = initial_learning_rate * decay_rate ^ floor(t / decay_steps)
// A schedule is a pure function of the step, so it can be written as one: schedule_fn reads the
// parameters once and returns lr(t), no class needed. lr(t) is called const, for any step, in any
// order, from any thread, so it captures what it needs by value and keeps no state.
#include <cmath>
#include <cstdint>

#include <lrlab/sdk.hpp>

// The core has checked every parameter against the declarations before the factory runs.
void register_my_staircase(lrlab::Registry& registry) {
  registry.add_schedule(
      {.name = "my_staircase",
       .summary = "multiply the rate by decay_rate every decay_steps steps",
       .formula = "lr(t) = initial_learning_rate * decay_rate ^ floor(t / decay_steps)",
       .source = "keras.optimizers.schedules.ExponentialDecay with staircase=True",
       .notes = "The first update uses initial_learning_rate; the first drop is at t = decay_steps.",
       .params = {lrlab::Param::real("initial_learning_rate", "rate at t = 0; default: the optimizer's learning_rate")
                      .above(0),
                  lrlab::Param::integer("decay_steps", "steps per period").required().above(0),
                  lrlab::Param::real("decay_rate", "factor per period").def(0.5).above(0)},
       .example = lrlab::Json::parse(R"({"type": "my_staircase", "decay_steps": 100, "decay_rate": 0.5})")},
      lrlab::schedule_fn([](const lrlab::Params& p, const lrlab::ScheduleContext& ctx) {
        const double initial = p.real_or("initial_learning_rate", ctx.base_lr);
        const std::int64_t decay_steps = p.integer("decay_steps");
        const double rate = p.real("decay_rate");
        // t >= 0, so integer division is the floor: the first drop is at t = decay_steps.
        return [=](std::int64_t t) { return initial * std::pow(rate, static_cast<double>(t / decay_steps)); };
      }));
}

// The plugin's entry point: its name (the library is lrlab_my_staircase.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(my_staircase, "0.1.0", register_my_staircase);
