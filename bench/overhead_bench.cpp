// The framework's own cost per step: the trial loop (policy hooks, schedule, rate, recording into
// chunks, Adam's bookkeeping) around a task whose gradient is nearly free (a 1-parameter
// quadratic). Reported as time per step; the target (bench/RESULTS.md) is < 50 ns with recording
// every 100 steps. Chunks are discarded here: writing them is the writer's benchmark.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "lrlab/trial_run.hpp"

namespace {

std::string spec(std::int64_t steps, std::int64_t record_every, const std::string& schedule, const std::string& policies) {
  return R"({"name": "overhead", "task": {"type": "quadratic", "curvatures": [1], "initial": [1], "steps_per_epoch": 1000},
             "optimizer": {"learning_rate": 1e-3}, "budget": {"steps": )" + std::to_string(steps) +
         R"(}, "evaluate": {"every_steps": )" + std::to_string(steps) + R"(}, "record": {"every_steps": )" +
         std::to_string(record_every) + R"(}, "schedule": )" + schedule + R"(, "policies": )" + policies + "}";
}

void run(benchmark::State& state, std::int64_t record_every, const std::string& schedule, const std::string& policies) {
  const std::int64_t steps = 1'000'000;
  auto planned = lrlab::bench::plan(spec(steps, record_every, schedule, policies));
  lrlab::TrialEnv env;
  env.resolver = planned.resolver.get();
  env.shared = planned.shared.get();
  std::int64_t rows = 0;
  for (auto _ : state) {
    const auto out = lrlab::run_trial(planned.experiment.trials[0], 1, env,
                                      [&](lrlab::TrialChunk&& c) { rows += static_cast<std::int64_t>(c.steps.size()); });
    benchmark::DoNotOptimize(out.steps_done);
  }
  state.SetItemsProcessed(state.iterations() * steps);
  // Seconds per step (printed with an SI prefix: "35n" is 35 ns).
  state.counters["per_step"] =
      benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  benchmark::DoNotOptimize(rows);
}

const char* constant = R"({"type": "constant"})";
const char* exponential = R"({"type": "exponential_decay", "decay_steps": 1000, "decay_rate": 0.96})";
const char* plateau = R"([{"type": "reduce_on_plateau", "monitor": "val_loss", "factor": 0.5, "patience": 2}])";

}  // namespace

BENCHMARK_CAPTURE(run, constant_record100, 100, constant, "[]")->Name("overhead/constant/record_every_100")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(run, exponential_plateau_record100, 100, exponential, plateau)->Name("overhead/exponential+plateau/record_every_100")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(run, constant_record1, 1, constant, "[]")->Name("overhead/constant/record_every_1")->Unit(benchmark::kMillisecond)->UseRealTime();
