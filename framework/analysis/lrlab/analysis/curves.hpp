#pragma once
// Curves for plots and the report: a metric over the steps, one line per configuration (the mean
// over its repeats, with the band from their minimum to their maximum) or one line per trial.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "lrlab/analysis/chart.hpp"
#include "lrlab/analysis/grouping.hpp"
#include "lrlab/analysis/results_db.hpp"

namespace lrlab::analysis {

// One trial's values of a metric: (step, value), by step.
using Series = std::vector<std::pair<double, double>>;

// The mean, minimum and maximum over the series at each step any of them has: a step a series
// lacks is averaged over the others (a diverged repeat does not end the line).
Curve aggregate(const std::string& label, const std::vector<Series>& trials);

// At most `max_points` points (0: no limit): n points fall into consecutive bins, bin b holding
// points [b·n/max_points, (b+1)·n/max_points), each drawn at its mean x with the mean of its means
// and the widest band.
Curve thin(Curve c, std::size_t max_points);

// What the x axis of a curve is: the update (step), the epoch (fractional: step / updates per
// epoch), the learning rate at that step, or the trial's wall-clock seconds (its wall_seconds
// spread evenly over its steps: lrlab does not time single steps).
enum class XAxis { step, epoch, lr, time };
XAxis parse_x_axis(const std::string& name);  // throws SpecError for another name

// Debiased exponential moving average with weight `w` in [0, 1) (TensorBoard's smoothing): s_i =
// w s_{i-1} + (1 - w) y_i, shown as s_i / (1 - w^(i+1)); 0 leaves the series as it is.
Series smoothed(const Series& s, double w);

// How a metric is drawn: "lr" and "train_loss" come from the steps table, any other name from
// evals; NULL and non-finite values are left out. The y axis is chosen by choose_y_axis()
// (chart.hpp), an accuracy zoomed to the second half of the run; `log_y` "on"/"off" forces log.
// A line of a single point is drawn as a point. With `events`, the policies' actions (the events
// table, pruners' and PBT's aside) are marked on the lines, at their steps.
struct CurveRequest {
  std::string metric;
  bool per_trial = false;
  std::size_t max_points = 400;  // per line: longer series are thinned
  std::string log_y = "auto";
  XAxis x = XAxis::step;
  double smooth = 0;
  bool events = false;
};

// One panel of `grouping`'s configurations (or trials). Throws SpecError for a bad `log_y` or
// `smooth`, and when no trial has a value of the metric.
Panel metric_panel(const sqlite::Connection& c, const Grouping& grouping, const CurveRequest& r);

// The metrics an experiment has: lr, train_loss (when recorded), then its evals metrics (val_loss
// first, the others by name).
std::vector<std::string> available_metrics(const sqlite::Connection& c, std::int64_t experiment);

// What `lrlab plot` draws: a panel per metric, the lines grouped by the `by` paths, of the trials
// `where` selects (an SQL condition on the trials table, as summary's --where). `log_y` is auto, on
// or off for every panel, or per panel: "lr=on,val_loss=off" (the others auto).
struct PlotRequest {
  std::vector<std::string> metrics;  // empty: lr, then the losses there are (train_loss, val_loss)
  std::vector<std::string> by;
  bool per_trial = false;
  std::string log_y = "auto";
  std::string where;
  std::string x = "step";
  double smooth = 0;
  bool events = true;
};

struct Chart {
  std::string title;  // the experiment, and what a line is
  std::vector<Panel> panels;
};

// Throws SpecError naming the metrics there are when one requested is not in the experiment.
Chart experiment_chart(const sqlite::Connection& c, const ExperimentChoice& ex, const PlotRequest& r);

}  // namespace lrlab::analysis
