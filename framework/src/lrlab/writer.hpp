#pragma once
// The writer: the only code that writes a results database during a sweep. It runs on a thread
// of its own, drains whatever chunks are queued and commits them in one transaction, so commits
// batch themselves under load and the database never says "database is locked". The queue is
// bounded, which keeps memory flat: a producer that outruns the writer waits for it. After the
// first failed commit (a full disk, an I/O error) it writes nothing more: that transaction is
// rolled back whole, what was committed before stays, and failed() tells the scheduler to stop.
#include <atomic>
#include <string>
#include <optional>
#include <thread>

#include <oneapi/tbb/concurrent_queue.h>

#include "lrlab/progress.hpp"
#include "lrlab/store.hpp"

namespace lrlab {

class Writer {
 public:
  Writer(Store& store, Progress& progress, std::size_t capacity);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void push(TrialChunk&& chunk);
  // Whether a commit failed; what the database said.
  bool failed() const { return failed_.load(); }
  std::string failure() const;
  // Writes what is queued (unless a commit failed) and ends the thread.
  void finish();

 private:
  void loop();
  Store& store_;
  Progress& progress_;
  tbb::concurrent_bounded_queue<std::optional<TrialChunk>> queue_;
  std::atomic<bool> failed_{false};
  std::string failure_;  // written once, by the writer thread, before failed_ is set
  std::thread thread_;
};

}  // namespace lrlab
