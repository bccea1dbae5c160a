// One training step of each data task at batch 64, one thread, in float64 and in float32 (the
// task's and Adam's "dtype"): the task's loss and
// gradient on the next minibatch, then Adam's update (what a trial does per step, without the
// framework around it). The digits data and the tasks are the shipped ones (experiments/).
//
// Each step is also reported as arithmetic: "FLOP/s" counts the matrix products of the dense
// network (2 m n k each: forward, weight gradient, and the delta sent back to every layer but the
// first), the work a GEMM-bound step is made of, and "of_peak" divides that by the machine's
// multiply-add peak of the same precision, measured in the same process (peak.hpp).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "peak.hpp"
#include "lrlab/adam.hpp"
#include "lrlab/task_build.hpp"

namespace {

// The FLOPs of the products of one step of a dense network with these layer widths at this batch.
double dense_step_flops(const std::vector<double>& widths, double batch) {
  double flops = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const double product = 2 * widths[l] * widths[l + 1] * batch;
    flops += product * (l == 0 ? 2 : 3);  // forward and weight gradient; and the delta, but into the input
  }
  return flops;
}

void BM_task_step(benchmark::State& state, std::string task_json, const std::vector<double>& widths, bool float32) {
  if (float32) task_json.insert(task_json.rfind('}'), R"(, "dtype": "float32")");
  auto planned = lrlab::bench::plan(R"({"name": "task", "task": )" + task_json + R"(, "budget": {"epochs": 1}, "optimizer": {"dtype": ")" +
                                    (float32 ? "float32" : "float64") + R"("}})");
  const lrlab::TrialConfig trial = planned.experiment.trials[0];
  lrlab::TaskContext ctx{trial.seed, trial->experiment_seed, trial.repeat, planned.experiment.spec_dir, planned.shared.get()};
  auto task = lrlab::build_task(*planned.resolver, trial->task, "/task", ctx);
  const std::size_t n = task->dimension();
  std::vector<double> x(n), g(n);
  task->initialize(x);
  lrlab::Adam adam(lrlab::AdamConfig::from_json(trial->optimizer), n);
  adam.round_to_dtype(x);
  std::int64_t t = 0;
  for (auto _ : state) {
    const double loss = task->loss_and_gradient(t++, x, g);
    adam.step(x, g, 1e-3);
    benchmark::DoNotOptimize(loss);
  }
  state.SetItemsProcessed(state.iterations());  // items/s = steps per second
  state.counters["params"] = static_cast<double>(n);
  const double flops = dense_step_flops(widths, 64);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["of_peak"] = benchmark::Counter(flops / lrlab::bench::machine_peak(!float32), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK_CAPTURE(BM_task_step, softmax,
                  R"({"type": "softmax_regression", "data": "data/digits.csv.gz", "label_column": -1, "batch_size": 64, "standardize": true})",
                  std::vector<double>{64, 10}, false)
    ->Name("task_step/softmax_regression/digits/batch64/float64")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, softmax_f32,
                  R"({"type": "softmax_regression", "data": "data/digits.csv.gz", "label_column": -1, "batch_size": 64, "standardize": true})",
                  std::vector<double>{64, 10}, true)
    ->Name("task_step/softmax_regression/digits/batch64/float32")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, logistic,
                  R"({"type": "logistic_regression", "data": "data/breast_cancer.csv", "skip_rows": 1, "label_column": -1, "batch_size": 64, "standardize": true})",
                  std::vector<double>{30, 1}, false)
    ->Name("task_step/logistic_regression/breast_cancer/batch64/float64")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, logistic_f32,
                  R"({"type": "logistic_regression", "data": "data/breast_cancer.csv", "skip_rows": 1, "label_column": -1, "batch_size": 64, "standardize": true})",
                  std::vector<double>{30, 1}, true)
    ->Name("task_step/logistic_regression/breast_cancer/batch64/float32")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, mlp,
                  R"({"type": "mlp", "data": "data/digits.csv.gz", "label_column": -1, "hidden": [128], "batch_size": 64, "standardize": true})",
                  std::vector<double>{64, 128, 10}, false)
    ->Name("task_step/mlp_64-128-10/digits/batch64/float64")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_task_step, mlp_f32,
                  R"({"type": "mlp", "data": "data/digits.csv.gz", "label_column": -1, "hidden": [128], "batch_size": 64, "standardize": true})",
                  std::vector<double>{64, 128, 10}, true)
    ->Name("task_step/mlp_64-128-10/digits/batch64/float32")->Unit(benchmark::kMicrosecond);
