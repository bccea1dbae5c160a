#pragma once
// The ranking behind `lrlab summary` and the report: configurations ranked by the mean of a metric
// over repeats, with n, sd and a 95% Student-t interval, and each one's paired comparison with the
// best (repeat r of every configuration shares its seed: common random numbers).
//
// rank_configurations() computes it; summary_table() and verdict() say it, as a table and as one
// sentence; summarize() does all three.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/analysis/statistics.hpp"
#include "lrlab/analysis/table.hpp"

namespace lrlab::analysis {

struct SummaryRequest {
  std::vector<std::string> by;           // dotted config paths; empty: by configuration
  std::string metric = "best_val_loss";  // a trials column, or an evals metric (its last value)
  bool maximize = false, minimize = false;  // neither: accuracy-like metrics are maximized
};

// A configuration against the best, on the repeats both have (a repeat's value is the mean of its
// trials when `by` merges several configurations into one).
struct Comparison {
  double diff;                 // mean of (this - best) over the pairs
  stats::TestResult t_test;    // paired t-test on the differences; t_test.n pairs
  stats::TestResult wilcoxon;  // Wilcoxon signed-rank test on the same differences
};

// One configuration's line: the trials that finished with a finite value count, the others are
// `missing` (unfinished, failed, or no value).
struct RankedConfiguration {
  std::vector<std::string> labels;  // one per Ranking::label_columns
  std::string name;                 // Grouping::name: "schedule.type=constant"
  std::vector<double> values;       // every usable trial's value, in trial order
  std::int64_t missing = 0;
  double mean = NAN, sd = NAN;      // NaN when there is no value (sd: fewer than 2)
  stats::Interval ci95{NAN, NAN};   // NaN bounds for fewer than 2 values
  std::optional<Comparison> vs_best;  // absent for the best, and without a repeat in common with it
};

struct Ranking {
  std::string metric;
  bool maximize;  // higher is better
  std::vector<std::string> label_columns;
  std::vector<RankedConfiguration> configurations;  // best first; those without a value last
};

// Losses and times are minimized, accuracy-like metrics (accuracy, acc, auc, f1, precision,
// recall in the name) maximized, unless the request says which.
bool higher_is_better(const SummaryRequest& r);

// Throws SpecError for an unknown metric (naming the trials columns and the evals metrics there
// are), for maximize and minimize together, and for an experiment without trials.
Ranking rank_configurations(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);

// rank, the labels, n, missing, mean, sd, ci95_low, ci95_high, diff_vs_best, pairs, paired_t_p,
// wilcoxon_p; NULL where a number does not exist (the best's comparison, a NaN).
Table summary_table(const Ranking& r);

// One sentence a person can quote: the best, the runner-up and the tests' p-values, and how many
// of the others the best beats at p < 0.05.
std::string verdict(const Ranking& r);

struct Summary {
  Table table;
  std::string verdict;
};
Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);

}  // namespace lrlab::analysis
