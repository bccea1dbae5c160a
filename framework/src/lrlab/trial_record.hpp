#pragma once
// What a running trial hands to the database writer: chunks of rows, and at the end its outcome.
// Rows stream in chunks so a trial's memory stays bounded however long it runs; the last chunk
// carries the outcome, so the final rows and the final status are committed together.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lrlab {

struct StepRow {
  std::int64_t step, epoch;
  double lr;
  double train_loss;
  double beta_1 = NAN;  // NaN (stored NULL) unless a schedule cycles beta_1
};

struct EvalRow {
  std::int64_t step, epoch;
  std::string metric;
  double value;
};

struct EventRow {
  std::int64_t step, epoch;
  std::string source, kind;
  double old_lr, new_lr;
  std::string message;
};

// Trial statuses, as stored. "interrupted" is never stored: the writer puts such a trial back to
// pending (removing its rows), so that a rerun runs it again from the start.
namespace status {
inline constexpr const char* pending = "pending";
inline constexpr const char* running = "running";
inline constexpr const char* completed = "completed";
inline constexpr const char* diverged = "diverged";
inline constexpr const char* failed = "failed";
inline constexpr const char* stopped_early = "stopped_early";
inline constexpr const char* interrupted = "interrupted";
}  // namespace status

struct TrialOutcome {
  std::string status = status::completed;
  std::string error;
  std::int64_t steps_done = 0;
  double wall_seconds = 0.0;
  std::optional<double> final_train_loss, final_val_loss, best_val_loss, final_val_accuracy;
  std::string host;  // where it ran (provenance; MPI sweeps run trials on several hosts)
  int rank = 0;      // the MPI rank that ran it (0 without MPI)
};

struct TrialChunk {
  std::int64_t trial_id = 0;
  bool started = false;  // first chunk: mark the trial running
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
  std::vector<EventRow> events;
  std::optional<TrialOutcome> outcome;  // last chunk
};

}  // namespace lrlab
