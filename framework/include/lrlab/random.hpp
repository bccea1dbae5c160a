#pragma once
// Rng: the one random number generator of lrlab (xoshiro256**, seeded through splitmix64).
// Written out here rather than taken from <random> because the standard distributions are not
// specified bit for bit: std::normal_distribution differs between libstdc++ and libc++, and lrlab
// promises identical results for the same seed. Streams are derived, never shared: a trial's
// initial parameters, its batch order and its gradient noise each come from
// Rng(derive_seed(trial_seed, stream)), so adding a draw to one cannot shift another.
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>

#include "state.hpp"

namespace lrlab {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for sub-stream `stream` of `seed`: the same inputs always give the same output.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
  splitmix64(s);
  return splitmix64(s);
}

// Well-known stream numbers, so that plugins and core agree without coordination.
namespace streams {
inline constexpr std::uint64_t init = 1;     // initial parameters
inline constexpr std::uint64_t batches = 2;  // minibatch order
inline constexpr std::uint64_t noise = 3;    // gradient noise of synthetic tasks
inline constexpr std::uint64_t split = 4;    // train/validation split (from the experiment seed)
inline constexpr std::uint64_t problem = 5;  // a random problem instance (curvatures, targets)
inline constexpr std::uint64_t search = 6;   // the points of a random search (from the search's seed)
inline constexpr std::uint64_t pbt = 7;      // who copies whom and how they explore (from the PBT search's seed)
}  // namespace streams

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    __uint128_t m = static_cast<__uint128_t>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Standard normal (Marsaglia's polar method; the spare value is kept for the next call).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Its position in the stream, for checkpoints (state.hpp).
  void persist(StateArchive& a) { a(s_[0], s_[1], s_[2], s_[3], spare_, has_spare_); }

  // Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace lrlab
