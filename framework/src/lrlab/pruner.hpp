#pragma once
// Pruners: stop the configurations that are doing badly before they spend their whole budget.
//
//   "pruner": {"type": "successive_halving" | "hyperband" | "median" | "paired_wilcoxon", ...}
//
// A pruner decides at *rungs*: evaluation steps at which every trial still training is paused
// (TrialRun::run_to, its checkpoint stored) and the configurations are compared. Rungs are
// synchronous: a rung is decided only once every trial that can reach it has, and only from the
// evaluations stored in the database. So the same trials are pruned whatever the number of
// threads or MPI ranks, and a rerun after an interruption decides each rung again from the same
// rows and gets the same answer (pruned_sweep.hpp runs the rungs).
//
// The unit pruned is a configuration (a grid or search point) with all its repeats. Its value at a
// rung is the mean over its repeats of the metric's last evaluation at or before the rung's step;
// a repeat that diverged or failed counts as the worst possible value, one a policy stopped early
// with its last evaluation. Ties are broken by the point's index (the lower goes on).
//
//   successive_halving  rungs at min_steps * eta^k below the budget, or the "rungs" given; at each
//                       rung the best max(1, floor(n / eta)) of the n configurations that reached
//                       it go on (Jamieson & Talwalkar 2016; Li et al. 2018), the others stop.
//   hyperband           brackets s = s_max .. 0 of successive halving, s_max = floor(log_eta(budget /
//                       min_steps)); bracket s starts at budget / eta^s. Configurations are dealt to
//                       the brackets in proportion to Hyperband's n_s = ceil((s_max + 1) / (s + 1) *
//                       eta^s), interleaved by point index (smooth weighted round robin), so that a
//                       grid's neighbours land in different brackets (Li et al. 2018).
//   median              every every_steps from warmup_steps on: a configuration whose best value
//                       so far is worse than the median of the configurations' values at that step
//                       stops, while at least min_configurations reached it (Optuna's
//                       MedianPruner, Vizier's median stopping rule, made synchronous).
//   paired_wilcoxon     lrlab's own, at the same rungs as median: a configuration stops when its
//                       repeats are worse than the current best configuration's, paired by repeat
//                       (repeat r of every configuration shares its seed), by a one-sided exact
//                       Wilcoxon signed-rank test at level alpha. It needs repeats: 2^-repeats
//                       must be below alpha.
//
// A rung needs an evaluation to compare: the steps written in the section (min_steps, rungs,
// every_steps) must be evaluation steps, and Hyperband's computed rungs are rounded down to one. A
// pruner needs the same budget and evaluation period for every trial (spec error otherwise).
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab {

struct PrunerConfig {
  std::string type;  // empty: no pruner
  std::string metric = "val_loss";
  bool maximize = false;               // "mode": "max"
  std::int64_t eta = 3;                // successive_halving, hyperband
  std::int64_t min_steps = 0;          // successive_halving, hyperband: the first rung (0: one evaluation period)
  std::vector<std::int64_t> rungs;     // successive_halving: the rungs, when given
  std::int64_t warmup_steps = 0;       // median, paired_wilcoxon
  std::int64_t every_steps = 0;        // median, paired_wilcoxon (0: every evaluation)
  std::int64_t min_configurations = 5; // median
  double alpha = 0.05;                 // paired_wilcoxon

  bool enabled() const { return !type.empty(); }
};

// The spec's "pruner" section checked on its own (types, ranges, unknown keys): SpecErrors at
// "/pruner/...". An empty object is no pruner.
PrunerConfig parse_pruner(const Json& section, const Resolver& resolver);
const std::vector<std::string>& pruner_types();
// The settings of one pruner type ("type" first): for the parser, `describe` and the JSON Schema.
std::vector<Param> pruner_params(const std::string& type);

// A configuration as a rung sees it: its values by repeat, lower is better (the pruner turns "max"
// metrics around before), +inf for a repeat that diverged or failed.
struct PointAtRung {
  std::int64_t point = 0;
  std::vector<double> values;  // the metric at the rung, by repeat
  std::vector<double> best;    // the best value at or before the rung, by repeat
  bool live = false;           // a repeat is still training: it can be stopped
};

struct Pruning {
  std::int64_t point = 0;
  std::string reason;  // for the events table: the rule, the rung, the value and what it lost to
};

class Pruner {
 public:
  Pruner() = default;
  // `config` for an experiment of `points` configurations of `repeats` repeats, each trained for
  // `total_steps` updates with an evaluation every `eval_every`. SpecErrors at "/pruner/..." for
  // settings that cannot work there (no rung before the budget, too few repeats for alpha).
  Pruner(PrunerConfig config, std::int64_t points, std::int64_t repeats, std::int64_t total_steps, std::int64_t eval_every);

  const PrunerConfig& config() const { return config_; }
  bool enabled() const { return config_.enabled(); }
  // Every rung step of every bracket, ascending.
  const std::vector<std::int64_t>& rung_steps() const { return steps_; }
  // The bracket of a point (hyperband; 0 for the others) and its rungs.
  int bracket_of(std::int64_t point) const;
  std::size_t brackets() const { return rungs_.size(); }
  const std::vector<std::int64_t>& rungs_of(int bracket) const { return rungs_.at(static_cast<std::size_t>(bracket)); }

  // The configurations to stop at rung `step`: `cohort` holds every configuration that was not
  // stopped at an earlier rung (in any order; only those whose bracket has a rung at `step` are
  // looked at). A pure function: the same cohort gives the same decisions.
  std::vector<Pruning> decide(std::int64_t step, std::vector<PointAtRung> cohort) const;

 private:
  std::vector<Pruning> halve(std::int64_t step, int bracket, std::vector<PointAtRung>& cohort) const;
  std::vector<Pruning> median(std::int64_t step, std::vector<PointAtRung>& cohort) const;
  std::vector<Pruning> paired(std::int64_t step, std::vector<PointAtRung>& cohort) const;
  std::string shown(double internal) const;  // a value as the user reads it (max metrics turned back)

  PrunerConfig config_;
  std::int64_t points_ = 0;
  std::vector<std::vector<std::int64_t>> rungs_;  // by bracket
  std::vector<int> bracket_;                      // by point (hyperband)
  std::vector<std::int64_t> steps_;
};

}  // namespace lrlab
