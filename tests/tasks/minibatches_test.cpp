// Minibatches: every epoch visits each training example once, in an order that is a function of
// the trial seed and the epoch; steps_per_epoch follows ceil / floor with drop_last.
#include <algorithm>
#include <set>

#include "tasks/minibatches.hpp"
#include "task_helpers.hpp"

using lrlab::tasks::Minibatches;

namespace {

std::vector<std::size_t> epoch_order(Minibatches& m, std::int64_t epoch) {
  std::vector<std::size_t> all;
  for (std::int64_t s = 0; s < m.steps_per_epoch(); ++s) {
    const auto b = m.batch(epoch * m.steps_per_epoch() + s);
    all.insert(all.end(), b.begin(), b.end());
  }
  return all;
}

}  // namespace

TEST_CASE("minibatches: steps_per_epoch is ceil(n / b), floor with drop_last", "[minibatches]") {
  CHECK(Minibatches(100, 32, false, 1).steps_per_epoch() == 4);
  CHECK(Minibatches(100, 32, true, 1).steps_per_epoch() == 3);
  CHECK(Minibatches(96, 32, false, 1).steps_per_epoch() == 3);
  CHECK(Minibatches(96, 32, true, 1).steps_per_epoch() == 3);
  CHECK(Minibatches(10, 64, false, 1).steps_per_epoch() == 1);
}

TEST_CASE("minibatches: each epoch is a permutation, the last batch is the remainder", "[minibatches]") {
  Minibatches m(100, 32, false, 9);
  for (std::int64_t e = 0; e < 3; ++e) {
    auto order = epoch_order(m, e);
    CHECK(m.batch(e * 4 + 3).size() == 4);
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> expected(100);
    std::iota(expected.begin(), expected.end(), std::size_t{0});
    CHECK(order == expected);
  }
}

TEST_CASE("minibatches: drop_last leaves out a different remainder each epoch", "[minibatches]") {
  Minibatches m(100, 32, true, 9);
  std::set<std::size_t> seen;
  for (std::int64_t e = 0; e < 6; ++e) {
    const auto order = epoch_order(m, e);
    CHECK(order.size() == 96);
    CHECK(std::set<std::size_t>(order.begin(), order.end()).size() == 96);
    seen.insert(order.begin(), order.end());
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("minibatches: the order is reshuffled every epoch and is a function of seed and epoch", "[minibatches]") {
  Minibatches a(50, 10, false, 3), b(50, 10, false, 3), c(50, 10, false, 4);
  const auto a0 = epoch_order(a, 0), a1 = epoch_order(a, 1);
  CHECK(a0 != a1);
  CHECK(epoch_order(c, 0) != a0);
  // b asked out of order, and twice, still gives a's batches.
  CHECK(epoch_order(b, 1) == a1);
  CHECK(epoch_order(b, 0) == a0);
  const auto s7 = std::vector<std::size_t>(a.batch(7).begin(), a.batch(7).end());
  CHECK(std::vector<std::size_t>(b.batch(7).begin(), b.batch(7).end()) == s7);
}

TEST_CASE("minibatches: the cached order is not state: a fresh object resumes mid-epoch", "[minibatches][checkpoint]") {
  // What a resumed trial does: a new Minibatches, asked first for a step in the middle of an epoch.
  Minibatches running(50, 10, false, 3);
  for (std::int64_t s = 0; s < 7; ++s) running.batch(s);  // into epoch 1, order cached
  Minibatches fresh(50, 10, false, 3);
  for (std::int64_t s = 7; s < 16; ++s) {
    CAPTURE(s);
    const auto a = running.batch(s);
    const auto b = fresh.batch(s);
    CHECK(std::vector<std::size_t>(a.begin(), a.end()) == std::vector<std::size_t>(b.begin(), b.end()));
  }
}
