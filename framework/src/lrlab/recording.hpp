#pragma once
// Recording: one trial of a training loop lrlab does not run (a Python loop, through
// lrlab.Recorder), written into a results database with the schema and the store code `lrlab run`
// uses, so that summary, plot, report, export, query and the paired statistics work on it.
//
// The experiment is a "recorded" one (experiments.kind; store.hpp): the trials of one experiment
// name share it, whatever process recorded them. A trial is one configuration (a JSON object: its
// flattened keys are the trial's grid_json, by which summary groups, and the object is its
// config_json) and one repeat; its seed is the repeat unless given, so that trials of the same
// repeat pair up across configurations as a sweep's do. Its trial_key is the sha256 of
// `config_json#repeat`: `lrlab verify` recomputes it.
//
// Rows go to the database in chunks of `chunk_rows` in one transaction each (WAL: readers are
// never blocked); the final status is written with the last rows, as a sweep's is. The recording
// holds the database's WriterLock from start to end, so a second writer (another recording, an
// `lrlab run`) is refused when it starts, naming the holder, never with "database is locked" in
// the middle of a run.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "lrlab/json.hpp"
#include "lrlab/store.hpp"
#include "lrlab/trial_record.hpp"
#include "lrlab/writer_lock.hpp"

namespace lrlab {

struct RecordingOptions {
  std::string experiment;
  std::string description;
  Json config = Json::object();
  std::int64_t repeat = 0;
  std::optional<std::int64_t> seed;  // default: the repeat
  std::int64_t steps_per_epoch = 1;  // for the epoch column, when a row does not give it
  std::string command_line;          // recorded in the runs row (provenance)
  std::size_t chunk_rows = 4096;
};

// A recorded trial's grid_json: its configuration flattened, {"schedule": {"type": "x"}, "lr": 1}
// -> {"lr": 1, "schedule.type": "x"}, as a sweep's grid_json has one key per varied path.
Json recorded_grid(const Json& config);
// The trial_key of a recorded trial.
// (The seed is not part of it: a configuration's repeat is one trial, whatever seed it was given.)
std::string recorded_trial_key(const std::string& config_json, std::int64_t repeat);

class Recording {
 public:
  // Opens (or creates) `db`, takes its writer lock, finds or makes the experiment and the trial.
  // Throws StoreError (a foreign file, another writer, a finished trial of the same key) or
  // SpecError (a bad option) before anything is written.
  Recording(const std::filesystem::path& db, const RecordingOptions& options);
  // A recording destroyed before finish() ends its trial as failed ("the recording ended without
  // finishing": the loop raised).
  ~Recording();
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  std::int64_t trial_id() const { return trial_id_; }
  std::int64_t experiment_id() const { return experiment_id_; }

  // Update `step` used rate `lr` on a batch whose loss was `train_loss` (docs/contracts.md: the
  // loss at the parameters before the update). Steps must increase. `epoch` < 0: step / steps_per_epoch.
  void step(std::int64_t step, double lr, double train_loss, double beta_1 = NAN, std::int64_t epoch = -1);
  // An evaluation after `step` updates. Steps must not decrease.
  void eval(std::int64_t step, const std::string& metric, double value, std::int64_t epoch = -1);
  // A decision (a policy's, the loop's own): `source` and `kind` as in the events table.
  void event(std::int64_t step, const std::string& source, const std::string& kind, double old_lr, double new_lr,
             const std::string& message, std::int64_t epoch = -1);
  // The trial's end: completed, stopped_early, diverged or failed (with `error`).
  void finish(const std::string& status = status::completed, const std::string& error = {});
  bool finished() const { return finished_; }

 private:
  std::int64_t epoch_of(std::int64_t step, std::int64_t epoch) const;
  void check_open(const char* what) const;
  void check_step(std::int64_t step, const char* what) const;
  void flush(bool force);

  RecordingOptions o_;
  std::unique_ptr<WriterLock> lock_;
  std::unique_ptr<Store> store_;
  std::int64_t experiment_id_ = 0, trial_id_ = 0;
  TrialChunk chunk_;
  TrialOutcome out_;
  std::int64_t last_step_ = -1, last_eval_step_ = 0;
  std::optional<double> best_val_;
  std::chrono::steady_clock::time_point started_;
  bool finished_ = false;
};

}  // namespace lrlab
