#pragma once
// Where in a searched space the good configurations lie: for each parameter a search drew, its
// range cut into regions (bins), each with how many configurations fell in it and how well they
// did, the best region marked. Behind `lrlab summary` of a searched experiment and its `--regions`.
//
// A configuration's value is the mean of the metric over its repeats. A continuous parameter's
// range (the distribution's bounds where it has them, else the values seen) is cut into `bins`
// equal parts, on a log scale for log_uniform, log_int_uniform and log_normal; a parameter with at
// most `bins` distinct values gets one region per value; a choice one region per value written
// (a component with ranges of its own counts as one value, shown as exponential_decay(decay_rate=
// ~log_normal)). A parameter inside a choice's value (a conditional one) is shown over the
// configurations that chose that value: "schedule.decay_rate | schedule=exponential_decay".
//
// The best region is the one whose configurations' mean is best, among the regions with at least
// two configurations (any region, when none has two). When a drawn value fits several of a
// choice's values (0.7 fits both {"distribution": "uniform", ...} and 0.7), it is the value with
// the fewest ranges. Regions are descriptive: a region's mean
// mixes the other parameters' values, so it is no test of the parameter; the ranking is.
#include <cstdint>
#include <string>
#include <vector>

#include "lrlab/analysis/chart.hpp"
#include "lrlab/analysis/results_db.hpp"
#include "lrlab/analysis/table.hpp"
#include "lrlab/json.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// A parameter a search drew: its label, its distribution, and where its value is.
struct SearchedParameter {
  std::string label;         // "optimizer.learning_rate", "schedule.decay_rate | schedule=exponential_decay(...)"
  std::string distribution;  // "log_uniform", "choice", ...
  bool log_scale = false;    // drawn on a log scale: log_uniform, log_int_uniform, log_normal
  double low = NAN, high = NAN;  // the distribution's bounds, where it has them
  Json choices;              // a choice's values, as written
  std::string key;           // the space's key it lies under ("schedule")
  std::string pointer;       // inside that key's value ("" or "/decay_rate")
  // The choices that must have been made for it to be drawn: (key, pointer, value index).
  struct Condition {
    std::string key, pointer;
    std::size_t index;
    Json choices;
  };
  std::vector<Condition> conditions;
};

// The parameters of a search block {"type": ..., "space": {...}}, in the written order (a choice
// before the parameters inside its values); none for a spec without a search.
std::vector<SearchedParameter> searched_parameters(const Json& spec);

// Which of `choices` a drawn value came from (its fixed parts equal, its distributions anything);
// choices.size() when none.
std::size_t choice_index(const Json& choices, const Json& value);

struct Region {
  std::string parameter, region;
  double lo = NAN, hi = NAN;       // a continuous region's bounds (NaN for a value or a choice)
  std::int64_t configurations = 0;
  double mean = NAN, best = NAN;   // over its configurations' means
  bool best_region = false;
};

// The regions of every searched parameter of experiment `ex`, by `metric` (a trials column or an
// evals metric, as summary takes it), over the trials `where` keeps (an SQL condition on the trials
// table; "" for all). Empty when the experiment has no search; a SpecError when no trial has a
// value of the metric.
std::vector<Region> search_regions(const sqlite::Connection& c, const ExperimentChoice& ex, const std::string& metric,
                                   bool maximize, int bins = 5, const std::string& where = "");

// The scatter of a searched experiment: a panel per searched numeric parameter, each
// configuration's mean `metric` against its value (a log x axis for log-drawn parameters), the best
// region drawn at its mean across its range, and the best configuration marked.
std::vector<Panel> search_panels(const sqlite::Connection& c, const ExperimentChoice& ex, const std::string& metric,
                                 bool maximize, int bins = 5);

// The regions as a table: parameter, region, configurations, mean, best, best_region ("<- best");
// for machines (csv, json) also the exact low and high of each range, and best_region as 1 or 0.
Table regions_table(const std::vector<Region>& regions, bool for_people);

}  // namespace lrlab::analysis
