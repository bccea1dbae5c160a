#pragma once
// Trials on oneTBB threads of this process: the transport of `lrlab run` on one machine, and of
// rank 0's own trials in an MPI sweep. Trial threads queue their chunks (a bounded queue: a trial
// that outruns the scheduler and the writer waits for them); poll() hands them on. It accepts
// twice as many trials as it has threads, so that a thread finishing a trial finds the next one
// queued instead of waiting for the scheduler's next round.
#include <oneapi/tbb/concurrent_queue.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "lrlab/scheduler.hpp"
#include "lrlab/trial_pool.hpp"

namespace lrlab {

class ThreadTransport final : public Transport {
 public:
  // `env.stop` is replaced by the transport's own flag (set by stop()); `jobs` threads, at least
  // one; `capacity`, trials accepted at once (0: 2 per thread).
  ThreadTransport(const TrialEnv& env, int jobs, int capacity = 0);
  ~ThreadTransport() override;

  int slots() const override { return capacity_; }
  bool start(const Work& work) override;
  bool poll(const SendChunk& deliver) override;
  void wait(std::chrono::milliseconds most) override;
  void stop() override { stop_.store(true); }

  // Trials accepted and not yet handed back whole (their outcome polled).
  int in_flight() const { return in_flight_; }
  void set_capacity(int capacity) { capacity_ = capacity; }

 private:
  void push(TrialChunk&& c);
  TrialEnv env_;
  int capacity_;
  int in_flight_ = 0;
  std::atomic<bool> stop_{false};
  tbb::concurrent_bounded_queue<TrialChunk> out_;
  std::mutex mutex_;
  std::condition_variable ready_;
  TrialPool pool_;  // last: destroyed first, waiting for the trials that use the members above
};

}  // namespace lrlab
