#pragma once
// The numbers a summary ranks by: each trial's value of a metric (a trials column, or the last
// evaluation of an evals metric), which metric to use when none is asked for, and the step at
// which a metric was best.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// The trials columns a summary can rank by: best_val_loss, final_val_loss, ..., and test_loss where
// the file's schema has it (older files do not).
std::vector<std::string> trial_metric_columns(const sqlite::Connection& c);

// test_loss (the test loss at the step validation chose) when the trials table has it and some
// trial of the experiment has a value; otherwise best_val_loss. Choosing on the test split is what
// a paper reports; ranking on validation numbers that also chose the step flatters the winner.
std::string default_metric(const sqlite::Connection& c, std::int64_t experiment);

// Each trial's value (NaN: no value). Throws SpecError for a name that is neither a trials column
// nor an evals metric of the experiment, naming both lists and the nearest name.
std::map<std::int64_t, double> metric_values(const sqlite::Connection& c, std::int64_t experiment, const std::string& metric);

// The evals metric whose best step describes `metric`: itself for an evals metric, val_loss for
// best_val_loss and test_loss (both are read at the best validation loss); "" for the others.
std::string best_step_metric(const sqlite::Connection& c, const std::string& metric);

// Each trial's step and epoch of its best value of the evals metric `metric` (the minimum, or the
// maximum when `maximize`; the earliest on ties), for trials that have one.
struct BestAt {
  double step, epoch;
};
std::map<std::int64_t, BestAt> best_steps(const sqlite::Connection& c, std::int64_t experiment, const std::string& metric,
                                          bool maximize);

}  // namespace lrlab::analysis
