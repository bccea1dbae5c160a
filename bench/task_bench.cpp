// One training step of each data task at batch 64, float64, one thread: the task's loss and
// gradient on the next minibatch, then Adam's update (what a trial does per step, without the
// framework around it). The digits data and the tasks are the shipped ones (experiments/).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "lrlab/adam.hpp"
#include "lrlab/task_build.hpp"

namespace {

void BM_task_step(benchmark::State& state, const std::string& task_json) {
  auto planned = lrlab::bench::plan(R"({"name": "task", "task": )" + task_json + R"(, "budget": {"epochs": 1}})");
  const auto& trial = planned.experiment.trials[0];
  lrlab::TaskContext ctx{trial.seed, planned.experiment.seed, trial.repeat, planned.experiment.spec_dir, planned.shared.get()};
  auto task = lrlab::build_task(*planned.resolver, trial.config["task"], "/task", ctx);
  const std::size_t n = task->dimension();
  std::vector<double> x(n), g(n);
  task->initialize(x);
  lrlab::Adam adam(lrlab::AdamConfig{}, n);
  std::int64_t t = 0;
  for (auto _ : state) {
    const double loss = task->loss_and_gradient(t++, x, g);
    adam.step(x, g, 1e-3);
    benchmark::DoNotOptimize(loss);
  }
  state.SetItemsProcessed(state.iterations());  // items/s = steps per second
  state.counters["params"] = static_cast<double>(n);
}

}  // namespace

BENCHMARK_CAPTURE(BM_task_step, softmax,
                  R"({"type": "softmax_regression", "data": "data/digits.csv.gz", "label_column": -1, "batch_size": 64, "standardize": true})")
    ->Name("task_step/softmax_regression/digits/batch64")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, logistic,
                  R"({"type": "logistic_regression", "data": "data/breast_cancer.csv", "skip_rows": 1, "label_column": -1, "batch_size": 64, "standardize": true})")
    ->Name("task_step/logistic_regression/breast_cancer/batch64")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, mlp,
                  R"({"type": "mlp", "data": "data/digits.csv.gz", "label_column": -1, "hidden": [128], "batch_size": 64, "standardize": true})")
    ->Name("task_step/mlp_64-128-10/digits/batch64")->Unit(benchmark::kMicrosecond);
