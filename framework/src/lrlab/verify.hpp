#pragma once
// Verifying a stored trial: run it again from its stored configuration and seed and compare every
// row it produces (steps, evals, events) and its outcome with what the database holds, bit for bit.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "lrlab/experiment.hpp"
#include "lrlab/sqlite.hpp"
#include "lrlab/store.hpp"
#include "lrlab/trial_run.hpp"

namespace lrlab {

struct Verdict {
  bool identical = true;
  std::string difference;  // the first one: table, step, column, stored and recomputed values
  std::size_t steps = 0, evals = 0, events = 0;
};

// The planned trial a stored row stands for; none when its trial_index is outside the plan.
std::optional<TrialConfig> planned_trial(const Experiment& ex, std::int64_t trial_index);
// The trial a stored row stands for: the plan's, or in a PBT experiment a copy its row describes.
std::optional<TrialConfig> planned_trial(const Experiment& ex, const StoredTrial& row);

// Why a stored trials row is not the planned trial of its index, naming the column (trial_key,
// config_json, seed, repeat, grid_json); empty when it is. Neither verify nor a resume takes a
// stored row on trust: a row edited by hand is caught here, not silently kept.
std::string row_difference(const StoredTrial& row, const TrialConfig& plan);

// What is wrong with a trial of a recorded experiment (recording.hpp), which has no spec to rerun:
// its trial_key and grid_json must be those its config_json and repeat give; its steps_done
// one past its last step; its final and best val_loss, final val_accuracy and selected step those
// its evals give. Empty when the rows agree. `counts` gets its steps, evals and events.
std::string recorded_trial_problem(const sqlite::Connection& db, const StoredTrial& row, Verdict& counts);

// Rerun `trial` and compare it with the stored rows of `trial_id`. With `from_step`, the stored trial
// began there from another trial's state (a PBT copy; `trial` is its replay): the rerun's rows
// before that point are left out. `at_end`, when given, sees the rerun once it has ended (to save
// its model), before the comparison.
Verdict verify_trial(const sqlite::Connection& db, std::int64_t trial_id, const TrialConfig& trial, const TrialEnv& env,
                     std::int64_t from_step = 0, const std::function<void(TrialRun&)>& at_end = {});

}  // namespace lrlab
