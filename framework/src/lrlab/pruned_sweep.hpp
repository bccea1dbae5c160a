#pragma once
// A sweep with a pruner (pruner.hpp): the scheduler run rung by rung.
//
// For each rung step r, ascending: every trial still training that has not reached r runs to r and
// pauses there (its checkpoint stored with its rows); then the pruner decides from the stored
// evaluations, and the trials of the configurations it stops are marked `pruned` with an events
// row. After the last rung the survivors run to the end. What a rung sees is read from the
// database, never from memory, so an interrupted sweep (Ctrl-C, SIGKILL, a lost rank) resumes at
// the rung it was in: the rungs before it are decided again from the same rows, with the same
// result, and the trials pruned before stay pruned.
#include <cstdint>

#include "lrlab/experiment.hpp"
#include "lrlab/scheduler.hpp"
#include "lrlab/store.hpp"

namespace lrlab {

// Run experiment `experiment_id` (planned as `ex`, whose pruner is enabled) on `transport`. The
// report adds up the stages: each outcome once (a paused trial is counted when it ends), `pruned`
// the trials this invocation marked.
SweepReport run_pruned_sweep(Transport& transport, Store& store, std::int64_t experiment_id, const Experiment& ex,
                             const SweepOptions& options);

// The configurations the pruner stops at rung `step`, as the database holds the trials now, marked
// pruned in it. Returns how many trials were marked (0 when the rung was decided before).
std::int64_t decide_rung(Store& store, std::int64_t experiment_id, const Experiment& ex, std::int64_t step);

}  // namespace lrlab
