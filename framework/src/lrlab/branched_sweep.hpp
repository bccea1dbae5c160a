#pragma once
// A sweep whose trials share prefixes (shared_prefixes.hpp): the scheduler run until every trial
// has ended, each root pausing at the steps its branches start from.
//
// Each round: every branch whose root is paused at the branch's step is given the root's state
// and rows (Store::branch_trial); then every trial that can go on runs, a root to its next branch
// step (or its end), every other trial to its end, side by side. A branch waits while its root is
// training and short of the branch's step; when its root ended before that step (it diverged, or
// failed), the branch runs from its own start, which gives the same bits. Everything a round
// decides is read from the database, so an interrupted sweep resumes where it stopped: a root
// paused at a step still gives its branches that state, a given branch goes on from it.
#include <cstdint>

#include "lrlab/experiment.hpp"
#include "lrlab/scheduler.hpp"
#include "lrlab/store.hpp"

namespace lrlab {

// Run experiment `experiment_id` (planned as `ex`, with shared prefixes) on `transport`.
SweepReport run_branched_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                               const SweepOptions& options);

}  // namespace lrlab
