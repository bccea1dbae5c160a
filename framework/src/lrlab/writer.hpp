#pragma once
// The writer: the only code that writes a results database during a sweep. It runs on a thread
// of its own, drains whatever chunks are queued and commits them in one transaction, so commits
// batch themselves under load and the database never says "database is locked". The queue is
// bounded, which keeps memory flat: a producer that outruns the writer waits for it.
#include <exception>
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
  // Writes what is queued and ends the thread; rethrows the first database error.
  void finish();

 private:
  void loop();
  Store& store_;
  Progress& progress_;
  tbb::concurrent_bounded_queue<std::optional<TrialChunk>> queue_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace lrlab
