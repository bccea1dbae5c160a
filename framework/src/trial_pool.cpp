#include "lrlab/trial_pool.hpp"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace lrlab {

int resolved_jobs(int jobs) { return jobs > 0 ? jobs : tbb::info::default_concurrency(); }

TrialPool::TrialPool(int jobs)
    : limit_(tbb::global_control::max_allowed_parallelism,
             std::max<std::size_t>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism),
                                   static_cast<std::size_t>(std::max(1, jobs)) + 1)),
      arena_(std::max(1, jobs), 0) {}

TrialPool::~TrialPool() { wait(); }

// The work crosses to the worker thread through a queue under a mutex rather than inside the
// oneTBB task: Debian's libtbb.so is not built with ThreadSanitizer, so the hand-over inside it is
// invisible to TSan, which then reports the worker's first read of the work as a race with its
// construction (a false positive). The mutex makes the hand-over one TSan sees; it costs one lock
// per trial. Each enqueued task runs one item; which one does not matter.
void TrialPool::submit(std::function<void()> f) {
  ++running_;
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(f));
  }
  arena_.enqueue([this] {
    std::function<void()> work;
    {
      const std::lock_guard lock(mutex_);
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
    --running_;
  });
}

void TrialPool::wait() const {
  while (running_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace lrlab
