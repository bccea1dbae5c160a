#include "lrlab/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "lrlab/trial_record.hpp"

namespace lrlab {

Progress::Progress(std::int64_t total, bool enabled)
    : total_(total), enabled_(enabled && isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {
  if (enabled_) draw();
}

void Progress::trial_done(const std::string& s) {
  ++done_;
  if (s == status::failed) ++failed_;
  if (s == status::diverged) ++diverged_;
  const auto now = std::chrono::steady_clock::now();
  if (enabled_ && (now - last_draw_ > std::chrono::milliseconds(200) || done_ == total_)) draw();
}

void Progress::draw() {
  last_draw_ = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  char eta[32] = "?";
  if (rate > 0) std::snprintf(eta, sizeof eta, "%.0fs", static_cast<double>(total_ - done_) / rate);
  std::fprintf(stderr, "\r\033[Klrlab: %lld/%lld trials  %.2f trials/s  ETA %s  %lld failed  %lld diverged",
               static_cast<long long>(done_), static_cast<long long>(total_), rate, eta,
               static_cast<long long>(failed_), static_cast<long long>(diverged_));
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace lrlab
