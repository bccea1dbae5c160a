#pragma once
// A fingerprint of each trial's trajectory, to tell configurations that are one configuration
// written twice ({"type": "constant"} and {"type": "constant", "learning_rate": <the default>}):
// their trials are bit-identical, and a ranking that put one above the other would rank noise that
// is not even there.
#include <cstdint>
#include <map>

#include "lrlab/sqlite.hpp"

namespace lrlab::analysis {

// Per trial of the experiment: 64-bit FNV-1a over its steps rows (step, lr, train_loss) in step
// order and its evals rows (step, metric, value) in (step, metric) order, each number by its bits
// (NULL apart from every number). Equal digests mean equal rows, bar a 2^-64 chance per pair.
// A trial without rows has no digest: nothing recorded proves nothing identical.
std::map<std::int64_t, std::uint64_t> trajectory_digests(const sqlite::Connection& c, std::int64_t experiment);

}  // namespace lrlab::analysis
