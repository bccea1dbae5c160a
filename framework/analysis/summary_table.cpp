#include "lrlab/analysis/summary_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "lrlab/errors.hpp"
#include "lrlab/store.hpp"

namespace lrlab::analysis {
namespace {

// Per-trial numbers in the trials table a summary can rank by.
const std::set<std::string> trial_columns{"best_val_loss", "final_val_loss", "final_train_loss",
                                          "final_val_accuracy", "wall_seconds", "steps_done"};

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

// A configuration while it is ranked: its line, and its values by repeat for the pairing.
struct Candidate {
  RankedConfiguration line;
  std::map<std::int64_t, std::vector<double>> by_repeat;
  // A repeat's value (the mean of its trials when `by` merges several configurations).
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

bool higher_is_better(const SummaryRequest& r) {
  if (r.maximize || r.minimize) return r.maximize;
  for (const char* word : {"accuracy", "acc", "auc", "f1", "precision", "recall"})
    if (r.metric.find(word) != std::string::npos) return true;
  return false;
}

Ranking rank_configurations(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r) {
  if (r.maximize && r.minimize) throw SpecError("", "--maximize and --minimize exclude each other");
  const bool maximize = higher_is_better(r);
  const Grouping grouping = group_trials(c, ex.id, r.by);
  if (grouping.groups.empty()) throw SpecError("", "experiment \"" + ex.name + "\" has no trials");
  const auto values = metric_values(c, ex.id, r.metric);

  std::vector<Candidate> candidates;
  for (const auto& g : grouping.groups) {
    Candidate k;
    k.line.labels = g.labels;
    k.line.name = grouping.name(g);
    for (const auto& t : g.trials) {
      const double v = values.at(t.trial_id);
      if (!is_finished(t.status) || !std::isfinite(v)) {
        ++k.line.missing;
        continue;
      }
      k.line.values.push_back(v);
      k.by_repeat[t.repeat].push_back(v);
    }
    if (!k.line.values.empty()) k.line.mean = stats::mean(k.line.values);
    k.line.sd = stats::sd(k.line.values);
    k.line.ci95 = stats::mean_ci(k.line.values);
    candidates.push_back(std::move(k));
  }
  // Best first; configurations without a value last.
  std::stable_sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const double x = a.line.mean, y = b.line.mean;
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return maximize ? x > y : x < y;
  });

  Ranking out{r.metric, maximize, grouping.label_columns, {}};
  const auto best = candidates.front().repeat_means();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    RankedConfiguration line = std::move(candidates[i].line);
    // Pairs: the repeats both configurations have.
    std::vector<double> d;
    if (i > 0)
      for (const auto& [rep, v] : candidates[i].repeat_means())
        if (auto b = best.find(rep); b != best.end()) d.push_back(v - b->second);
    if (!d.empty()) line.vs_best = Comparison{stats::mean(d), stats::paired_t_test(d), stats::wilcoxon_signed_rank(d)};
    out.configurations.push_back(std::move(line));
  }
  return out;
}

Table summary_table(const Ranking& r) {
  Table t;
  t.columns = {"rank"};
  t.columns.insert(t.columns.end(), r.label_columns.begin(), r.label_columns.end());
  for (const char* col : {"n", "missing", "mean", "sd", "ci95_low", "ci95_high", "diff_vs_best", "pairs", "paired_t_p",
                          "wilcoxon_p"})
    t.columns.push_back(col);
  for (std::size_t i = 0; i < r.configurations.size(); ++i) {
    const RankedConfiguration& g = r.configurations[i];
    std::vector<Cell> row{static_cast<std::int64_t>(i + 1)};
    for (const auto& l : g.labels) row.emplace_back(l);
    row.emplace_back(static_cast<std::int64_t>(g.values.size()));
    row.emplace_back(g.missing);
    row.push_back(num(g.mean));
    row.push_back(num(g.sd));
    row.push_back(num(g.ci95.low));
    row.push_back(num(g.ci95.high));
    if (const auto& cmp = g.vs_best) {
      row.push_back(num(cmp->diff));
      row.emplace_back(static_cast<std::int64_t>(cmp->t_test.n));
      row.push_back(num(cmp->t_test.p));
      row.push_back(num(cmp->wilcoxon.p));
    } else {
      for (int k = 0; k < 4; ++k) row.emplace_back(std::monostate{});
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string verdict(const Ranking& r) {
  const RankedConfiguration& best = r.configurations.front();
  std::ostringstream v;
  v << "best: " << best.name << " (mean " << r.metric << " " << short_number(best.mean, 4) << ", "
    << (r.maximize ? "higher" : "lower") << " is better)";
  // The runner-up: the best-ranked configuration that could be compared with the best.
  const RankedConfiguration* runner_up = nullptr;
  std::size_t compared = 0, significant = 0;
  for (const auto& g : r.configurations)
    if (g.vs_best) {
      if (!runner_up) runner_up = &g;
      ++compared;
      significant += g.vs_best->t_test.p < 0.05;
    }
  if (runner_up) {
    const Comparison& cmp = *runner_up->vs_best;
    v << "; vs runner-up " << runner_up->name << ": difference " << short_number(cmp.diff, 4)
      << ", paired t-test p=" << p_text(cmp.t_test.p) << ", Wilcoxon signed-rank p=" << p_text(cmp.wilcoxon.p) << " ("
      << (cmp.wilcoxon.exact ? "exact" : "normal approx.") << ", " << cmp.t_test.n << " paired repeats); "
      << (cmp.t_test.p < 0.05 ? "beats it" : "not significantly better") << "; beats " << significant << " of " << compared
      << " others at p<0.05 (paired t-test)";
  }
  return v.str();
}

Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r) {
  const Ranking ranking = rank_configurations(c, ex, r);
  return {summary_table(ranking), verdict(ranking)};
}

}  // namespace lrlab::analysis
