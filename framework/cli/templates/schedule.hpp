#pragma once
// `lrlab new-plugin schedule NAME`: the article's custom schedule, a staircase exponential decay
// lr(t) = initial * rate^floor(t / decay_steps) written as a function of the step (schedule_fn),
// with its test and a sweep over decay_rate.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view schedule_source = R"TPL(// @name@: staircase exponential decay, the custom schedule of the article's first approach:
//   lr(t) = initial_learning_rate * decay_rate ^ floor(t / decay_steps)
// A schedule is a pure function of the step, so it can be written as one: schedule_fn reads the
// parameters once and returns lr(t), no class needed. lr(t) is called const, for any step, in any
// order, from any thread, so it captures what it needs by value and keeps no state.
#include <cmath>
#include <cstdint>

#include <lrlab/sdk.hpp>

// The core has checked every parameter against the declarations before the factory runs.
void register_@name@(lrlab::Registry& registry) {
  registry.add_schedule(
      {.name = "@name@",
       .summary = "multiply the rate by decay_rate every decay_steps steps",
       .formula = "lr(t) = initial_learning_rate * decay_rate ^ floor(t / decay_steps)",
       .source = "keras.optimizers.schedules.ExponentialDecay with staircase=True",
       .notes = "The first update uses initial_learning_rate; the first drop is at t = decay_steps.",
       .params = {lrlab::Param::real("initial_learning_rate", "rate at t = 0; default: the optimizer's learning_rate")
                      .above(0),
                  lrlab::Param::integer("decay_steps", "steps per period").required().above(0),
                  lrlab::Param::real("decay_rate", "factor per period").def(0.5).above(0)},
       .example = lrlab::Json::parse(R"({"type": "@name@", "decay_steps": 100, "decay_rate": 0.5})")},
      lrlab::schedule_fn([](const lrlab::Params& p, const lrlab::ScheduleContext& ctx) {
        const double initial = p.real_or("initial_learning_rate", ctx.base_lr);
        const std::int64_t decay_steps = p.integer("decay_steps");
        const double rate = p.real("decay_rate");
        // t >= 0, so integer division is the floor: the first drop is at t = decay_steps.
        return [=](std::int64_t t) { return initial * std::pow(rate, static_cast<double>(t / decay_steps)); };
      }));
}

// The plugin's entry point: its name (the library is lrlab_@name@.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(@name@, "0.1.0", register_@name@);
)TPL";

inline constexpr std::string_view schedule_test = R"TPL(// Tests of @name@, with the plugin linked into this binary (@name@_plugin_objects).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(@name@);

namespace {

// What the plugin registered, as the core would see it.
const lrlab::ComponentDecl& component() {
  static const lrlab::Registry registry = [] {
    lrlab::Registry r;
    lrlab_plugin_register_@name@(r);
    return r;
  }();
  REQUIRE(registry.components().size() == 1);
  return registry.components().front();
}

// The factory receives validated parameters, defaults filled in: here written out in full.
lrlab::SchedulePtr make(lrlab::Json params, double base_lr = 0.01) {
  lrlab::ScheduleContext ctx;
  ctx.base_lr = base_lr;
  return component().make_schedule(lrlab::Params(std::move(params)), ctx);
}

}  // namespace

TEST_CASE("@name@ drops by decay_rate at each multiple of decay_steps") {
  const auto s = make({{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"decay_rate", 0.5}});
  // Expected values written out from the formula 0.1 * 0.5^floor(t / 10).
  const std::vector<std::pair<std::int64_t, double>> expected{
      {0, 0.1}, {1, 0.1}, {9, 0.1}, {10, 0.05}, {19, 0.05}, {20, 0.025}, {35, 0.0125}, {100, 0.1 / 1024}};
  for (const auto& [t, lr] : expected) {
    INFO("t = " << t);
    CHECK(s->value(t) == Approx(lr).epsilon(1e-15));
  }
}

TEST_CASE("@name@ starts from the optimizer's learning rate by default") {
  CHECK(make({{"decay_steps", 10}, {"decay_rate", 0.5}}, 0.3)->value(0) == Approx(0.3));
}

TEST_CASE("@name@ is pure: the same step gives the same rate, in any order") {
  const auto s = make({{"decay_steps", 3}, {"decay_rate", 0.9}});
  const double late = s->value(1000);
  CHECK(s->value(0) == 0.01);
  CHECK(s->value(1000) == late);
}

TEST_CASE("@name@ declares decay_steps as a required positive integer") {
  const auto& params = component().params;
  const auto it = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.name == "decay_steps"; });
  REQUIRE(it != params.end());
  CHECK(it->type == lrlab::ParamType::integer);
  CHECK(it->is_required);
  CHECK(it->range_text() == "> 0");
}
)TPL";

inline constexpr std::string_view schedule_experiment = R"TPL({
  "name": "@name@",
  "description": "The @name@ schedule (staircase exponential decay) on a two-dimensional quadratic, for two decay rates.",
  "seed": 1,
  "repeats": 1,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1], "steps_per_epoch": 10},
  "optimizer": {"type": "adam", "learning_rate": 0.1},
  "schedule": {"type": "@name@", "decay_steps": 20, "decay_rate": 0.5},
  "budget": {"epochs": 10},
  "evaluate": {"every_epochs": 1},
  "grid": {"schedule.decay_rate": [0.5, 0.9]}
}
)TPL";

}  // namespace lrlab::cli::templates
