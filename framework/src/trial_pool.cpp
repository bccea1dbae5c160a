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

void TrialPool::submit(std::function<void()> f) {
  ++running_;
  arena_.enqueue([this, f = std::move(f)] {
    f();
    --running_;
  });
}

void TrialPool::wait() const {
  while (running_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace lrlab
