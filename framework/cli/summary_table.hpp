#pragma once
// The ranking behind `lrlab summary` and the report: configurations ranked by the mean of a metric
// over repeats, with n, sd and a 95% Student-t interval, and each one's paired comparison with the
// best (repeat r of every configuration shares its seed: common random numbers).
#include <string>
#include <vector>

#include "analysis_db.hpp"
#include "output.hpp"

namespace lrlab::cli {

struct SummaryRequest {
  std::vector<std::string> by;           // dotted config paths; empty: by configuration
  std::string metric = "best_val_loss";  // a trials column, or an evals metric (its last value)
  bool maximize = false, minimize = false;  // neither: accuracy-like metrics are maximized
};

struct Summary {
  Table table;          // rank, the labels, n, missing, mean, sd, ci95_low, ci95_high, diff_vs_best, pairs, paired_t_p, wilcoxon_p
  std::string verdict;  // one sentence a person can quote: the best, the runner-up and the tests' p-values
};

// Throws SpecError for an unknown metric or an experiment without trials.
Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r);

}  // namespace lrlab::cli
