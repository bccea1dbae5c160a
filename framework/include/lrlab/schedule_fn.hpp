#pragma once
// Schedules without a class: a schedule written as a function of the step.
//
// Most schedules are a formula over t with a few numbers fixed when the trial starts. schedule_fn
// turns "read the parameters and the context, return the formula" into the factory that
// Registry::add_schedule takes:
//
//   registry.add_schedule({.name = "inverse_sqrt", ...},
//                         schedule_fn([](const Params& p, const ScheduleContext& ctx) {
//                           const double lr0 = ctx.base_lr, warm = p.real("warmup");
//                           return [=](std::int64_t t) { return lr0 * std::min(1.0, ...); };
//                         }));
//
// The returned function is the schedule's value(t). It is called const (from any thread, in any
// order), so it must be pure: capture by value what it needs, and keep no state; a `mutable`
// lambda does not compile. The factory part may throw ParamError as any factory does. For Adam's
// beta_1 (cycling momentum) write a Schedule class instead. schedule_of(fn) makes a SchedulePtr
// from such a function directly, for code that composes schedules itself (combinators.hpp).
#include <concepts>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

#include "params.hpp"
#include "schedule.hpp"

namespace lrlab {

// A function of the step that can be a schedule: called const with the step, returning a rate.
template <class Fn>
concept StepFunction = std::copy_constructible<Fn> && requires(const Fn& f, std::int64_t t) {
  { f(t) } -> std::convertible_to<double>;
};

// The Schedule whose value(t) is fn(t). The function's type is kept (no std::function), so the
// call inlines as a hand-written value() would.
template <StepFunction Fn>
class FunctionSchedule final : public Schedule {
 public:
  explicit FunctionSchedule(Fn fn) : fn_(std::move(fn)) {}
  double value(std::int64_t t) const override { return fn_(t); }

 private:
  Fn fn_;
};

template <StepFunction Fn>
SchedulePtr schedule_of(Fn fn) {
  return std::make_unique<FunctionSchedule<Fn>>(std::move(fn));
}

// The factory of a schedule given as `make(params, context) -> function of the step`.
template <class Make>
  requires std::invocable<const Make&, const Params&, const ScheduleContext&> &&
           StepFunction<std::invoke_result_t<const Make&, const Params&, const ScheduleContext&>>
auto schedule_fn(Make make) {
  return [make = std::move(make)](const Params& p, const ScheduleContext& ctx) -> SchedulePtr {
    return schedule_of(make(p, ctx));
  };
}

}  // namespace lrlab
