#pragma once
// The `scripted` task, for tests only: a task whose evaluations report a val_loss sequence written
// in the test, so that a policy's decisions can be worked out by hand, while the trial still runs
// through the real core (schedule x factors, Adam, restore of the best parameters, events).
//
// One parameter x, starting at 0, with gradient -1 at every step: each update moves x up by about
// the rate used, so every evaluation sees a new x unless parameters were restored. The k-th new x
// evaluated gets val_loss[k] (the last value once the script runs out); an x evaluated before gets
// its old metrics again, exactly as a real loss would: after a restore of the best parameters the
// final metrics are those of the best evaluation. Each evaluation also reports "x" itself. The train
// loss of update t is train_loss[t] (the last value once the script runs out).
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lrlab/experiment.hpp"
#include "lrlab/sdk.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/trial_run.hpp"
#include "support/catalog.hpp"

namespace lrlab::test {

class ScriptedTask final : public Task {
 public:
  ScriptedTask(std::vector<double> val, std::vector<double> train, std::int64_t spe)
      : val_(std::move(val)), train_(std::move(train)), spe_(spe) {}

  std::size_t dimension() const override { return 1; }
  std::int64_t steps_per_epoch() const override { return spe_; }
  void initialize(std::span<double> x) override { x[0] = 0.0; }
  double loss_and_gradient(std::int64_t step, std::span<const double>, std::span<double> g) override {
    g[0] = -1.0;
    return at(train_, static_cast<std::size_t>(step));
  }
  Metrics evaluate(std::span<const double> x) override {
    auto it = seen_.find(x[0]);
    if (it == seen_.end()) it = seen_.emplace(x[0], at(val_, seen_.size())).first;
    Metrics m;
    m.set("val_loss", it->second);
    m.set("x", x[0]);
    return m;
  }
  // The parameter values evaluated so far decide what the next evaluation reports.
  void persist(StateArchive& a) override {
    std::vector<std::pair<double, double>> seen(seen_.begin(), seen_.end());
    a(seen);
    if (a.is_loading()) seen_ = std::map<double, double>(seen.begin(), seen.end());
  }

 private:
  static double at(const std::vector<double>& v, std::size_t i) { return v[std::min(i, v.size() - 1)]; }
  std::vector<double> val_, train_;
  std::int64_t spe_;
  std::map<double, double> seen_;  // x -> val_loss given to it
};

inline void register_scripted(Registry& r) {
  r.add_task({.name = "scripted",
              .summary = "test-only: evaluations report a scripted val_loss sequence",
              .params = {Param::reals("val_loss", "val_loss of the k-th new parameter value evaluated").required(),
                         Param::reals("train_loss", "train loss of update t").def(Json::array({1.0})),
                         Param::integer("steps_per_epoch", "updates per epoch").def(1).at_least(1)}},
             [](const Params& p, const TaskContext&) -> TaskPtr {
               return std::make_unique<ScriptedTask>(p.reals("val_loss"), p.reals("train_loss"),
                                                     p.integer("steps_per_epoch"));
             });
}

// Every linked plugin plus the scripted task.
inline const Catalog& scripted_catalog() {
  static const Catalog c = [] {
    Catalog cat;
    cat.add_static("core", "test", &register_builtin_components);
    register_linked_plugins(cat);
    cat.add_static("policy_tests", "test", &register_scripted);
    return cat;
  }();
  return c;
}

// What one trial wrote, as the database writer would have received it.
struct TrialRows {
  TrialOutcome outcome;
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
  std::vector<EventRow> events;

  double lr(std::int64_t step) const {
    for (const auto& s : steps)
      if (s.step == step) return s.lr;
    throw std::runtime_error("no step " + std::to_string(step));
  }
  std::vector<double> lrs() const {
    std::vector<double> v;
    for (const auto& s : steps) v.push_back(s.lr);
    return v;
  }
  std::vector<double> metric(const std::string& name) const {
    std::vector<double> v;
    for (const auto& e : evals)
      if (e.metric == name) v.push_back(e.value);
    return v;
  }
};

// Plan `spec` (a whole experiment spec; "name" and "budget" may be left to the defaults below) and
// run its first trial through the core runner.
inline TrialRows run_first_trial(Json spec) {
  static const Resolver resolver(scripted_catalog());
  if (!spec.contains("name")) spec["name"] = "policy_test";
  SharedData shared;
  const Spec s = parse_spec(spec.dump(), "test spec", LRLAB_SOURCE_DIR);
  const Experiment ex = plan_experiment(s, resolver, shared);
  TrialEnv env;
  env.resolver = &resolver;
  env.spec_dir = ex.spec_dir;
  env.shared = &shared;
  TrialRows rows;
  run_trial(ex.trials.at(0), 1, env, [&rows](TrialChunk&& c) {
    rows.steps.insert(rows.steps.end(), c.steps.begin(), c.steps.end());
    rows.evals.insert(rows.evals.end(), c.evals.begin(), c.evals.end());
    rows.events.insert(rows.events.end(), c.events.begin(), c.events.end());
    if (c.outcome) rows.outcome = *c.outcome;
  });
  return rows;
}

}  // namespace lrlab::test
