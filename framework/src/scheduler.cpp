#include "lrlab/scheduler.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <unordered_map>

#include "lrlab/progress.hpp"
#include "lrlab/writer.hpp"

namespace lrlab {

SweepReport run_sweep(Transport& transport, Store& store, const std::vector<Work>& todo, std::int64_t total,
                      const SweepOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  SweepReport report;
  report.total = total;
  report.skipped = total - static_cast<std::int64_t>(todo.size());

  std::unordered_map<std::int64_t, std::int64_t> index_of;  // trial_id -> trial_index, for failures
  for (const auto& w : todo) {
    index_of.emplace(w.trial_id, w.trial->index);
    if (w.from) ++report.from_checkpoints;
  }
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
      else {
        ++report.failed;
        report.failures.emplace_back(index_of.at(c.trial_id), out.error);
      }
    }
    writer.push(std::move(c));
  };

  std::deque<const Work*> next;
  for (const auto& w : todo) next.push_back(&w);
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
        report.interrupted += static_cast<std::int64_t>(next.size());
        next.clear();
        transport.stop();
      }
    }
    while (!next.empty() && transport.start(*next.front())) {
      next.pop_front();
      ++in_flight;
    }
    const bool got = transport.poll([&](TrialChunk&& c) {
      if (c.outcome) --in_flight;
      deliver(std::move(c));
    });
    if (in_flight == 0 && next.empty()) break;
    if (!got) transport.wait(std::chrono::milliseconds(1));
  }
  writer.finish();
  if (writer.failed() && report.write_failure.empty()) report.write_failure = writer.failure();  // in the last commit
  progress.finish();
  std::sort(report.failures.begin(), report.failures.end());
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

}  // namespace lrlab
