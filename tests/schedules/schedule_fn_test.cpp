// schedule_fn (schedule_fn.hpp): a schedule written as a function of the step, registered and
// built like any other; schedule_of for code that composes schedules itself.
#include <catch2/catch.hpp>

#include <cmath>

#include "lrlab/sdk.hpp"

using lrlab::Json;
using lrlab::Params;
using lrlab::ScheduleContext;
using Catch::Matchers::Contains;

namespace {

// The docs' example: lr0 / sqrt(max(t, warmup) / warmup) (the inverse square root schedule).
lrlab::Registry inverse_sqrt_registry() {
  lrlab::Registry r;
  r.add_schedule({.name = "inverse_sqrt",
                  .summary = "test: lr0 / sqrt(max(t, warmup) / warmup)",
                  .params = {lrlab::Param::integer("warmup", "steps at lr0").def(4).above(0)}},
                 lrlab::schedule_fn([](const Params& p, const ScheduleContext& ctx) {
                   const auto warmup = static_cast<double>(p.integer("warmup"));
                   if (warmup > static_cast<double>(ctx.total_steps))
                     throw lrlab::ParamError("warmup", "Argument `warmup` must be at most the budget.");
                   const double lr0 = ctx.base_lr;
                   return [lr0, warmup](std::int64_t t) { return lr0 / std::sqrt(std::max(static_cast<double>(t), warmup) / warmup); };
                 }));
  return r;
}

}  // namespace

TEST_CASE("schedule_fn: the function of the step is the schedule's value", "[schedule_fn]") {
  const auto registry = inverse_sqrt_registry();
  REQUIRE(registry.components().size() == 1);
  const auto& decl = registry.components().front();
  CHECK(decl.kind == lrlab::Kind::schedule);
  ScheduleContext ctx;
  ctx.base_lr = 0.5;
  ctx.total_steps = 100;
  const auto s = decl.make_schedule(Params(Json{{"warmup", 4}}), ctx);
  CHECK(s->value(0) == 0.5);
  CHECK(s->value(4) == 0.5);
  CHECK(s->value(16) == 0.25);   // 0.5 / sqrt(16 / 4)
  CHECK(s->value(100) == 0.1);   // 0.5 / sqrt(25)
  CHECK(s->value(16) == 0.25);   // pure: asked again, out of order
  CHECK_FALSE(s->beta_1(3).has_value());
}

TEST_CASE("schedule_fn: the factory part may refuse its parameters", "[schedule_fn]") {
  const auto registry = inverse_sqrt_registry();
  ScheduleContext ctx;
  ctx.total_steps = 3;
  CHECK_THROWS_AS(registry.components().front().make_schedule(Params(Json{{"warmup", 4}}), ctx), lrlab::ParamError);
}

TEST_CASE("schedule_of: any pure function of the step, a mutable one is not a schedule", "[schedule_fn]") {
  const auto s = lrlab::schedule_of([](std::int64_t t) { return 1.0 / static_cast<double>(t + 1); });
  CHECK(s->value(0) == 1.0);
  CHECK(s->value(3) == 0.25);
  int calls = 0;
  auto counting = [calls](std::int64_t) mutable { return static_cast<double>(++calls); };
  STATIC_REQUIRE_FALSE(lrlab::StepFunction<decltype(counting)>);
  STATIC_REQUIRE(lrlab::StepFunction<double (*)(std::int64_t)>);
  (void)counting;
}
