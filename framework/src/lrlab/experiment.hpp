#pragma once
// Experiment: a validated spec, expanded into its trials.
//
// Planning checks everything before the first trial starts: every section, every component and
// its parameters, every data file (tasks are built once per distinct task config, which loads
// their data into the sweep's SharedData). Errors are SpecErrors with the JSON pointer of the
// value the user wrote; an error in a value that came from the grid points into the grid
// ("/grid/schedule/1/decay_steps"), not into the expanded trial.
//
// Checkpoints ("checkpoint": {"every_steps": k}) are a property of the run, not of the trials:
// they change neither a trial's configuration nor its key, only how much of it an interruption
// costs.
//
// Trials are the cartesian product of the grid's lists, the first key outermost, in the order the
// keys are written, times `repeats` (innermost). Repeat r has seed derive(seed, r) for every grid
// point: common random numbers, so comparisons between configurations are paired. The trials are a
// TrialPlan (trial_plan.hpp): made on demand, so that planning 10^6 of them takes seconds and the
// memory of one.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/pbt.hpp"
#include "lrlab/pruner.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/shared_prefixes.hpp"
#include "lrlab/shared_data.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/trial_config.hpp"
#include "lrlab/trial_plan.hpp"

namespace lrlab {

struct Experiment {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  std::int64_t repeats = 1;
  std::filesystem::path spec_dir;
  std::filesystem::path spec_path;  // absolute, so `lrlab verify` can resolve data paths later
  std::string spec_json;    // canonical: the spec as written, compact, keys in written order
  std::string spec_sha256;
  std::int64_t checkpoint_every = 0;  // "checkpoint": {"every_steps": k}; 0: no checkpoints
  TrialPlan trials;
  Pruner pruner;  // "pruner": stops bad configurations at rungs (pruner.hpp); disabled when absent
  std::optional<PbtConfig> pbt;  // a "pbt" search: the plan is its first generation (pbt.hpp)
  std::vector<PrefixBranch> branches;  // "share_prefixes": trials that start from another's state (shared_prefixes.hpp)
  std::set<std::string> component_types;  // the type names of every component the trials build
};

// The most trials one experiment may expand to.
inline constexpr std::int64_t max_trials = 1'000'000;

// The most updates one trial may run, and the most any count of updates in a spec (a budget, an
// evaluation or record period, epochs times steps per epoch) may come to: 2^53, the largest count
// of which every step is exact as a double (schedules compute with the step as a double). Larger
// values are spec errors, so that no product of planning can overflow.
inline constexpr std::int64_t max_updates = std::int64_t{1} << 53;

// A count that may be too large for an integer, as digits ("1048576") or, beyond 2^53, as
// "about 4.6e+18".
std::string approximate_count(double count);

// The seed of repeat `r` of an experiment with seed `seed`.
std::uint64_t trial_seed(std::uint64_t seed, std::int64_t repeat);

// Validate `spec` and expand it. `shared` receives the tasks' data, for the sweep to reuse.
Experiment plan_experiment(const Spec& spec, const Resolver& resolver, SharedData& shared);

// The declarations of the spec's own sections (used by the validator, describe and the schema).
const std::vector<Param>& spec_params();
// Adam's: the "optimizer" section of type "adam" (optimizer.hpp has every type's).
const std::vector<Param>& optimizer_params();
const std::vector<Param>& budget_params();    // exactly one of epochs, steps
const std::vector<Param>& evaluate_params();  // exactly one of every_epochs, every_steps
const std::vector<Param>& record_params();
const std::vector<Param>& checkpoint_params();
// The first dotted-path components a grid key may start with.
const std::vector<std::string>& grid_roots();

}  // namespace lrlab
