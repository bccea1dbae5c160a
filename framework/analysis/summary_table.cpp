#include "lrlab/analysis/summary_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>

#include "lrlab/analysis/summary_metrics.hpp"
#include "lrlab/analysis/trajectory_digest.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/json.hpp"
#include "lrlab/store.hpp"

namespace lrlab::analysis {
namespace {

// A configuration while it is ranked: its line, and its values and trajectories by repeat.
struct Candidate {
  RankedConfiguration line;
  std::vector<std::string> within;
  std::map<std::int64_t, std::vector<double>> by_repeat;
  std::map<std::int64_t, std::vector<std::uint64_t>> digests;  // finished trials' digests by repeat, sorted
  // A repeat's value (the mean of its trials when `by` merges several configurations).
  std::map<std::int64_t, double> repeat_means() const {
    std::map<std::int64_t, double> m;
    for (const auto& [r, v] : by_repeat) m[r] = stats::mean(v);
    return m;
  }
};

// Keys that are equal exactly when two candidates are ties of each kind: the same digests in
// every repeat, or the same value (to the bit) in every repeat.
std::string digest_key(const Candidate& k) {
  std::string key;
  for (const auto& [r, ds] : k.digests) {
    key += std::to_string(r) + ':';
    for (auto d : ds) key += std::to_string(d) + ',';
    key += ';';
  }
  return key;
}
std::string values_key(const Candidate& k) {
  std::string key;
  for (const auto& [r, v] : k.repeat_means()) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    key += std::to_string(r) + ':' + std::to_string(bits) + ';';
  }
  return key;
}

// Union-find whose root is the smallest member: the class's first configuration in trial order.
std::size_t root_of(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}
void join(std::vector<std::size_t>& parent, std::size_t a, std::size_t b) {
  a = root_of(parent, a);
  b = root_of(parent, b);
  if (a != b) parent[std::max(a, b)] = std::min(a, b);
}

// Classes of positions under the relation `key` (empty key: in no class), as lists of at least two.
template <class Key>
std::vector<std::vector<std::size_t>> classes(const std::vector<Candidate>& cands, const std::vector<std::size_t>& order, Key key) {
  std::map<std::string, std::vector<std::size_t>> by_key;
  std::vector<std::string> first_seen;
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const std::string k = key(cands[order[pos]]);
    if (k.empty()) continue;
    auto& members = by_key[k];
    if (members.empty()) first_seen.push_back(k);
    members.push_back(pos);
  }
  std::vector<std::vector<std::size_t>> out;
  for (const auto& k : first_seen)
    if (by_key[k].size() > 1) out.push_back(by_key[k]);
  return out;
}

Comparison compare(const std::vector<double>& d) {
  const auto effect = stats::paired_effect(d);
  Comparison cmp{effect.mean, effect.ci95, effect.d_z, stats::paired_t_test(d), stats::wilcoxon_signed_rank(d), NAN, NAN, ""};
  cmp.note = cmp.t_test.note;
  if (!cmp.wilcoxon.note.empty() && cmp.wilcoxon.note != cmp.note)
    cmp.note += (cmp.note.empty() ? "" : "; ") + std::string("Wilcoxon: ") + cmp.wilcoxon.note;
  return cmp;
}

Ranking rank_group(std::vector<Candidate> cands, Ranking out) {
  const std::size_t n = cands.size();
  const auto has_trajectory = [](const Candidate& k) { return k.digests.empty() ? std::string() : digest_key(k); };
  const auto has_values = [](const Candidate& k) { return k.by_repeat.empty() ? std::string() : values_key(k); };
  // Tie classes: identical trajectories, or equal values in every repeat (either relation joins).
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (const auto& key : {std::function<std::string(const Candidate&)>(has_trajectory), std::function<std::string(const Candidate&)>(has_values)}) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string k = key(cands[i]);
      if (k.empty()) continue;
      auto [it, fresh] = first.emplace(k, i);
      if (!fresh) join(parent, it->second, i);
    }
  }
  std::vector<std::size_t> root(n);
  for (std::size_t i = 0; i < n; ++i) root[i] = root_of(parent, i);

  // Best first, a tie class together at the place of its first member; no value last.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = cands[root[a]].line.mean, y = cands[root[b]].line.mean;
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y)) return !std::isnan(x);
    } else if (x != y) {
      return out.maximize ? x > y : x < y;
    }
    return root[a] < root[b];
  });

  const auto best = cands[order.front()].repeat_means();
  const std::size_t best_class = root[order.front()];
  for (std::size_t pos = 0; pos < n; ++pos) {
    Candidate& k = cands[order[pos]];
    k.line.rank = pos > 0 && root[order[pos]] == root[order[pos - 1]] ? out.configurations.back().rank
                                                                      : static_cast<std::int64_t>(pos + 1);
    // Pairs: the repeats both configurations have.
    std::vector<double> d;
    if (pos > 0)
      for (const auto& [rep, v] : k.repeat_means())
        if (auto b = best.find(rep); b != best.end()) d.push_back(v - b->second);
    if (!d.empty()) {
      Comparison cmp = compare(d);
      if (root[order[pos]] == best_class && std::any_of(d.begin(), d.end(), [](double x) { return x != 0; })) {
        // The same trajectories as the best with a metric that still differs (wall_seconds): the
        // difference is the machine's, not the configuration's.
        cmp.t_test.p = cmp.wilcoxon.p = NAN;
        cmp.note = "same trajectories as the best: not compared";
      }
      k.line.vs_best = std::move(cmp);
    }
    out.configurations.push_back(std::move(k.line));
  }

  // The family for the correction: one comparison per tie class (a configuration written twice is
  // one hypothesis, not two), the class's first member standing for it.
  std::vector<std::size_t> family;
  std::vector<double> t_p, w_p;
  std::map<std::size_t, std::size_t> class_slot;
  for (std::size_t pos = 0; pos < n; ++pos) {
    const auto& cmp = out.configurations[pos].vs_best;
    if (!cmp || class_slot.count(root[order[pos]])) continue;
    class_slot[root[order[pos]]] = t_p.size();
    t_p.push_back(cmp->t_test.p);
    w_p.push_back(cmp->wilcoxon.p);
  }
  const auto t_adj = stats::adjust(t_p, out.correction), w_adj = stats::adjust(w_p, out.correction);
  for (std::size_t pos = 0; pos < n; ++pos)
    if (auto& cmp = out.configurations[pos].vs_best) {
      const std::size_t slot = class_slot.at(root[order[pos]]);
      if (!std::isnan(cmp->t_test.p)) cmp->t_p_adjusted = t_adj[slot];
      if (!std::isnan(cmp->wilcoxon.p)) cmp->wilcoxon_p_adjusted = w_adj[slot];
    }

  out.identical = classes(cands, order, has_trajectory);
  for (auto& set : classes(cands, order, has_values)) {
    const bool one_identical_set = std::any_of(out.identical.begin(), out.identical.end(), [&](const auto& ident) {
      return std::all_of(set.begin(), set.end(), [&](std::size_t p) { return std::count(ident.begin(), ident.end(), p) > 0; });
    });
    if (!one_identical_set) out.equal.push_back(set);
  }
  return out;
}

// The task is never compared across: the paths into the task that the grid (or a case) varies are
// within paths, named as the grid names them ("task.type", "task.resplit"), so the labels stay
// short. Nothing is added where the user gave "task" or those paths.
std::vector<std::string> effective_within(const sqlite::Connection& c, std::int64_t experiment, std::vector<std::string> within) {
  if (std::find(within.begin(), within.end(), "task") != within.end()) return within;
  sqlite::Statement s(c, "SELECT DISTINCT grid_json FROM trials WHERE experiment_id = ?1");
  s.bind(1, experiment);
  std::vector<std::string> task_keys;
  while (s.step()) {
    const Json grid = Json::parse(s.text(0));
    for (const auto& [key, v] : grid.items())
      // Different tasks are never compared; nor are different experiment seeds (each value of a
      // grid over `seed` is a replicate set of its own: repeat r of one and of another share no
      // seed and no split, so pairing them would be pairing strangers).
      if ((key == "task" || key.rfind("task.", 0) == 0 || key == "seed") &&
          std::find(task_keys.begin(), task_keys.end(), key) == task_keys.end())
        task_keys.push_back(key);
  }
  std::sort(task_keys.begin(), task_keys.end());
  for (auto it = task_keys.rbegin(); it != task_keys.rend(); ++it)
    if (std::find(within.begin(), within.end(), *it) == within.end()) within.insert(within.begin(), *it);
  return within;
}

std::int64_t trial_count(const sqlite::Connection& c, std::int64_t experiment) {
  sqlite::Statement s(c, "SELECT count(*) FROM trials WHERE experiment_id = ?1");
  s.bind(1, experiment);
  s.step();
  return s.int64(0);
}

Cell num(double v) { return std::isnan(v) ? Cell{} : Cell{v}; }

}  // namespace

std::string Ranking::group_name() const {
  std::string s;
  for (std::size_t k = 0; k < within.size(); ++k) s += (k ? ", " : "") + within_columns[k] + "=" + within[k];
  return s;
}

bool higher_is_better(const SummaryRequest& r) {
  if (r.maximize || r.minimize) return r.maximize;
  for (const char* word : {"accuracy", "acc", "auc", "f1", "precision", "recall"})
    if (r.metric.find(word) != std::string::npos) return true;
  return false;
}

std::vector<Ranking> rank_all(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& request) {
  if (request.maximize && request.minimize) throw SpecError("", "--maximize and --minimize exclude each other");
  SummaryRequest r = request;
  if (r.metric.empty()) r.metric = default_metric(c, ex.id);
  const std::int64_t trials = trial_count(c, ex.id);
  if (trials == 0) throw SpecError("", "experiment \"" + ex.name + "\" has no trials");
  check_config_paths(c, ex.id, r.by, "--by");
  check_config_paths(c, ex.id, r.within, "--within");
  const auto values = metric_values(c, ex.id, r.metric);
  std::vector<std::map<std::int64_t, double>> also;
  for (const auto& m : r.also) also.push_back(metric_values(c, ex.id, m));
  const std::vector<std::string> within = effective_within(c, ex.id, r.within);
  const Grouping grouping = group_selected_trials(c, ex.id, GroupingRequest{r.by, within, r.where});
  if (grouping.groups.empty())
    throw SpecError("", "--where \"" + r.where + "\" keeps none of the " + std::to_string(trials) + " trials of experiment \"" + ex.name + "\"");

  Ranking blank{r.metric, higher_is_better(r), within, {}, grouping.label_columns, r.also, best_step_metric(c, r.metric),
                r.correction, {}, {}, {}};
  const auto steps = blank.best_step_metric.empty()
                         ? std::map<std::int64_t, BestAt>{}
                         // val_loss is minimized whatever the ranking metric's direction (best_val_loss, test_loss)
                         : best_steps(c, ex.id, blank.best_step_metric, blank.best_step_metric == r.metric && blank.maximize);
  if (steps.empty()) blank.best_step_metric.clear();  // no column of NULLs: no evaluation of it was stored
  const auto digests = trajectory_digests(c, ex.id);

  std::vector<std::vector<std::string>> group_keys;  // the within values, in order of first appearance
  std::vector<std::vector<Candidate>> groups;
  for (const auto& g : grouping.groups) {
    Candidate k;
    k.within = g.within;
    k.line.labels = g.labels;
    k.line.name = grouping.name(g);
    std::vector<std::vector<double>> also_values(also.size());
    std::vector<double> best_at, best_epoch;
    bool without_rows = false;  // a finished trial recorded nothing: the configuration has no trajectory to compare
    for (const auto& t : g.trials) {
      if (t.status == status::pruned) {
        ++k.line.pruned;
        k.line.pruned_at = std::max(k.line.pruned_at, t.steps_done);
        continue;
      }
      if (!is_finished(t.status)) {
        ++k.line.missing;
        continue;
      }
      if (auto h = digests.find(t.trial_id); h != digests.end()) k.digests[t.repeat].push_back(h->second);
      else without_rows = true;
      for (std::size_t a = 0; a < also.size(); ++a)
        if (const double v = also[a].at(t.trial_id); std::isfinite(v)) also_values[a].push_back(v);
      const double v = values.at(t.trial_id);
      if (!std::isfinite(v)) {
        ++k.line.missing;
        continue;
      }
      k.line.values.push_back(v);
      k.by_repeat[t.repeat].push_back(v);
      if (auto s = steps.find(t.trial_id); s != steps.end()) {
        best_at.push_back(s->second.step);
        best_epoch.push_back(s->second.epoch);
      }
    }
    if (without_rows) k.digests.clear();
    for (auto& [rep, ds] : k.digests) std::sort(ds.begin(), ds.end());
    // A --by line that pools several configurations has several trials per repeat; they share the
    // repeat's seed and split, so they are not independent: the unit is the repeat (the paired
    // tests pair its mean too), and n, the spread and the interval are over the repeats' means.
    if (std::any_of(k.by_repeat.begin(), k.by_repeat.end(), [](const auto& r) { return r.second.size() > 1; })) {
      k.line.values.clear();
      for (const auto& [rep, vs] : k.by_repeat) k.line.values.push_back(stats::mean(vs));
    }
    if (!k.line.values.empty()) k.line.mean = stats::mean(k.line.values);
    k.line.sd = stats::sd(k.line.values);
    k.line.ci95 = stats::mean_ci(k.line.values);
    for (const auto& av : also_values) k.line.also_means.push_back(stats::mean(av));
    k.line.best_step = stats::mean(best_at);
    k.line.best_epoch = stats::mean(best_epoch);
    auto at = std::find(group_keys.begin(), group_keys.end(), g.within);
    if (at == group_keys.end()) {
      group_keys.push_back(g.within);
      groups.emplace_back();
      at = group_keys.end() - 1;
    }
    groups[static_cast<std::size_t>(at - group_keys.begin())].push_back(std::move(k));
  }
  std::vector<Ranking> out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    Ranking r0 = blank;
    r0.within = group_keys[i];
    out.push_back(rank_group(std::move(groups[i]), std::move(r0)));
  }
  return out;
}

Ranking rank_configurations(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r) {
  auto all = rank_all(c, ex, r);
  if (all.size() != 1) throw SpecError("", "the request makes " + std::to_string(all.size()) + " rankings, one per " + all.front().within_columns.front());
  return std::move(all.front());
}

Table summary_table(const Ranking& r) { return summary_table(std::vector<Ranking>{r}); }

Table summary_table(const std::vector<Ranking>& rankings) {
  Table t;
  if (rankings.empty()) return t;
  const Ranking& first = rankings.front();
  t.columns = {"rank"};
  std::vector<std::size_t> shown_within;  // within columns the labels do not already show
  for (std::size_t k = 0; k < first.within_columns.size(); ++k)
    if (std::find(first.label_columns.begin(), first.label_columns.end(), first.within_columns[k]) == first.label_columns.end()) {
      shown_within.push_back(k);
      t.columns.push_back(first.within_columns[k]);
    }
  t.columns.insert(t.columns.end(), first.label_columns.begin(), first.label_columns.end());
  bool pruned = false;
  for (const Ranking& r : rankings)
    for (const RankedConfiguration& g : r.configurations) pruned = pruned || g.pruned > 0;
  for (const char* col : {"n", "missing", "pruned", "mean", "sd", "ci95_low", "ci95_high"})
    if (pruned || std::string(col) != "pruned") t.columns.push_back(col);
  for (const auto& m : first.also) t.columns.push_back("mean_" + m);
  const bool best_step = !first.best_step_metric.empty();
  if (best_step) {
    t.columns.push_back("best_step");
    t.columns.push_back("best_epoch");
  }
  for (const char* col : {"diff_vs_best", "diff_ci95_low", "diff_ci95_high", "d_z", "pairs", "paired_t_p", "paired_t_p_adj",
                          "wilcoxon_p", "wilcoxon_p_adj", "note"})
    t.columns.push_back(col);
  for (const Ranking& r : rankings)
    for (const RankedConfiguration& g : r.configurations) {
      std::vector<Cell> row{g.rank};
      for (std::size_t k : shown_within) row.emplace_back(r.within[k]);
      for (const auto& l : g.labels) row.emplace_back(l);
      row.emplace_back(static_cast<std::int64_t>(g.values.size()));
      row.emplace_back(g.missing);
      if (pruned) row.emplace_back(g.pruned);
      for (double v : {g.mean, g.sd, g.ci95.low, g.ci95.high}) row.push_back(num(v));
      for (double v : g.also_means) row.push_back(num(v));
      if (best_step) {
        row.push_back(num(g.best_step));
        row.push_back(num(g.best_epoch));
      }
      if (const auto& cmp = g.vs_best) {
        for (double v : {cmp->diff, cmp->diff_ci95.low, cmp->diff_ci95.high, cmp->d_z}) row.push_back(num(v));
        row.emplace_back(static_cast<std::int64_t>(cmp->t_test.n));
        for (double v : {cmp->t_test.p, cmp->t_p_adjusted, cmp->wilcoxon.p, cmp->wilcoxon_p_adjusted}) row.push_back(num(v));
        row.push_back(cmp->note.empty() ? Cell{} : Cell{cmp->note});
      } else {
        for (int k = 0; k < 9; ++k) row.emplace_back(std::monostate{});
        row.push_back(Cell{std::string(&g == &r.configurations.front() && !g.values.empty() ? "best"
                                       : g.values.empty() && g.pruned > 0 ? "pruned at step " + std::to_string(g.pruned_at)
                                       : g.values.empty()                 ? "no finished trial with a value"
                                                                          : "no repeat in common with the best")});
      }
      t.rows.push_back(std::move(row));
    }
  return t;
}

std::string metric_line(const Ranking& r) {
  return "metric: " + r.metric + " (" + (r.maximize ? "higher" : "lower") + " is better)";
}

Summary summarize(const sqlite::Connection& c, const ExperimentChoice& ex, const SummaryRequest& r) {
  const std::vector<Ranking> rankings = rank_all(c, ex, r);
  Summary s{rankings.front().metric, metric_line(rankings.front()), summary_table(rankings), {}, "", {}, ""};
  for (const Ranking& k : rankings) {
    s.verdicts.push_back(verdict(k));
    for (const auto& w : summary_warnings(k)) s.warnings.push_back(rankings.size() > 1 ? k.group_name() + ": " + w : w);
  }
  for (const auto& v : s.verdicts) s.verdict += (s.verdict.empty() ? "" : "\n") + v;
  s.resources = pruning_resources(c, ex.id);
  if (s.resources.empty()) s.resources = pbt_resources(c, ex.id);
  return s;
}

std::string pbt_resources(const sqlite::Connection& c, std::int64_t experiment_id) {
  if (!c.has_column("lineage", "values_json")) return "";
  sqlite::Statement s(c, "SELECT (SELECT sum(t.steps_done - coalesce((SELECT l.step FROM lineage l WHERE l.trial_id = "
                         "t.trial_id AND l.parent_trial_id IS NOT NULL), 0)) FROM trials t WHERE t.experiment_id = ?1), "
                         "(SELECT sum(t.budget_steps) FROM trials t JOIN lineage l ON l.trial_id = t.trial_id AND "
                         "l.generation = 0 WHERE l.experiment_id = ?1), "
                         "(SELECT count(*) FROM lineage WHERE experiment_id = ?1 AND generation = 0), "
                         "(SELECT count(*) FROM lineage WHERE experiment_id = ?1 AND parent_trial_id IS NOT NULL), "
                         "(SELECT max(generation) FROM lineage WHERE experiment_id = ?1)");
  s.bind(1, experiment_id);
  if (!s.step() || s.is_null(1) || s.int64(2) == 0) return "";
  const std::int64_t trained = s.int64(0), budget = s.int64(1);
  char share[32];
  std::snprintf(share, sizeof share, "%.1f%%", 100.0 * static_cast<double>(trained) / static_cast<double>(budget));
  return "resources: " + std::to_string(trained) + " of " + std::to_string(budget) + " updates trained (" + share +
         "): population-based training of " + std::to_string(s.int64(2)) + " members, " + std::to_string(s.int64(3)) +
         " copies in " + std::to_string(s.int64(4)) + (s.int64(4) == 1 ? " generation" : " generations") + " (a copy trains from its generation's step on, in its "
         "member's place); the same population without exploits trains all " + std::to_string(budget) + ". A row "
         "\"pruned at step N\" below is a member's trial that a copy replaced there; a completed trial's numbers are its "
         "whole lineage's (`lrlab replay` reruns it as one trial)";
}

std::string pruning_resources(const sqlite::Connection& c, std::int64_t experiment_id) {
  sqlite::Statement p(c, "SELECT json_extract(spec_json, '$.pruner.type') FROM experiments WHERE experiment_id = ?1");
  p.bind(1, experiment_id);
  if (!p.step() || p.is_null(0)) return "";
  const std::string type = p.text(0);
  if (!c.has_column("trials", "budget_steps")) return "";
  sqlite::Statement s(c, "SELECT sum(steps_done), sum(budget_steps), sum(status = 'pruned'), count(*), "
                         "sum(budget_steps IS NULL) FROM trials WHERE experiment_id = ?1");
  s.bind(1, experiment_id);
  if (!s.step() || s.int64(4) > 0 || s.int64(1) <= 0) return "";
  const std::int64_t trained = s.int64(0), budget = s.int64(1);
  char share[32];
  std::snprintf(share, sizeof share, "%.1f%%", 100.0 * static_cast<double>(trained) / static_cast<double>(budget));
  return "resources: " + std::to_string(trained) + " of " + std::to_string(budget) + " updates trained (" + share +
         "): the " + type + " pruner stopped " + std::to_string(s.int64(2)) + " of " + std::to_string(s.int64(3)) +
         " trials; the same search without pruning trains all " + std::to_string(budget);
}

}  // namespace lrlab::analysis
