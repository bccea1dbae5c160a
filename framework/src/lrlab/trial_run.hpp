#pragma once
// A trial as a resumable unit of work: run it to a given step, take its state as a checkpoint,
// continue it from that checkpoint later (on another thread, rank or process), or start a new
// trial from another trial's checkpoint (a fork). Continuing from a checkpoint gives the same bits
// as never having stopped: the checkpoint holds the parameters, the optimizer's state, the policies'
// factors and states (Policy::persist), the task's state (Task::persist), the best snapshot a
// policy saved, and what the outcome has gathered so far. Schedules are pure functions of the
// step and need no state.
//
// The loop, for update t = steps_done, ..., total_steps - 1 (the step conventions of
// docs/contracts.md):
//   policies' before_step(t)              (epoch rules, every-N-steps rules)
//   lr_t   = schedule(t) x policy factors  (recorded at step t: the rate update t uses)
//   loss_t = task loss of the batch of update t at the parameters before it, with its gradient
//   the optimizer's update with lr_t (optimizer.hpp)
//   policies' after_step(t)
//   after every k-th update (or epoch): evaluate, record evals at step t + 1, policies' after_eval
// A NaN or infinite loss, rate or val_loss ends the trial as `diverged`; an exception as `failed`;
// the stop flag (SIGINT/SIGTERM) as `interrupted`. Nothing here depends on which thread runs the
// trial or when: the same configuration gives the same rows.
//
// A fork (a checkpoint whose trial_key is not this trial's) takes the parameters with the task's
// model state (Task::persist_model), the optimizer's state and what the outcome gathered; the task's state only when the task and seed are the same, and each
// policy's factor and state only when that policy's declaration is the same at the same place
// (else the policy starts fresh, with factor 1); a best snapshot a policy saved only when every
// policy came along. The task's declaration must be the same.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>

#include "lrlab/resolve.hpp"
#include "lrlab/shared_data.hpp"
#include "lrlab/trial_config.hpp"
#include "lrlab/trial_record.hpp"

namespace lrlab {

struct TrialEnv {
  const Resolver* resolver = nullptr;
  std::filesystem::path spec_dir;
  SharedData* shared = nullptr;
  const std::atomic<bool>* stop = nullptr;  // set on SIGINT/SIGTERM: the trial ends "interrupted"
  std::size_t chunk_rows = 4096;            // rows per chunk sent to the writer
  std::int64_t checkpoint_every = 0;        // run_trial: a checkpoint every k updates (0: none)
  std::string host;                         // recorded with each trial
  int rank = 0;
};

using SendChunk = std::function<void(TrialChunk&&)>;

class TrialRun {
 public:
  // A new trial from its initial parameters, or, with `from`, continued from a checkpoint (its
  // own: resume; another trial's: fork). Rows go to `send` in chunks. A component that cannot be
  // built, or a checkpoint that does not fit, makes the trial `failed` (run_to returns false).
  TrialRun(const TrialConfig& config, std::int64_t trial_id, const TrialEnv& env, SendChunk send,
           const Checkpoint* from = nullptr);
  ~TrialRun();
  TrialRun(const TrialRun&) = delete;
  TrialRun& operator=(const TrialRun&) = delete;

  // Run until `steps_done() == until` (at most the budget) or the trial ends earlier (stopped,
  // diverged, failed, interrupted). Returns true when it paused and can go on.
  bool run_to(std::int64_t until);
  std::int64_t steps_done() const;
  bool ended() const;

  // The state now, to continue from; only between run_to calls.
  Checkpoint checkpoint() const;
  // Hand the rows gathered so far to `send`, with a checkpoint of this point: a pause the writer
  // can make durable.
  void send_checkpoint();

  // End the trial: when the budget is spent, the final evaluation and the policies' at_end; then
  // the last chunk, with the outcome, which is also returned.
  TrialOutcome finish();

  // Stop here for now (a pruner's rung): the last chunk carries a checkpoint of this point and the
  // outcome so far with status "paused". A later TrialRun continues from that checkpoint.
  TrialOutcome pause();

  // The task's model with the parameters the trial has now, written to `out` (Task::save_model).
  // Throws what the task throws.
  void save_model(std::ostream& out);

 private:
  class State;
  std::unique_ptr<State> s_;
};

// A trial from the start or from `from`, to its end, with a checkpoint every
// env.checkpoint_every updates (and one when interrupted, when checkpoints are on). With `until`
// (> 0) it stops there instead, paused, when it is still training at that step.
TrialOutcome run_trial(const TrialConfig& config, std::int64_t trial_id, const TrialEnv& env, const SendChunk& send,
                       const Checkpoint* from = nullptr, std::int64_t until = 0);

}  // namespace lrlab
