#pragma once
// Checkpoint tests of policies: drive a policy through a script of hook calls; at a split point save
// its state (Policy::persist), load the bytes into a freshly built policy, and continue both. Every
// later decision must be the same: the same events, with the same messages and the rates bit for bit,
// the same factor, the same stop. The control (the core's side: the policy's factor, kept by the
// core in a real checkpoint) is copied across as the core would restore it.
#include <bit>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/fake_control.hpp"

namespace lrlab::test {

using PolicyCall = std::function<void(Policy&, FakeControl&)>;

// One evaluation per value, of `metric`, at steps 1, 2, ... (as feed() gives them).
inline std::vector<PolicyCall> evaluations(const std::vector<double>& values, const std::string& metric = "val_loss") {
  std::vector<PolicyCall> calls;
  for (std::size_t k = 0; k < values.size(); ++k)
    calls.push_back([v = values[k], k, metric](Policy& p, FakeControl& ctl) {
      Metrics m;
      m.set(metric, v);
      p.after_eval(EvalInfo{static_cast<std::int64_t>(k + 1), static_cast<std::int64_t>(k), m, ctl.lr()}, ctl);
    });
  return calls;
}

// One after_step per train loss, for steps 0, 1, ...
inline std::vector<PolicyCall> train_steps(const std::vector<double>& losses) {
  std::vector<PolicyCall> calls;
  for (std::size_t t = 0; t < losses.size(); ++t)
    calls.push_back([loss = losses[t], t](Policy& p, FakeControl& ctl) {
      const auto step = static_cast<std::int64_t>(t);
      p.after_step(StepInfo{step, step, loss, ctl.lr()}, ctl);
    });
  return calls;
}

// before_step for steps 0 .. steps-1 with `steps_per_epoch`.
inline std::vector<PolicyCall> step_starts(std::int64_t steps, std::int64_t steps_per_epoch) {
  std::vector<PolicyCall> calls;
  for (std::int64_t t = 0; t < steps; ++t)
    calls.push_back([t, steps_per_epoch](Policy& p, FakeControl& ctl) { p.before_step(t, t / steps_per_epoch, ctl); });
  return calls;
}

inline std::string saved_state(Policy& p) {
  auto a = StateArchive::saving();
  p.persist(a);
  return a.bytes();
}

// What the rest of a run did: the events from `from` on, and the control's final state.
struct Continuation {
  std::vector<RecordedEvent> events;
  double lr;
  bool stopped;
  int saves, restores;
  std::string state;  // the policy's state at the end
};

inline Continuation continue_run(Policy& p, FakeControl ctl, const std::vector<PolicyCall>& calls, std::size_t from) {
  ctl.events.clear();
  for (std::size_t i = from; i < calls.size() && !ctl.stopped; ++i) calls[i](p, ctl);
  return Continuation{ctl.events, ctl.lr(), ctl.stopped, ctl.saves, ctl.restores, saved_state(p)};
}

// The same decisions: events (messages, and rates bit for bit), final rate, stop, saves, restores.
inline bool same_decisions(const Continuation& a, const Continuation& b) {
  if (a.events.size() != b.events.size()) return false;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const auto &x = a.events[i], &y = b.events[i];
    if (x.kind != y.kind || x.message != y.message || std::bit_cast<std::uint64_t>(x.old_lr) != std::bit_cast<std::uint64_t>(y.old_lr) ||
        std::bit_cast<std::uint64_t>(x.new_lr) != std::bit_cast<std::uint64_t>(y.new_lr))
      return false;
  }
  return std::bit_cast<std::uint64_t>(a.lr) == std::bit_cast<std::uint64_t>(b.lr) && a.stopped == b.stopped &&
         a.saves == b.saves && a.restores == b.restores;
}

// For every split point of `calls`: run the calls before it on a policy built from `spec`, save its
// state, load it into a fresh policy (which must read every byte), and require that both continue
// identically. Returns at how many split points a fresh policy WITHOUT the loaded state would have
// continued differently: > 0 shows that the script exercises the state (the test is not vacuous).
inline std::size_t require_resumes_exactly(const Json& spec, const std::vector<PolicyCall>& calls,
                                           std::int64_t total_steps = 1000, std::int64_t steps_per_epoch = 1) {
  std::size_t state_mattered = 0;
  for (std::size_t split = 0; split <= calls.size(); ++split) {
    CAPTURE(split);
    auto original = policy(spec, total_steps, steps_per_epoch);
    FakeControl ctl;
    for (std::size_t i = 0; i < split && !ctl.stopped; ++i) calls[i](*original, ctl);
    const std::string bytes = saved_state(*original);

    auto resumed = policy(spec, total_steps, steps_per_epoch);
    auto archive = StateArchive::loading(bytes);
    resumed->persist(archive);
    REQUIRE(archive.at_end());

    const Continuation a = continue_run(*original, ctl, calls, split);
    const Continuation b = continue_run(*resumed, ctl, calls, split);
    REQUIRE(same_decisions(a, b));
    REQUIRE(a.state == b.state);

    auto fresh = policy(spec, total_steps, steps_per_epoch);
    if (!same_decisions(a, continue_run(*fresh, ctl, calls, split))) ++state_mattered;
  }
  return state_mattered;
}

}  // namespace lrlab::test
