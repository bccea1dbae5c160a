#include "lrlab/recording.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "lrlab/provenance.hpp"
#include "lrlab/sha256.hpp"

namespace lrlab {
namespace {

void flatten(const Json& v, const std::string& prefix, Json& out) {
  if (v.is_object() && !v.empty()) {
    for (const auto& [k, child] : v.items()) flatten(child, prefix.empty() ? k : prefix + "." + k, out);
    return;
  }
  const std::string key = prefix.empty() ? "config" : prefix;
  if (out.contains(key))
    throw SpecError("", "config keys collide when flattened: two of them give \"" + key + "\" (a key with a '.' and a nested one)");
  out[key] = v;
}

}  // namespace

Json recorded_grid(const Json& config) {
  Json grid = Json::object();
  flatten(config, "", grid);
  return grid;
}

namespace {

bool known_end(const std::string& s) {
  return s == status::completed || s == status::stopped_early || s == status::diverged || s == status::failed;
}

}  // namespace

Recording::Recording(const std::filesystem::path& db, const RecordingOptions& options)
    : o_(options), started_(std::chrono::steady_clock::now()) {
  if (o_.experiment.empty()) throw SpecError("", "the experiment name is empty");
  if (!o_.config.is_object()) throw SpecError("", "config must be an object (a dict), received " + o_.config.dump());
  if (o_.repeat < 0) throw SpecError("", "repeat must be >= 0, received " + std::to_string(o_.repeat));
  if (o_.steps_per_epoch < 1) throw SpecError("", "steps_per_epoch must be >= 1, received " + std::to_string(o_.steps_per_epoch));
  Store::check_usable(db);
  lock_ = std::make_unique<WriterLock>(db, o_.command_line.empty() ? "lrlab.Recorder" : o_.command_line);
  store_ = std::make_unique<Store>(db);
  experiment_id_ = store_->recorded_experiment(o_.experiment, o_.description);
  StoredTrial row;
  row.repeat = o_.repeat;
  row.seed = o_.seed.value_or(o_.repeat);
  row.config_json = o_.config.dump();
  row.grid_json = recorded_grid(o_.config).dump();
  row.trial_key = recorded_trial_key(row.config_json, row.repeat);
  trial_id_ = store_->recorded_trial(experiment_id_, row);
  store_->begin_run(experiment_id_, RunInfo{false, 1, 1, o_.command_line, {}});
  chunk_.trial_id = trial_id_;
}

std::string recorded_trial_key(const std::string& config_json, std::int64_t repeat) {
  return sha256_hex(config_json + "#" + std::to_string(repeat));
}

Recording::~Recording() {
  if (finished_) return;
  try {
    finish(status::failed, "the recording ended without finishing (the loop raised, or finish was never called)");
  } catch (...) {  // a destructor must not throw; what was committed stays
  }
}

std::int64_t Recording::epoch_of(std::int64_t step, std::int64_t epoch) const {
  return epoch >= 0 ? epoch : step / o_.steps_per_epoch;
}

void Recording::check_step(std::int64_t step, const char* what) const {
  // steps_done is one past the last step: the largest int64 has no successor.
  if (step < 0 || step == std::numeric_limits<std::int64_t>::max())
    throw SpecError("", std::string(what) + " must be >= 0 and < 2^63 - 1, received " + std::to_string(step));
}

void Recording::check_open(const char* what) const {
  if (finished_) throw SpecError("", std::string(what) + " after the trial was finished");
}

void Recording::step(std::int64_t step, double lr, double train_loss, double beta_1, std::int64_t epoch) {
  check_open("step");
  check_step(step, "step");
  if (step <= last_step_)
    throw SpecError("", "step " + std::to_string(step) + " after step " + std::to_string(last_step_) + ": steps must increase");
  if (!std::isfinite(lr) || lr < 0)
    throw SpecError("", "lr at step " + std::to_string(step) + " is " + message_number(lr) + ": a rate is a finite number >= 0");
  chunk_.steps.push_back({step, epoch_of(step, epoch), lr, train_loss, beta_1});
  last_step_ = step;
  out_.steps_done = step + 1;
  out_.final_train_loss = train_loss;
  flush(false);
}

void Recording::eval(std::int64_t step, const std::string& metric, double value, std::int64_t epoch) {
  check_open("eval");
  if (metric.empty()) throw SpecError("", "an evaluation's metric name is empty");
  check_step(step, "an evaluation's step");
  if (step < last_eval_step_)
    throw SpecError("", "evaluation at step " + std::to_string(step) + " after one at step " + std::to_string(last_eval_step_) +
                            ": evaluation steps must not decrease");
  chunk_.evals.push_back({step, epoch_of(std::max<std::int64_t>(step - 1, 0), epoch), metric, value});
  last_eval_step_ = step;
  if (metric == "val_loss") {
    out_.final_val_loss = value;
    // Model selection as a sweep's: the first step of the best validation loss.
    if (!std::isnan(value) && (!best_val_ || value < *best_val_)) {
      best_val_ = value;
      out_.selected_step = step;
    }
    out_.best_val_loss = best_val_;
  } else if (metric == "val_accuracy") {
    out_.final_val_accuracy = value;
  }
  flush(false);
}

void Recording::event(std::int64_t step, const std::string& source, const std::string& kind, double old_lr, double new_lr,
                      const std::string& message, std::int64_t epoch) {
  check_open("event");
  if (source.empty() || kind.empty()) throw SpecError("", "an event needs a source and a kind");
  check_step(step, "an event's step");
  chunk_.events.push_back({step, epoch_of(step, epoch), source, kind, old_lr, new_lr, message});
  flush(false);
}

void Recording::finish(const std::string& status, const std::string& error) {
  check_open("finish");
  if (!known_end(status))
    throw SpecError("", "status \"" + status + "\" is not one a trial ends with: completed, stopped_early, diverged or failed");
  out_.status = status;
  out_.error = error;
  out_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  out_.host = host_name();
  chunk_.outcome = out_;
  finished_ = true;
  flush(true);
  store_->end_run(status == status::completed || status == status::stopped_early ? 0 : 1, 1,
                  status == status::failed ? 1 : 0);
  store_.reset();
  lock_.reset();
}

void Recording::flush(bool force) {
  const std::size_t rows = chunk_.steps.size() + chunk_.evals.size() + chunk_.events.size();
  if (!force && rows < o_.chunk_rows) return;
  store_->write({std::move(chunk_)});
  chunk_ = TrialChunk{};
  chunk_.trial_id = trial_id_;
}

}  // namespace lrlab
