#include "lrlab/sweep.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "lrlab/progress.hpp"

namespace lrlab {

SweepReport run_sweep(const Experiment& ex, const TrialEnv& env, Store& store,
                      const std::vector<std::pair<const TrialPlan*, std::int64_t>>& todo, const SweepOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const int jobs = options.jobs > 0 ? options.jobs : tbb::info::default_concurrency();
  SweepReport report;
  report.total = static_cast<std::int64_t>(ex.trials.size());
  report.skipped = report.total - static_cast<std::int64_t>(todo.size());

  // A queue item is one chunk; an empty optional tells the writer to finish.
  tbb::concurrent_bounded_queue<std::optional<TrialChunk>> queue;
  queue.set_capacity(static_cast<std::ptrdiff_t>(options.queue_chunks ? options.queue_chunks : 4 * jobs + 8));

  std::mutex report_mutex;
  Progress progress(static_cast<std::int64_t>(todo.size()), options.progress);
  std::exception_ptr writer_error;

  std::thread writer([&] {
    std::vector<TrialChunk> batch;
    bool done = false;
    while (!done) {
      std::optional<TrialChunk> item;
      queue.pop(item);  // blocks until there is something to write
      do {
        if (!item) {
          done = true;
          break;
        }
        batch.push_back(std::move(*item));
      } while (batch.size() < 1024 && queue.try_pop(item));
      if (batch.empty()) continue;
      try {
        if (!writer_error) store.write(batch);
      } catch (...) {
        writer_error = std::current_exception();
      }
      for (const auto& c : batch)
        if (c.outcome) progress.trial_done(c.outcome->status);
      batch.clear();
    }
  });

  auto send = [&](TrialChunk&& c) { queue.push(std::optional<TrialChunk>(std::move(c))); };

  tbb::task_arena arena(jobs);
  arena.execute([&] {
    // One task per trial, handed out dynamically: trials differ in cost.
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, todo.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            const auto& [plan, trial_id] = todo[i];
            if (options.stop && options.stop->load()) {
              std::lock_guard lock(report_mutex);
              ++report.interrupted;
              continue;
            }
            const TrialOutcome out = run_trial(*plan, trial_id, env, send);
            std::lock_guard lock(report_mutex);
            if (out.status == status::completed) ++report.completed;
            else if (out.status == status::diverged) ++report.diverged;
            else if (out.status == status::stopped_early) ++report.stopped_early;
            else if (out.status == status::interrupted) ++report.interrupted;
            else {
              ++report.failed;
              report.failures.emplace_back(plan->index, out.error);
            }
          }
        },
        tbb::simple_partitioner());
  });
  queue.push(std::nullopt);
  writer.join();
  progress.finish();
  if (writer_error) std::rethrow_exception(writer_error);
  std::sort(report.failures.begin(), report.failures.end());
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace lrlab
