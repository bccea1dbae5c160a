#pragma once
// Minibatches: which training examples update `step` uses.
//
// Each epoch visits the training set in a fresh random order, cut into consecutive batches of
// `batch_size` (PyTorch's DataLoader(shuffle=True, drop_last=...)). The last batch of an epoch is
// smaller when batch_size does not divide n, or is dropped with drop_last, so that
//   steps_per_epoch = ceil(n / batch_size)   or   floor(n / batch_size) with drop_last.
// The order of epoch e is a pure function of the trial seed and e (a shuffle by
// Rng(derive_seed(derive_seed(seed, streams::batches), e))), not of how many batches were drawn
// before: a step's batch is the same whoever asks and however often, which makes gradients
// checkable by finite differences and resumption exact. The cached order of the current epoch is
// not state for checkpoints: a fresh object asked for the same step computes the same order.
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include <lrlab/random.hpp>

namespace lrlab::tasks {

class Minibatches {
 public:
  // Requires n >= 1, batch_size >= 1 and, with drop_last, batch_size <= n.
  Minibatches(std::size_t n, std::size_t batch_size, bool drop_last, std::uint64_t trial_seed)
      : n_(n), batch_size_(batch_size), drop_last_(drop_last), seed_(derive_seed(trial_seed, streams::batches)) {}

  std::int64_t steps_per_epoch() const {
    return static_cast<std::int64_t>(drop_last_ ? n_ / batch_size_ : (n_ + batch_size_ - 1) / batch_size_);
  }

  // Indices into the training set of the examples of update `step`.
  std::span<const std::size_t> batch(std::int64_t step) {
    const std::int64_t epoch = step / steps_per_epoch();
    if (epoch != epoch_) {
      order_.resize(n_);
      std::iota(order_.begin(), order_.end(), std::size_t{0});
      Rng rng(derive_seed(seed_, static_cast<std::uint64_t>(epoch)));
      rng.shuffle(std::span<std::size_t>(order_));
      epoch_ = epoch;
    }
    const auto start = static_cast<std::size_t>(step % steps_per_epoch()) * batch_size_;
    return std::span<const std::size_t>(order_).subspan(start, std::min(batch_size_, n_ - start));
  }

 private:
  std::size_t n_, batch_size_;
  bool drop_last_;
  std::uint64_t seed_;
  std::int64_t epoch_ = -1;
  std::vector<std::size_t> order_;
};

}  // namespace lrlab::tasks
