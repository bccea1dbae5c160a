#pragma once
// Running one trial from start to end on the calling thread.
//
// The loop, for update t = 0, 1, ..., total_steps - 1 (the step conventions of DESIGN.md):
//   policies' before_step(t)              (epoch rules, every-N-steps rules)
//   lr_t   = schedule(t) x policy factors  (recorded at step t: the rate update t uses)
//   loss_t = task loss of the batch of update t at the parameters before it, with its gradient
//   Adam update with lr_t
//   policies' after_step(t)
//   after every k-th update (or epoch): evaluate, record evals at step t + 1, policies' after_eval
// A NaN or infinite loss, rate or val_loss ends the trial as `diverged`; an exception as `failed`.
// Nothing here depends on which thread runs the trial or when: the same plan gives the same rows.
#include <atomic>
#include <filesystem>
#include <functional>

#include "lrlab/experiment.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/trial_record.hpp"

namespace lrlab {

struct TrialEnv {
  const Resolver* resolver = nullptr;
  std::uint64_t experiment_seed = 0;
  std::filesystem::path spec_dir;
  SharedData* shared = nullptr;
  const std::atomic<bool>* stop = nullptr;  // set on SIGINT/SIGTERM: the trial ends "interrupted"
  std::size_t chunk_rows = 4096;            // rows per chunk sent to the writer
  std::string host;                         // recorded with each trial
  int rank = 0;
};

// Runs the trial, handing rows to `send` in chunks; the last chunk carries the outcome, which is
// also returned.
TrialOutcome run_trial(const TrialPlan& plan, std::int64_t trial_id, const TrialEnv& env,
                       const std::function<void(TrialChunk&&)>& send);

}  // namespace lrlab
