#pragma once
// Verifying a stored trial: run it again from its stored configuration and seed and compare every
// row it produces (steps, evals, events) and its outcome with what the database holds, bit for bit.
#include <cstdint>
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

// Why a stored trials row is not the planned trial of its index, naming the column (trial_key,
// config_json, seed, repeat, grid_json); empty when it is. Neither verify nor a resume takes a
// stored row on trust: a row edited by hand is caught here, not silently kept.
std::string row_difference(const StoredTrial& row, const TrialConfig& plan);

Verdict verify_trial(const sqlite::Connection& db, std::int64_t trial_id, const TrialConfig& trial, const TrialEnv& env);

}  // namespace lrlab
