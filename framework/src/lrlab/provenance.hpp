#pragma once
// Where and when, as lrlab records them (experiments, runs, the writer lock): the host's name and
// the time in UTC, ISO 8601.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>

namespace lrlab {

inline std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

}  // namespace lrlab
