#include "lrlab/halton.hpp"

#include <cmath>
#include <mutex>
#include <numeric>
#include <vector>

#include "lrlab/random.hpp"

namespace lrlab {

std::uint64_t ScrambledHalton::prime(std::size_t d) {
  static std::mutex mutex;
  static std::vector<std::uint64_t> primes{2};
  const std::lock_guard lock(mutex);
  for (std::uint64_t n = primes.back() + 1; primes.size() <= d; ++n) {
    bool is_prime = true;
    for (std::uint64_t p : primes) {
      if (p * p > n) break;
      if (n % p == 0) {
        is_prime = false;
        break;
      }
    }
    if (is_prime) primes.push_back(n);
  }
  return primes[d];
}

double ScrambledHalton::coordinate(std::uint64_t index, std::size_t dimension) const {
  const std::uint64_t base = prime(dimension);
  // Enough digits for 53 bits of resolution: base^digits >= 2^53.
  const auto digits = static_cast<std::size_t>(std::ceil(53.0 * std::log(2.0) / std::log(static_cast<double>(base))));
  std::vector<std::uint64_t> digit(digits);
  for (std::size_t k = 0; k < digits; ++k) {
    digit[k] = index % base;
    index /= base;
  }
  // sum over k of perm_k(digit_k) / base^(k+1), by Horner's rule from the last digit.
  std::vector<std::uint64_t> perm(base);
  double r = 0.0;
  for (std::size_t k = digits; k-- > 0;) {
    std::uint64_t d = digit[k];
    if (scramble_) {
      std::iota(perm.begin(), perm.end(), std::uint64_t{0});
      Rng rng(derive_seed(derive_seed(seed_, dimension), k));
      rng.shuffle(std::span<std::uint64_t>(perm));
      d = perm[d];
    }
    r = (r + static_cast<double>(d)) / static_cast<double>(base);
  }
  // r < 1 in exact arithmetic; rounding could reach 1.0 only for a digit string of all (base-1).
  return r < 1.0 ? r : std::nextafter(1.0, 0.0);
}

}  // namespace lrlab
