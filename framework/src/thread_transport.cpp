#include "lrlab/thread_transport.hpp"

#include <algorithm>

namespace lrlab {

ThreadTransport::ThreadTransport(const TrialEnv& env, int jobs, int capacity)
    : env_(env), capacity_(capacity > 0 ? capacity : 2 * std::max(1, jobs)), pool_(jobs) {
  env_.stop = &stop_;
  out_.set_capacity(4 * std::max(1, jobs) + 8);
}

ThreadTransport::~ThreadTransport() {
  // Trials still running (an error in the scheduler): stop them, and keep taking their chunks so
  // that none blocks on a full queue while the pool waits for it.
  stop_.store(true);
  while (pool_.running() > 0) {
    for (TrialChunk c; out_.try_pop(c);) {
    }
    std::this_thread::yield();
  }
}

void ThreadTransport::push(TrialChunk&& c) {
  out_.push(std::move(c));
  std::lock_guard lock(mutex_);
  ready_.notify_one();
}

bool ThreadTransport::start(const Work& work) {
  if (in_flight_ >= capacity_) return false;
  ++in_flight_;
  pool_.submit([this, work] {
    const SendChunk send = [this](TrialChunk&& c) { push(std::move(c)); };
    if (stop_.load()) {
      send(outcome_chunk(work.trial_id, status::interrupted));  // stopped before it began: nothing to build
      return;
    }
    try {
      run_trial(work.trial, work.trial_id, env_, send, work.from.get(), work.until);
    } catch (const std::exception& e) {
      // Only an error outside any trial's code gets here (run_trial reports those as outcomes);
      // the scheduler still waits for this trial's outcome, so it gets one.
      TrialChunk c = outcome_chunk(work.trial_id, status::failed, std::string("internal error: ") + e.what());
      c.outcome->host = env_.host;
      c.outcome->rank = env_.rank;
      send(std::move(c));
    }
  });
  return true;
}

bool ThreadTransport::poll(const SendChunk& deliver) {
  bool any = false;
  for (TrialChunk c; out_.try_pop(c);) {
    any = true;
    if (c.outcome) --in_flight_;
    deliver(std::move(c));
  }
  return any;
}

void ThreadTransport::wait(std::chrono::milliseconds most) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, most, [this] { return !out_.empty(); });
}

}  // namespace lrlab
