#include "summary_table.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/errors.hpp"
#include "lrlab/statistics.hpp"
#include "lrlab/store.hpp"

namespace lrlab::cli {
namespace {

// Per-trial numbers in the trials table a summary can rank by.
const std::set<std::string> trial_columns{"best_val_loss", "final_val_loss", "final_train_loss",
                                          "final_val_accuracy", "wall_seconds", "steps_done"};

// Losses and times are minimized; accuracy-like metrics maximized (override with maximize/minimize).
bool higher_is_better(const SummaryRequest& r) {
  if (r.maximize || r.minimize) return r.maximize;
  for (const char* word : {"accuracy", "acc", "auc", "f1", "precision", "recall"})
    if (r.metric.find(word) != std::string::npos) return true;
  return false;
}

// Each trial's value of the metric: a trials column, or the last evaluation of an evals metric.
std::map<std::int64_t, double> metric_values(const sqlite::Connection& c, std::int64_t experiment, const std::string& metric) {
  std::string sql;
  if (trial_columns.count(metric)) {
    sql = "SELECT t.trial_id, t." + metric + " FROM trials t WHERE t.experiment_id = ?1";
  } else {
    sqlite::Statement s(c, "SELECT DISTINCT e.metric FROM evals e JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 ORDER BY 1");
    s.bind(1, experiment);
    std::string known;
    bool found = false;
    while (s.step()) {
      found = found || s.text(0) == metric;
      known += ", " + s.text(0);
    }
    if (!found) {
      std::string cols;
      for (const auto& col : trial_columns) cols += (cols.empty() ? "" : ", ") + col;
      throw SpecError("", "--metric \"" + metric + "\" is neither a trials column (" + cols + ") nor an evals metric of this experiment" +
                              (known.empty() ? std::string() : " (" + known.substr(2) + ")"));
    }
    sql = "SELECT t.trial_id, (SELECT e.value FROM evals e WHERE e.trial_id = t.trial_id AND e.metric = ?2 "
          "ORDER BY e.step DESC LIMIT 1) FROM trials t WHERE t.experiment_id = ?1";
  }
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  if (!trial_columns.count(metric)) s.bind(2, metric);
  std::map<std::int64_t, double> out;
  while (s.step()) out[s.int64(0)] = s.is_null(1) ? NAN : s.real(1);
  return out;
}

struct Ranked {
  const TrialGroup* group;
  std::vector<double> values;                          // every usable trial's value
  std::map<std::int64_t, std::vector<double>> by_repeat;
  std::int64_t missing = 0;                            // unfinished trials, or no value
  double mean = NAN;
  // A repeat's value (the mean of its trials when --by merges several configurations).
  std::map<std::int64_t, double> repeat_means() const {
    std::map<std::int64_t, double> m;
    for (const auto& [r, v] : by_repeat) m[r] = stats::mean(v);
    return m;
  }
};

Cell num(double v) { return std::isnan(v) ? Cell{} : Cell{v}; }

// Numbers in the verdict are for reading: a few significant digits (the table has them all).
std::string short_number(double v, int digits) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}
std::string p_text(double p) { return short_number(p, 3); }

}  // namespace

Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r) {
  if (r.maximize && r.minimize) throw SpecError("", "--maximize and --minimize exclude each other");
  const bool maximize = higher_is_better(r);
  const Grouping grouping = group_trials(c, ex.id, r.by);
  if (grouping.groups.empty()) throw SpecError("", "experiment \"" + ex.name + "\" has no trials");
  const auto values = metric_values(c, ex.id, r.metric);

  std::vector<Ranked> ranked;
  for (const auto& g : grouping.groups) {
    Ranked k{&g, {}, {}, 0, NAN};
    for (const auto& t : g.trials) {
      const double v = values.at(t.trial_id);
      if (!is_finished(t.status) || !std::isfinite(v)) {
        ++k.missing;
        continue;
      }
      k.values.push_back(v);
      k.by_repeat[t.repeat].push_back(v);
    }
    if (!k.values.empty()) k.mean = stats::mean(k.values);
    ranked.push_back(std::move(k));
  }
  // Best first; configurations without a value last.
  std::stable_sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
    if (std::isnan(a.mean) || std::isnan(b.mean)) return !std::isnan(a.mean) && std::isnan(b.mean);
    return maximize ? a.mean > b.mean : a.mean < b.mean;
  });

  Summary out;
  Table& t = out.table;
  t.columns = {"rank"};
  t.columns.insert(t.columns.end(), grouping.label_columns.begin(), grouping.label_columns.end());
  for (const char* col : {"n", "missing", "mean", "sd", "ci95_low", "ci95_high", "diff_vs_best", "pairs", "paired_t_p",
                          "wilcoxon_p"})
    t.columns.push_back(col);

  const auto best = ranked.front().repeat_means();
  struct Comparison {
    std::size_t index;
    double diff;
    stats::TestResult t, w;
  };
  std::vector<Comparison> comparisons;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const Ranked& g = ranked[i];
    const auto ci = stats::mean_ci(g.values);
    std::vector<Cell> row{static_cast<std::int64_t>(i + 1)};
    for (const auto& l : g.group->labels) row.emplace_back(l);
    row.emplace_back(static_cast<std::int64_t>(g.values.size()));
    row.emplace_back(g.missing);
    row.push_back(num(g.mean));
    row.push_back(num(stats::sd(g.values)));
    row.push_back(num(ci.low));
    row.push_back(num(ci.high));
    // Pairs: the repeats both configurations have.
    std::vector<double> d;
    if (i > 0)
      for (const auto& [rep, v] : g.repeat_means())
        if (auto b = best.find(rep); b != best.end()) d.push_back(v - b->second);
    if (i == 0 || d.empty()) {
      for (int k = 0; k < 4; ++k) row.emplace_back(std::monostate{});
    } else {
      Comparison cmp{i, stats::mean(d), stats::paired_t_test(d), stats::wilcoxon_signed_rank(d)};
      row.push_back(num(cmp.diff));
      row.emplace_back(static_cast<std::int64_t>(d.size()));
      row.push_back(num(cmp.t.p));
      row.push_back(num(cmp.w.p));
      comparisons.push_back(cmp);
    }
    t.rows.push_back(std::move(row));
  }

  std::ostringstream v;
  v << "best: " << grouping.name(*ranked.front().group) << " (mean " << r.metric << " " << short_number(ranked.front().mean, 4)
    << ", " << (maximize ? "higher" : "lower") << " is better)";
  if (!comparisons.empty()) {
    const Comparison& cmp = comparisons.front();
    std::size_t significant = 0;
    for (const auto& c2 : comparisons) significant += c2.t.p < 0.05;
    v << "; vs runner-up " << grouping.name(*ranked[cmp.index].group) << ": difference " << short_number(cmp.diff, 4)
      << ", paired t-test p=" << p_text(cmp.t.p) << ", Wilcoxon signed-rank p=" << p_text(cmp.w.p) << " ("
      << (cmp.w.exact ? "exact" : "normal approx.") << ", " << cmp.t.n << " paired repeats); "
      << (cmp.t.p < 0.05 ? "beats it" : "not significantly better") << "; beats " << significant << " of "
      << comparisons.size() << " others at p<0.05 (paired t-test)";
  }
  out.verdict = v.str();
  return out;
}

}  // namespace lrlab::cli
