#pragma once
// The typed trial plan: what planning resolves once and every trial then reads by name.
//
// A grid point's resolved configuration (PointConfig) is shared by the repeats of that point; a
// TrialConfig adds what differs between repeats (index, repeat, seed) and the trial's identity.
// Components are kept as resolved declarations, checked by building each once at planning time;
// each trial builds its own (tasks and policies hold per-trial state, and a schedule may keep a
// cache behind a lock that trials on other threads should not contend for). JSON remains only for storage, hashing and display:
// `config_json` is what the trials table stores, and what the trial key hashes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/policy.hpp"
#include "lrlab/schedule.hpp"

namespace lrlab {

struct PointConfig {
  Json task;  // resolved task declaration {"type": ..., every parameter}
  Json optimizer;  // the resolved "optimizer" section {"type": ..., every parameter} (optimizer.hpp)
  double learning_rate = 1e-3;  // the base rate the schedule starts from
  Json schedule;                // resolved schedule declaration
  std::vector<Json> policies;   // resolved policy declarations, in the spec's order

  std::int64_t steps_per_epoch = 1;  // from the task
  std::int64_t total_steps = 0;      // the budget, in updates
  std::int64_t eval_every = 1;       // evaluate after every k-th update
  std::int64_t record_every = 1;     // store steps 0, k, 2k, ... (and every non-finite one)

  std::uint64_t experiment_seed = 0;  // the spec's seed, or the grid's where the grid varies it

  Json grid_point;          // {"optimizer.learning_rate": 0.01, ...}: the grid values of this point
  std::string config_text;  // the resolved configuration as stored in trials.config_json
};

struct TrialConfig {
  std::int64_t index = 0;  // 0-based position in the expansion
  std::int64_t repeat = 0;
  std::uint64_t seed = 0;  // < 2^63, so it fits SQLite's INTEGER
  std::string key;         // sha256 of config_text and the seed: the trial's identity
  std::shared_ptr<const PointConfig> point;

  const PointConfig& operator*() const { return *point; }
  const PointConfig* operator->() const { return point.get(); }
};

// A trial that is not in the plan: a copy population-based training made (pbt.hpp). Its trials
// row says all that makes it: its values ({PATH: value}, the row's grid_json, set over the spec
// like a grid point's), its repeat and its seed (the member's it copied).
struct ExplicitTrial {
  std::string values;
  std::int64_t repeat = 0;
  std::uint64_t seed = 0;

  template <class Archive>
  void persist(Archive& a) {
    a(values, repeat, seed);
  }
};

// The contexts components are built in, made in this one place (planning, trials, preview): the
// base rate, the budget in updates and the task's steps per epoch.
ScheduleContext schedule_context(double base_lr, std::int64_t total_steps, std::int64_t steps_per_epoch);
inline ScheduleContext schedule_context(const PointConfig& p) {
  return schedule_context(p.learning_rate, p.total_steps, p.steps_per_epoch);
}
inline PolicyContext policy_context(const PointConfig& p) {
  return PolicyContext{p.learning_rate, p.total_steps, p.steps_per_epoch};
}

}  // namespace lrlab
