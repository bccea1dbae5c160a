#include "lrlab/analysis/summary_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "lrlab/errors.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab::analysis {
namespace {

bool is_trial_column(const sqlite::Connection& c, const std::string& metric) {
  const auto cols = trial_metric_columns(c);
  return std::find(cols.begin(), cols.end(), metric) != cols.end();
}

std::vector<std::string> evals_metrics(const sqlite::Connection& c, std::int64_t experiment) {
  sqlite::Statement s(c, "SELECT DISTINCT e.metric FROM evals e JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 ORDER BY 1");
  s.bind(1, experiment);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<std::string> trial_metric_columns(const sqlite::Connection& c) {
  std::vector<std::string> cols{"best_val_loss", "final_train_loss", "final_val_accuracy", "final_val_loss", "steps_done", "wall_seconds"};
  // The evaluation protocol's columns (schema 4; a file of an older lrlab lacks them).
  if (c.has_column("trials", "test_loss"))
    cols.insert(cols.end(), {"test_loss", "test_accuracy", "final_test_loss", "final_test_accuracy"});
  std::sort(cols.begin(), cols.end());
  return cols;
}

std::string default_metric(const sqlite::Connection& c, std::int64_t experiment) {
  if (!c.has_column("trials", "test_loss")) return "best_val_loss";
  sqlite::Statement s(c, "SELECT 1 FROM trials WHERE experiment_id = ?1 AND test_loss IS NOT NULL LIMIT 1");
  s.bind(1, experiment);
  return s.step() ? "test_loss" : "best_val_loss";
}

std::map<std::int64_t, double> metric_values(const sqlite::Connection& c, std::int64_t experiment, const std::string& metric) {
  const bool column = is_trial_column(c, metric);
  if (!column) {
    const auto known = evals_metrics(c, experiment);
    if (std::find(known.begin(), known.end(), metric) == known.end()) {
      auto all = trial_metric_columns(c);
      all.insert(all.end(), known.begin(), known.end());
      throw SpecError("", "--metric \"" + metric + "\" is neither a trials column (" + joined(trial_metric_columns(c)) +
                              ") nor an evals metric of this experiment" + (known.empty() ? std::string() : " (" + joined(known) + ")") +
                              did_you_mean(metric, all));
    }
  }
  // The column name is one of trial_metric_columns(), never the user's text.
  const std::string sql = column ? "SELECT t.trial_id, t." + metric + " FROM trials t WHERE t.experiment_id = ?1"
                                 : "SELECT t.trial_id, (SELECT e.value FROM evals e WHERE e.trial_id = t.trial_id AND e.metric = ?2 "
                                   "ORDER BY e.step DESC LIMIT 1) FROM trials t WHERE t.experiment_id = ?1";
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  if (!column) s.bind(2, metric);
  std::map<std::int64_t, double> out;
  while (s.step()) out[s.int64(0)] = s.is_null(1) ? NAN : s.real(1);
  return out;
}

std::string best_step_metric(const sqlite::Connection& c, const std::string& metric) {
  if (metric == "best_val_loss" || metric == "test_loss") return "val_loss";
  return is_trial_column(c, metric) ? "" : metric;
}

std::map<std::int64_t, BestAt> best_steps(const sqlite::Connection& c, std::int64_t experiment, const std::string& metric,
                                          bool maximize) {
  // Each trial's evaluations of the metric ranked best first; the first of each trial is its best.
  sqlite::Statement s(c, std::string("SELECT trial_id, step, epoch FROM (SELECT e.trial_id, e.step, e.epoch, row_number() OVER "
                                     "(PARTITION BY e.trial_id ORDER BY e.value ") +
                             (maximize ? "DESC" : "ASC") +
                             ", e.step) AS k FROM evals e JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 AND e.metric = ?2 "
                             "AND e.value IS NOT NULL) WHERE k = 1");
  s.bind(1, experiment);
  s.bind(2, metric);
  std::map<std::int64_t, BestAt> out;
  while (s.step()) out[s.int64(0)] = {static_cast<double>(s.int64(1)), static_cast<double>(s.int64(2))};
  return out;
}

}  // namespace lrlab::analysis
