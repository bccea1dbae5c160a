#include "lrlab/analysis/trajectory_digest.hpp"

#include <cstring>
#include <string>

namespace lrlab::analysis {
namespace {

constexpr std::uint64_t fnv_offset = 14695981039346656037ULL, fnv_prime = 1099511628211ULL;

void feed(std::uint64_t& h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * fnv_prime;
}
void feed_int(std::uint64_t& h, std::int64_t v) { feed(h, &v, sizeof v); }
// A REAL column: a tag byte (0 NULL, 1 a number), then the number's 8 bytes.
void feed_real(std::uint64_t& h, const sqlite::Statement& s, int col) {
  const unsigned char tag = s.is_null(col) ? 0 : 1;
  feed(h, &tag, 1);
  if (tag) {
    const double v = s.real(col);
    feed(h, &v, sizeof v);
  }
}

}  // namespace

std::map<std::int64_t, std::uint64_t> trajectory_digests(const sqlite::Connection& c, std::int64_t experiment) {
  std::map<std::int64_t, std::uint64_t> out;
  // A trial's digest starts at its first row: trials without rows get none.
  const auto digest = [&out](std::int64_t trial) -> std::uint64_t& { return out.try_emplace(trial, fnv_offset).first->second; };
  // One pass over each table, in primary-key order (the digest needs a fixed order of rows).
  sqlite::Statement steps(c, "SELECT trial_id, step, lr, train_loss FROM steps WHERE trial_id IN "
                             "(SELECT trial_id FROM trials WHERE experiment_id = ?1) ORDER BY trial_id, step");
  steps.bind(1, experiment);
  while (steps.step()) {
    std::uint64_t& h = digest(steps.int64(0));
    feed(h, "s", 1);  // which table: a steps row never reads as an evals row
    feed_int(h, steps.int64(1));
    feed_real(h, steps, 2);
    feed_real(h, steps, 3);
  }
  sqlite::Statement evals(c, "SELECT trial_id, step, metric, value FROM evals WHERE trial_id IN "
                             "(SELECT trial_id FROM trials WHERE experiment_id = ?1) ORDER BY trial_id, step, metric");
  evals.bind(1, experiment);
  while (evals.step()) {
    std::uint64_t& h = digest(evals.int64(0));
    feed(h, "e", 1);
    feed_int(h, evals.int64(1));
    const std::string metric = evals.text(2);
    feed_int(h, static_cast<std::int64_t>(metric.size()));
    feed(h, metric.data(), metric.size());
    feed_real(h, evals, 3);
  }
  return out;
}

}  // namespace lrlab::analysis
