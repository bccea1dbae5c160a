#include "lrlab/analysis/curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/trial_record.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab::analysis {
namespace {

// Updates per epoch of a trial, as its steps rows say: the first step of epoch 1 (exact when every
// step is recorded, within the record period otherwise), else its steps done (one epoch or less).
double steps_per_epoch(const sqlite::Connection& c, std::int64_t trial) {
  sqlite::Statement s(c, "SELECT (SELECT min(step) FROM steps WHERE trial_id = ?1 AND epoch >= 1), "
                         "(SELECT steps_done FROM trials WHERE trial_id = ?1)");
  s.bind(1, trial);
  s.step();
  if (!s.is_null(0) && s.int64(0) > 0) return static_cast<double>(s.int64(0));
  return !s.is_null(1) && s.int64(1) > 0 ? static_cast<double>(s.int64(1)) : 1.0;
}

// Seconds per update of a trial: its wall_seconds over its steps done.
double seconds_per_step(const sqlite::Connection& c, std::int64_t trial) {
  sqlite::Statement s(c, "SELECT wall_seconds, steps_done FROM trials WHERE trial_id = ?1");
  s.bind(1, trial);
  if (!s.step() || s.is_null(0) || s.is_null(1) || s.int64(1) <= 0) return 0.0;
  return s.real(0) / static_cast<double>(s.int64(1));
}

Series load_series(const sqlite::Connection& c, std::int64_t trial, const CurveRequest& r) {
  const std::string& metric = r.metric;
  const bool from_steps = metric == "lr" || metric == "train_loss";
  // The rate at an evaluation's step: the latest recorded step at or before it.
  const std::string lr_at = "(SELECT s.lr FROM steps s WHERE s.trial_id = ?1 AND s.step <= e.step ORDER BY s.step DESC LIMIT 1)";
  sqlite::Statement s(c, from_steps ? "SELECT step, " + metric + ", lr FROM steps WHERE trial_id = ?1 ORDER BY step"
                                    : "SELECT e.step, e.value, " + (r.x == XAxis::lr ? lr_at : std::string("NULL")) +
                                          " FROM evals e WHERE e.trial_id = ?1 AND e.metric = ?2 ORDER BY e.step");
  s.bind(1, trial);
  if (!from_steps) s.bind(2, metric);
  const double per = r.x == XAxis::epoch ? steps_per_epoch(c, trial) : r.x == XAxis::time ? seconds_per_step(c, trial) : 1.0;
  Series out;
  while (s.step()) {
    if (s.is_null(1) || !std::isfinite(s.real(1))) continue;
    const double step = static_cast<double>(s.int64(0));
    double x = step;
    if (r.x == XAxis::epoch) x = step / per;
    else if (r.x == XAxis::time) x = step * per;
    else if (r.x == XAxis::lr) {
      if (s.is_null(2) || !(s.real(2) > 0)) continue;
      x = s.real(2);
    }
    out.emplace_back(x, s.real(1));
  }
  return smoothed(out, r.smooth);
}

// The steps of a trial's policy actions (the events table, without the pruner's and PBT's).
std::vector<double> event_steps(const sqlite::Connection& c, std::int64_t trial) {
  sqlite::Statement s(c, "SELECT DISTINCT step FROM events WHERE trial_id = ?1 AND source NOT IN ('pruner', 'pbt', 'branch') ORDER BY step");
  s.bind(1, trial);
  std::vector<double> out;
  while (s.step()) out.push_back(static_cast<double>(s.int64(0)));
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

XAxis parse_x_axis(const std::string& name) {
  if (name == "step") return XAxis::step;
  if (name == "epoch") return XAxis::epoch;
  if (name == "lr") return XAxis::lr;
  if (name == "time") return XAxis::time;
  throw SpecError("", "--x must be step, epoch, lr or time; received \"" + name + "\"");
}

Series smoothed(const Series& s, double w) {
  if (w == 0) return s;
  Series out;
  double acc = 0, weight = 1;
  for (const auto& [x, y] : s) {
    acc = w * acc + (1 - w) * y;
    weight *= w;
    out.emplace_back(x, acc / (1 - weight));
  }
  return out;
}

Panel metric_panel(const sqlite::Connection& c, const Grouping& grouping, const CurveRequest& r) {
  if (r.log_y != "auto" && r.log_y != "on" && r.log_y != "off")
    throw SpecError("", "--log-y must be auto, on or off; received \"" + r.log_y + "\"");
  if (!(r.smooth >= 0 && r.smooth < 1)) throw SpecError("", "--smooth must be at least 0 and below 1; received " + std::to_string(r.smooth));
  Panel p;
  p.title = r.metric == "lr" ? "learning rate" : r.metric;
  if (r.smooth > 0) p.title += " (smoothed, weight " + value_label(Json(r.smooth)) + ")";
  p.y_label = r.metric;
  p.x_label = r.x == XAxis::step ? "step" : r.x == XAxis::epoch ? "epoch" : r.x == XAxis::lr ? "learning rate" : "seconds (trial wall time)";
  // Policy actions: a mark on the line at each step where one acted (once per line and step). A
  // line with more than a dozen (a rule that acts every epoch) gets none: marks would hide it.
  constexpr std::size_t max_marks = 12;
  Curve acted{"policy action (events table)", {}, {}, {}, {}, true, false, true};
  bool unmarked = false;
  const auto mark_events = [&](const Curve& line, const std::vector<GroupedTrial>& trials) {
    if (!r.events || r.x != XAxis::step || line.x.empty()) return;
    std::set<double> steps;
    for (const auto& t : trials)
      for (double st : event_steps(c, t.trial_id)) steps.insert(st);
    if (steps.size() > max_marks) {
      unmarked = true;
      return;
    }
    for (double st : steps) {
      // The line's point at or just before the step (lines are thinned: the nearest one kept).
      const auto it = std::upper_bound(line.x.begin(), line.x.end(), st);
      const std::size_t i = it == line.x.begin() ? 0 : static_cast<std::size_t>(it - line.x.begin()) - 1;
      acted.x.push_back(st);
      for (auto* v : {&acted.mean, &acted.low, &acted.high}) v->push_back(line.mean[i]);
    }
  };
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
  const std::vector<std::string> names = grouping.legend_names();  // only what differs between the lines
  for (std::size_t gi = 0; gi < grouping.groups.size(); ++gi) {
    const TrialGroup& g = grouping.groups[gi];
    const std::string& name = names[gi];
    if (r.per_trial) {
      for (const auto& t : g.trials) {
        Curve one = aggregate("trial " + std::to_string(t.trial_id) + " (" + name + ", repeat " + std::to_string(t.repeat) + ")",
                              {load_series(c, t.trial_id, r)});
        if (one.x.empty()) continue;
        if (t.status == status::pruned) mark_end(one);
        if (copies.count(t.trial_id)) mark(copied, one, false);
        mark_events(one, {t});
        p.curves.push_back(thin(std::move(one), r.max_points));
      }
      continue;
    }
    std::vector<Series> series;
    for (const auto& t : g.trials) series.push_back(load_series(c, t.trial_id, r));
    Curve mean = aggregate(name, series);
    if (mean.x.empty()) continue;
    if (std::all_of(g.trials.begin(), g.trials.end(), [](const GroupedTrial& t) { return t.status == status::pruned; }))
      mark_end(mean);
    if (std::all_of(g.trials.begin(), g.trials.end(), [&](const GroupedTrial& t) { return copies.count(t.trial_id) > 0; }))
      mark(copied, mean, false);
    mark_events(mean, g.trials);
    p.curves.push_back(thin(std::move(mean), r.max_points));
  }
  if (p.curves.empty()) throw SpecError("", "no values of \"" + r.metric + "\" to draw in this experiment");
  // A line of one point (a single evaluation) would draw nothing: a point instead.
  for (auto& line : p.curves)
    if (line.x.size() == 1) line.points = true;
  if (!pruned.x.empty()) p.curves.push_back(std::move(pruned));
  if (!copied.x.empty()) p.curves.push_back(std::move(copied));
  if (unmarked) acted.label += "; lines with more than " + std::to_string(max_marks) + " actions are not marked";
  if (!acted.x.empty()) p.curves.push_back(std::move(acted));
  if (r.x == XAxis::lr) {
    Panel by_x;  // a rate axis spanning decades is drawn in log, as a range test's
    by_x.curves = {Curve{"", {}, {}, {}, {}}};
    for (const auto& line : p.curves)
      for (double x : line.x) by_x.curves[0].x.push_back(x), by_x.curves[0].mean.push_back(x);
    by_x.curves[0].low = by_x.curves[0].high = by_x.curves[0].mean;
    p.log_x = wants_log_y(by_x);
  }
  // Accuracies start low and end close together: the second half of the run is what tells them apart.
  const bool accuracy = r.metric.find("acc") != std::string::npos;
  const std::string note = choose_y_axis(p, r.log_y, accuracy);
  if (!note.empty()) p.title += " (" + note + ")";
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
  // --log-y: one choice for every panel, or PANEL=CHOICE pairs (the others auto).
  std::map<std::string, std::string> log_y;
  if (r.log_y.find('=') == std::string::npos) {
    for (const auto& m : metrics) log_y[m] = r.log_y;
  } else {
    std::istringstream pairs(r.log_y);
    for (std::string pair; std::getline(pairs, pair, ',');) {
      const auto eq = pair.find('=');
      const std::string panel = eq == std::string::npos ? pair : pair.substr(0, eq);
      if (eq == std::string::npos || std::find(metrics.begin(), metrics.end(), panel) == metrics.end())
        throw SpecError("", "--log-y \"" + pair + "\": expected PANEL=auto|on|off with PANEL one of the panels drawn" +
                                did_you_mean(panel, metrics));
      if (!log_y.emplace(panel, pair.substr(eq + 1)).second)
        throw SpecError("", "--log-y \"" + r.log_y + "\": panel " + panel + " is given twice");
    }
  }
  const Grouping grouping = group_selected_trials(c, ex.id, GroupingRequest{r.by, {}, r.where});
  if (grouping.groups.empty()) throw SpecError("", "--where \"" + r.where + "\" selects no trial of experiment \"" + ex.name + "\"");
  Chart chart{ex.name + (r.per_trial ? " (one line per trial)" : " (mean over repeats, band: min to max)"), {}};
  chart.title = title_with_where(chart.title, r.where);
  const XAxis x = parse_x_axis(r.x);
  for (const auto& m : metrics) {
    CurveRequest cr{m, r.per_trial, 400, log_y.count(m) ? log_y[m] : "auto", x, r.smooth, r.events};
    chart.panels.push_back(metric_panel(c, grouping, cr));
  }
  return chart;
}

}  // namespace lrlab::analysis
