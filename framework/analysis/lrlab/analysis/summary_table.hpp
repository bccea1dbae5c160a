#pragma once
// The ranking behind `lrlab summary` and the report: configurations ranked by the mean of a metric
// over repeats, with n, sd and a 95% Student-t interval, and each one's paired comparison with the
// best (repeat r of every configuration shares its seed: common random numbers), corrected for
// the number of comparisons. docs/statistics.md says which test, which correction, what a tie is.
//
// rank_all() computes it, one ranking per `within` group; summary_table() and verdict() say it, as a
// table and as sentences (summary_verdict.cpp); summary_warnings() says what to distrust
// (summary_warnings.cpp); summarize() does it all.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/multiple_comparisons.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/statistics.hpp"
#include "lrlab/analysis/table.hpp"

namespace lrlab::analysis {

struct SummaryRequest {
  std::vector<std::string> by;      // dotted config paths; empty: by configuration
  std::vector<std::string> within;  // one ranking per value of these paths (task is added when the grid varies it)
  std::string where;                // an SQL condition on the trials table: only the trials it keeps
  std::string metric;               // a trials column, or an evals metric (its last value); "": default_metric()
  std::vector<std::string> also;    // more metrics, their means shown beside the ranking metric's
  bool maximize = false, minimize = false;  // neither: accuracy-like metrics are maximized
  stats::Correction correction = stats::Correction::holm;
};

// A configuration against the best, on the repeats both have (a repeat's value is the mean of its
// trials when `by` merges several configurations into one).
struct Comparison {
  double diff;                     // mean of (this - best) over the pairs
  stats::Interval diff_ci95;       // its 95% Student-t interval
  double d_z;                      // Cohen's d_z: mean / sd of the differences
  stats::TestResult t_test;        // paired t-test on the differences; t_test.n pairs
  stats::TestResult wilcoxon;      // Wilcoxon signed-rank test on the same differences
  double t_p_adjusted = NAN, wilcoxon_p_adjusted = NAN;  // by the request's correction
  std::string note;                // why a p-value is missing ("all differences are 0", ...)
};

// One configuration's line: the trials that finished with a finite value count, the others are
// `missing` (unfinished, failed, or no value) or `pruned` (a pruner stopped them: they trained less
// than the budget, so their values are not compared with the others').
struct RankedConfiguration {
  std::int64_t rank = 0;            // ties share one rank (1, 1, 3)
  std::vector<std::string> labels;  // one per Ranking::label_columns
  std::string name;                 // Grouping::name: "schedule.type=constant"
  std::vector<double> values;       // every usable trial's value, in trial order; for a line that
                                    // pools configurations (--by), each repeat's mean, by repeat
  std::int64_t missing = 0;
  std::int64_t pruned = 0;
  std::int64_t pruned_at = 0;       // the step a pruner stopped them at (the latest, over its trials)
  double mean = NAN, sd = NAN;      // NaN when there is no value (sd: fewer than 2)
  stats::Interval ci95{NAN, NAN};   // NaN bounds for fewer than 2 values
  std::vector<double> also_means;   // one per Ranking::also: the mean over the same usable trials
  double best_step = NAN;           // mean over its trials of the step where the metric was best
  double best_epoch = NAN;          // and of its epoch
  std::optional<Comparison> vs_best;  // absent for the best, and without a repeat in common with it
};

struct Ranking {
  std::string metric;
  bool maximize;  // higher is better
  std::vector<std::string> within_columns, within;  // which group this ranking is (empty: the only one)
  std::vector<std::string> label_columns;
  std::vector<std::string> also;
  std::string best_step_metric;  // the evals metric of the best_step column; "" without the column
  stats::Correction correction = stats::Correction::holm;
  std::vector<RankedConfiguration> configurations;  // best first; those without a value last
  // Ties, as positions in `configurations`: sets of configurations whose trials are bit-identical in
  // every repeat, and sets (not all one identical set) with the same value in every repeat.
  std::vector<std::vector<std::size_t>> identical, equal;
  // "task=quadratic(...)": which group, for sentences; "" for the only one.
  std::string group_name() const;
};

// Losses and times are minimized, accuracy-like metrics (accuracy, acc, auc, f1, precision,
// recall in the name) maximized, unless the request says which.
bool higher_is_better(const SummaryRequest& r);

// One ranking per value of the `within` paths (the task is always one of them when the grid varies
// it). Throws SpecError for an unknown metric or path (naming the nearest), a bad --where, for
// maximize and minimize together, and for an experiment without trials.
std::vector<Ranking> rank_all(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);
// The one ranking of a request that makes one (throws SpecError when it makes several).
Ranking rank_configurations(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);

// rank, the within and label columns, n, missing, pruned (when a trial was pruned), mean, sd,
// ci95_low, ci95_high, mean_<also>...,
// best_step, best_epoch (for a metric with a best step), diff_vs_best, diff_ci95_low, diff_ci95_high, d_z, pairs,
// paired_t_p, paired_t_p_adj, wilcoxon_p, wilcoxon_p_adj, note; NULL where a number does not exist.
Table summary_table(const Ranking& r);
Table summary_table(const std::vector<Ranking>& rankings);

// Sentences a person can quote: the best, the ties, the runner-up with its effect size and tests,
// and how many of the others the best beats after the correction (summary_verdict.cpp).
std::string verdict(const Ranking& r);

// What to distrust in a ranking: too few repeats for the Wilcoxon test to ever reach p < 0.05, a
// metric on a lattice (accuracies of a small validation set), a spread across repeats larger than
// the gap between the top two (summary_warnings.cpp).
std::vector<std::string> summary_warnings(const Ranking& r);

// "metric: best_val_loss (lower is better)"
std::string metric_line(const Ranking& r);

struct Summary {
  std::string metric;  // the metric ranked by (the default resolved)
  std::string metric_line;
  Table table;
  std::vector<std::string> verdicts;  // one per ranking
  std::string verdict;                // the verdicts, one per line
  std::vector<std::string> warnings;  // prefixed with their group when there are several
  std::string resources;              // for an experiment with a pruner: updates trained against none pruned
};

// An experiment with a pruner: "resources: 1863 of 16767 updates trained (11.1%) ..."; empty
// without one.
std::string pruning_resources(const sqlite::Connection& c, std::int64_t experiment_id);
// The same for population-based training: the updates the members trained (a copy from its
// generation's step on) against the population trained without exploits; empty for other
// experiments.
std::string pbt_resources(const sqlite::Connection& c, std::int64_t experiment_id);
Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);

}  // namespace lrlab::analysis
