#pragma once
// The sweep: trials in parallel on oneTBB worker threads, one writer thread that owns the database.
//
// Workers never touch SQLite. Each running trial pushes chunks of rows into a bounded queue; the
// writer drains whatever is queued and commits it in one transaction, so commits batch themselves
// under load and the database never says "database is locked". The bound keeps memory flat: a
// trial that outruns the writer waits for it instead of piling rows up.
#include <atomic>
#include <string>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/store.hpp"
#include "lrlab/trial.hpp"

namespace lrlab {

struct SweepOptions {
  int jobs = 0;                              // 0: all cores
  bool progress = false;                     // live line on stderr (when it is a terminal)
  const std::atomic<bool>* stop = nullptr;   // SIGINT/SIGTERM
  std::size_t queue_chunks = 0;              // bound on queued chunks (0: 4 per job + 8)
};

struct SweepReport {
  std::int64_t total = 0;     // trials in the experiment
  std::int64_t skipped = 0;   // already finished (resumed)
  std::int64_t completed = 0, diverged = 0, failed = 0, stopped_early = 0, interrupted = 0;
  std::vector<std::pair<std::int64_t, std::string>> failures;  // trial_index, error
  double seconds = 0.0;
};

// Run the trials of `ex` whose ids are in `todo` (trial_index -> trial_id pairs).
SweepReport run_sweep(const Experiment& ex, const TrialEnv& env, Store& store,
                      const std::vector<std::pair<const TrialPlan*, std::int64_t>>& todo, const SweepOptions& options);

}  // namespace lrlab
