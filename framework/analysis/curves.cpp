#include "lrlab/analysis/curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "lrlab/errors.hpp"
#include "lrlab/trial_record.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab::analysis {
namespace {

Series load_series(const sqlite::Connection& c, std::int64_t trial, const std::string& metric) {
  const bool from_steps = metric == "lr" || metric == "train_loss";
  sqlite::Statement s(c, from_steps ? "SELECT step, " + metric + " FROM steps WHERE trial_id = ?1 ORDER BY step"
                                    : std::string("SELECT step, value FROM evals WHERE trial_id = ?1 AND metric = ?2 ORDER BY step"));
  s.bind(1, trial);
  if (!from_steps) s.bind(2, metric);
  Series out;
  while (s.step())
    if (!s.is_null(1) && std::isfinite(s.real(1))) out.emplace_back(static_cast<double>(s.int64(0)), s.real(1));
  return out;
}

}  // namespace

Curve aggregate(const std::string& label, const std::vector<Series>& trials) {
  struct Acc {
    double sum = 0, lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    int n = 0;
  };
  std::map<double, Acc> at;
  for (const auto& series : trials)
    for (const auto& [x, y] : series) {
      Acc& a = at[x];
      a.sum += y;
      a.lo = std::min(a.lo, y);
      a.hi = std::max(a.hi, y);
      ++a.n;
    }
  Curve c{label, {}, {}, {}, {}};
  for (const auto& [x, a] : at) {
    c.x.push_back(x);
    c.mean.push_back(a.sum / a.n);
    c.low.push_back(a.lo);
    c.high.push_back(a.hi);
  }
  return c;
}

Curve thin(Curve c, std::size_t max_points) {
  const std::size_t n = c.x.size();
  if (n <= max_points || max_points == 0) return c;
  Curve out{c.label, {}, {}, {}, {}};
  for (std::size_t b = 0; b < max_points; ++b) {
    const std::size_t from = b * n / max_points, to = (b + 1) * n / max_points;
    double x = 0, m = 0, lo = c.low[from], hi = c.high[from];
    for (std::size_t i = from; i < to; ++i) {
      x += c.x[i];
      m += c.mean[i];
      lo = std::min(lo, c.low[i]);
      hi = std::max(hi, c.high[i]);
    }
    out.x.push_back(x / static_cast<double>(to - from));
    out.mean.push_back(m / static_cast<double>(to - from));
    out.low.push_back(lo);
    out.high.push_back(hi);
  }
  return out;
}

Panel metric_panel(const sqlite::Connection& c, const Grouping& grouping, const CurveRequest& r) {
  if (r.log_y != "auto" && r.log_y != "on" && r.log_y != "off")
    throw SpecError("", "--log-y must be auto, on or off; received \"" + r.log_y + "\"");
  Panel p;
  p.title = r.metric == "lr" ? "learning rate" : r.metric;
  p.y_label = r.metric;
  // A PBT copy's line begins where it took its parent's state (an exploit): a mark there.
  std::set<std::int64_t> copies;
  if (c.has_column("lineage", "parent_trial_id")) {
    sqlite::Statement q(c, "SELECT trial_id FROM lineage WHERE parent_trial_id IS NOT NULL");
    while (q.step()) copies.insert(q.int64(0));
  }
  Curve copied{"PBT exploit (a copy starts from its parent's state here)", {}, {}, {}, {}, true, false};
  // A pruned line ends where the pruner stopped it (or, with PBT, where a copy replaced it): a cross there says so.
  Curve pruned{copies.empty() ? "pruned (a pruner stopped it here)" : "replaced here by a PBT copy", {}, {}, {}, {}, true, true};
  const auto mark = [](Curve& marks, const Curve& line, bool end) {
    const std::size_t i = end ? line.x.size() - 1 : 0;
    marks.x.push_back(line.x[i]);
    for (auto* v : {&marks.mean, &marks.low, &marks.high}) v->push_back(line.mean[i]);
  };
  const auto mark_end = [&](const Curve& line) { mark(pruned, line, true); };
  for (const auto& g : grouping.groups) {
    const std::string name = grouping.name(g);
    if (r.per_trial) {
      for (const auto& t : g.trials) {
        Curve one = aggregate("trial " + std::to_string(t.trial_id) + " (" + name + ", repeat " + std::to_string(t.repeat) + ")",
                              {load_series(c, t.trial_id, r.metric)});
        if (one.x.empty()) continue;
        if (t.status == status::pruned) mark_end(one);
        if (copies.count(t.trial_id)) mark(copied, one, false);
        p.curves.push_back(thin(std::move(one), r.max_points));
      }
      continue;
    }
    std::vector<Series> series;
    for (const auto& t : g.trials) series.push_back(load_series(c, t.trial_id, r.metric));
    Curve mean = aggregate(name, series);
    if (mean.x.empty()) continue;
    if (std::all_of(g.trials.begin(), g.trials.end(), [](const GroupedTrial& t) { return t.status == status::pruned; }))
      mark_end(mean);
    if (std::all_of(g.trials.begin(), g.trials.end(), [&](const GroupedTrial& t) { return copies.count(t.trial_id) > 0; }))
      mark(copied, mean, false);
    p.curves.push_back(thin(std::move(mean), r.max_points));
  }
  if (p.curves.empty()) throw SpecError("", "no values of \"" + r.metric + "\" to draw in this experiment");
  if (!pruned.x.empty()) p.curves.push_back(std::move(pruned));
  if (!copied.x.empty()) p.curves.push_back(std::move(copied));
  p.log_y = r.log_y == "on" || (r.log_y == "auto" && wants_log_y(p));
  return p;
}

std::vector<std::string> available_metrics(const sqlite::Connection& c, std::int64_t experiment) {
  std::vector<std::string> out;
  // A recorded loop (lrlab.Recorder) may have written evaluations only: then there is no rate.
  sqlite::Statement steps(c, "SELECT 1 FROM steps s JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 LIMIT 1");
  steps.bind(1, experiment);
  if (steps.step()) out.push_back("lr");
  sqlite::Statement loss(c, "SELECT 1 FROM steps s JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                            "AND s.train_loss IS NOT NULL LIMIT 1");
  loss.bind(1, experiment);
  if (loss.step()) out.push_back("train_loss");
  sqlite::Statement evals(c, "SELECT DISTINCT e.metric FROM evals e JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                             "ORDER BY e.metric = 'val_loss' DESC, e.metric");
  evals.bind(1, experiment);
  while (evals.step()) out.push_back(evals.text(0));
  return out;
}

Chart experiment_chart(const sqlite::Connection& c, const ExperimentChoice& ex, const PlotRequest& r) {
  const auto available = available_metrics(c, ex.id);
  std::vector<std::string> metrics = r.metrics;
  if (metrics.empty())  // the rate, then the losses there are
    for (const auto& m : available)
      if (m == "lr" || m == "train_loss" || m == "val_loss") metrics.push_back(m);
  for (const auto& m : metrics)
    if (std::find(available.begin(), available.end(), m) == available.end()) {
      std::string known;
      for (const auto& a : available) known += (known.empty() ? "" : ", ") + a;
      throw SpecError("", "--metrics: experiment \"" + ex.name + "\" has no \"" + m + "\" to draw; it has: " + known +
                              did_you_mean(m, available));
    }
  check_config_paths(c, ex.id, r.by, "--by");
  const Grouping grouping = group_trials(c, ex.id, r.by);
  Chart chart{ex.name + (r.per_trial ? " (one line per trial)" : " (mean over repeats, band: min to max)"), {}};
  for (const auto& m : metrics) chart.panels.push_back(metric_panel(c, grouping, {m, r.per_trial, 400, r.log_y}));
  return chart;
}

}  // namespace lrlab::analysis
