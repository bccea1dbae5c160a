#pragma once
// The live progress line of a sweep, on stderr when it is a terminal:
//   lrlab: 14/36 trials  3.1 trials/s  ETA 7s  0 failed
// Redrawn at most five times a second, from the writer thread.
#include <chrono>
#include <cstdint>
#include <string>

namespace lrlab {

class Progress {
 public:
  Progress(std::int64_t total, bool enabled);
  void trial_done(const std::string& status);
  void finish();  // clears the line

 private:
  void draw();
  std::int64_t total_, done_ = 0, failed_ = 0, diverged_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace lrlab
