#include "lrlab/pruner.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "lrlab/statistics.hpp"

namespace lrlab {

namespace {

const std::string root = "/pruner";

const std::vector<Param>& common_params() {
  static const std::vector<Param> p{
      Param::string("type", "successive_halving, hyperband, median or paired_wilcoxon").required().one_of(pruner_types()),
      Param::string("metric", "the validation metric compared at each rung").def("val_loss"),
      Param::string("mode", "min: lower is better; max: higher is better").def("min").one_of({"min", "max"}),
  };
  return p;
}

}  // namespace

std::vector<Param> pruner_params(const std::string& type) {
  std::vector<Param> p = common_params();
  const auto add = [&](std::initializer_list<Param> more) { p.insert(p.end(), more); };
  if (type == "successive_halving" || type == "hyperband")
    add({Param::integer("eta", "reduction factor: 1/eta of the configurations go on at each rung").def(3).above(1)
             .at_most(1000),
         Param::integer("min_steps", "the first rung, in updates (an evaluation step; default: the first evaluation)")
             .at_least(1)});
  if (type == "successive_halving")
    add({Param::integers("rungs", "the rungs, in updates (evaluation steps, ascending, below the budget), instead of "
                                  "min_steps * eta^k")});
  if (type == "median" || type == "paired_wilcoxon")
    add({Param::integer("warmup_steps", "no pruning before this many updates").def(0).at_least(0),
         Param::integer("every_steps", "a rung every this many updates (an evaluation period's multiple; default: "
                                       "every evaluation)").at_least(1)});
  if (type == "median")
    add({Param::integer("min_configurations", "prune only when at least this many configurations reached the rung")
             .def(5).at_least(1)});
  if (type == "paired_wilcoxon")
    add({Param::real("alpha", "the one-sided test's level").def(0.05).above(0).below(1)});
  return p;
}

namespace {

std::string steps_text(std::int64_t n) { return std::to_string(n) + (n == 1 ? " update" : " updates"); }

// A step written in the section must be an evaluation step below the budget.
void check_step(std::int64_t step, const std::string& pointer, std::int64_t total_steps, std::int64_t eval_every) {
  if (step >= total_steps)
    throw SpecError(pointer, std::to_string(step) + " is not below the budget (" + steps_text(total_steps) +
                                 "): a rung there would come after the trials have ended");
  if (step % eval_every != 0)
    throw SpecError(pointer, std::to_string(step) + " is not an evaluation step (the trials evaluate every " +
                                 steps_text(eval_every) + "): a rung compares evaluations");
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;  // +inf stays +inf: a diverged repeat makes its configuration the worst
  return v.empty() ? INFINITY : s / static_cast<double>(v.size());
}

// Sorted best first: by value, then by point index.
void rank(std::vector<PointAtRung>& cohort, std::vector<double>& value) {
  std::vector<std::size_t> order(cohort.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double va = std::isnan(value[a]) ? INFINITY : value[a], vb = std::isnan(value[b]) ? INFINITY : value[b];
    return va != vb ? va < vb : cohort[a].point < cohort[b].point;
  });
  std::vector<PointAtRung> c;
  std::vector<double> v;
  for (std::size_t i : order) c.push_back(std::move(cohort[i])), v.push_back(value[i]);
  cohort = std::move(c);
  value = std::move(v);
}

}  // namespace

const std::vector<std::string>& pruner_types() {
  static const std::vector<std::string> t{"successive_halving", "hyperband", "median", "paired_wilcoxon"};
  return t;
}

PrunerConfig parse_pruner(const Json& section, const Resolver& resolver) {
  PrunerConfig c;
  if (section.is_object() && section.empty()) return c;
  if (!section.is_object()) throw SpecError(root, "a pruner is an object {\"type\": ..., ...}; received " + section.dump());
  const Json type = resolver.object(Json{{"type", section.value("type", Json())}}, {common_params()[0]}, root);
  const Json p = resolver.object(section, pruner_params(type["type"].get<std::string>()), root);
  c.type = p["type"].get<std::string>();
  c.metric = p["metric"].get<std::string>();
  c.maximize = p["mode"].get<std::string>() == "max";
  if (c.metric.rfind("test_", 0) == 0)
    throw SpecError(root + "/metric", "\"" + c.metric + "\" is a test metric: a pruner sees validation metrics only, so "
                                      "that nothing is tuned on the test share");
  if (p.contains("eta")) c.eta = p["eta"].get<std::int64_t>();
  if (p.contains("min_steps")) c.min_steps = p["min_steps"].get<std::int64_t>();
  if (p.contains("rungs")) {
    c.rungs = p["rungs"].get<std::vector<std::int64_t>>();
    if (c.rungs.empty()) throw SpecError(root + "/rungs", "lists no rung: give at least one step, or leave it out");
    if (p.contains("min_steps"))
      throw SpecError(root + "/rungs", "give either rungs or min_steps, not both (the rungs are min_steps * eta^k)");
    for (std::size_t i = 0; i < c.rungs.size(); ++i) {
      if (c.rungs[i] < 1) throw SpecError(pointer_join(root + "/rungs", i), "a rung is a step >= 1; received " + std::to_string(c.rungs[i]));
      if (i > 0 && c.rungs[i] <= c.rungs[i - 1])
        throw SpecError(pointer_join(root + "/rungs", i), "rungs must be ascending: " + std::to_string(c.rungs[i]) +
                                                              " follows " + std::to_string(c.rungs[i - 1]));
    }
  }
  if (p.contains("warmup_steps")) c.warmup_steps = p["warmup_steps"].get<std::int64_t>();
  if (p.contains("every_steps")) c.every_steps = p["every_steps"].get<std::int64_t>();
  if (p.contains("min_configurations")) c.min_configurations = p["min_configurations"].get<std::int64_t>();
  if (p.contains("alpha")) c.alpha = p["alpha"].get<double>();
  return c;
}

Pruner::Pruner(PrunerConfig config, std::int64_t points, std::int64_t repeats, std::int64_t total_steps,
               std::int64_t eval_every)
    : config_(std::move(config)), points_(points) {
  if (!config_.enabled()) return;
  const PrunerConfig& c = config_;
  bracket_.assign(static_cast<std::size_t>(points), 0);
  if (c.type == "successive_halving" || c.type == "hyperband") {
    const std::int64_t first = c.min_steps > 0 ? c.min_steps : eval_every;
    if (!c.rungs.empty()) {
      for (std::size_t i = 0; i < c.rungs.size(); ++i)
        check_step(c.rungs[i], pointer_join(root + "/rungs", i), total_steps, eval_every);
      rungs_.push_back(c.rungs);
    } else {
      check_step(first, root + "/min_steps", total_steps, eval_every);
      if (c.type == "successive_halving") {
        std::vector<std::int64_t> r;
        for (std::int64_t s = first; s < total_steps; s *= c.eta) r.push_back(s);
        rungs_.push_back(std::move(r));
      } else {
        // s_max = floor(log_eta(R / r_min)), exactly, in integers.
        int s_max = 0;
        for (std::int64_t reach = first; reach <= total_steps / c.eta; reach *= c.eta) ++s_max;
        std::vector<double> weight;
        for (int s = s_max; s >= 0; --s) {
          // Bracket s starts at R / eta^s, rounded down to an evaluation step; its rungs go up by eta.
          double start = static_cast<double>(total_steps);
          for (int k = 0; k < s; ++k) start /= static_cast<double>(c.eta);
          std::vector<std::int64_t> r;
          for (double at = start; at < static_cast<double>(total_steps) * (1 - 1e-12); at *= static_cast<double>(c.eta)) {
            const std::int64_t step = std::max(eval_every, static_cast<std::int64_t>(at) / eval_every * eval_every);
            if (step < total_steps && (r.empty() || step > r.back())) r.push_back(step);
          }
          rungs_.push_back(std::move(r));
          double n = static_cast<double>(s_max + 1) / (s + 1);
          for (int k = 0; k < s; ++k) n *= static_cast<double>(c.eta);
          weight.push_back(std::ceil(n - 1e-9));
        }
        // Smooth weighted round robin: each point goes to the bracket furthest behind its share.
        const double total_weight = std::accumulate(weight.begin(), weight.end(), 0.0);
        std::vector<double> current(weight.size(), 0.0);
        for (std::int64_t p = 0; p < points; ++p) {
          std::size_t pick = 0;
          for (std::size_t b = 0; b < weight.size(); ++b) {
            current[b] += weight[b];
            if (current[b] > current[pick]) pick = b;
          }
          current[pick] -= total_weight;
          bracket_[static_cast<std::size_t>(p)] = static_cast<int>(pick);
        }
      }
    }
  } else {
    const std::int64_t every = c.every_steps > 0 ? c.every_steps : eval_every;
    if (c.every_steps > 0 && c.every_steps % eval_every != 0)
      throw SpecError(root + "/every_steps", std::to_string(c.every_steps) + " is not a multiple of the evaluation period (" +
                                                 steps_text(eval_every) + "): a rung compares evaluations");
    std::vector<std::int64_t> r;
    for (std::int64_t s = every; s < total_steps; s += every)
      if (s >= c.warmup_steps) r.push_back(s);
    if (r.empty())
      throw SpecError(root + (c.warmup_steps >= total_steps ? "/warmup_steps" : "/every_steps"),
                      "leaves no rung below the budget (" + steps_text(total_steps) + "): nothing would ever be pruned");
    rungs_.push_back(std::move(r));
    if (c.type == "paired_wilcoxon") {
      const double smallest = std::ldexp(1.0, -static_cast<int>(std::min<std::int64_t>(repeats, 1000)));
      if (smallest >= c.alpha) {
        std::int64_t need = 1;
        while (std::ldexp(1.0, -static_cast<int>(need)) >= c.alpha) ++need;
        throw SpecError(root + "/alpha", "with " + std::to_string(repeats) + " repeat" + (repeats == 1 ? "" : "s") +
                                             " the one-sided Wilcoxon test's smallest p-value is " + message_number(smallest) +
                                             ", never below alpha " + message_number(c.alpha) + ": use at least " +
                                             std::to_string(need) + " repeats, or a larger alpha");
      }
    }
  }
  for (const auto& r : rungs_) steps_.insert(steps_.end(), r.begin(), r.end());
  std::sort(steps_.begin(), steps_.end());
  steps_.erase(std::unique(steps_.begin(), steps_.end()), steps_.end());
}

int Pruner::bracket_of(std::int64_t point) const {
  return point >= 0 && point < points_ ? bracket_[static_cast<std::size_t>(point)] : 0;
}

std::string Pruner::shown(double internal) const { return message_number(config_.maximize ? -internal : internal); }

std::vector<Pruning> Pruner::decide(std::int64_t step, std::vector<PointAtRung> cohort) const {
  if (!enabled()) return {};
  if (config_.maximize)
    for (auto& p : cohort) {
      for (double& v : p.values) v = -v;
      for (double& v : p.best) v = -v;
    }
  std::vector<Pruning> out;
  for (std::size_t b = 0; b < rungs_.size(); ++b) {
    if (!std::binary_search(rungs_[b].begin(), rungs_[b].end(), step)) continue;
    std::vector<PointAtRung> mine;
    for (auto& p : cohort)
      if (bracket_of(p.point) == static_cast<int>(b)) mine.push_back(p);
    if (mine.empty()) continue;
    std::vector<Pruning> d = config_.type == "median"            ? median(step, mine)
                             : config_.type == "paired_wilcoxon" ? paired(step, mine)
                                                                 : halve(step, static_cast<int>(b), mine);
    out.insert(out.end(), d.begin(), d.end());
  }
  std::sort(out.begin(), out.end(), [](const Pruning& a, const Pruning& b) { return a.point < b.point; });
  return out;
}

std::vector<Pruning> Pruner::halve(std::int64_t step, int bracket, std::vector<PointAtRung>& cohort) const {
  std::vector<double> value;
  for (const auto& p : cohort) value.push_back(mean_of(p.values));
  rank(cohort, value);
  const std::size_t n = cohort.size();
  const std::size_t keep = std::max<std::size_t>(1, n / static_cast<std::size_t>(config_.eta));
  const auto& rungs = rungs_[static_cast<std::size_t>(bracket)];
  const std::size_t k = static_cast<std::size_t>(std::find(rungs.begin(), rungs.end(), step) - rungs.begin());
  std::string where = config_.type + (config_.type == "hyperband" ? " bracket " + std::to_string(rungs_.size() - 1 - static_cast<std::size_t>(bracket)) : "") +
                      ", rung " + std::to_string(k + 1) + " of " + std::to_string(rungs.size()) + " (step " + std::to_string(step) + ")";
  std::vector<Pruning> out;
  for (std::size_t i = keep; i < n; ++i)
    if (cohort[i].live)
      out.push_back({cohort[i].point, where + ": " + config_.metric + " " + shown(value[i]) + " ranks " + std::to_string(i + 1) +
                                          " of " + std::to_string(n) + "; the best " + std::to_string(keep) + " go on (eta " +
                                          std::to_string(config_.eta) + ", the last kept has " + shown(value[keep - 1]) + ")"});
  return out;
}

std::vector<Pruning> Pruner::median(std::int64_t step, std::vector<PointAtRung>& cohort) const {
  if (static_cast<std::int64_t>(cohort.size()) < config_.min_configurations) return {};
  std::vector<double> now;
  for (const auto& p : cohort) now.push_back(mean_of(p.values));
  std::vector<double> sorted = now;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const double med = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  std::vector<Pruning> out;
  for (const auto& p : cohort) {
    const double best = mean_of(p.best);
    if (p.live && (best > med || std::isnan(best)))
      out.push_back({p.point, "median at step " + std::to_string(step) + ": best " + config_.metric + " so far " + shown(best) +
                                  " is worse than the median " + shown(med) + " of the " + std::to_string(n) +
                                  " configurations at this step"});
  }
  return out;
}

std::vector<Pruning> Pruner::paired(std::int64_t step, std::vector<PointAtRung>& cohort) const {
  std::vector<double> value;
  for (const auto& p : cohort) value.push_back(mean_of(p.values));
  rank(cohort, value);
  const PointAtRung& best = cohort.front();
  std::vector<Pruning> out;
  for (std::size_t i = 1; i < cohort.size(); ++i) {
    if (!cohort[i].live) continue;
    std::vector<double> d;
    for (std::size_t r = 0; r < cohort[i].values.size() && r < best.values.size(); ++r)
      d.push_back(cohort[i].values[r] - best.values[r]);  // NaN (both diverged) is dropped by the test
    const stats::TestResult t = stats::wilcoxon_signed_rank(d, stats::Alternative::greater);
    if (t.p < config_.alpha)
      out.push_back({cohort[i].point, "paired_wilcoxon at step " + std::to_string(step) + ": " + config_.metric + " " +
                                          shown(value[i]) + " against the best configuration's " + shown(value[0]) +
                                          " (point " + std::to_string(best.point) + "), worse in a one-sided Wilcoxon "
                                          "signed-rank test over " + std::to_string(t.n) + " paired repeats: p = " +
                                          message_number(t.p) + " < alpha " + message_number(config_.alpha)});
  }
  return out;
}

}  // namespace lrlab
