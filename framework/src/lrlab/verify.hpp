#pragma once
// Verifying a stored trial: run it again from its stored configuration and seed and compare every
// row it produces (steps, evals, events) and its outcome with what the database holds, bit for bit.
#include <cstdint>
#include <string>

#include "lrlab/sqlite.hpp"
#include "lrlab/trial_run.hpp"

namespace lrlab {

struct Verdict {
  bool identical = true;
  std::string difference;  // the first one: table, step, column, stored and recomputed values
  std::size_t steps = 0, evals = 0, events = 0;
};

Verdict verify_trial(const sqlite::Connection& db, std::int64_t trial_id, const TrialConfig& trial, const TrialEnv& env);

}  // namespace lrlab
