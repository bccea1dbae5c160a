#pragma once
// A sweep of population-based training (pbt.hpp): the scheduler run generation by generation.
//
// For each generation g = 1, 2, ... while g * interval is below the budget: every trial still
// training runs to step g * interval and pauses there (its checkpoint stored with its rows); then
// the generation is decided from the stored evaluations and written in one transaction (the
// lineage rows, the copies as new trials holding the checkpoints they copy, the replaced trials
// marked pruned). After the last generation every member runs to the end. As with the pruner's
// rungs (pruned_sweep.hpp), nothing is decided from memory: an interrupted sweep resumes in the
// generation it was in, the generations written before are kept as they are, and the next is
// decided from the same rows as it would have been without the interruption.
#include <cstdint>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/scheduler.hpp"
#include "lrlab/store.hpp"

namespace lrlab {

// Run experiment `experiment_id` (planned as `ex`, a PBT search) on `transport`. `exploited`
// counts the trials still training that this invocation's copies replaced (status pruned).
SweepReport run_pbt_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                          const SweepOptions& options);

// The trials of a PBT experiment left to run: every trial not finished, the copies made as their
// rows say (TrialPlan::trial), each with its checkpoint (a copy's first one is the state it copied).
std::vector<Pending> pbt_pending_trials(Store& store, std::int64_t experiment_id, const Experiment& ex);

// Decide generation `generation` from the database and write it, unless it was written before.
// Returns the number of trials replaced (a member whose trial had already ended is replaced too, and
// keeps its status: it is not counted).
std::int64_t decide_generation(Store& store, std::int64_t experiment_id, const Experiment& ex, std::int64_t generation);

}  // namespace lrlab
