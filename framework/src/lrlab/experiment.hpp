#pragma once
// Experiment: a validated spec, expanded into its trials.
//
// Planning checks everything before the first trial starts: every section, every component and
// its parameters, every data file (tasks are built once per distinct task config, which loads
// their data into the sweep's SharedData). Errors are SpecErrors with the JSON pointer of the
// value the user wrote; an error in a value that came from the grid points into the grid
// ("/grid/schedule/1/decay_steps"), not into the expanded trial.
//
// Trials are the cartesian product of the grid's lists, the first key outermost, in the order the
// keys are written, times `repeats` (innermost). Repeat r has seed derive(seed, r) for every grid
// point: common random numbers, so comparisons between configurations are paired.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/shared_data.hpp"
#include "lrlab/spec.hpp"

namespace lrlab {

struct TrialPlan {
  std::int64_t index = 0;   // 0-based position in the expansion
  std::int64_t repeat = 0;
  std::uint64_t seed = 0;   // < 2^63, so it fits SQLite's INTEGER
  std::string key;          // sha256 of the resolved config and the seed: the trial's identity
  Json config;              // resolved task, optimizer, schedule, policies, budget, evaluate, record
  Json grid_point;          // {"optimizer.learning_rate": 0.01, ...}: the grid values of this trial
  std::int64_t steps_per_epoch = 1;
  std::int64_t total_steps = 0;
};

struct Experiment {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  std::int64_t repeats = 1;
  std::filesystem::path spec_dir;
  std::filesystem::path spec_path;  // absolute, so `lrlab verify` can resolve data paths later
  std::string spec_json;    // canonical: the spec as written, compact, keys in written order
  std::string spec_sha256;
  std::vector<TrialPlan> trials;
};

// The most trials one experiment may expand to.
inline constexpr std::int64_t max_trials = 1'000'000;

// The seed of repeat `r` of an experiment with seed `seed`.
std::uint64_t trial_seed(std::uint64_t seed, std::int64_t repeat);

// Validate `spec` and expand it. `shared` receives the tasks' data, for the sweep to reuse.
Experiment plan_experiment(const Spec& spec, const Resolver& resolver, SharedData& shared);

// The declarations of the spec's own sections (used by the validator, describe and the schema).
const std::vector<Param>& spec_params();
const std::vector<Param>& optimizer_params();
const std::vector<Param>& budget_params();    // exactly one of epochs, steps
const std::vector<Param>& evaluate_params();  // exactly one of every_epochs, every_steps
const std::vector<Param>& record_params();
// The first dotted-path components a grid key may start with.
const std::vector<std::string>& grid_roots();

}  // namespace lrlab
