#pragma once
// TrialPool: threads that run trials, a oneTBB arena with `jobs` worker slots and none kept for
// the thread that submits (it schedules, or talks MPI). The global limit is raised so that `jobs`
// threads exist even when it exceeds the cores (as --jobs may). A trial runs on one thread from
// start to end, so its numbers never depend on which thread ran it.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>

namespace lrlab {

class TrialPool {
 public:
  explicit TrialPool(int jobs);
  ~TrialPool();  // waits for what was submitted
  TrialPool(const TrialPool&) = delete;
  TrialPool& operator=(const TrialPool&) = delete;

  // Run `f` on one of the pool's threads (queued while all are busy).
  void submit(std::function<void()> f);
  int running() const { return running_.load(); }  // submitted and not yet returned
  void wait() const;

 private:
  tbb::global_control limit_;
  tbb::task_arena arena_;
  std::atomic<int> running_{0};
  // The submitted work, handed to the arena's threads through this queue: see submit().
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
};

// The trial threads `--jobs N` asks for: N, or with 0 as many as oneTBB sees cores.
int resolved_jobs(int jobs);

}  // namespace lrlab
