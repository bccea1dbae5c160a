#pragma once
// What a running trial hands to the database writer: chunks of rows, checkpoints, and at the end
// its outcome. Rows stream in chunks so a trial's memory stays bounded however long it runs; a
// checkpoint travels in the chunk that carries every row before it, so the writer commits the
// two together; the last chunk carries the outcome, so the final rows and the final status are
// committed together. Every type here persists through a StateArchive: that is how a chunk
// crosses from an MPI rank to rank 0 (chunk_codec.hpp) bit for bit.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/state.hpp"

namespace lrlab {

struct StepRow {
  std::int64_t step, epoch;
  double lr;
  double train_loss;
  double beta_1 = NAN;  // NaN (stored NULL) unless a schedule cycles beta_1

  void persist(StateArchive& a) { a(step, epoch, lr, train_loss, beta_1); }
};

struct EvalRow {
  std::int64_t step, epoch;
  std::string metric;
  double value;

  void persist(StateArchive& a) { a(step, epoch, metric, value); }
};

struct EventRow {
  std::int64_t step, epoch;
  std::string source, kind;
  double old_lr, new_lr;
  std::string message;

  void persist(StateArchive& a) { a(step, epoch, source, kind, old_lr, new_lr, message); }
};

// Trial statuses, as stored. "interrupted" is never stored: the writer puts such a trial back to
// pending (its rows after its last checkpoint removed, all of them without one), so that a rerun
// continues it from the checkpoint or runs it again from the start. Nor is "paused": a trial that
// reached the step it was run to (a pruner's rung) is stored as pending, with its checkpoint there
// and its outcome so far. "pruned": a pruner stopped it at a rung (pruner.hpp).
namespace status {
inline constexpr const char* pending = "pending";
inline constexpr const char* running = "running";
inline constexpr const char* completed = "completed";
inline constexpr const char* diverged = "diverged";
inline constexpr const char* failed = "failed";
inline constexpr const char* stopped_early = "stopped_early";
inline constexpr const char* pruned = "pruned";
inline constexpr const char* interrupted = "interrupted";
inline constexpr const char* paused = "paused";
}  // namespace status

struct TrialOutcome {
  std::string status = status::completed;
  std::string error;
  std::int64_t steps_done = 0;
  double wall_seconds = 0.0;
  std::optional<double> final_train_loss, final_val_loss, best_val_loss, final_val_accuracy;
  // The evaluation protocol (docs/statistics.md): the step validation selects (the best val_loss),
  // the test metrics there and at the end (tasks with a test share), and the split's digest.
  std::optional<std::int64_t> selected_step;
  std::optional<double> test_loss, test_accuracy, final_test_loss, final_test_accuracy;
  std::string split_fingerprint;
  std::string host;       // where it ran (provenance; MPI sweeps run trials on several hosts)
  std::int32_t rank = 0;  // the MPI rank that ran it (0 without MPI)

  void persist(StateArchive& a) {
    a(status, error, steps_done, wall_seconds, final_train_loss, final_val_loss, best_val_loss, final_val_accuracy, host, rank);
    a(selected_step, test_loss, test_accuracy, final_test_loss, final_test_accuracy, split_fingerprint);
  }
};

// A trial's state after `steps_done` updates, from which it continues bit for bit (trial_run.hpp
// writes and reads `state`). `trial_key` names the trial it was taken from: resuming needs the
// same key; a fork starts another trial from it.
struct Checkpoint {
  std::string trial_key;
  std::int64_t steps_done = 0;
  std::string state;

  void persist(StateArchive& a) { a(trial_key, steps_done, state); }
};

struct TrialChunk {
  std::int64_t trial_id = 0;
  bool started = false;  // first chunk of a run of the trial: mark it running
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
  std::vector<EventRow> events;
  std::optional<Checkpoint> checkpoint;  // taken after every row of this chunk and the ones before
  std::optional<TrialOutcome> outcome;   // last chunk

  void persist(StateArchive& a) { a(trial_id, started, steps, evals, events, checkpoint, outcome); }
};

// A chunk that only ends a trial: for trials that never ran (stopped before they began, or lost
// with an MPI rank) or failed outside their own code.
inline TrialChunk outcome_chunk(std::int64_t trial_id, const std::string& status, const std::string& error = {}) {
  TrialChunk c;
  c.trial_id = trial_id;
  c.outcome = TrialOutcome{};
  c.outcome->status = status;
  c.outcome->error = error;
  return c;
}

}  // namespace lrlab
