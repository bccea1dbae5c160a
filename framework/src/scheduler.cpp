#include "lrlab/scheduler.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "lrlab/progress.hpp"
#include "lrlab/writer.hpp"

namespace lrlab {

std::vector<Pending> pending_trials(Store& store, std::int64_t experiment_id) {
  std::vector<Pending> todo;
  auto checkpoints = store.checkpoints(experiment_id);
  for (const auto& row : store.trials(experiment_id)) {
    if (is_finished(row.status)) continue;
    Pending w;
    w.index = row.trial_index;
    w.trial_id = row.trial_id;
    // The checkpoint under the trial's id: its own, or the one it was forked from (shared
    // prefixes): either way the rows before it are the trial's, kept by reset_unfinished.
    if (auto it = checkpoints.find(row.trial_id); it != checkpoints.end())
      w.from = std::make_shared<const Checkpoint>(std::move(it->second));
    todo.push_back(std::move(w));
  }
  return todo;
}

SweepReport run_sweep(Transport& transport, Store& store, const TrialPlan& plan, const std::vector<Pending>& todo,
                      const SweepOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  SweepReport report;
  report.total = plan.size();
  report.skipped = report.total - static_cast<std::int64_t>(todo.size());
  for (const auto& w : todo)
    if (w.from) ++report.from_checkpoints;
  Progress progress(static_cast<std::int64_t>(todo.size()), options.progress);
  const std::size_t capacity =
      options.queue_chunks ? options.queue_chunks : 4 * static_cast<std::size_t>(std::max(1, transport.slots())) + 8;
  Writer writer(store, progress, capacity);

  const SendChunk deliver = [&](TrialChunk&& c) {
    if (c.outcome) {
      const TrialOutcome& out = *c.outcome;
      if (out.status == status::completed) ++report.completed;
      else if (out.status == status::diverged) ++report.diverged;
      else if (out.status == status::stopped_early) ++report.stopped_early;
      else if (out.status == status::interrupted) ++report.interrupted;
      else if (out.status == status::paused) ++report.paused;
      else {
        ++report.failed;
        report.failures.emplace_back(c.trial_id, out.error);
      }
    }
    writer.push(std::move(c));
  };

  std::size_t next = 0;  // todo[next] starts next
  std::optional<Work> ready;  // made, waiting for a free slot
  std::size_t in_flight = 0;
  bool stopping = false;
  for (;;) {
    if (!stopping) {
      std::string why = transport.stop_request();
      if (writer.failed()) {
        report.write_failure = writer.failure();
        why = "the database cannot be written (" + report.write_failure + ")";
      }
      if (!why.empty() || (options.stop && options.stop->load())) {
        stopping = true;
        report.stopped_by = why;
        if (!why.empty()) std::fprintf(stderr, "\nlrlab: %s: stopping the sweep\n", why.c_str());
        report.interrupted += static_cast<std::int64_t>(todo.size() - next) + (ready ? 1 : 0);
        next = todo.size();
        ready.reset();
        transport.stop();
      }
    }
    for (;;) {
      if (!ready && next < todo.size()) {
        const Pending& p = todo[next++];
        ready = Work{plan.trial(p.index, p.made), p.trial_id, p.from, p.until, p.made};
      }
      if (!ready || !transport.start(*ready)) break;
      ready.reset();
      ++in_flight;
    }
    const bool got = transport.poll([&](TrialChunk&& c) {
      if (c.outcome) --in_flight;
      deliver(std::move(c));
    });
    if (in_flight == 0 && !ready && next == todo.size()) break;
    if (!got) transport.wait(std::chrono::milliseconds(1));
  }
  writer.finish();
  if (writer.failed() && report.write_failure.empty()) report.write_failure = writer.failure();  // in the last commit
  progress.finish();
  std::sort(report.failures.begin(), report.failures.end());
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

namespace {

// Add a stage's outcomes to the sweep's.
void add(SweepReport& total, const SweepReport& stage) {
  total.completed += stage.completed;
  total.diverged += stage.diverged;
  total.failed += stage.failed;
  total.stopped_early += stage.stopped_early;
  total.interrupted += stage.interrupted;
  total.paused += stage.paused;
  total.failures.insert(total.failures.end(), stage.failures.begin(), stage.failures.end());
  total.seconds += stage.seconds;
  if (total.stopped_by.empty()) total.stopped_by = stage.stopped_by;
  if (total.write_failure.empty()) total.write_failure = stage.write_failure;
}

}  // namespace

bool run_stage(Transport& transport, Store& store, const TrialPlan& plan, std::vector<Pending> todo, std::int64_t until,
               const SweepOptions& options, SweepReport& total) {
  std::vector<Pending> left;
  for (auto& p : todo) {
    if (until > 0) {
      if (p.from && p.from->steps_done >= until) continue;  // already there (a resumed stage)
      p.until = until;
    }
    left.push_back(std::move(p));
  }
  if (left.empty()) return true;
  const SweepReport r = run_sweep(transport, store, plan, left, options);
  add(total, r);
  return r.interrupted == 0 && r.stopped_by.empty() && r.write_failure.empty() && !(options.stop && options.stop->load());
}

}  // namespace lrlab
