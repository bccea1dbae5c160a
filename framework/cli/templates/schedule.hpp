#pragma once
// `lrlab new-plugin schedule NAME`: a schedule named NAME, neutral: it keeps the optimizer's rate
// until its author writes lr(t). Its summary, formula and source say TODO, and its test has an
// empty table of rates to write out by hand from the formula: the scaffold's own test fails until
// both are filled in (docs/writing-plugins.md). docs/examples/plugins/my_staircase is a filled-in one.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view schedule_source = R"TPL(// @name@: TODO say what the schedule does, and give its formula lr(t).
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
       // What `lrlab plugins` and `lrlab describe @name@` show. @name@_test.cpp fails while any says TODO.
       .summary = "TODO: what @name@ does, in one line",
       .formula = "TODO: lr(t) = ...",
       .source = "TODO: where it comes from (a paper, a library's schedule)",
       .notes = "",
       // TODO: the parameters lr(t) needs, each with its type, default or .required(), range and
       // meaning, e.g. lrlab::Param::integer("period", "steps per cycle").required().above(0).
       .params = {lrlab::Param::real("initial_learning_rate", "rate at t = 0; default: the optimizer's learning_rate")
                      .above(0)},
       .example = lrlab::Json::parse(R"({"type": "@name@"})")},
      lrlab::schedule_fn([](const lrlab::Params& p, const lrlab::ScheduleContext& ctx) {
        const double initial = p.real_or("initial_learning_rate", ctx.base_lr);
        // TODO: read the other parameters here (p.integer("period"), p.real(...)), then return
        // lr(t) for every step t >= 0. As written, the rate stays at `initial`.
        return [=](std::int64_t /*t*/) { return initial; };
      }));
}

// The plugin's entry point: its name (the library is lrlab_@name@.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(@name@, "0.1.0", register_@name@);
)TPL";

inline constexpr std::string_view schedule_test = R"TPL(// Tests of @name@, with the plugin linked into this binary (@name@_plugin_objects). Two of them
// fail until @name@ is filled in: its summary, formula and source, and the rates below.
#include <lrlab/catch2.hpp>

#include <algorithm>
#include <string>
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

TEST_CASE("@name@ says what it is: no TODO left in its summary, formula and source") {
  for (const std::string& text : {component().summary, component().formula, component().source}) {
    INFO("fill in @name@.cpp's summary, formula and source: " << text);
    CHECK(text.find("TODO") == std::string::npos);
  }
}

TEST_CASE("@name@ gives the rates its formula gives, written out by hand") {
  // TODO: the parameters of one configuration, and rates computed by hand (or by another program)
  // from the formula for a few steps: the first, around every change of regime, a late one.
  const lrlab::Json params = {{"initial_learning_rate", 0.1}};
  const std::vector<std::pair<std::int64_t, double>> expected{};  // e.g. {{0, 0.1}, {10, 0.05}}
  INFO("write expected rates of @name@ in @name@_test.cpp");
  REQUIRE_FALSE(expected.empty());
  const auto s = make(params);
  for (const auto& [t, lr] : expected) {
    INFO("t = " << t);
    CHECK(s->value(t) == Approx(lr).epsilon(1e-15));
  }
}

TEST_CASE("@name@ starts from the optimizer's learning rate by default") {
  CHECK(make(lrlab::Json::object(), 0.3)->value(0) == Approx(0.3));
}

TEST_CASE("@name@ is pure: the same step gives the same rate, in any order") {
  const auto s = make(lrlab::Json::object());
  const double late = s->value(1000);
  const double first = s->value(0);
  CHECK(s->value(1000) == late);
  CHECK(s->value(0) == first);
}
)TPL";

inline constexpr std::string_view schedule_experiment = R"TPL({
  "name": "@name@",
  "description": "The @name@ schedule on a two-dimensional quadratic, for three base rates. TODO: sweep its own parameters too (\"grid\": {\"schedule.PARAM\": [...]}).",
  "seed": 1,
  "repeats": 1,
  "task": {"type": "quadratic", "curvatures": [1, 10], "initial": [1, 1], "steps_per_epoch": 10},
  "optimizer": {"type": "adam", "learning_rate": 0.1},
  "schedule": {"type": "@name@"},
  "budget": {"epochs": 10},
  "evaluate": {"every_epochs": 1},
  "grid": {"optimizer.learning_rate": [0.01, 0.1, 0.3]}
}
)TPL";

}  // namespace lrlab::cli::templates
