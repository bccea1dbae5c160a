#pragma once
// The `lrlab find-lr SPEC` use case: the learning-rate range test of a spec's task (Smith 2017;
// fastai's lr_find), run as an experiment of its own through the same runner, store and writer as
// `lrlab run`, then analysed and stored as a range test:
//
//   1. lr_find_spec: the spec of the test, built from the user's spec in memory: the same task,
//      seed and Adam settings (but the rate), the range_test schedule, the divergence_stop policy,
//      a budget of `steps` updates, every step recorded, `repeats` seeds.
//   2. run_experiment (runner.hpp) runs it like any spec: database, resume, provenance, --jobs.
//   3. analyse_lr_find reads each finished trial's steps back, smooths the losses as the policy
//      did (smoothed_loss.hpp: the stored curve and the stop agree bit for bit), and applies the
//      suggestion rules (lr_find.hpp); the store marks the experiment kind 'lr_find' and writes the
//      curve and the suggestions (lr_find_curve, lr_find_suggestions: docs/database.md).
//
// A rerun with the same settings resumes the experiment as `lrlab run` does (nothing left to run)
// and rewrites the same curve and suggestions; other settings need --fresh, as another spec does.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/analysis/chart.hpp"
#include "lrlab/analysis/lr_find.hpp"
#include "lrlab/json.hpp"
#include "lrlab/runner.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

struct LrFindSettings {
  double start = 1e-7, end = 10.0;  // the rates of the first and the last update
  std::int64_t steps = 100;         // updates from start to end: the budget
  std::string mode = "exp";         // exp | linear
  double smooth = 0.98;             // beta of the smoothed loss
  double diverge = 4.0;             // stop once the smoothed loss exceeds this multiple of its minimum
  std::int64_t repeats = 1;         // seeds
  std::string rule = default_lr_find_rule;  // the rule whose suggestion is the answer (stored as chosen)
};

// Throws SpecError naming the option when a setting cannot make a range test (start <= 0, end <=
// start, fewer than 6 steps, smooth outside [0, 1), diverge <= 1, repeats < 1, an unknown mode or rule).
void check_settings(const LrFindSettings& s);

// The name of the range test of an experiment called `name`.
std::string lr_find_name(const std::string& name);

// The spec of the range test of `spec` (a spec as written). Kept from `spec`: description (quoted
// in the test's), seed, task, optimizer without its learning_rate (range_test's rates are absolute).
// Dropped: grid, cases, search, schedule, policies, budget, evaluate, record, checkpoint, repeats.
// Throws SpecError when `spec` is not an object with a string name and a task.
Json lr_find_spec(const Json& spec, const LrFindSettings& s);

struct LrFindRequest {
  RunRequest run;  // as for `lrlab run`, with spec = the user's spec (isolate and worker unused)
  LrFindSettings settings;
};

// One trial (one seed) of the test, as stored.
struct LrFindTrial {
  std::int64_t trial_id = 0, repeat = 0, seed = 0;
  std::string status;
  std::int64_t steps_done = 0;
  std::optional<std::int64_t> stop_step;  // the step at which divergence_stop ended it
  LrCurve curve;
  std::vector<RuleResult> rules;  // lr_find_rules() order; picks index the curve
};

// One rule over the trials: the spread of its rates.
struct LrFindRule {
  std::string rule;
  std::optional<Spread> spread;  // empty when no trial gave a rate
  bool chosen = false;
};

struct LrFindResult {
  std::string name;  // the test's experiment name
  std::filesystem::path db_path;
  std::int64_t experiment_id = 0;
  LrFindSettings settings;
  std::vector<LrFindTrial> trials;  // the finished trials, in repeat order
  std::vector<LrFindRule> rules;    // lr_find_rules() order
  std::optional<double> suggestion; // the chosen rule's median rate
  int exit_code = 0;                // the run's (exit_codes.hpp)
  bool reported = false;            // false in a process that does not report (an MPI worker rank)
};

// Run the test and store its analysis. `report` gets the run's summary (as `lrlab run` prints it)
// before the analysis. Throws SpecError, StoreError, PluginLoadError (exit 2) for bad input.
LrFindResult run_lr_find(const LrFindRequest& request, const std::function<void(const RunSummary&)>& report);

// The analysis of a stored test, read from `c`: the finished trials' curves and the rules over them.
LrFindResult analyse_lr_find(const sqlite::Connection& c, std::int64_t experiment_id, const LrFindSettings& s);

// The picture: train loss (raw, and smoothed) against the rate on a log axis, the mean over seeds
// with the band from their minimum to their maximum, and each rule's suggestion marked on it.
std::vector<Panel> lr_find_chart(const LrFindResult& r);

}  // namespace lrlab::analysis
