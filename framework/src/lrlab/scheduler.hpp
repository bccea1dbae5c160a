#pragma once
// The scheduler: the one piece of code that hands trials out, tallies their outcomes and feeds the
// single writer, whatever runs the trials. Where they run is a Transport: oneTBB threads of this
// process (thread_transport.hpp) or MPI ranks (mpi_transport.hpp). A transport starts work in its
// free slots and hands back, on the scheduler's thread, the chunks its trials produce; the
// scheduler counts each outcome and passes every chunk to the Writer (writer.hpp), which commits
// them in order. So the writer loop and the tally exist once, and a new transport (processes, a
// cluster queue) is one class.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrlab/store.hpp"
#include "lrlab/trial_config.hpp"
#include "lrlab/trial_plan.hpp"
#include "lrlab/trial_run.hpp"

namespace lrlab {

// A trial left to run, as the database says: its place in the plan, its row, the checkpoint to
// continue from. It becomes Work, with its configuration, only when it starts, so that a sweep of
// 10^6 trials holds 10^6 of these and the configurations of the running trials only.
struct Pending {
  std::int64_t index = 0;
  std::int64_t trial_id = 0;
  std::shared_ptr<const Checkpoint> from;  // resume from it when set
  std::int64_t until = 0;                  // pause at this step (a pruner's rung); 0: run to the end
  std::optional<ExplicitTrial> made = std::nullopt;  // a trial outside the plan (a PBT copy): what its row says
};

// One trial to run: from the start, or from its checkpoint; to its end, or paused at `until`.
struct Work {
  TrialConfig trial;
  std::int64_t trial_id = 0;
  std::shared_ptr<const Checkpoint> from;  // resume from it when set
  std::int64_t until = 0;
  std::optional<ExplicitTrial> made = std::nullopt;  // how a process that planned the experiment makes `trial` (TrialPlan::trial)
};

// Work as it crosses to another process (an MPI rank, a worker process), which planned the same
// experiment: the trial's index in the plan (or what makes a trial outside it), its trial_id, the
// checkpoint to continue from, where to pause.
struct RemoteWork {
  std::int64_t index = 0;
  std::int64_t trial_id = 0;
  std::optional<Checkpoint> from;
  std::int64_t until = 0;
  std::optional<ExplicitTrial> made = std::nullopt;

  static RemoteWork of(const Work& w) {
    RemoteWork r{w.trial.index, w.trial_id, {}, w.until, w.made};
    if (w.from) r.from = *w.from;
    return r;
  }
  void persist(StateArchive& a) { a(index, trial_id, from, until, made); }
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Trials it can run at once (for the writer's queue bound).
  virtual int slots() const = 0;
  // Start `work` in a free slot; false when every slot is busy (the scheduler retries after the
  // next poll).
  virtual bool start(const Work& work) = 0;
  // Hand what came back since the last call to `deliver`, on the scheduler's thread: each trial's
  // chunks in order, its outcome in the last. Returns whether anything came.
  virtual bool poll(const SendChunk& deliver) = 0;
  // Wait until there may be something to poll, at most `most`.
  virtual void wait(std::chrono::milliseconds most) = 0;
  // Stop the running trials: they end "interrupted". A trial that cannot report in time (a rank
  // that does not answer) comes back from poll as an interrupted outcome all the same.
  virtual void stop() = 0;
  // Why the sweep should stop when a part of the transport asked for it (another MPI rank got a
  // signal); empty otherwise.
  virtual std::string stop_request() { return {}; }
};

struct SweepOptions {
  bool progress = false;                    // live line on stderr (when it is a terminal)
  const std::atomic<bool>* stop = nullptr;  // SIGINT/SIGTERM
  std::size_t queue_chunks = 0;             // bound on chunks waiting for the writer (0: 4 per slot + 8)
};

struct SweepReport {
  std::int64_t total = 0;    // trials in the experiment
  std::int64_t skipped = 0;  // already finished (resumed)
  std::int64_t completed = 0, diverged = 0, failed = 0, stopped_early = 0, interrupted = 0;
  std::int64_t pruned = 0;  // stopped by the pruner (pruned_sweep.hpp)
  std::int64_t paused = 0;  // reached the rung they were run to (counted again when they go on)
  std::int64_t exploited = 0;  // members of a PBT population replaced by a copy of a better one (pbt_sweep.hpp)
  std::int64_t from_checkpoints = 0;                           // trials continued from a checkpoint instead of step 0
  std::vector<std::pair<std::int64_t, std::string>> failures;  // trial_id, error
  double seconds = 0.0;
  std::string stopped_by;  // set when a part of the transport stopped the sweep
  std::string write_failure;  // set when a commit failed (disk full): the sweep stopped there
};

// The trials of the experiment left to run, as the database says: every trial not finished, with
// the checkpoint stored under its id (its own, or the one it was forked from), in trial_index order.
std::vector<Pending> pending_trials(Store& store, std::int64_t experiment_id);

// Run `todo` (trials of `plan`) on `transport`, storing every chunk in `store`. Returns when every trial handed out has reported; on a stop, the trials not yet
// started are counted interrupted and left pending. A failed commit stops the sweep the same way
// at once (nothing more could be stored), with `write_failure` saying why.
SweepReport run_sweep(Transport& transport, Store& store, const TrialPlan& plan, const std::vector<Pending>& todo,
                      const SweepOptions& options);

// One stage of a sweep that pauses its trials at a step (a pruner's rung, a PBT generation): run
// every trial of `todo` to `until`, leaving out those whose checkpoint is already there (a resumed
// stage), or with `until` 0 each to its own Pending::until (0: to its end); and add the outcomes to
// `total` (a paused trial is counted when it ends). Returns false when the sweep was stopped (a signal, a lost rank, a failed commit).
bool run_stage(Transport& transport, Store& store, const TrialPlan& plan, std::vector<Pending> todo, std::int64_t until,
               const SweepOptions& options, SweepReport& total);

}  // namespace lrlab
