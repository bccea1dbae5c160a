// The writer: step rows per second into SQLite through the real Store (WAL, synchronous=NORMAL,
// prepared statements, one transaction per batch of chunks), as the sweep's writer thread uses it.
// Target (bench/RESULTS.md): >= 1,000,000 step rows per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "bench_support.hpp"
#include "lrlab/store.hpp"

namespace {

void BM_writer(benchmark::State& state) {
  const std::size_t rows_per_chunk = static_cast<std::size_t>(state.range(0));
  const std::size_t chunks_per_batch = 8;
  const std::filesystem::path db = std::filesystem::temp_directory_path() / ("lrlab-bench-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(db);
  auto planned = lrlab::bench::plan(R"({"name": "writer", "repeats": 64,
      "task": {"type": "quadratic", "curvatures": [1], "steps_per_epoch": 100}, "budget": {"epochs": 1}})");
  std::int64_t written = 0;
  {
    lrlab::Store store(db);
    const std::int64_t experiment = store.create_experiment(planned.experiment);
    store.begin_run(experiment, lrlab::RunInfo{});
    const auto trials = store.trials(experiment);
    std::int64_t step = 0;
    std::size_t next_trial = 0;
    for (auto _ : state) {
      std::vector<lrlab::TrialChunk> batch(chunks_per_batch);
      for (auto& c : batch) {
        c.trial_id = trials[next_trial++ % trials.size()].trial_id;
        c.steps.reserve(rows_per_chunk);
        for (std::size_t i = 0; i < rows_per_chunk; ++i, ++step)
          c.steps.push_back({step, step / 100, 1e-3 * (1 + 1e-9 * static_cast<double>(step)), 0.5 / (1 + static_cast<double>(step)), NAN});
      }
      store.write(batch);
      written += static_cast<std::int64_t>(chunks_per_batch * rows_per_chunk);
    }
    store.end_run(0, 0, 0);
  }
  state.SetItemsProcessed(written);  // items/s = step rows per second
  state.counters["db_MB"] = static_cast<double>(std::filesystem::file_size(db)) / 1e6;
  std::filesystem::remove(db);
  std::filesystem::remove(db.string() + "-wal");
  std::filesystem::remove(db.string() + "-shm");
}

}  // namespace

BENCHMARK(BM_writer)->Name("writer/step_rows")->Arg(512)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
