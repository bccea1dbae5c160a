#pragma once
// Helpers for the task tests: building a task as a trial would, checking gradients by finite
// differences, writing small data sets, and running whole experiments in this process.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lrlab/experiment.hpp"
#include "lrlab/random.hpp"
#include "lrlab/spec.hpp"
#include "lrlab/state.hpp"
#include "lrlab/task_build.hpp"
#include "lrlab/trial_run.hpp"
#include "support/catalog.hpp"
#include "support/cli.hpp"

namespace lrlab::test {

inline const Resolver& task_resolver() {
  static const Resolver r(static_catalog());
  return r;
}

// `base` with the keys of `extra` set (nlohmann's update() returns nothing).
inline Json with(Json base, const Json& extra) {
  base.update(extra);
  return base;
}

// The shipped data sets.
inline std::filesystem::path data_dir() { return std::filesystem::path(LRLAB_SOURCE_DIR) / "experiments" / "data"; }

// Build the task `spec` ({"type": ..., ...}) with the trial seed `seed`, as the runner does.
inline TaskPtr make_task(const Json& spec, SharedData& shared, std::uint64_t seed = 11, std::uint64_t experiment_seed = 7,
                         const std::filesystem::path& spec_dir = data_dir()) {
  const Resolver& r = task_resolver();
  TaskContext ctx{seed, experiment_seed, 0, spec_dir, &shared};
  return build_task(r, r.component(Kind::task, spec, "/task"), "/task", ctx);
}

inline TaskPtr make_task(const Json& spec, std::uint64_t seed = 11) {
  SharedData shared;
  return make_task(spec, shared, seed);
}

// Parameters to check gradients at: the task's own start, moved by a seeded N(0, scale^2) step so
// that no coordinate sits at a special point (zero weights of a linear model).
inline std::vector<double> probe_point(Task& task, double scale = 0.3, std::uint64_t seed = 99) {
  std::vector<double> x(task.dimension());
  task.initialize(x);
  Rng rng(seed);
  for (double& v : x) v += scale * rng.normal();
  return x;
}

// Compare the gradient of update `step` with central differences of its loss, coordinate by
// coordinate. Batches and noise are functions of the step, so the same step can be asked again.
// Returns the largest error relative to max(1, |g_i|).
inline double gradient_error(Task& task, std::int64_t step, std::vector<double> x, double h = 1e-6) {
  std::vector<double> grad(x.size()), scratch(x.size());
  task.loss_and_gradient(step, x, grad);
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    x[i] = xi + h;
    const double up = task.loss_and_gradient(step, x, scratch);
    x[i] = xi - h;
    const double down = task.loss_and_gradient(step, x, scratch);
    x[i] = xi;
    const double fd = (up - down) / (2.0 * h);
    worst = std::max(worst, std::abs(fd - grad[i]) / std::max(1.0, std::abs(grad[i])));
  }
  return worst;
}

// Checkpoints: train `spec` for `split` steps (plain gradient steps of size 0.01, the parameters
// being the core's to keep), save the task's state (Task::persist), load it into a freshly built task
// (which must read every byte), then take `steps - split` more steps with both at the same
// parameters: losses, gradients and the final evaluation must agree bit for bit. Returns whether a
// fresh task WITHOUT the state would have differed (whether the task has state that matters).
inline bool require_task_resumes_exactly(const Json& spec, std::int64_t split, std::int64_t steps, SharedData& shared,
                                         const std::filesystem::path& spec_dir = data_dir()) {
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  auto original = make_task(spec, shared, 11, 7, spec_dir);
  std::vector<double> x(original->dimension()), g(x.size()), g2(x.size());
  original->initialize(x);
  const auto step = [&](std::int64_t t) {
    const double loss = original->loss_and_gradient(t, x, g);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] -= 0.01 * g[i];
    return loss;
  };
  for (std::int64_t t = 0; t < split; ++t) step(t);
  auto saving = StateArchive::saving();
  original->persist(saving);

  auto resumed = make_task(spec, shared, 11, 7, spec_dir);
  auto loading = StateArchive::loading(saving.bytes());
  resumed->persist(loading);
  REQUIRE(loading.at_end());
  auto fresh = make_task(spec, shared, 11, 7, spec_dir);

  bool differs = false;
  for (std::int64_t t = split; t < steps; ++t) {
    CAPTURE(t);
    const std::vector<double> at = x;
    const double l2 = resumed->loss_and_gradient(t, at, g2);
    std::vector<double> g3(x.size());
    const double l3 = fresh->loss_and_gradient(t, at, g3);
    const double l1 = step(t);
    REQUIRE(bits(l1) == bits(l2));
    REQUIRE(std::memcmp(g.data(), g2.data(), g.size() * sizeof(double)) == 0);
    differs = differs || bits(l1) != bits(l3) || std::memcmp(g.data(), g3.data(), g.size() * sizeof(double)) != 0;
  }
  const Metrics m1 = original->evaluate(x), m2 = resumed->evaluate(x);
  REQUIRE(m1.values.size() == m2.values.size());
  for (std::size_t i = 0; i < m1.values.size(); ++i) {
    CHECK(m1.values[i].first == m2.values[i].first);
    CHECK(bits(m1.values[i].second) == bits(m2.values[i].second));
  }
  return differs;
}

// A small classification data set: `classes` Gaussian blobs in `features` dimensions, centres
// three standard deviations apart, `per_class` examples each, label in column `label_at`
// (0-based, or -1 for last), optional header line naming the columns.
inline std::string blobs_csv(int classes, int features, int per_class, int label_at = -1, bool header = false,
                             std::uint64_t seed = 5, int first_label = 0) {
  Rng rng(seed);
  std::vector<std::vector<double>> centres(static_cast<std::size_t>(classes));
  for (auto& c : centres)
    for (int f = 0; f < features; ++f) c.push_back(3.0 * rng.normal());
  std::ostringstream out;
  out.precision(17);
  const int columns = features + 1;
  const int label = label_at < 0 ? columns + label_at : label_at;
  if (header) {
    int feature = 0;
    for (int col = 0; col < columns; ++col)
      out << (col ? "," : "") << (col == label ? std::string("species") : "f" + std::to_string(feature++));
    out << "\n";
  }
  for (int i = 0; i < per_class; ++i)
    for (int k = 0; k < classes; ++k) {
      int feature = 0;
      for (int col = 0; col < columns; ++col) {
        out << (col ? "," : "");
        if (col == label) out << k + first_label;
        else out << centres[static_cast<std::size_t>(k)][static_cast<std::size_t>(feature++)] + rng.normal();
      }
      out << "\n";
    }
  return out.str();
}

// Plan the experiment `spec` (its relative paths against `dir`) and run every trial in this
// process, in order, keeping their rows. Returns the plans' outcomes and chunks per trial.
struct RanTrial {
  TrialOutcome outcome;
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
};
inline std::vector<RanTrial> run_in_process(const Json& spec, const std::filesystem::path& dir, SharedData& shared) {
  const Resolver& r = task_resolver();
  const Spec s = parse_spec(spec.dump(), "test spec", dir);
  const Experiment ex = plan_experiment(s, r, shared);
  TrialEnv env;
  env.resolver = &r;
  env.spec_dir = dir;
  env.shared = &shared;
  std::vector<RanTrial> out;
  for (const TrialConfig& plan : ex.trials) {
    RanTrial t;
    const std::function<void(TrialChunk&&)> send = [&](TrialChunk&& c) {
      t.steps.insert(t.steps.end(), c.steps.begin(), c.steps.end());
      t.evals.insert(t.evals.end(), c.evals.begin(), c.evals.end());
    };
    t.outcome = run_trial(plan, plan.index, env, send);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace lrlab::test
