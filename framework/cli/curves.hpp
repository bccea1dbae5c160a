#pragma once
// Curves for plots and the report: a metric over the steps, one line per configuration (the mean
// over its repeats, with the band from their minimum to their maximum) or one line per trial.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis_db.hpp"

namespace lrlab::cli {

struct Curve {
  std::string label;
  std::vector<double> x, mean, low, high;  // low/high: the band over repeats (equal to mean for one trial)
};

struct Panel {
  std::string title, y_label;
  std::string x_label = "step";
  bool log_y = false;
  std::vector<Curve> curves;
};

// How a metric is drawn: "lr" and "train_loss" come from the steps table, any other name from
// evals. Log y is chosen when the values are positive and span more than a factor of 30 (rates of
// decaying schedules, losses); `log_y` "on"/"off" forces it.
struct CurveRequest {
  std::string metric;
  bool per_trial = false;
  std::size_t max_points = 400;  // per line: longer series are averaged in consecutive bins
  std::string log_y = "auto";
};

Panel metric_panel(const sqlite::Connection& c, const Grouping& grouping, const CurveRequest& r);

// Whether the panel's values are all positive and span more than a factor of 30.
bool wants_log_y(const Panel& p);

// The metrics an experiment has: lr, train_loss (when recorded), then its evals metrics.
std::vector<std::string> available_metrics(const sqlite::Connection& c, std::int64_t experiment);

}  // namespace lrlab::cli
